"""A publication date, as given with an article or found on its page, read as ISO 8601 ("2024-03-12", "2024-12"):
ISO dates as they are, year-first dates however separated, e-mail / RSS dates and dates with an English month name;
a date that reads two ways or none is refused with the ISO forms it may mean."""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import re

from index.errors import InvalidSource

_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:[Tt ][\d:.]+(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?")
# Year first, then month and day however written ("2024-3-5", "2024/03/12", "20240312", "2024-03-12 10:00 UTC"):
# only "03/12/2024" reads two ways.
_YEAR_FIRST = re.compile(r"((?:1[89]|2\d)\d\d)(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d\d)(\d\d))(?!\d)")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_WRITTEN_DATES = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y")
_WRITTEN_MONTHS = ("%B %Y", "%b %Y")


def iso_date(value: str) -> str:
    """A publication date as ISO 8601: as given when it is ISO already, else its day ("2024-03-12") or month
    ("2024-12"); read from year-first dates however separated, e-mail / RSS dates and dates with an English month
    name; "" for none. Dates are compared as ISO strings (what a question's period searches), so a date that reads
    two ways ("03/12/2024": March or December?) or none is refused, not stored."""
    value = " ".join(value.split())
    if not value:
        return ""
    # Why a date written year first is none ("day is out of range for month" for 2024-02-30), where it is the
    # reason: the advice to write it year first would be no help.
    unreal: ValueError | None = None
    if _ISO.fullmatch(value):
        try:
            datetime.datetime.fromisoformat({4: value + "-01-01", 7: value + "-01"}.get(len(value), value.upper()))
            return value
        except ValueError as exc:
            unreal = exc
    if found := _YEAR_FIRST.match(value):
        year, _, month, day, compact_month, compact_day = found.groups()
        try:
            return datetime.date(int(year), int(month or compact_month), int(day or compact_day)).isoformat()
        except ValueError as exc:
            unreal = exc
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    written = _ORDINAL.sub("", _WEEKDAY.sub("", value)).replace(".", "").replace("Sept ", "Sep ")
    for form in _WRITTEN_DATES:
        with contextlib.suppress(ValueError):
            return datetime.datetime.strptime(written, form).date().isoformat()
    for form in _WRITTEN_MONTHS:
        with contextlib.suppress(ValueError):
            return datetime.datetime.strptime(written, form).strftime("%Y-%m")
    if unreal is not None:
        raise InvalidSource(f'"{value[:40]}" is not a date Dossier can read as published: {unreal}')
    raise InvalidSource(f'"{value[:40]}" is not a date Dossier can read as published: write it {_as_iso(value)}')


def _as_iso(value: str) -> str:
    """How to write a date Dossier could not read: the ISO forms a day-month-year or month-day-year date may mean
    ("03/12/2025": 2025-12-03 or 2025-03-12), else the form itself."""
    found = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\s*", value)
    meant: list[str] = []
    if found:
        first, second, year = (int(x) for x in found.groups())
        for month, day in ((second, first), (first, second)):
            with contextlib.suppress(ValueError):
                meant.append(datetime.date(year, month, day).isoformat())
    if meant:
        return " or ".join(f"as {d}" for d in dict.fromkeys(meant))
    return "year first, as 2024-03-12"
