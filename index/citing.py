"""An answer's quotes as shown: the first page (or a later one), the other outlets' counts that join it, wire
copies, numbered sources, the figures side by side, and the passages it lists."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from index import answer as answering
from index import answer_types, asked_figure, claims
from index.asked_kind import Asks
from index.evidence import ARTICLE_HEAD, Evidence
from index.keywords import article_language
from index.other_counts import add_other_counts
from index.question import Question
from index.retrieval import Candidate
from index.store_passages import StoredPassage
from index.types import ArticleInfo, Citation, FigureEntry, PassageHit


@dataclass(frozen=True, slots=True)
class Cited:
    citations: list[Citation]
    figures: dict[str, list[FigureEntry]]


def cite(
    q: Question,
    first: list[Evidence],
    unique: list[Evidence],
    evidence: list[Evidence],
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
    citations = build_citations(answering.merge_adjacent(quotes, texts), infos, texts, q, newest_first)
    return Cited(citations, compare_figures(citations, texts, q) if citations else {})


def build_citations(
    quotes: Sequence[Evidence],
    infos: dict[int, ArticleInfo],
    texts: dict[int, str],
    q: Question,
    newest_first: bool = False,
) -> list[Citation]:
    """Number articles by their best quote (``newest_first``: by publication date, undated last); quotes of one
    article stay together, best first: the first line a reader sees is the one that best answers (first quote hit
    in text order → best first: dev .612 → .694, general .422 → .516). Best is first a quote that carries the kind
    of answer asked, then the higher score: see ``_carried``."""
    carried = {ev: _carried(q, texts[ev.article_id][ev.start : ev.end]) for ev in quotes}
    article_order: list[int] = []
    for ev in sorted(quotes, key=lambda e: (carried[e], e.score), reverse=True):
        if ev.article_id not in article_order:
            article_order.append(ev.article_id)
    if newest_first:
        dated = sorted((a for a in article_order if infos[a].published), key=lambda a: infos[a].published, reverse=True)
        article_order = dated + [a for a in article_order if not infos[a].published]
    citations: list[Citation] = []
    for n, article_id in enumerate(article_order, start=1):
        info = infos[article_id]
        lang = article_language(texts[article_id])
        for ev in sorted(
            (q for q in quotes if q.article_id == article_id), key=lambda e: (not carried[e], -e.score, e.start)
        ):
            quote = texts[article_id][ev.start : ev.end]
            said = claims.claim(quote, lang)
            citations.append(
                Citation(
                    n=n,
                    article_id=article_id,
                    key=info.key,
                    title=info.title,
                    source=info.source,
                    url=info.url,
                    published=info.published,
                    quote=quote,
                    char_start=ev.start,
                    char_end=ev.end,
                    score=round(ev.score, 4),
                    figures=said.figures,
                    attribution=said.attribution,
                    hedge=said.hedge,
                )
            )
    return citations


def _carried(q: Question, quote: str) -> bool:
    """The quote holds the kind of answer asked for, a time, a place, a name or a cause (``answer_types.carries``):
    a quote without it reads as no answer first, whatever its score ("The U.S. Supreme Court has granted Donald Trump
    immunity…" before "The court on July 1 found…" for "On what date did the Supreme Court issue the ruling?").
    Measured over eleven sets, first quote hit: general .500 → .531, probes 11, 13 and 14 +1 each (13: once a
    dateline's day stopped counting), probe 12 −1. Not for figures: the asked noun counted first moved probes 7, 12
    and 15 down 1–2 each, any figure first nothing."""
    return Asks.FIGURE not in q.asks and answer_types.carries(q, quote)  # a dateline carries nothing


CONTEXT_CHARS = 600  # the names this far around a quote say which event its figures measure


def compare_figures(citations: Sequence[Citation], texts: dict[int, str], q: Question) -> dict[str, list[FigureEntry]]:
    """Figures for the same noun of the same event from two or more sources, side by side. Only the quotes with a
    figure whose article's opening and surroundings name as much of what the question names as the best-named of
    them do are compared: a quote shown for its words from another story ("306,000 people" affected by floods in
    Valencia, for "How many people died in Storm Boris?") shares only a word like "Europe" with the asked one, and
    a wrong line-up is worse than none. A question that asks when, where or why is answered by no figure ("At what
    time did the blast occur?" set the mine's depth beside the blast's); one that asks who may be asked of the
    figures ("Which agency gave the count of firefighters?")."""
    if q.asks & {Asks.DATE, Asks.PLACE, Asks.REASON} and Asks.FIGURE not in q.asks:
        return {}
    named = replace(q, names=tuple(n for n in q.names if not set(n.casefold().split()) <= q.period))
    heads: dict[int, AbstractSet[str]] = {}
    items = []
    opening = [texts[c.article_id][:ARTICLE_HEAD] for c in citations]
    asked = asked_figure.asked_figures(q, [(c.quote, c.figures) for c in citations], opening)
    for c, figures in zip(citations, asked, strict=True):
        text = texts[c.article_id]
        around = text[max(0, c.char_start - CONTEXT_CHARS) : c.char_end + CONTEXT_CHARS]
        context = frozenset(w.casefold() for n in answer_types.names(around) for w in n.split())
        share = 1.0
        if named.names:
            if c.article_id not in heads:  # where news names its subject, as the evidence ranker reads it
                heads[c.article_id] = q.capitalised_forms(text[:ARTICLE_HEAD])
            share = named.names_in(heads[c.article_id] | q.capitalised_forms(around))
        credit = c.attribution
        if figures and "\n" in c.quote.strip():  # figures credited as the paragraphs they are in credit them
            own = claims.credit_of(figures, c.quote)
            credit = c.attribution if own is None else own
        claim = claims.Claim(tuple(figures), credit, c.hedge)
        items.append((share, (c.n, c.source, c.published, claim, context)))
    # The best-named quote with a figure sets the bar: one that names the event and counts nothing does not.
    best = max((share for share, item in items if item[3].figures), default=0.0)
    # Quotes that name the asked event share its names, wherever in the article they name it.
    event = frozenset(w.casefold() for n in named.names for w in n.split()) if best > 0 else frozenset()
    return claims.side_by_side([(*item[:4], item[4] | event) for share, item in items if share == best])


def passage_hits(
    candidates: Sequence[Candidate], passages: dict[int, StoredPassage], infos: dict[int, ArticleInfo]
) -> list[PassageHit]:
    hits: list[PassageHit] = []
    for cand in candidates:
        p = passages.get(cand.passage_id)
        if p is None or p.article_id not in infos:
            continue
        info = infos[p.article_id]
        hits.append(
            PassageHit(
                passage_id=p.id,
                article_id=p.article_id,
                key=info.key,
                title=info.title,
                text=p.article_text[p.char_start : p.char_end],
                score=round(cand.score, 6),
                char_start=p.char_start,
                char_end=p.char_end,
            )
        )
    return hits
