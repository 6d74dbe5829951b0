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

from index.periods import relative_years, span_words
from index.question import Asks, Question

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
    if not re.match(r"(?:19|20)\d\d-", published) or _YEAR.search(sentence):
        return False
    if int(published[:4]) == year:
        return False
    placed = _placed(sentence, published)
    return bool(placed) and year not in placed


def _placed(sentence: str, published: str) -> set[int]:
    """The years the sentence places itself in by relative phrases ("last year" in a 2025 article: 2024)."""
    own, folded = int(published[:4]), sentence.casefold()
    return {own - back for phrase, back in relative_years().items() if _phrase(phrase).search(folded)}


def another_years_article(text: str, year: int, published: str) -> bool:
    """The article was ``published`` (ISO date) in another year than ``year`` and never names it: news tells of
    the days around its date, so its sentences ("PILSK, October 14 - Kovrania launched 96 drones") are of its own
    year, not of the asked one ("How many drones … on October 14, 2030?" over a 2031 article), unless one places
    itself there ("last year", see ``in_year``)."""
    if not re.match(r"(?:19|20)\d\d-", published) or int(published[:4]) == year:
        return False
    return not any(int(m.group(0)) == year for m in _YEAR.finditer(text))


def in_year(sentence: str, year: int, published: str) -> bool:
    """The sentence places itself in ``year`` by a phrase relative to its article's date."""
    return bool(re.match(r"(?:19|20)\d\d-", published)) and year in _placed(sentence, published)


def _has(text: str, phrase: str) -> bool:
    return _phrase(phrase).search(text) is not None


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    """A word or phrase as a whole ("this year", not "this yearly")."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
