"""Kinds of answer a sentence can carry: a figure, a calendar date, a time. Rules on digits and month names."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?|half|third|thirds|quarter"
)
_HAS_FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|"
    r"juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|январ\w*|феврал\w*|марта?|апрел\w*|ма[йя]|июн\w*|июл\w*|августа?|"
    r"сентябр\w*|октябр\w*|ноябр\w*|декабр\w*|січ\w*|лют\w*|берез\w*|квіт\w*|трав\w*|черв\w*|лип\w*|серп\w*|"
    r"верес\w*|жовт\w*|листопад\w*|груд\w*)\.?"
)
_HAS_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:de\s+)?{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(
    rf"{_HAS_DATE.pattern}|\b(?:1[89]|20)\d\d\b|\b{_MONTH}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)(?:\s+(?:morning|afternoon|evening|night))?\b|\b(?:yesterday|today|tonight|(?:last|next|this)\s+"
    r"(?:week|weekend|month|year|spring|summer|autumn|fall|winter|morning|afternoon|evening|night))\b|"
    rf"\b(?:\d+|a|an|{_NUMBER_WORDS})\s+(?:hours?|days?|weeks?|months?|years?|decades?)\b",
    re.IGNORECASE,
)


def has_figure(text: str) -> bool:
    return bool(_HAS_FIGURE.search(text))


def has_count(text: str) -> bool:
    """A figure outside time references: "nearly five months of the war" gives no count of anything asked."""
    # Blanking the times (the slow part) cannot make a figure: a text without one has none after.
    return has_figure(text) and has_figure(without_times(text))


def without_times(text: str) -> str:
    """The text with its time references ("Friday", "in March 2024", "five months") blanked."""
    return _HAS_TIME.sub(" ", text)


def has_date(text: str, stated: AbstractSet[str] = frozenset()) -> bool:
    """A calendar date: '6 August', 'November 8', '2024-03-01', '8/11/2022', '31 de octubre'; one not made only
    of the ``stated`` words (the question's, case-folded)."""
    return _new(_HAS_DATE, text, stated)


def has_time(text: str, stated: AbstractSet[str] = frozenset()) -> bool:
    """Any time reference a 'when' question can be answered with: a date, a year, a month, a weekday, a span
    ("six months"); one not made only of the ``stated`` words: "When had the Fed last cut rates before September
    2024?" is not answered by "the September meeting"."""
    return _new(_HAS_TIME, text, stated)


def _new(pattern: re.Pattern[str], text: str, stated: AbstractSet[str]) -> bool:
    return any(not set(_WORD.findall(m.group(0).casefold())) <= stated for m in pattern.finditer(text))


_WORD = re.compile(r"\w+")
