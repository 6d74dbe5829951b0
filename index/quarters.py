"""Which quarter or half of a year a question asks about and a sentence tells of: "the third quarter", "Q3",
"second-quarter", "the April-June quarter", "the June quarter", "the quarter ended Sept. 30", "im dritten Quartal",
"au premier trimestre", "в III квартале".

A company reports one quarter and compares it with others ("net profit rose to 1.42 billion in the second quarter,
from 1.31 billion in the first"): a question for the third quarter is not answered by the second quarter's figure.
The words are grammar data (``data/quarters.json``); every language's are read in every text, as a quote may be in
another language than the question.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from index.periods import month_names

ORDINALS = ("first", "second", "third", "fourth")
ROMAN = ("I", "II", "III", "IV")
COMPARED_WITHIN = 6  # words before a named quarter read for a comparison ("from 131 million euros in the second")


@dataclass(frozen=True, slots=True)
class Part:
    """One quarter (``half`` False, ``n`` 1-4) or half (``n`` 1-2) of a year."""

    half: bool
    n: int

    def label(self) -> str:
        return f"the {ORDINALS[self.n - 1]} {'half' if self.half else 'quarter'}"

    def unit(self) -> str:
        return "halves" if self.half else "quarters"


def named(text: str) -> set[Part]:
    """The quarters and halves the text names."""
    return {part for part, _ in _found(text)}


def asked(question: str) -> Part | None:
    """The one quarter or half the question names; None for none or several ("the second and third quarters"),
    and for a company's fiscal quarter, which calendar months in its articles do not tell."""
    parts = named(question)
    if len(parts) != 1 or _fiscal().search(question):
        return None
    return next(iter(parts))


def other_than_asked(part: Part, quotes: Sequence[str], openings: Sequence[str]) -> bool:
    """A quote tells of another quarter (half) than the asked one, and none of the asked: by naming it, or, where it
    names none, by its article's ``openings`` (the first sentence: "Eastmere Bank reported a 20% rise in
    second-quarter net profit…" places the figures after it). Only where that text gives an amount, a share or a
    year: a match's "second half" or a game's "third quarter" is no period of a company's or an economy's year. A
    quarter a figure is compared with ("from 131 million in the second quarter") tells of nothing."""
    told: set[Part] = set()
    for quote, opening in zip(quotes, [*openings, *[""] * len(quotes)], strict=False):
        own = _told(quote, part.half)
        told |= own if own is not None else (_told(opening, part.half) or set())
    return bool(told) and part not in told


def tells(part: Part, texts: Sequence[str]) -> bool:
    return any(part in named(t) for t in texts)


def _told(text: str, half: bool) -> set[Part] | None:
    """The parts of that kind the text tells of; None where it names none (compared ones aside), or gives no
    financial figure or year."""
    parts = {p for p, compared in _found(text) if p.half == half and not compared}
    return parts if parts and _financial().search(text) else None


def _found(text: str) -> list[tuple[Part, bool]]:
    """Each part the text names, and whether it is named as what a figure is compared with."""
    _, halves, _, _ = _grammar()
    out: list[tuple[Part, bool]] = []
    for m in _written().finditer(text):
        half = m.group("noun").casefold() in halves
        compared = _compared(text, m.start())
        for word in _ORDINAL_WORD.findall(m.group("ordinals")):
            n = ROMAN.index(word) + 1 if word in ROMAN else _ordinal(word)
            if n is not None and (not half or n <= 2):
                out.append((Part(half, n), compared))
    for m in _short().finditer(text):
        out.append((Part(False, int(m.group(1) or m.group(2))), _compared(text, m.start())))
    for m in _month_quarter().finditer(text):
        first, last = _month(m.group("month")), _month(m.group("end"))
        if m.group("end") is None and first is not None and first % 3 == 0:  # "the June quarter"
            out.append((Part(False, first // 3), _compared(text, m.start())))
        elif first is not None and last is not None and first % 3 == 1 and last == first + 2:  # "April-June"
            out.append((Part(False, (first + 2) // 3), _compared(text, m.start())))
    for m in _ended().finditer(text):  # "the quarter ended Sept. 30", "the three months to June"
        if (month := _month(m.group("month"))) is not None:
            out.append((Part(False, (month + 2) // 3), _compared(text, m.start())))
    return out


_ORDINAL_WORD = re.compile(r"[^\W_]+")


def _month(word: str | None) -> int | None:
    if word is None:
        return None
    return month_names().get(word.casefold()) or _short_months().get(word.casefold())


def _compared(text: str, at: int) -> bool:
    words = _ORDINAL_WORD.findall(text[max(0, at - 80) : at])[-COMPARED_WITHIN:]
    return any(w.casefold() in _grammar()[3] for w in words)


def _ordinal(word: str) -> int | None:
    word = word.casefold()
    return next((i for i, forms in enumerate(_grammar()[0], start=1) if word in forms), None)


@functools.cache
def _grammar() -> tuple[list[set[str]], set[str], set[str], set[str]]:
    """Per ordinal (first to fourth) its words in every language; the forms of half and quarter; comparisons."""
    languages = [v for k, v in _data().items() if not k.startswith("_")]
    ordinals = [{w.casefold() for lang in languages for w in lang["ordinals"][i]} for i in range(4)]
    halves = {w.casefold() for lang in languages for w in lang["half"]}
    quarters = {w.casefold() for lang in languages for w in lang["quarter"]}
    compared = {w.casefold() for lang in languages for w in lang.get("comparisons", [])}
    return ordinals, halves, quarters, compared


@functools.cache
def _data() -> dict[str, dict[str, list[str]]]:
    raw: dict[str, dict[str, list[str]]] = json.loads(
        resources.files("index").joinpath("data/quarters.json").read_text(encoding="utf-8")
    )
    return raw


def _alternatives(words: set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _written() -> re.Pattern[str]:
    """Ordinals and a quarter or half noun, whole words: "third quarter", "second-quarter", "ersten Halbjahr",
    "третьем квартале", "III kwartale", "the first, second and third quarters" (a comma or a short word, a
    conjunction, between up to four ordinals); not "quarterly", "quarter-final", "half-hour", "third quarter in a
    row"."""
    ordinals, halves, quarters, _ = _grammar()
    ordinal = rf"(?:(?i:{_alternatives(set().union(*ordinals))})|{'|'.join(ROMAN)})"
    joined = rf"{ordinal}(?:,\s*(?:\w{{1,4}}\s+)?|\s+\w{{1,4}}\s+)"
    noun = _alternatives(halves | quarters)
    return re.compile(
        rf"\b(?P<ordinals>(?:{joined}){{0,3}}{ordinal})[\s-]+(?P<noun>(?i:{noun}))(?![\w-])(?!\s+(?:in\s+a\s+row|running))"
    )


@functools.cache
def _short() -> re.Pattern[str]:
    """ "Q3", "q3", "3Q", "Q3'24", "3Q24" (not "H1", which names hydrogen and flu viruses as often)."""
    return re.compile(r"\bQ([1-4])(?=\b|'?\d\d\b)|\b([1-4])Q(?=\b|\d\d\b)", re.IGNORECASE)


@functools.cache
def _month_quarter() -> re.Pattern[str]:
    """A month, or three, before a quarter noun: "the June quarter", "the April-June quarter"."""
    _, _, quarters, _ = _grammar()
    return re.compile(
        rf"\b(?P<month>[^\W\d_]+)\.?(?:\s*[-–/]\s*(?P<end>[^\W\d_]+)\.?)?\s+(?i:{_alternatives(quarters)})\b"
    )


@functools.cache
def _ended() -> re.Pattern[str]:
    """ "the quarter ended Sept. 30", "the three months to June" (English)."""
    ended = _alternatives({w.casefold() for w in _data()["en"].get("ended", [])})
    return re.compile(rf"\b(?:quarter|three\s+months)\s+(?:{ended})\s+(?P<month>[^\W\d_]+)", re.IGNORECASE)


@functools.cache
def _fiscal() -> re.Pattern[str]:
    words = {w.casefold() for k, v in _data().items() if not k.startswith("_") for w in v.get("fiscal", [])}
    return re.compile(rf"\b(?:{_alternatives(words)})(?:\d\d){{0,2}}\b", re.IGNORECASE)  # "FY2024" too


@functools.cache
def _short_months() -> dict[str, int]:
    """English abbreviations as wire copy writes them ("Sept. 30", "Dec. 31")."""
    names = "jan feb mar apr may jun jul aug sep oct nov dec".split()
    return {n: i for i, n in enumerate(names, start=1)} | {"sept": 9}


@functools.cache
def _financial() -> re.Pattern[str]:
    """An amount, a share or a year: what a company's or an economy's quarter is reported with."""
    return re.compile(
        r"[$£€¥₹₴₽₩₺%]|\b(?:19|20)\d\d\b|\b(?:per\s?cent|percent|prozent|pour\s?cent|por\s?ciento|per\s?cento|"
        r"por\s?cento|procent|процент|відсот|million|billion|milliard|mln|mld|mrd|bn|млн|млрд)\w*",
        re.IGNORECASE,
    )
