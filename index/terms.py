"""Kinds of answer a sentence can carry: a figure, a calendar date, a time. Rules on digits and month names."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from babel.dates import get_day_names, get_month_names

from index import speakers

# Words that size a figure without digits, besides the number words of data/cues.json ("numbers").
_SIZES = r"hundreds?|thousands?|millions?|billions?|dozens?|half|third|thirds|quarter"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|"
    r"juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|январ\w*|феврал\w*|марта?|апрел\w*|ма[йя]|июн\w*|июл\w*|августа?|"
    r"сентябр\w*|октябр\w*|ноябр\w*|декабр\w*|січ\w*|лют\w*|берез\w*|квіт\w*|трав\w*|черв\w*|лип\w*|серп\w*|"
    r"верес\w*|жовт\w*|листопад\w*|груд\w*)\.?"
)
# Languages whose weekdays and month names (Babel) and time words (data/cues.json) mark a time reference: those
# whose questions Dossier reads (data/questions.json).
TIME_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "pl", "ru", "uk", "hu")


def _either(words: Iterable[str]) -> str:
    """One alternation of the words as a trie ("mar(?:zo|ca|s)"), so that matching tries each letter once instead
    of each word: a space matches any run of spaces. A shorter word is tried after the longer ones it begins.
    No words: a pattern that never matches."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branches(trie) if trie else "(?!)"


def _branches(node: dict[str, Any]) -> str:
    options = [(r"\s+" if ch == " " else re.escape(ch)) + _branches(rest) for ch, rest in node.items() if ch]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
    return f"(?:{body})?" if "" in node else body


def _words(kind: str) -> list[str]:
    return [w for lang in TIME_LANGUAGES for w in speakers.cue_words(kind, lang)]


@functools.cache
def _number_words() -> str:
    """English number words ("fourteen", "ninety") and sizes: a figure written without digits."""
    return f"{_either(speakers.cue_words('numbers', 'en'))}|{_SIZES}"


@functools.cache
def _figure_pattern() -> re.Pattern[str]:
    # A number that ends a name ("Zirka-7", "T-72", "F-16s", "G7", "COVID-19") is part of the name, not a count.
    return re.compile(rf"(?<![\w-])\d|\b(?:{_number_words()})\b", re.IGNORECASE)


# Languages that capitalise weekdays and months: elsewhere only the lower-case word is one ("Santo Domingo",
# "Según Marca" name no Sunday and no March). Russian and Ukrainian weekdays are read as those languages write a
# day, after its preposition (data/cues.json "times"): "среду" alone is also the environment.
_CAPITALISED_NAMES = ("en", "de")
_WEEKDAYS_AS_WRITTEN = ("ru", "uk")


def _names(get: Any, skip: tuple[str, ...] = ()) -> str:
    """Babel's wide names (weekdays or months) of ``TIME_LANGUAGES``: those of languages that capitalise them in
    any case, the others in lower case only."""

    def of(languages: Iterable[str]) -> set[str]:
        return {
            name.casefold()
            for lang in languages
            for context in ("format", "stand-alone")
            for name in get("wide", context=context, locale=lang).values()
        }

    capitalised = of(_CAPITALISED_NAMES)
    lower = of(lang for lang in TIME_LANGUAGES if lang not in (*_CAPITALISED_NAMES, *skip)) - capitalised
    return rf"{_either(capitalised)}|(?-i:{_either(lower)})"


@functools.cache
def _month() -> str:
    return rf"(?:{_names(get_month_names)}|{_MONTH})\.?"


@functools.cache
def _date_pattern() -> re.Pattern[str]:
    month = _month()
    return re.compile(
        rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?{month}|{month}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
        r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})",
        re.IGNORECASE,
    )


@functools.cache
def _clock_pattern() -> re.Pattern[str]:
    """Times of day: "3:15 a.m.", "18.30 Uhr", "6pm", "14:05", "9h30", "alle 15", "a las 10 horas"."""
    hour = r"\d{1,2}(?:[.:]\d{2})?"
    # A number after "alle" / "a las" is a time with its minutes, its hours word, or no word after it: "alle 20
    # regioni" counts regions. A time with a colon is one of the day ("89:77" is a score).
    before = (
        rf"\b(?:{_either(_words('clock_before'))})\s+(?:\d{{1,2}}[.:]\d{{2}}\b|\d{{1,2}}(?!\d)"
        rf"(?:\s+(?:{_either(_words('hours'))})\b|(?!\s*[^\W\d_])))"
    )
    return re.compile(
        rf"(?<![\d.,])\b{hour}\s?(?:{_either(_words('clock'))})(?!\w)|\b{hour}(?:am|pm)\b|"
        r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b\d{1,2}h\d{2}\b|"
        rf"{before}",
        re.IGNORECASE,
    )


@functools.cache
def _day_clock_pattern() -> re.Pattern[str]:
    """Times of day that only a question for one reads as such (``has_clock``): "at 0400 GMT", "5 pm", "midnight",
    "à 16 heures", "в 3 часа ночи", "в 15.30", "a las 3 de la madrugada". Not times for ``has_time``: "около 5" and
    "à 5" begin counts too, "5 pm" is no English in German ("5 am Montag")."""
    at = _either(_words("clock_at"))
    return re.compile(
        r"\b(?:[01]\d|2[0-3])[0-5]\d\s?(?:GMT|UTC)\b|(?<![\d.,])\b\d{1,2}\s(?:am|pm|a\.m\.|p\.m\.)(?!\w)|"
        rf"(?<!\w)(?:{at})\s+(?:\d{{1,2}}[.:]\d{{2}}\b|\d{{1,2}}\s+(?:{_either(_words('clock_hours'))})(?!\w))|"
        rf"\b(?:{_either(_words('clock_before'))})\s+\d{{1,2}}\s+(?:{_either(_words('clock_day_parts'))})\b|"
        rf"(?<!\w)(?:{_either(_words('clock_words'))})(?!\w)",
        re.IGNORECASE,
    )


@functools.cache
def _time_pattern() -> re.Pattern[str]:
    """Dates, years, months, weekdays ("Mittwochabend", "в среду"), times of day ("3:15 a.m.", "18.30 Uhr",
    "alle 15"), relative days ("yesterday", "hier soir") and spans ("six months"), in ``TIME_LANGUAGES``."""
    weekdays = _names(get_day_names, skip=_WEEKDAYS_AS_WRITTEN)
    return re.compile(
        rf"{_date_pattern().pattern}|\b(?:1[89]|20)\d\d\b|\b(?:{_month()})(?!\w)|"
        rf"\b(?:{weekdays})(?:{_either(_words('day_parts'))})?(?:\s+(?:morning|afternoon|evening|night))?(?!\w)|"
        rf"{_clock_pattern().pattern}|\b(?:{_either(_words('times'))})(?!\w)|"
        r"\b(?:(?:last|next|this)\s+"
        r"(?:week|weekend|month|year|spring|summer|autumn|fall|winter|morning|afternoon|evening|night))\b|"
        rf"\b(?:\d+|a|an|{_number_words()})\s+(?:hours?|days?|weeks?|months?|years?|decades?)\b",
        re.IGNORECASE,
    )


@functools.cache
def _span_pattern() -> re.Pattern[str]:
    units = r"(?-i:minutes?|hours?|days?|weeks?|months?|years?|decades?)"
    # An age ("a 25-year-old driver") or a time past ("five years ago") is no length of time.
    return re.compile(
        rf"\b(?:(?:\d+(?:[.,]\d+)?|{_number_words()})[\s-]+|(?:for|within|over)\s+(?:a|an|several|a\s+few)\s+)"
        rf"{units}\b(?![\s-]+(?:old|ago)\b)",
        re.IGNORECASE,
    )


def has_span(text: str) -> bool:
    """A length of time in English: "six weeks", "30 days", "a three-week pause", "for a month"; not an age or a
    time ago."""
    return bool(_span_pattern().search(text))


def has_figure(text: str) -> bool:
    return bool(_figure_pattern().search(text))


def has_count(text: str) -> bool:
    """A figure outside time references: "nearly five months of the war" gives no count of anything asked."""
    # Blanking the times (the slow part) cannot make a figure: a text without one has none after.
    return has_figure(text) and has_figure(without_times(text))


def without_times(text: str) -> str:
    """The text with its time references ("Friday", "in March 2024", "five months") blanked."""
    return _blanked(text) if len(text) <= CACHED_CHARS else _time_pattern().sub(" ", text)


# An ask reads the same quotes' figures and times several times (~50 calls, ~150 µs each): a sentence's are kept,
# not a whole article's (4,096 of them would hold hundreds of megabytes).
CACHED_CHARS = 2000
CACHED = 4096


@functools.lru_cache(maxsize=CACHED)
def _blanked(text: str) -> str:
    return _time_pattern().sub(" ", text)


def has_date(text: str, stated: AbstractSet[str] = frozenset()) -> bool:
    """A calendar date: '6 August', 'November 8', '2024-03-01', '8/11/2022', '31 de octubre'; one not made only
    of the ``stated`` words (the question's, case-folded)."""
    return _new(_date_pattern(), text, stated)


def has_clock(text: str) -> bool:
    """A time of day, the answer to "at what time": "1:29 a.m.", "18.30 Uhr", "à 4h10", "0710 GMT", "midnight"."""
    return bool(_clock_pattern().search(text) or _day_clock_pattern().search(text))


def has_time(text: str, stated: AbstractSet[str] = frozenset()) -> bool:
    """Any time reference a 'when' question can be answered with: a date, a year, a month, a weekday, a span
    ("six months"); one not made only of the ``stated`` words: "When had the Fed last cut rates before September
    2024?" is not answered by "the September meeting"."""
    return _new(_time_pattern(), text, stated)


def _new(pattern: re.Pattern[str], text: str, stated: AbstractSet[str]) -> bool:
    found = _found(pattern, text) if len(text) <= CACHED_CHARS else _words_of_matches(pattern, text)
    return any(not words <= stated for words in found)


def _words_of_matches(pattern: re.Pattern[str], text: str) -> Iterator[frozenset[str]]:
    """The words of each match of the pattern in the text (case-folded)."""
    return (frozenset(_WORD.findall(m.group(0).casefold())) for m in pattern.finditer(text))


@functools.lru_cache(maxsize=CACHED)  # the same quotes are read for each question kind and signal
def _found(pattern: re.Pattern[str], text: str) -> tuple[frozenset[str], ...]:
    return tuple(_words_of_matches(pattern, text))


_WORD = re.compile(r"\w+")
