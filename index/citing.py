"""An answer's quotes as shown: the first page (or a later one), the other outlets' counts that join it, wire
copies, numbered sources, and the figures side by side."""

from __future__ import annotations

from dataclasses import dataclass

from index import answer as answering
from index.other_counts import add_other_counts
from index.question import Question
from index.types import ArticleInfo, Citation, FigureEntry


@dataclass(frozen=True, slots=True)
class Cited:
    citations: list[Citation]
    figures: dict[str, list[FigureEntry]]


def cite(
    q: Question,
    first: list[answering.Evidence],
    unique: list[answering.Evidence],
    evidence: list[answering.Evidence],
    texts: dict[int, str],
    infos: dict[int, ArticleInfo],
    page: int,
    max_quotes: int,
    newest_first: bool,
) -> Cited | None:
    """The citations of page ``page`` (0: ``first``, the first page's quotes), None past the last page. ``unique``:
    the evidence sentences best first, wire copies set aside; ``evidence``: all of them, where the copies are found."""
    quotes = add_other_counts(first, unique, texts, q)
    if page:
        # The first page as shown: its quotes and the other outlets' counts that joined them.
        joined = [e for e in quotes if e not in first]
        selected = answering.select_quotes(unique, max_quotes, texts=texts)
        shown = answering.merge_adjacent([*selected, *joined], texts)
        for _ in range(page):
            # Completing a quotation can widen a quote into one already shown: drop those.
            widened = answering.merge_adjacent(answering.later_page(unique, shown, max_quotes, texts), texts)
            quotes = [e for e in widened if not answering.overlaps(e, shown)]
            shown = [*shown, *quotes]
        if not quotes:
            return None
        quotes = answering.complete_answers(quotes, texts, q)
    quotes = answering.add_syndicated(quotes, evidence, texts, q)
    citations = answering.build_citations(answering.merge_adjacent(quotes, texts), infos, texts, q, newest_first)
    return Cited(citations, answering.compare_figures(citations, texts, q) if citations else {})
