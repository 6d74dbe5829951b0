"""The one-line "not found" messages: what the library lacks, in words a reader can act on.

Whether to abstain is decided by the answerability model (``index.answerability``) and by four exact checks: a
question with nothing to look for, a name no article mentions in any form, a calendar date asked for where no quote
gives one, and a figure asked for in English where no quote counts what it asks about.
"""

from __future__ import annotations

from collections.abc import Sequence

from index import answer_types
from index.question import Asks, Question
from index.terms import has_date, has_time


def too_old(since: str, newest: str) -> str:
    """No article is recent enough (undated ones would have been searched)."""
    newest_note = f" (the newest is from {newest})" if newest else ""
    return f"Not found: no article was published since {since}{newest_note}."


def nothing_to_look_for(searched: int) -> str:
    """The question has no content word, name or figure ("Why?", "Who said it?"): whatever the articles say, it
    cannot be checked against the question."""
    return f"Not found: the question names nothing to look for in the {searched} articles; say what it is about."


def unknown_names(names: Sequence[str], searched: int) -> str:
    return f"Not found: none of the {searched} articles mentions {', '.join(names)}."


def missing_day(q: Question, quotes: Sequence[str], searched: int) -> str | None:
    """A question for a calendar date is not answered by quotes without one ("on Wednesday" is no date)."""
    if Asks.DAY in q.asks and not any(has_date(x, q.known) for x in quotes):
        return f"Not found: none of the {searched} articles searched gives that date."
    return None


def missing_figure(q: Question, figure: float, searched: int) -> str | None:
    """A how-many question in English is not answered by quotes that count nothing it asks about (the ``figure``
    signal at 0: no quote in its language counts the asked noun for the asked event, none in another gives a
    figure): "How many passengers were injured when the plane collided…?" by "all 379 passengers escaped". Only a
    question that asks "how many / how much / what number…" of a plural noun: "what equipment losses were
    reported?" names a kind "32 tanks" counts one of, "how many wounded…" is answered by "500 people". Other
    languages' figures are read without their grammar ("30 Mrd. Kronen", "11.800 weitere"): there the signal only
    weighs in the model."""
    if figure == 0.0 and q.count and q.plural_head and q.lang == "en":
        return f"Not found: none of the {searched} articles searched gives that figure."
    return None


def not_found(q: Question, quotes: Sequence[str], searched: int) -> str:
    """The most specific reason the quotes do not answer: the asked figure or date is missing, or nothing fits."""
    if Asks.FIGURE in q.asks and q.focus and not any(answer_types.gives_asked_figure(x, q) for x in quotes):
        return f"Not found: none of the {searched} articles searched gives that figure."
    if Asks.DAY in q.asks and not any(has_date(x, q.known) for x in quotes):
        return f"Not found: none of the {searched} articles searched gives that date."
    if Asks.DATE in q.asks and not any(has_time(x, q.known) for x in quotes):
        return f"Not found: none of the {searched} articles searched gives that date."
    return f"Not found: nothing in the {searched} articles searched answers this question."
