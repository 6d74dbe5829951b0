"""The day or month a question sets its facts in, and quotes that tell of another — as ``years`` does for years.

Asked "How many drones did Karsova launch at Kalvest on March 17?", quotes of the March 3 and March 12 attacks count
other days' drones: the library has no answer, however close their words. A question that names one day ("on March
17", "the 20 March exchange") or one month ("in March") is refused when its quotes name other days or months and
none of them, their articles' openings (a dateline: "TESSALIN, March 12") or their publication dates tells of the
asked one. A quote that names no date leaves the question to the answerability model: "on Tuesday" in an article
of that week may tell of the day.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from index.periods import month_of, month_pattern
from index.question import Asks, Question

# An article published this many days after the asked day may tell of it without naming it ("overnight").
REPORTED_WITHIN_DAYS = 2
# A sentence that tells only of other days than the asked one ranks as if it were this much less relevant.
OTHER_DAY_WEIGHT = 0.5
# Where an article's opening names its date (a dateline: "TESSALIN, March 12 (Northbridge Wire) -").
DATELINE_CHARS = 300


@dataclass(frozen=True, slots=True)
class Asked:
    month: int
    day: int | None = None  # None: the whole month

    def label(self) -> str:
        name = date(2000, self.month, 1).strftime("%B")
        return f"{name} {self.day}" if self.day else name


def asked(question: str, q: Question) -> Asked | None:
    """The one day, else the one month, the question names; None for none or several, and for a question that asks
    when (its answer is a date)."""
    if Asks.DATE in q.asks or Asks.DAY in q.asks:
        return None
    days = named_days(question)
    if days:
        return Asked(*next(iter(days))) if len(days) == 1 else None
    months = named_months(question)
    return Asked(next(iter(months))) if len(months) == 1 else None


def named_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of each calendar day the text names: "March 17", "17 March", "17. März", "17 марта"."""
    found = set()
    for m in _day_and_month().finditer(text):
        month = month_of(m.group("before") or m.group("after"))
        day = int(m.group("day1") or m.group("day2"))
        if month and 1 <= day <= 31:
            found.add((month, day))
    return found


def named_months(text: str) -> set[int]:
    """The months the text names ("in March", "March 17", "im März")."""
    return {n for m in month_pattern().finditer(text) if (n := month_of(m.group(1)))}


def other_than_asked(asked: Asked, texts: Sequence[str], published: Sequence[str]) -> bool:
    """The texts (quotes and their articles' openings) name other days (months) and none tells of the asked one,
    nor was any of their articles (``published``: ISO dates) published on it or within REPORTED_WITHIN_DAYS."""
    if tells(asked, texts, published):
        return False
    if asked.day is None:
        return any(named_months(t) for t in texts)
    return any(named_days(t) for t in texts)


def tells(asked: Asked, texts: Sequence[str], published: Sequence[str]) -> bool:
    """A text names the asked day (month), or an article was published on it (within REPORTED_WITHIN_DAYS)."""
    if asked.day is None:
        return any(asked.month in named_months(t) for t in texts) or any(
            _month_of_iso(p) == asked.month for p in published
        )
    return any((asked.month, asked.day) in named_days(t) for t in texts) or any(_reports(p, asked) for p in published)


def _reports(published: str, asked: Asked) -> bool:
    try:
        when = date.fromisoformat(published[:10])
        day = date(when.year, asked.month, asked.day or 1)
    except ValueError:
        return False
    return 0 <= (when - day).days <= REPORTED_WITHIN_DAYS


def _month_of_iso(published: str) -> int | None:
    return int(published[5:7]) if re.match(r"\d{4}-\d{2}-", published) else None


@functools.cache
def _day_and_month() -> re.Pattern[str]:
    months = month_pattern().pattern.removeprefix("(?<!\\w)(").removesuffix(")(?!\\w)")
    day = r"(?:[12]?\d|3[01])"
    return re.compile(
        rf"(?<![\w.,])(?P<day1>{day})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<after>{months})(?!\w)"
        rf"|(?<!\w)(?P<before>{months})\s+(?P<day2>{day})(?:st|nd|rd|th)?(?![\w,.]?\d)",
        re.IGNORECASE,
    )
