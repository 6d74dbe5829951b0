"""When a question is set in time: the earliest publication date that can report it, and whether it wants the newest.

An article published before the time a question names cannot report it ("in March 2024", "the 2024 election",
"since June 2023", "last week"), so that date bounds the search from below; there is no upper bound, since events
are reported later too, and a date after "before" / "until" bounds nothing. Undated articles are always searched
(and shown as undated). "latest", "most recent" order the sources newest first. Month names come from Babel's CLDR
data for the six languages the eval sets use; the other words are data (``data/periods.json``).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from babel.dates import get_month_names

MONTH_LANGUAGES = ("en", "de", "fr", "es", "ru", "uk")
LOOK_BACK = 40  # characters before a month searched for a "before" word
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")
_LAST_WORD = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*)\s+$")
_WORD_BEFORE = 40  # characters before a time phrase where the word introducing it is looked for
_YEAR = r"(?:19|20)\d\d"


@dataclass(frozen=True, slots=True)
class When:
    """``since``: the earliest publication date searched (None: no bound); ``latest``: newest sources first."""

    since: date | None = None
    latest: bool = False
    # Where the question says it with a month or relative to today ("in September 2024", "last week"); not a bare
    # year, which often names the event rather than when it was reported ("the 2004 tsunami").
    spans: tuple[tuple[int, int], ...] = ()

    def words(self, question: str) -> frozenset[str]:
        """The case-folded words of the phrases that set the period ("September", "2024")."""
        return frozenset(w.casefold() for start, end in self.spans for w in re.findall(r"\w+", question[start:end]))

    def setting(self, question: str, stopwords: AbstractSet[str]) -> tuple[tuple[int, int], ...]:
        """The spans that set when the question's facts happened ("in June 2025?", "im September 2024 in Polen"),
        with the word that introduces them where it is a stop word ("in"); not those that name an event by its date,
        before what they qualify ("the May 2022 intercept", "the June 2025 Supreme Court ruling", "last week's
        summit"): a word right after the phrase that is no stop word, or a possessive."""
        out = []
        for start, end in self.spans:
            follows = _NEXT_WORD.match(question, end)
            if question[end : end + 2] in ("'s", "’s"):
                continue
            if follows is not None and follows.group(1).casefold() not in stopwords:
                continue
            before = _LAST_WORD.search(question, max(0, start - _WORD_BEFORE), start)
            if before is not None and before.group(1).casefold() in stopwords:
                start = before.start(1)
            out.append((start, end))
        return tuple(out)

    @staticmethod
    def without(question: str, spans: Sequence[tuple[int, int]]) -> str:
        """The question without these spans: what it asks, as the embedding model reads it. The period bounds the
        search; in the query it drew sentences that name the month ("Sentencing was set for 10 June" for "what
        sentence did she receive in June 2025?") above those that answer."""
        if not spans:
            return question
        kept, last = [], 0
        for start, end in sorted(spans):
            kept.append(question[last:start])
            last = end
        text = " ".join("".join([*kept, question[last:]]).split())
        return re.sub(r"\s+([?.!,;:])", r"\1", text)

    @property
    def label(self) -> str:
        return f"published since {self.since.isoformat()}" if self.since else ""


NO_TIME = When()


@dataclass(frozen=True, slots=True)
class _Words:
    before: list[str]
    after: list[str]
    windows: dict[str, int | str]  # phrase: days back, or the calendar window ("week", "previous month"...)
    past: re.Pattern[str]  # "past 3 weeks": group 1 the number, group 2 the unit
    units: dict[str, int]  # days per unit of ``past``
    latest: list[str]


@functools.cache
def _data() -> _Words:
    raw: Any = json.loads(resources.files("index").joinpath("data/periods.json").read_text(encoding="utf-8"))
    past = raw["past_units"]["en"]
    return _Words(
        before=[w for ws in raw["before"].values() for w in ws],
        after=[w for ws in raw["after"].values() for w in ws],
        windows={k: v for ws in raw["windows"].values() for k, v in ws.items()},
        past=re.compile(past["pattern"], re.IGNORECASE),
        units={k: int(v) for k, v in past.items() if k != "pattern"},
        latest=[w for ws in raw["latest"].values() for w in ws],
    )


def span_words() -> list[str]:
    """Words that set a span before or after a date ("before", "until", "since", "seit"…), in every language."""
    return [*_data().before, *_data().after]


@functools.cache
def relative_years() -> dict[str, int]:
    """Phrases that name a year from the date they are written, in every language, with how many years back:
    "last year" → 1, "this year" → 0 (the ``windows`` of data/periods.json that are a calendar year)."""
    back = {"previous year": 1, "year": 0}
    return {phrase: back[str(w)] for phrase, w in _data().windows.items() if str(w) in back}


@functools.cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for lang in MONTH_LANGUAGES:
        for context in ("format", "stand-alone"):
            for number, name in get_month_names("wide", context=context, locale=lang).items():
                names[name.casefold()] = int(number)
    return names


@functools.cache
def _month_stems() -> dict[str, int]:
    """Where a month's forms differ by their ending (Russian март / марта, and марте, which CLDR does not list), the
    part they share, when it is long enough to be only that month."""
    stems: dict[str, int] = {}
    for lang in MONTH_LANGUAGES:
        format_ = get_month_names("wide", context="format", locale=lang)
        alone = get_month_names("wide", context="stand-alone", locale=lang)
        for number in format_:
            a, b = format_[number].casefold(), alone[number].casefold()
            shared = a[: next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))]
            if a != b and len(shared) >= 3:
                stems[shared] = int(str(number))
    return stems


def month_names() -> dict[str, int]:
    """Each full month name of ``MONTH_LANGUAGES``, both grammatical forms, case-folded, to its number (no stems:
    "трав" begins "травми", injuries, too)."""
    return _months()


def is_plain_word(name: str) -> bool:
    """An English month name written in lower case is a word ("may", "march"), not a month."""
    return _plain_word(name)


def is_month(word: str) -> bool:
    """A month's name in one of ``MONTH_LANGUAGES`` (any case)."""
    return word.casefold() in _months()


def _month(word: str) -> int | None:
    """The month a matched word names; None for what only the case-insensitive match took for one ("APRİL")."""
    word = word.casefold()
    if word in _months():
        return _months()[word]
    return next((n for stem, n in _longest_stems_first() if word.startswith(stem)), None)


@functools.cache
def _longest_stems_first() -> tuple[tuple[str, int], ...]:
    return tuple(sorted(_month_stems().items(), key=lambda x: -len(x[0])))


def _plain_word(name: str) -> bool:
    """An English month name written in lower case is a word ("may", "march"), not a month."""
    return name.casefold() in _english_months() and not name[0].isupper()


@dataclass(frozen=True, slots=True)
class _Patterns:
    dated: re.Pattern[str]  # "[before] [day] month year" or "[before] year"
    month: re.Pattern[str]  # any month name
    year: re.Pattern[str]  # a year on its own
    after_before: re.Pattern[str]  # text that ends with a "before" word
    window: re.Pattern[str]
    past: re.Pattern[str]
    latest: re.Pattern[str]


@functools.cache
def _english_months() -> frozenset[str]:
    return frozenset(name.casefold() for name in get_month_names("wide", locale="en").values())


@functools.cache
def _patterns() -> _Patterns:
    data = _data()

    def alternatives(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    months = alternatives(list(_months())) + "|" + "|".join(re.escape(s) + r"\w{0,3}" for s in _month_stems())
    before = alternatives(data.before)
    # "[before] [day] month year" or "[before] year"; the day and the words between are optional and short
    dated = re.compile(
        rf"(?:\b({before})\s+(?:the\s+)?)?(?:\b(?:\d{{1,2}}\.?\s+(?:\w{{1,3}}\s+)?)?({months})\s+(?:\d{{1,2}},?\s+)?(?:\w{{1,3}}\s+)?|\b)"
        rf"(?<!\d[.,])({_YEAR})\b(?![.,]?\d)",
        re.IGNORECASE,
    )
    return _Patterns(
        dated=dated,
        month=re.compile(rf"(?<!\w)({months})(?!\w)", re.IGNORECASE),
        year=re.compile(rf"(?<![\w.,])({_YEAR})(?![\w]|[.,]\d)"),
        after_before=re.compile(rf"\b(?:{before})\b[^.?!\d]{{0,{LOOK_BACK}}}$", re.IGNORECASE),
        window=re.compile(rf"(?<!\w)({alternatives(list(data.windows))})(?!\w)", re.IGNORECASE),
        past=data.past,
        latest=re.compile(rf"(?<!\w)({alternatives(data.latest)})(?!\w)", re.IGNORECASE),
    )


def find(question: str, today: date) -> When:
    """The question's place in time; ``When()`` when it names none."""
    p = _patterns()
    bounds: list[date] = []
    spans = []
    used: list[tuple[int, int]] = []
    for m in p.dated.finditer(question):
        spans.append(m.span())
        year = int(m.group(3))
        named = _month(m.group(2)) if m.group(2) and not _plain_word(m.group(2)) else None
        month, month_named = named or 1, named is not None
        if m.group(1) or p.after_before.search(question[max(0, m.start() - LOOK_BACK) : m.start()]):
            continue  # "before 2024", "before the end of 2024"
        if date(year, month, 1) <= today:
            bounds.append(date(year, month, 1))
            if month_named:  # "in September 2024"; a bare year often names the event ("the 2004 tsunami")
                used.append(m.span())
    # A month named without its year takes the next year the question names: "between January and March 2024".
    years = [(m.start(), int(m.group(1))) for m in p.year.finditer(question)]
    year_starts = [at for at, _ in years]
    span_starts = [a for a, _ in spans]
    for m in p.month.finditer(question):
        name = m.group(1)
        inside = bisect.bisect_right(span_starts, m.start()) - 1
        if inside >= 0 and m.start() < spans[inside][1]:
            continue  # part of "March 2024", seen above
        if p.after_before.search(question[max(0, m.start() - LOOK_BACK) : m.start()]):
            continue
        named = _month(name)
        if _plain_word(name) or named is None:
            continue
        following = bisect.bisect_right(year_starts, m.end())
        if following < len(years) and date(years[following][1], named, 1) <= today:
            bounds.append(date(years[following][1], named, 1))
            used.append(m.span())
    for m in p.window.finditer(question):
        bounds.append(_window_start(m.group(1).casefold(), today))
        used.append(m.span())
    for m in p.past.finditer(question):
        bounds.append(today - timedelta(days=int(m.group(1)) * _data().units[m.group(2).casefold()]))
        used.append(m.span())
    return When(min(bounds) if bounds else None, p.latest.search(question) is not None, tuple(used))


def _window_start(phrase: str, today: date) -> date:
    """Calendar windows start on a Monday, the 1st or 1 January ("this week", "last month"); others are days back."""
    value = _data().windows.get(phrase, 0)
    monday, first = today - timedelta(days=today.weekday()), today.replace(day=1)
    starts = {
        "week": monday,
        "month": first,
        "year": today.replace(month=1, day=1),
        "previous week": monday - timedelta(days=7),
        "previous month": (first - timedelta(days=1)).replace(day=1),
        "previous year": today.replace(year=today.year - 1, month=1, day=1),
    }
    return starts[value] if isinstance(value, str) else today - timedelta(days=int(value))
