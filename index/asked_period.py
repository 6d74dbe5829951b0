"""Whether the quotes tell of the day, month, quarter or year a question asks about: the refusals for a question
that names one ("on March 17", "in July", "in the third quarter", "in 2023") when its quotes tell only of others,
and the evidence weighed or kept by it. Evidence tells of the asked period only from an article that names
something the question names."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace

from index import abstention, answer_types, asked_figure, days, quarters, years
from index import evidence as scoring
from index.periods import month_names
from index.question import Question
from index.sentences import first_sentence
from index.types import ArticleInfo


def other_days(
    q: Question,
    asked: days.Asked | None,
    judged: list[scoring.Evidence],
    evidence: list[scoring.Evidence],
    texts: dict[int, str],
    infos: dict[int, ArticleInfo],
    searched: int,
) -> str | None:
    """The refusal for a question that names one day (or one month) when its quotes tell of others and no evidence
    sentence tells of the asked one (``days``); ``asked``: the day or month the question names. Evidence tells of
    it only from an article that names something the question names: the October 14 strike on Pilsk is no answer
    for "the attack on Tovarin on October 14" when the only article naming Tovarin tells of October 21."""
    if asked is None:
        return None
    judged, evidence = _naming(q, judged, evidence, texts)
    if not judged:
        return None
    quotes, openings, published = _dated(judged, texts, infos)
    if not days.other_than_asked(asked, quotes, openings, published):
        return None
    if days.tells(asked, *_told(evidence, texts, infos)):
        return None  # a sentence of the asked day is among the evidence, if not among the quotes judged
    return abstention.other_days(asked.label(), searched, "days" if asked.day else "months")


def _naming(
    q: Question, judged: list[scoring.Evidence], evidence: list[scoring.Evidence], texts: dict[int, str]
) -> tuple[list[scoring.Evidence], list[scoring.Evidence]]:
    """The quotes and evidence from articles whose opening names something the question names (all of them where
    the question names nothing but its period's month); each article read once."""
    named = replace(q, names=tuple(n for n in q.names if not set(n.casefold().split()) & month_names().keys()))
    if not named.names:
        return judged, evidence
    ids = {e.article_id for e in [*judged, *evidence]}
    naming = {a for a in ids if named.names_in(_head_forms(q, texts[a])) > 0}
    return [e for e in judged if e.article_id in naming], [e for e in evidence if e.article_id in naming]


def other_quarters(
    q: Question,
    part: quarters.Part | None,
    judged: list[scoring.Evidence],
    evidence: list[scoring.Evidence],
    texts: dict[int, str],
    searched: int,
) -> str | None:
    """The refusal for a question that names one quarter (or half) of a year when its quotes tell of others and no
    evidence sentence names the asked one (``quarters``); as for days, evidence tells of it only from an article
    that names something the question names: Brauer Reifen's third quarter is no answer for Veroni Gomme's."""
    if part is None:
        return None
    judged, evidence = _naming(q, judged, evidence, texts)
    quotes = [texts[e.article_id][e.start : e.end] for e in judged]
    openings = [first_sentence(texts[e.article_id]) for e in judged]
    if not quarters.other_than_asked(part, quotes, openings):
        return None
    if quarters.tells(part, [texts[e.article_id][e.start : e.end] for e in evidence]):
        return None
    return abstention.other_days(part.label(), searched, part.unit())


def _head_forms(q: Question, text: str) -> AbstractSet[str]:
    return q.capitalised_forms(text[: scoring.ARTICLE_HEAD])


def _dated(
    evidence: Sequence[scoring.Evidence], texts: dict[int, str], infos: dict[int, ArticleInfo]
) -> tuple[list[str], list[str], list[str]]:
    """The evidence sentences, their articles' openings (datelines) and dates."""
    sentences = [texts[e.article_id][e.start : e.end] for e in evidence]
    openings = [texts[e.article_id][: days.DATELINE_CHARS] for e in evidence]
    published = [infos[e.article_id].published or "" if e.article_id in infos else "" for e in evidence]
    return sentences, openings, published


def _told(
    evidence: Sequence[scoring.Evidence], texts: dict[int, str], infos: dict[int, ArticleInfo]
) -> tuple[list[str], list[str]]:
    sentences, openings, published = _dated(evidence, texts, infos)
    return [*sentences, *openings], published


def by_day(
    evidence: list[scoring.Evidence], asked: days.Asked, texts: dict[int, str], infos: dict[int, ArticleInfo]
) -> list[scoring.Evidence]:
    """The evidence in order after the sentences that tell only of other days than the asked one, with their
    article's dateline and date (``days.other_than_asked``), are weighed down: "on March 12" puts the March 12
    attack's count before the March 3 one's."""

    def weighed(e: scoring.Evidence) -> scoring.Evidence:
        other = days.other_than_asked(asked, *_dated([e], texts, infos))
        return replace(e, score=e.score * days.OTHER_DAY_WEIGHT) if other else e

    return sorted(map(weighed, evidence), key=lambda e: -e.score)


def of_year(
    scored: scoring.Scored,
    year: int,
    asked_day: days.Asked | None,
    texts: dict[int, str],
    infos: dict[int, ArticleInfo],
) -> scoring.Scored:
    """The evidence without the sentences about another year than the asked one: those that place themselves there
    (``years.another_year``), and those of an article of another year that never names the asked one
    (``years.another_years_article``) unless they place themselves in it ("last year") or the article looks back
    on it (``years.looks_back``); of those, never one that tells of the day or month a question names with its
    year ("on October 14, 2030" over a 2031 article's "PILSK, October 14 - …"): by naming it, or by its article's
    dateline or date."""
    published = {a: infos[a].published or "" for a in texts}
    other = {a for a in texts if years.another_years_article(texts[a], year, published[a])}

    def of_year(e: scoring.Evidence) -> bool:
        sentence, date = texts[e.article_id][e.start : e.end], published[e.article_id]
        if e.article_id in other:
            opening = texts[e.article_id][: days.DATELINE_CHARS]
            if asked_day is not None and days.tells(asked_day, [sentence, opening], [date]):
                return False
            if not years.looks_back(year, date) and not years.in_year(sentence, year, date):
                return False
        return not years.another_year(sentence, year, date)

    def kept(evidence: list[scoring.Evidence]) -> list[scoring.Evidence]:
        return [e for e in evidence if of_year(e)]

    return replace(scored, shown=kept(scored.shown), judged=kept(scored.judged))


def counted(q: Question, texts: dict[int, str], evidence: list[scoring.Evidence]) -> bool:
    """A sentence of the evidence counts what a how-many question asks; one that asks people, any count in a
    sentence of what they did ("killing four port workers" for "how many people were killed")."""
    people = abstention.asks_people(q)

    def counts(sentence: str) -> bool:
        if asked_figure.gives_asked_figure(sentence, q):
            return True
        return people and answer_types.has_count(sentence) and bool(q.event & q.forms(sentence))

    return any(counts(texts[e.article_id][e.start : e.end]) for e in evidence)
