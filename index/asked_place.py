"""The place a question asks about: "How many people died [in Hungary] because of Storm Boris?", "How many batches
were recalled [in Switzerland]?".

Such a question is not answered by a figure or a fact of another place the same articles give ("One person has
drowned in Poland", "42 batches in Germany and nine in Austria"). A place is a name of the question right after a
locative preposition of any language of the cues ("in", "near", "bei", "в"; ``locative`` in data/cues.json), up to
three lower-case words between ("in the Kurrin valley"). A period ("in May", "in the April-June quarter") is no
place, nor an acronym ("in the US", written "U.S." and "American" as often).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index import answer_types, countries, speakers
from index.periods import is_month

if TYPE_CHECKING:
    from index.question import Question

BETWEEN = 3  # lower-case words between the preposition and the name ("in the Kurrin valley": one)


def asked(q: Question) -> tuple[str, ...]:
    """The question's names that say where: after a locative preposition."""
    prepositions = speakers.cue_words_any("locative")
    found = []
    for name in q.names:
        words = name.split()
        if any(len(w) > 1 and w.isupper() for w in words) or all(
            is_month(w) or w.casefold() in q.period for w in re.split(r"[\s-]+", name)
        ):
            continue
        at = re.search(re.escape(name), q.text, re.IGNORECASE)
        before = q.text[: at.start()].split()[-(BETWEEN + 1) :] if at else []
        for n, word in enumerate(reversed(before)):
            if word.casefold() in prepositions:
                found.append(name)
                break
            if n == BETWEEN or not (word.isalpha() and word.islower()):
                break
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Placed:
    """A quote as the place check reads it."""

    text: str
    opening: str  # its article's opening, with the dateline
    same_language: bool  # written in the question's language


def told(q: Question, places: Sequence[str], x: Placed) -> bool:
    """The quote tells of the asked places: it names them, or names no other place where its article's
    opening (a dateline: "PILSK, October 14 - …") names them. A quote in another language than the question's is
    not read (its prepositions and place names are another language's)."""
    if not x.same_language or all(countries.named(q, p, x.text) for p in places):
        return True
    return not answer_types.new_places(x.text, q, "locative") and all(countries.named(q, p, x.opening) for p in places)
