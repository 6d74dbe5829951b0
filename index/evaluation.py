"""`dossier eval`: passage ranking, answer and abstention figures on question sets, scored by the rules of the
shared sets' READMEs (``../shared/eval/dev``).

Every answerable question is also asked again with its answering articles left out of the search (leave-one-out):
then the library cannot answer it, and the answer must abstain. The answerability decision is applied to the
recorded signals, so the same run can fit the model (``--fit``) or judge one fitted on the other half of the
questions (``--split``).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from index import answerability
from index.errors import InvalidSource
from index.library import Library
from index.types import Answer

MODES = {"hybrid": (1.0, 1.0), "dense": (1.0, 0.0), "keyword": (0.0, 1.0)}
_WORD = re.compile(r"\w+")
Decide = Callable[[answerability.Signals], bool]  # True: answer


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    kind: str
    answers: tuple[tuple[str, str], ...]  # (article key, evidence)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def half(self) -> int:
        """0 or 1, stable across runs: the split mode fits on one half and reports the other."""
        return zlib.crc32(self.id.encode()) % 2


@dataclass(frozen=True, slots=True)
class Result:
    """One question asked once; ranking figures are None for unanswerable questions. ``quote_hit`` and the quote
    counts are what the answer shows when it does not abstain."""

    question: Question
    # abstained before or whatever the answerability model (a name no article mentions, no evidence, an exact check)
    refused: bool
    ranks: tuple[int, ...]  # 1-based ranks of relevant passages in the top 10 (first per answering article)
    quote_hit: bool
    quotes: int
    quotes_from_answering: int
    seconds: float
    signals: answerability.Signals | None = None
    left_out: bool = False  # asked without its answering articles: it must abstain
    first_hit: bool = False  # the first quote shown (the best article's) holds the evidence
    tentative: bool = False  # shown as the closest quotes (``Answer.tentative``: the model's band or the figure check)

    @property
    def first_rank(self) -> int | None:
        return min(self.ranks) if self.ranks else None

    @property
    def should_answer(self) -> bool:
        return self.question.answerable and not self.left_out

    def abstained(self, decide: Decide) -> bool:
        return self.refused or self.signals is None or not decide(self.signals)


def load_questions(path: Path) -> list[Question]:
    """The questions of a set, one JSON object a line: {"id", "question", "kind"?, "answers": [{"article_id",
    "evidence"}]} (no answers: unanswerable). A line that is none, a second use of an id, or a file without any
    question is refused with one line naming the file and the line."""
    out: list[Question] = []
    seen: dict[str, int] = {}
    # Read as bytes, decoded line by line: a line that is no UTF-8 is reported by its number like any bad line.
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = _question(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSource(f"{path}: line {number} is not a question ({exc})") from exc
        if question.id in seen:
            raise InvalidSource(f"{path}: line {number} gives the id {question.id!r} of line {seen[question.id]} again")
        seen[question.id] = number
        out.append(question)
    if not out:
        raise InvalidSource(f"{path} holds no questions")
    return out


def _question(row: object) -> Question:
    if not isinstance(row, dict):
        raise TypeError('a JSON object with "id", "question" and "answers" is expected')
    ident, text, kind, answers = row.get("id"), row.get("question"), row.get("kind", ""), row.get("answers", [])
    if not isinstance(ident, (str, int)) or not str(ident).strip():
        raise ValueError('no "id"')
    if not isinstance(text, str) or not text.strip():
        raise ValueError('no "question" text')
    if not isinstance(kind, str):
        raise TypeError('"kind" must be text')
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        raise TypeError('"answers" must be a list of {"article_id", "evidence"} objects')
    for a in answers:
        for f in ("article_id", "evidence"):
            if not isinstance(a.get(f), (str, int)) or not str(a.get(f)).strip():
                raise ValueError(f'an answer\'s "{f}" is missing or empty')
    pairs = tuple((str(a["article_id"]).strip(), str(a["evidence"])) for a in answers)
    return Question(str(ident).strip(), text, kind, pairs)


def unfounded(
    questions: Sequence[Question], texts: dict[str, str], listed: AbstractSet[str] = frozenset()
) -> list[str]:
    """What no answer could match in the library built from a set (``texts`` by key; ``listed``: the ids its
    articles file gives): gold naming an article the set lacks or the library did not take, or evidence its article
    does not hold. Such a question can only be scored a miss."""
    found: list[str] = []
    for q in questions:
        for key, evidence in q.answers:
            if key in listed and key not in texts:
                found.append(f"question {q.id}: article {key!r} was not added (its line refused, or a copy of another)")
            elif key not in texts:
                found.append(f"question {q.id}: no article {key!r} in the set")
            elif not contains_evidence(texts[key], evidence):
                found.append(f"question {q.id}: the evidence is not in article {key!r}: {evidence[:60]!r}")
    return found


def contains_evidence(text: str, evidence: str) -> bool:
    """At least 60 % of the evidence's words (lower-cased ``\\w+``) occur in the text."""
    wanted = _WORD.findall(evidence.lower())
    present = set(_WORD.findall(text.lower()))
    return bool(wanted) and sum(w in present for w in wanted) >= 0.6 * len(wanted)


def score(question: Question, answer: Answer, keys: dict[int, str], seconds: float, left_out: bool = False) -> Result:
    gold = () if left_out else question.answers
    answering = {key for key, _ in gold}
    ranks: list[int] = []
    credited: set[str] = set()
    for rank, hit in enumerate(answer.passages[:10], start=1):
        key = keys.get(hit.article_id, "")
        if key in credited:
            continue
        if any(key == k and contains_evidence(hit.text, e) for k, e in gold):
            ranks.append(rank)
            credited.add(key)
    hits = [
        any(keys.get(c.article_id) == k and contains_evidence(c.quote, e) for k, e in gold) for c in answer.citations
    ]
    from_answering = sum(keys.get(c.article_id) in answering for c in answer.citations)
    signals = answerability.Signals(**answer.signals) if answer.signals else None
    refused = answer.abstained and (signals is None or answer.exact_refusal)
    return Result(
        question,
        refused,
        tuple(ranks),
        any(hits),
        len(answer.citations),
        from_answering,
        seconds,
        signals,
        left_out,
        bool(hits and hits[0]),
        answer.tentative,
    )


@dataclass
class Figures:
    """Means over a group of results: ranking and quotes over answerable questions, abstention over the rest."""

    n: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr10: float = 0.0
    ndcg10: float = 0.0
    quote_hit: float = 0.0
    first_quote_hit: float = 0.0
    quote_precision: float = 0.0
    answered: float = 0.0
    unanswerable: int = 0
    abstained_unanswerable: int = 0
    left_out: int = 0
    abstained_left_out: int = 0
    abstention_precision: float = 0.0
    abstention_recall: float = 0.0

    @classmethod
    def of(cls, results: Sequence[Result], decide: Decide) -> Figures:
        answerable = [r for r in results if r.should_answer]
        unanswerable = [r for r in results if not r.question.answerable]
        left_out = [r for r in results if r.left_out]
        fig = cls(n=len(results) - len(left_out), unanswerable=len(unanswerable), left_out=len(left_out))
        fig.abstained_unanswerable = sum(r.abstained(decide) for r in unanswerable)
        fig.abstained_left_out = sum(r.abstained(decide) for r in left_out)
        abstained = [r for r in results if r.abstained(decide)]
        negatives = len(unanswerable) + len(left_out)
        correct = fig.abstained_unanswerable + fig.abstained_left_out
        fig.abstention_precision = correct / len(abstained) if abstained else 1.0
        fig.abstention_recall = correct / negatives if negatives else 1.0
        if not answerable:
            return fig
        count = len(answerable)
        for k in (1, 5, 10):
            fig.recall[k] = sum(r.first_rank is not None and r.first_rank <= k for r in answerable) / count
        fig.mrr10 = sum(1 / r.first_rank for r in answerable if r.first_rank) / count
        fig.ndcg10 = sum(_ndcg(r) for r in answerable) / count
        shown = [r for r in answerable if not r.abstained(decide)]
        fig.quote_hit = sum(r.quote_hit for r in shown) / count
        fig.first_quote_hit = sum(r.first_hit for r in shown) / count
        quoted = [r for r in shown if r.quotes]
        fig.quote_precision = sum(r.quotes_from_answering / r.quotes for r in quoted) / len(quoted) if quoted else 0.0
        fig.answered = len(shown) / count
        return fig


def _ndcg(r: Result) -> float:
    ideal_hits = min(10, len({key for key, _ in r.question.answers}))
    ideal = sum(1 / math.log2(i + 1) for i in range(1, ideal_hits + 1))
    return sum(1 / math.log2(rank + 1) for rank in r.ranks) / ideal if ideal else 0.0


@dataclass
class Report:
    """One question set: its results per retrieval mode, and how its library was built."""

    name: str
    results: dict[str, list[Result]]
    articles: int
    passages: int
    ingest_seconds: float | None
    model: str
    decide: Decide
    sure: Decide | None = None  # answers it rejects are shown as the closest quotes (``Model.sure``)

    def figures(
        self, mode: str, kind: str | None = None, half: int | None = None, decide: Decide | None = None
    ) -> Figures:
        rows = [
            r
            for r in self.results[mode]
            if (kind is None or r.question.kind == kind) and (half is None or r.question.half == half)
        ]
        return Figures.of(rows, decide or self.decide)

    def latency_ms(self, mode: str = "hybrid") -> tuple[float, float]:
        ms = sorted(r.seconds * 1000 for r in self.results[mode] if not r.left_out)
        return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def run(library: Library, questions: Sequence[Question], modes: Iterable[str] = MODES) -> dict[str, list[Result]]:
    """Ask every question in every mode (the whole library, ``k=10`` passages); in the first mode, every
    answerable question once more without its answering articles."""
    infos = library.list()
    keys = {a.id: a.key or "" for a in infos}
    ids_of: dict[str, list[int]] = {}
    for a in infos:
        ids_of.setdefault(a.key or "", []).append(a.id)
    library.warm_up()
    out: dict[str, list[Result]] = {}
    for n, mode in enumerate(modes):
        dense_weight, keyword_weight = MODES[mode]
        rows: list[Result] = []
        for q in questions:
            start = time.perf_counter()
            answer = library.ask(
                q.question, collection=None, k=10, dense_weight=dense_weight, keyword_weight=keyword_weight
            )
            rows.append(score(q, answer, keys, time.perf_counter() - start))
            if n == 0 and q.answerable:
                exclude = [i for key, _ in q.answers for i in ids_of.get(key, [])]
                start = time.perf_counter()
                answer = library.ask(q.question, collection=None, k=10, exclude=exclude)
                rows.append(score(q, answer, keys, time.perf_counter() - start, left_out=True))
        out[mode] = rows
    return out


def training_rows(results: Iterable[Result]) -> tuple[list[answerability.Signals], list[bool]]:
    """Signals and labels for fitting: answerable questions answer, unanswerable and left-out ones do not. Those an
    exact check refused are left out: the model's decision does not count for them."""
    rows = [r for r in results if r.signals is not None and not r.refused]
    return [r.signals for r in rows if r.signals is not None], [r.should_answer for r in rows]


def model_decision(model: answerability.Model, threshold: float | None = None) -> Decide:
    t = model.threshold if threshold is None else threshold
    return lambda s: model.probability(s) >= t
