"""The year a question asks about, and the quotes that say they are about another.

Asked "How much coal did the company produce in 2023?", a 2025 article's "produced 7.3 million tonnes last year"
gives 2024's output: a figure of another year, not the answer. Only a sentence that places itself by a phrase
relative to its article's date ("last year", "this year", "cette année"; ``data/periods.json``) and names no year
is judged: one that names years may compare ("1,624 road deaths, down from 1,711 in 2023" in a January 2025
article answers for 2024), and one that names none may tell of the asked year in a later article.
"""

from __future__ import annotations

import functools
import re

from index.asked_kind import Asks
from index.periods import relative_years, span_words
from index.question import Question

_YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,.]\d)")
# "2022-23", "2023/24", "FY2024": a season or a financial year spans two calendar years.
_SPANNING = re.compile(r"(?:19|20)\d\d\s*[-–/]\s*\d{2,4}\b|\bFY\s?\d{2,4}\b", re.IGNORECASE)
_CLOCK = re.compile(r"\s*(?:GMT|UTC|CET|EST|hrs|hours|h)\b", re.IGNORECASE)
_SPAN_CHARS = 20  # how far before a year a span word ("since", "seit") is looked for


def asked(question: str, q: Question) -> int | None:
    """The one year the question sets its facts in ("in 2023", "the 2019 heatwave"); None for several, none, a
    question that asks when (its answer is a time), a season or financial year ("2023/24"), a year after a span
    word ("before", "since 2023") or beside a relative one ("this year, compared with 2022")."""
    if Asks.DATE in q.asks or Asks.DAY in q.asks or _SPANNING.search(question):
        return None
    # "at 2000 GMT" is a time of day, not a year
    found = [m for m in _YEAR.finditer(question) if not _CLOCK.match(question, m.end())]
    if len({m.group(0) for m in found}) != 1:
        return None
    folded = question.casefold()
    if any(_has(folded, phrase) for phrase in relative_years()):
        return None
    for m in found:
        before = folded[max(0, m.start() - _SPAN_CHARS) : m.start()]
        if any(_has(before, w) for w in span_words()):
            return None
    return int(found[0].group(0))


def another_year(sentence: str, year: int, published: str) -> bool:
    """The sentence places itself by a relative phrase in another year than ``year``, and names no year; its
    article was ``published`` (ISO date) in another year than ``year``."""
    own = _year_of(published)
    if own is None or own == year or _YEAR.search(sentence):
        return False
    folded = sentence.casefold()
    placed = {own - back for phrase, back in relative_years().items() if _phrase(phrase).search(folded)}
    return bool(placed) and year not in placed


def another_years_article(text: str, year: int, published: str) -> bool:
    """The article was ``published`` (ISO date) in another year than ``year`` and never names it: news tells of
    its own time, and the days and months it dates events by ("PILSK, October 14 - Kovrania launched 96 drones")
    are of its own year (but see ``looks_back``)."""
    own = _year_of(published)
    return own is not None and own != year and not any(int(m.group(0)) == year for m in _YEAR.finditer(text))


def looks_back(year: int, published: str) -> bool:
    """The article was published early in the year after ``year``, when news reports a year's last days, its
    annual figures and its anniversaries without naming it ("annual net profit rose 12%" in February)."""
    return _year_of(published) == year + 1 and published[5:7].isdigit() and int(published[5:7]) <= REVIEW_MONTHS


REVIEW_MONTHS = 3


def in_year(sentence: str, year: int, published: str) -> bool:
    """The sentence places itself in ``year`` by a phrase relative to its article's date ("last year")."""
    own = _year_of(published)
    folded = sentence.casefold()
    return own is not None and any(
        own - back == year for phrase, back in relative_years().items() if _phrase(phrase).search(folded)
    )


def _year_of(published: str) -> int | None:
    return int(published[:4]) if re.match(r"(?:19|20)\d\d-", published) else None


def _has(text: str, phrase: str) -> bool:
    return _phrase(phrase).search(text) is not None


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    """A word or phrase as a whole ("this year", not "this yearly")."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
