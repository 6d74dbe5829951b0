"""Whether the library answers a question: the answerability model's signals over the quotes it is judged on, and
the exact checks that refuse it whatever the model says (a day, a quarter, a speaker, a place, the asked figure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index import abstention, answerability, asked_period, asked_place, days, quarters, said_by
from index import answer as answering
from index import evidence as scoring
from index.question import Question
from index.retrieval import Candidate, rescaled
from index.retrieving import SIGNAL_PASSAGES, opening
from index.store_passages import StoredPassage
from index.types import ArticleInfo
from index.vectors import Searchable

# The evidence sentences, best first, read for the asked figure before a how-many question is refused for lacking it.
FIGURE_EVIDENCE = 10


@dataclass(frozen=True, slots=True)
class Judged:
    """The quotes answerability is judged on (see ``Ranker.judging``) and what the exact checks read beside them."""

    quotes: list[scoring.Evidence]  # the judged quotes, completed to stand alone
    first: list[scoring.Evidence]  # the first page's quotes as shown
    unique: list[scoring.Evidence]  # every evidence sentence, best first, wire copies set aside
    texts: dict[int, str]  # each article's text, by article id
    passages: dict[int, StoredPassage]

    def quote_texts(self) -> list[str]:
        return [self.texts[e.article_id][e.start : e.end] for e in self.quotes]


@dataclass(frozen=True, slots=True)
class Verdict:
    """``refusal``: an exact check's "Not found: …" (None where none refuses); ``unsure``: an answer is shown as the
    closest quotes (the model's band, or a how-many answer that counts nothing asked)."""

    refusal: str | None
    unsure: bool


def signals(
    q: Question,
    query: np.ndarray,
    top: list[Candidate],
    topic_vector: np.ndarray | None,
    confidence: scoring.Confidence,
    judged: Judged,
    weights: tuple[float, ...],
    size: int,
    floor: float,
    vectors: Searchable | None = None,
) -> answerability.Signals:
    """The model's signals. ``topic_vector``: see ``Retriever.topic``; ``vectors``: where the passages' similarity
    with ``query`` is read when it is not the query they were searched with."""
    passages = judged.passages
    head = [c for c in top if c.passage_id in passages][:SIGNAL_PASSAGES]
    texts = [
        passages[c.passage_id].article_text[passages[c.passage_id].char_start : passages[c.passage_id].char_end]
        for c in head
    ]
    # Only the passages evidence is taken from on the first page: the signal must not depend on ``page`` or ``k``.
    evidence = {
        c.passage_id: passages[c.passage_id] for c in top[: scoring.EVIDENCE_PASSAGES] if c.passage_id in passages
    }
    margin = answerability.beyond_topic(query, topic_vector, _quote_vectors(judged.quotes, evidence, query.size), floor)
    ids = [c.passage_id for c in head]
    dense = [c.dense for c in head] if vectors is None else vectors.similarity(query, ids)
    evidence_of = {p.article_id: p for p in passages.values()}
    return answerability.signals(
        q,
        weights=weights,
        ceiling=math.log(size + 1) + 1.0,
        dense=[max(0.0, float(rescaled(d, floor))) for d in dense],
        sentence=confidence.sentence,
        passages=texts,
        quotes=judged.quote_texts(),
        topic_margin=margin,
        heads=[opening(passages[c.passage_id]) for c in head],
        quote_heads=[opening(evidence_of[e.article_id]) if e.article_id in evidence_of else "" for e in judged.quotes],
        quote_articles=[judged.texts.get(e.article_id, "")[: scoring.ARTICLE_HEAD] for e in judged.quotes],
    )


def verdict(
    q: Question,
    judged: Judged,
    infos: dict[int, ArticleInfo],
    asked_day: days.Asked | None,
    tentative: bool,
    searched: int,
) -> Verdict:
    """The exact checks in order, the first that refuses speaking. A how-many answer that counts nothing asked is
    one step less sure: refused where the model is unsure (``tentative``) already, shown as the closest quotes where
    it is sure. A question with no noun to count ("how much will it cost?") is read less surely (any count about
    what it names): only shown as the closest quotes."""
    quoted = judged.quote_texts()
    best = [judged.texts[e.article_id][e.start : e.end] for e in judged.unique[:FIGURE_EVIDENCE]]
    openings = {p.article_id: opening(p) for p in judged.passages.values()}
    heads = [openings.get(e.article_id, "") for e in [*judged.quotes, *judged.unique[:FIGURE_EVIDENCE]]]
    lacks_figure = abstention.lacks_asked_figure(q, quoted, best, heads)
    quotes, unique, texts = judged.quotes, judged.unique, judged.texts
    refusal = (
        abstention.missing_day(q, quoted, searched)
        or asked_period.other_days(q, asked_day, quotes, unique, texts, infos, searched)
        or asked_period.other_quarters(q, quarters.asked(q.text), quotes, unique, texts, searched)
        or _not_of_asked(q, [*quotes, *judged.first], texts, searched, tentative)
    )
    if refusal is None and lacks_figure:
        refusal = abstention.counted_elsewhere(q, [*quoted, *best], heads, searched)
    if refusal is None and lacks_figure and q.focus and tentative:
        refusal = abstention.not_found(q, quoted, searched)
    return Verdict(refusal, lacks_figure or tentative)


def _not_of_asked(
    q: Question, quotes: Sequence[scoring.Evidence], texts: dict[int, str], searched: int, unsure: bool
) -> str | None:
    """The refusal of a question asking someone's words or of a place, where no quote is theirs or of it (see
    ``abstention.not_credited`` and ``abstention.other_places``), and, where the model is ``unsure``, of one whose
    names no quote names (``abstention.unnamed``). Each quote is read with its quotations whole: a quotation's first
    sentence is credited where it closes."""
    places = asked_place.asked(q)
    if q.speaker is None and not places and not (unsure and q.names):
        return None
    whole = dict.fromkeys(answering.complete_quotation(e, texts[e.article_id]) or e for e in quotes)
    read = [said_by.quoted(texts[e.article_id][e.start : e.end], texts[e.article_id], q.lang) for e in whole]
    return (
        abstention.not_credited(q, read, searched)
        or abstention.other_places(q, places, read, searched)
        or (abstention.unnamed(q, read, searched) if unsure else None)
    )


def _quote_vectors(quotes: Sequence[scoring.Evidence], passages: dict[int, StoredPassage], dim: int) -> np.ndarray:
    """The stored vectors of the sentences the quotes span, where a retrieved passage holds them."""
    rows = [
        p.sentence_vectors[i]
        for p in passages.values()
        for e in quotes
        if p.article_id == e.article_id
        for i, (start, end) in enumerate(p.sentences.tolist())
        if e.start <= start and end <= e.end
    ]
    unique = {r.tobytes(): r for r in rows}  # a sentence in two overlapping passages counts once
    return np.stack(list(unique.values())) if unique else np.zeros((0, dim), np.float32)
