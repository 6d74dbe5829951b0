"""The keyword index: FTS5 over stemmed passage text, with a document-frequency table.

Passages are indexed as the stems of their words (the same light stemmer the answer scorer uses), so a
question's stems can be looked up exactly in ``term_df``. A question searches its rarest words first and
stops before the postings it would score pass a budget: bm25 costs time in proportion to the rows that
match, and words that occur in a large share of passages say little about any of them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from index.terms import STOPWORDS, content_terms, index_terms, stem, tokens

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""
POSTINGS_BUDGET = 4000
MAX_TERMS = 8
# A capitalised word inside a question (not its first word), letters only, four or more of them.
_NAME = re.compile(r"(?<=[\s(“\"'‘])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{3,}\b|(?<=[\s(“\"'‘])[A-Z]{4,}\b")


def add(conn: sqlite3.Connection, passage_id: int, text: str) -> None:
    """Index one passage (inside the caller's transaction)."""
    stems = index_terms(text)
    conn.execute("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", (passage_id, " ".join(stems)))
    conn.executemany(
        "INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
        [(t,) for t in set(stems)],
    )


def remove(conn: sqlite3.Connection, passage_ids: Sequence[int]) -> None:
    """Drop passages from the index (inside the caller's transaction)."""
    touched: set[str] = set()
    for pid in passage_ids:
        row = conn.execute("SELECT text FROM passages_fts WHERE rowid = ?", (pid,)).fetchone()
        if row is None:
            continue
        terms = set(str(row[0]).split())
        touched |= terms
        conn.executemany("UPDATE term_df SET df = df - 1 WHERE term = ?", [(t,) for t in terms])
        conn.execute("DELETE FROM passages_fts WHERE rowid = ?", (pid,))
    conn.executemany("DELETE FROM term_df WHERE term = ? AND df <= 0", [(t,) for t in touched])


def match_expression(conn: sqlite3.Connection, question: str) -> str | None:
    """An FTS5 MATCH expression ORing the question's rarest stems within the postings budget."""
    stems = list(dict.fromkeys(stem(t) for t in content_terms(question)))
    if not stems:
        return None
    rows = conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(stems))})", stems).fetchall()
    chosen: list[str] = []
    postings = 0
    for term, df in sorted(rows, key=lambda r: r[1]):
        if postings + df > POSTINGS_BUDGET or len(chosen) >= MAX_TERMS:
            break
        chosen.append(term)
        postings += df
    if not chosen:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in chosen)


def search(conn: sqlite3.Connection, match: str, collection: str | None, limit: int) -> list[tuple[int, float]]:
    """(passage id, bm25 score; higher is better), best first; ``collection=None`` searches everything."""
    if collection is None:
        rows = conn.execute(
            "SELECT rowid, bm25(passages_fts) AS s FROM passages_fts WHERE passages_fts MATCH ? ORDER BY s LIMIT ?",
            (match, limit),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT f.rowid, bm25(passages_fts) AS s FROM passages_fts f JOIN passages p ON p.id = f.rowid"
            " WHERE passages_fts MATCH ? AND p.collection = ? ORDER BY s LIMIT ?",
            (match, collection, limit),
        ).fetchall()
    return [(int(r[0]), -float(r[1])) for r in rows]


def unknown_names(conn: sqlite3.Connection, question: str) -> list[str]:
    """Names the question asks about that no passage contains ("Kerch", "Vuhledar"): a library that never
    mentions them cannot answer. Only for questions mostly in the library's own words, so a question in
    another language (answered through a multilingual model) is never refused this way."""
    names = list(dict.fromkeys(_NAME.findall(" " + question.strip()[1:])))
    if not names:
        return []
    name_words = {n.casefold() for n in names}
    words = [t for t in tokens(question) if t not in name_words]
    wanted = list(dict.fromkeys([stem(t) for t in words] + [stem(n) for n in name_words]))
    known = {
        r[0] for r in conn.execute(f"SELECT term FROM term_df WHERE term IN ({','.join('?' * len(wanted))})", wanted)
    }
    familiar = sum(t in STOPWORDS or stem(t) in known for t in words)
    if not words or familiar < len(words) / 2:
        return []
    return [n for n in names if stem(n.casefold()) not in known]
