"""The day a question sets its facts on, and quotes that tell of another — as ``years`` does for years.

Asked "How many drones did Karsova launch at Kalvest on March 17?", quotes of the March 3 and March 12 attacks count
other days' drones: the library has no answer, however close their words. A question that names one calendar day
("on March 17", "the 20 March exchange") is refused when its quotes name other days, none names it and no evidence
sentence tells of it (names it, or its article's opening or date does); such quotes also rank lower. A day named in
a span ("since March 1", "between 1 and 12 March", "the quarter ended March 31") sets no day. A day is a number
beside a month's full name, written as a name (in English with a capital); a quote that names no day leaves the
question to the answerability model.

A question that names one month without a day ("How many flights did Fennick Air cancel in July?") is read the same
way, leniently, as month names are words too ("Mayo Clinic", "the Field of Mars"): its quotes must name days of
other months ("DUBLIN, September 9") or other months after a preposition ("rose 38 % in August"), and the month
is told of by any word that names it, or an article of that month or the next ("last month" in an August article).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.core import UnknownLocaleError
from babel.dates import get_month_names

from index import speakers
from index.asked_kind import Asks, words_of
from index.language import TOKEN, detect
from index.periods import is_plain_word, month_names, span_words
from index.question import Question

# An article published this many days after the asked day may tell of it without naming it ("Tuesday's protest"):
# within a week a weekday names one day; a week after, "Tuesday" is the day of the article's own dateline.
REPORTED_WITHIN_DAYS = 6
# A sentence that tells only of other days than the asked one ranks as if it were this much less relevant.
OTHER_DAY_WEIGHT = 0.5
# Where an article's opening names its date (a dateline: "TESSALIN, March 12 (Northbridge Wire) -"): it may tell of
# the asked day; it is no sign of another (a story runs days after the events it reports).
DATELINE_CHARS = 300
_SPAN_CHARS = 30  # how far before a day a span word ("since", "between", "ended") is looked for
# Words before a day that make it one end of a span, besides the "before" and "after" words of data/periods.json.
_SPAN = ("between", "from", "to", "by", "through", "till", "ended", "ending", "and", "-", "–")


@dataclass(frozen=True, slots=True)
class Asked:
    month: int
    day: int | None = None  # None: the whole month ("in July")

    def label(self) -> str:
        month = date(2000, self.month, 1).strftime("%B")
        return month if self.day is None else f"{month} {self.day}"


def asked(question: str, q: Question) -> Asked | None:
    """The one calendar day the question names, outside a span; None for none, several or a span, and for a
    question that asks when (its answer is a date)."""
    if Asks.DATE in q.asks or Asks.DAY in q.asks:
        return None
    found = list(_day_and_month().finditer(question))
    days = {d for m in found if (d := _day(m)) is not None}
    if len(days) != 1:
        return None
    m = found[0]
    before = question[max(0, m.start() - _SPAN_CHARS) : m.start()].casefold()
    words = re.findall(r"[\w’'-]+|[-–]", before)
    spans = {w.casefold() for w in span_words()} | set(_SPAN)
    if words and (words[-1] in spans or (len(words) > 1 and words[-2] in spans and words[-1].isdigit())):
        return None
    return Asked(*next(iter(days)))


def asked_month(question: str, q: Question) -> Asked | None:
    """The one month the question names without a day, after a preposition or a determiner of its language ("in
    July", "the July strike", "im Juli"), outside a span ("since July"); None for none or several, and for a
    question that asks when. Not a month: "May I ask…", "What did May tell parliament?"."""
    if Asks.DATE in q.asks or Asks.DAY in q.asks or named_days(question):
        return None
    before_month = speakers.cue_words("places", q.lang) | words_of(q.lang, "determiners")
    spans = {w.casefold() for w in span_words()} | set(_SPAN)
    named: set[int] = set()
    placed = False
    words = list(TOKEN.finditer(question))
    for i, m in enumerate(words):
        month = _month_of(m.group(0))
        if month is None:
            continue
        before = words[i - 1].group(0).casefold() if i else ""
        if before in spans:
            return None  # one end of a span
        named.add(month)
        placed = placed or before in before_month
    return Asked(named.pop()) if placed and len(named) == 1 else None


def named_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of each calendar day the text names: "March 17", "17 March", "17. März", "17 марта"."""
    return {d for m in _day_and_month().finditer(text) if (d := _day(m)) is not None}


def other_than_asked(asked: Asked, quotes: Sequence[str], openings: Sequence[str], published: Sequence[str]) -> bool:
    """The quotes name other days (for a month asked: days of other months) and none tells of the asked one, nor
    does an opening (a dateline) or an article's date (``published``, ISO: on the day or within
    REPORTED_WITHIN_DAYS after; in the asked month or the next)."""
    if tells(asked, [*quotes, *openings], published):
        return False
    if asked.day is None:
        return any(month != asked.month for t in quotes for month in _months_told(t))
    return any(named_days(t) for t in quotes)


def _months_told(text: str) -> set[int]:
    """The months the text tells of: those of its days ("DUBLIN, September 9"), and a month of the text's language
    after one of its prepositions ("reached 38 % in August", "im August"), as a question names its own; not a month
    name alone ("a March deadline"), of another language ("in Mayo and Galway"), before a name ("to June
    Almeida") or as one end of a span ("in force from June to September" tells of July too)."""
    told = {month for month, _ in named_days(text)}
    lang = detect(text)
    before_month, months = speakers.cue_words("places", lang), _month_names_of(lang)
    spans = {w.casefold() for w in span_words()} | set(_SPAN)
    words = [m.group(0) for m in TOKEN.finditer(text)]
    for before, word, after in zip(words, words[1:], [*words[2:], ""], strict=False):
        placed = before.casefold() in before_month and before.casefold() not in spans
        month = months.get(word.casefold()) if word[:1].isupper() and placed else None
        if month is not None and not after[:1].isupper() and after.casefold() not in spans:
            told.add(month)
    return told


@functools.cache
def _month_names_of(lang: str) -> dict[str, int]:
    try:
        return {name.casefold(): n for n, name in get_month_names("wide", locale=lang).items()}
    except (UnknownLocaleError, ValueError):
        return {}


def tells(asked: Asked, texts: Sequence[str], published: Sequence[str]) -> bool:
    """A text names the asked day (the asked month, with a day or not), or an article was published on it or within
    REPORTED_WITHIN_DAYS after (in the asked month or the next: "last month")."""
    if asked.day is None:
        return any(asked.month in _named_months(t) for t in texts) or any(_reports(p, asked) for p in published)
    return any((asked.month, asked.day) in named_days(t) for t in texts) or any(_reports(p, asked) for p in published)


def _named_months(text: str) -> set[int]:
    return {month for m in TOKEN.finditer(text) if (month := _month_of(m.group(0))) is not None}


def _month_of(word: str) -> int | None:
    """The month a word names as written: "may" in lower case is a word, not a month; "May" is."""
    month = month_names().get(word.casefold())
    return None if month is None or is_plain_word(word) else month


def _reports(published: str, asked: Asked) -> bool:
    try:
        when = date.fromisoformat(published[:10])
        if asked.day is None:
            return when.month in (asked.month, asked.month % 12 + 1)
        day = date(when.year, asked.month, asked.day)
    except ValueError:
        return False
    return 0 <= (when - day).days <= REPORTED_WITHIN_DAYS


def _day(m: re.Match[str]) -> tuple[int, int] | None:
    month = _month_of(m.group("before") or m.group("after"))
    if month is None:
        return None
    day = int(m.group("day1") or m.group("day2"))
    return (month, day) if 1 <= day <= 31 else None


@functools.cache
def _day_and_month() -> re.Pattern[str]:
    months = "|".join(re.escape(n) for n in sorted(month_names(), key=len, reverse=True))
    day = r"(?:[12]?\d|3[01])"
    return re.compile(
        rf"(?<![\w.,])(?P<day1>{day})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<after>{months})(?!\w)"
        rf"|(?<!\w)(?P<before>{months})\s+(?P<day2>{day})(?:st|nd|rd|th)?(?![\w,.]?\d)",
        re.IGNORECASE,
    )
