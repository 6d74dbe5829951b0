"""`dossier eval`: passage ranking and answer figures on a question set, for hybrid, dense-only and
keyword-only retrieval in one run. Scoring follows the dev set's README (``../shared/eval/dev``)."""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import InvalidSource
from index.library import Library
from index.types import Answer

MODES = {"hybrid": (1.0, 1.0), "dense": (1.0, 0.0), "keyword": (0.0, 1.0)}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    kind: str
    answers: tuple[tuple[str, str], ...]  # (article key, evidence)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True, slots=True)
class Result:
    """One question's figures in one mode; ranking figures are None for unanswerable questions."""

    question: Question
    abstained: bool
    ranks: tuple[int, ...]  # 1-based ranks of relevant passages in the top 10 (first per answering article)
    quote_hit: bool
    quotes: int
    quotes_from_answering: int
    seconds: float

    @property
    def first_rank(self) -> int | None:
        return min(self.ranks) if self.ranks else None


def load_questions(path: Path) -> list[Question]:
    out: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers = tuple((str(a["article_id"]), str(a["evidence"])) for a in row.get("answers", []))
            out.append(Question(str(row["id"]), str(row["question"]), str(row.get("kind", "")), answers))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSource(f"{path}: line {number} is not a question ({exc})") from exc
    return out


def contains_evidence(text: str, evidence: str) -> bool:
    """At least 60 % of the evidence's words (lower-cased ``\\w+``) occur in the text."""
    wanted = _WORD.findall(evidence.lower())
    present = set(_WORD.findall(text.lower()))
    return bool(wanted) and sum(w in present for w in wanted) >= 0.6 * len(wanted)


def score(question: Question, answer: Answer, keys: dict[int, str], seconds: float) -> Result:
    gold = question.answers
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
    quote_hit = any(
        any(keys.get(c.article_id) == k and contains_evidence(c.quote, e) for k, e in gold) for c in answer.citations
    )
    from_answering = sum(keys.get(c.article_id) in answering for c in answer.citations)
    return Result(question, answer.abstained, tuple(ranks), quote_hit, len(answer.citations), from_answering, seconds)


@dataclass
class Figures:
    """Means over a group of results (answerable questions for ranking and quotes)."""

    n: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr10: float = 0.0
    ndcg10: float = 0.0
    quote_hit: float = 0.0
    quote_precision: float = 0.0
    answered: float = 0.0
    unanswerable: int = 0
    abstained_unanswerable: int = 0

    @classmethod
    def of(cls, results: Sequence[Result]) -> Figures:
        answerable = [r for r in results if r.question.answerable]
        unanswerable = [r for r in results if not r.question.answerable]
        fig = cls(n=len(results), unanswerable=len(unanswerable))
        fig.abstained_unanswerable = sum(r.abstained for r in unanswerable)
        if not answerable:
            return fig
        count = len(answerable)
        for k in (1, 5, 10):
            fig.recall[k] = sum(r.first_rank is not None and r.first_rank <= k for r in answerable) / count
        fig.mrr10 = sum(1 / r.first_rank for r in answerable if r.first_rank) / count
        fig.ndcg10 = sum(_ndcg(r) for r in answerable) / count
        fig.quote_hit = sum(r.quote_hit for r in answerable) / count
        quoted = [r for r in answerable if r.quotes]
        fig.quote_precision = sum(r.quotes_from_answering / r.quotes for r in quoted) / len(quoted) if quoted else 0.0
        fig.answered = sum(not r.abstained for r in answerable) / count
        return fig


def _ndcg(r: Result) -> float:
    ideal_hits = min(10, len({key for key, _ in r.question.answers}))
    ideal = sum(1 / math.log2(i + 1) for i in range(1, ideal_hits + 1))
    return sum(1 / math.log2(rank + 1) for rank in r.ranks) / ideal if ideal else 0.0


@dataclass
class Report:
    results: dict[str, list[Result]]
    articles: int
    passages: int
    ingest_seconds: float | None
    model: str

    def figures(self, mode: str, kind: str | None = None) -> Figures:
        rows = self.results[mode]
        return Figures.of([r for r in rows if kind is None or r.question.kind == kind])

    def latency_ms(self, mode: str = "hybrid") -> tuple[float, float]:
        ms = sorted(r.seconds * 1000 for r in self.results[mode])
        return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def run(library: Library, questions: Sequence[Question], modes: Iterable[str] = MODES) -> dict[str, list[Result]]:
    """Ask every question in every mode (the whole library, ``k=10`` passages)."""
    keys = {a.id: a.key or "" for a in library.list()}
    library.warm_up()
    out: dict[str, list[Result]] = {}
    for mode in modes:
        dense_weight, keyword_weight = MODES[mode]
        rows: list[Result] = []
        for q in questions:
            start = time.perf_counter()
            answer = library.ask(
                q.question, collection=None, k=10, dense_weight=dense_weight, keyword_weight=keyword_weight
            )
            rows.append(score(q, answer, keys, time.perf_counter() - start))
        out[mode] = rows
    return out


def _row(label: str, values: Sequence[str]) -> str:
    return f"{label:<30}" + "".join(f"{v:>10}" for v in values)


def render(report: Report) -> str:
    """The figures as a text table: modes side by side, then hybrid per question kind."""
    modes = list(report.results)
    figs = {m: report.figures(m) for m in modes}
    built = (
        f"built in {report.ingest_seconds:.1f} s, {report.passages / report.ingest_seconds:.1f} passages/s"
        if report.ingest_seconds
        else "reused"
    )
    any_rows = next(iter(report.results.values()))
    answerable = sum(r.question.answerable for r in any_rows)
    lines = [
        f"library: {report.articles} articles, {report.passages} passages ({built}); model {report.model}",
        f"questions: {len(any_rows)} ({answerable} answerable, {len(any_rows) - answerable} unanswerable)",
        "",
        _row("", modes),
    ]
    for k in (1, 5, 10):
        lines.append(_row(f"recall@{k}", [f"{figs[m].recall.get(k, 0):.3f}" for m in modes]))
    lines.append(_row("MRR@10", [f"{figs[m].mrr10:.3f}" for m in modes]))
    lines.append(_row("nDCG@10", [f"{figs[m].ndcg10:.3f}" for m in modes]))
    lines.append(_row("quote hit", [f"{figs[m].quote_hit:.3f}" for m in modes]))
    lines.append(_row("quote precision", [f"{figs[m].quote_precision:.3f}" for m in modes]))
    lines.append(_row("answered (answerable)", [f"{figs[m].answered:.3f}" for m in modes]))
    lines.append(
        _row("abstained (unanswerable)", [f"{figs[m].abstained_unanswerable}/{figs[m].unanswerable}" for m in modes])
    )
    lines.append(_row("ask p50 / p95 ms", ["{:.0f}/{:.0f}".format(*report.latency_ms(m)) for m in modes]))
    lines += ["", f"{modes[0]} by kind:", _row("kind (n)", ["recall@5", "nDCG@10", "quote hit", "answered"])]
    for kind in sorted({r.question.kind for r in any_rows}):
        f = report.figures(modes[0], kind)
        if f.n == f.unanswerable:
            lines.append(_row(f"{kind} ({f.n})", ["", "", "", f"abst {f.abstained_unanswerable}/{f.n}"]))
        else:
            values = [f"{f.recall[5]:.3f}", f"{f.ndcg10:.3f}", f"{f.quote_hit:.3f}", f"{f.answered:.3f}"]
            lines.append(_row(f"{kind} ({f.n})", values))
    return "\n".join(lines)


def misses(results: Sequence[Result]) -> str:
    """One line per question that missed: no relevant passage in the top 5, no quote hit, or a wrong abstention."""
    lines = []
    for r in results:
        q = r.question
        if q.answerable:
            problems = [
                "not in top 5" if not r.first_rank or r.first_rank > 5 else "",
                "no quote hit" if not r.quote_hit else "",
                "abstained" if r.abstained else "",
            ]
        else:
            problems = ["answered" if not r.abstained else ""]
        if any(problems):
            lines.append(f"{q.id} {q.kind:<12} {', '.join(p for p in problems if p):<38} {q.question[:80]}")
    return "\n".join(lines)


def as_json(report: Report) -> dict[str, object]:
    out: dict[str, object] = {
        "articles": report.articles,
        "passages": report.passages,
        "ingest_passages_per_s": report.passages / report.ingest_seconds if report.ingest_seconds else None,
        "model": report.model,
    }
    for mode in report.results:
        f = report.figures(mode)
        p50, p95 = report.latency_ms(mode)
        out[mode] = {
            "recall@1": f.recall.get(1),
            "recall@5": f.recall.get(5),
            "recall@10": f.recall.get(10),
            "mrr@10": f.mrr10,
            "ndcg@10": f.ndcg10,
            "quote_hit": f.quote_hit,
            "quote_precision": f.quote_precision,
            "answered_when_answerable": f.answered,
            "abstained_when_unanswerable": f"{f.abstained_unanswerable}/{f.unanswerable}",
            "ask_ms_p50": p50,
            "ask_ms_p95": p95,
        }
    return out
