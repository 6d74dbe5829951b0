"""Which quarter or half of a year a question asks about and a sentence tells of: "the third quarter", "Q3",
"second-quarter", "the April-June quarter", "im dritten Quartal", "au premier trimestre", "в первом квартале".

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
    parts: set[Part] = set()
    for m in _written().finditer(text):
        noun = m.group("noun").casefold()
        half = any(noun.startswith(h) for h in _grammar()[1])
        for ordinal in (m.group("listed"), m.group("ordinal")):
            n = _ordinal(ordinal) if ordinal else None
            if n is not None and (not half or n <= 2):
                parts.add(Part(half, n))
    for m in _short().finditer(text):
        parts.add(Part(False, int(m.group(1) or m.group(2))))
    for m in _span().finditer(text):
        first, last = (month_names().get(m.group(g).casefold()) for g in ("start", "end"))
        if first is not None and last is not None and first % 3 == 1 and last == first + 2:
            parts.add(Part(False, (first + 2) // 3))
    return parts


def asked(question: str) -> Part | None:
    """The one quarter or half the question names; None for none or several ("the second and third quarters")."""
    parts = named(question)
    return next(iter(parts)) if len(parts) == 1 else None


def other_than_asked(part: Part, quotes: Sequence[str], openings: Sequence[str]) -> bool:
    """A quote tells of another quarter (half) than the asked one, and none of the asked: by naming it, or, where it
    names none, by its article's ``openings`` (the first sentence: "Eastmere Bank reported a 20% rise in
    second-quarter net profit…" places the figures after it)."""
    told: set[Part] = set()
    for quote, opening in zip(quotes, [*openings, *[""] * len(quotes)], strict=False):
        own = {p for p in named(quote) if p.half == part.half}
        told |= own or {p for p in named(opening) if p.half == part.half}
    return bool(told) and part not in told


def tells(part: Part, texts: Sequence[str]) -> bool:
    return any(part in named(t) for t in texts)


@functools.cache
def _grammar() -> tuple[list[set[str]], set[str], set[str]]:
    """Per ordinal (first to fourth) the beginnings of its words in every language; those of half and quarter."""
    raw = json.loads(resources.files("index").joinpath("data/quarters.json").read_text(encoding="utf-8"))
    languages = [v for k, v in raw.items() if not k.startswith("_")]
    ordinals = [{w.casefold() for lang in languages for w in lang["ordinals"][i]} for i in range(4)]
    halves = {w.casefold() for lang in languages for w in lang["half"]}
    quarters = {w.casefold() for lang in languages for w in lang["quarter"]}
    return ordinals, halves, quarters


def _ordinal(word: str) -> int | None:
    word = word.casefold()
    return next((i for i, forms in enumerate(_grammar()[0], start=1) if any(word.startswith(f) for f in forms)), None)


def _alternatives(words: set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _written() -> re.Pattern[str]:
    """An ordinal and a quarter or half noun, each by its beginning: "third quarter", "second-quarter", "ersten
    Halbjahr", "третьем квартале"; and an ordinal listed before it, after which a comma or a short word (a
    conjunction) stands: "the second and third quarters"."""
    ordinals, halves, quarters = _grammar()
    ordinal = _alternatives(set().union(*ordinals))
    noun = _alternatives(halves | quarters)
    return re.compile(
        rf"\b(?:(?P<listed>(?:{ordinal})\w*)(?:,|\s+\w{{1,4}})\s+)?"
        rf"(?P<ordinal>(?:{ordinal})\w*)[\s-]+(?P<noun>(?:{noun})\w*)",
        re.IGNORECASE,
    )


@functools.cache
def _short() -> re.Pattern[str]:
    """ "Q3", "3Q" (not "H1", which names hydrogen and flu viruses as often)."""
    return re.compile(r"\bQ([1-4])\b|\b([1-4])Q\b")


@functools.cache
def _span() -> re.Pattern[str]:
    """Three months and a quarter noun: "the April-June quarter", "le trimestre juillet-septembre" is not read."""
    _, _, quarters = _grammar()
    return re.compile(rf"\b(?P<start>\w+)\s*[-–/]\s*(?P<end>\w+)\s+(?:{_alternatives(quarters)})", re.IGNORECASE)
