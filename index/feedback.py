"""Readers' votes on answers (up / down), kept in the library's database, and their export as eval questions.

A vote records the question, the quotes the answer cited (article id and character span) and who voted where; one
vote per reader and answer (voting again changes it). ``dossier feedback export`` turns votes into lines of the
eval question format (``../shared/eval/*/questions.jsonl``), so a reported miss becomes a test question: an up
vote's quotes are its gold evidence; a down vote has none yet and carries what was cited for a reviewer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from index.database import Connection
from index.errors import InvalidSource

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer TEXT NOT NULL,
    voter TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down')),
    question TEXT NOT NULL,
    cited TEXT NOT NULL,
    chat INTEGER,
    at TEXT NOT NULL,
    UNIQUE (answer, voter)
)"""
VERDICTS = ("up", "down")
EVIDENCE_WORDS = 25  # the eval format's longest evidence
Span = tuple[int, int, int]  # article id, start, end


@dataclass(frozen=True, slots=True)
class Vote:
    id: int
    answer: str  # the answer's reference (the bot's key for it)
    voter: str
    verdict: str
    question: str
    cited: tuple[Span, ...]
    chat: int | None
    at: str


def record(
    conn: Connection,
    answer: str,
    voter: str,
    verdict: str,
    question: str,
    cited: Sequence[Span],
    chat: int | None,
) -> None:
    if verdict not in VERDICTS:
        raise InvalidSource(f"a vote is {' or '.join(VERDICTS)}, not {verdict!r}")
    conn.execute(
        "INSERT INTO feedback (answer, voter, verdict, question, cited, chat, at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (answer, voter) DO UPDATE SET verdict = excluded.verdict, at = excluded.at",
        (answer, voter, verdict, question, json.dumps([list(s) for s in cited]), chat, _now()),
    )


def votes(conn: Connection) -> list[Vote]:
    rows = conn.execute(
        "SELECT id, answer, voter, verdict, question, cited, chat, at FROM feedback ORDER BY id"
    ).fetchall()
    return [
        Vote(r[0], r[1], r[2], r[3], r[4], tuple((int(a), int(s), int(e)) for a, s, e in json.loads(r[5])), r[6], r[7])
        for r in rows
    ]


def as_eval_question(vote: Vote, quote: Callable[[Span], tuple[str, str] | None]) -> dict[str, Any]:
    """One eval-format question; ``quote(span)`` gives (article key, quoted text), None for a removed article."""
    quotes = [q for q in (quote(s) for s in vote.cited) if q is not None]
    cited = [{"article_id": key, "evidence": evidence(text)} for key, text in quotes]
    row: dict[str, Any] = {
        "id": f"fb-{vote.id}",
        "question": vote.question,
        "kind": "feedback",
        "answers": cited if vote.verdict == "up" else [],
        "feedback": vote.verdict,
    }
    if vote.verdict == "down":
        row["cited"] = cited  # what the answer quoted, for whoever writes the right evidence (or none)
    row.update(chat=vote.chat, at=vote.at)
    return row


_WORD_END = re.compile(r"\w+")


def evidence(quote: str) -> str:
    """The quote, cut after its 25th word: still an exact substring of the article."""
    ends = [m.end() for m in _WORD_END.finditer(quote)]
    return quote[: ends[EVIDENCE_WORDS - 1]] if len(ends) > EVIDENCE_WORDS else quote


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
