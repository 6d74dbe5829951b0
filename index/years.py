"""The year a question asks about, and the quotes that say they are about another.

Asked "How much coal did the company produce in 2023?", a 2025 article's "produced 7.3 million tonnes last year"
gives 2024's output: a figure of another year, not the answer. A sentence speaks of the years it names ("in 2019")
and of those its relative phrases name from its article's date ("last year", "cette année"; ``data/periods.json``);
one that names only other years, in an article of another year, is about another period. A sentence that names no
year is not judged (it may tell of the asked year in a later article), nor is an undated article's.
"""

from __future__ import annotations

import re

from index.periods import relative_years, span_words
from index.question import Asks, Question

_YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,.]\d)")


def asked(question: str, q: Question) -> int | None:
    """The one year the question sets its facts in ("in 2023", "the 2019 heatwave"); None for several, none, a
    question that asks when (its answer is a time), or one that sets a span ("before", "since 2023")."""
    if Asks.DATE in q.asks or Asks.DAY in q.asks:
        return None
    found = {int(m.group(0)) for m in _YEAR.finditer(question)}
    if len(found) != 1:
        return None
    folded = question.casefold()
    if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded) for w in span_words()):
        return None
    return found.pop()


def another_year(sentence: str, year: int, published: str) -> bool:
    """The sentence names years, none of them ``year``, in an article ``published`` (ISO date) in another year."""
    if not re.match(r"(?:19|20)\d\d-", published):
        return False
    own = int(published[:4])
    if own == year:
        return False
    named = {int(m.group(0)) for m in _YEAR.finditer(sentence)}
    folded = sentence.casefold()
    for phrase, back in relative_years().items():
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            named.add(own - back)
    return bool(named) and year not in named
