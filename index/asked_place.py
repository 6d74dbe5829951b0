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
from typing import TYPE_CHECKING

from index import countries, speakers
from index.asked_speaker import POSSESSIVE, acronym
from index.periods import is_month

if TYPE_CHECKING:
    from index.question import Question

BETWEEN = 3  # lower-case words between the preposition and the name ("in the Kurrin valley": one)


# Where a place's name is read as written: Slavic languages and Hungarian inflect it ("у полоні Карсови", "w
# Polsce"), and the quotes write it in other cases ("карсовському").
READ_IN = frozenset({"en", "de", "fr", "es", "it", "pt", "nl"})


def asked(q: Question) -> tuple[str, ...]:
    """The question's names that say where: after a locative preposition."""
    if q.lang not in READ_IN:
        return ()
    prepositions = speakers.cue_words_any("locative")
    found = []
    for name in q.names:
        parts = re.split(r"[\s-]+", name)
        if any(map(acronym, parts)) or all(_period(q, w) for w in parts):
            continue
        at = re.search(r"(?<!\w)" + r"[\s-]+".join(map(re.escape, parts)) + r"(?!\w)", q.text, re.IGNORECASE)
        before = q.text[: at.start()].split()[-(BETWEEN + 1) :] if at else []
        for n, word in enumerate(reversed(before)):
            if word.casefold() in prepositions:
                found.append(name)
                break
            if n == BETWEEN or not (word.isalpha() and word.islower()):
                break
    return tuple(found)


def _period(q: Question, word: str) -> bool:
    """A month, a weekday or a word that sets the question's period ("in May", "in Tuesday's attack")."""
    folded = POSSESSIVE.sub("", word).casefold()
    return is_month(folded) or folded in q.period or folded in speakers.weekdays()


def told(q: Question, places: Sequence[str], text: str, lead: str, same_language: bool) -> bool:
    """The quote ``text`` tells of the asked places: it names them, or its article's lead (its dateline: "PILSK,
    October 14 - …") does and, where a country is asked, neither names another ("in Vina del Mar" under
    "SANTIAGO, Chile" is in Chile; "in Central Europe" under a lead naming Poland, Austria and Hungary is not in
    Hungary). A quote in another language than the question's is not read (its prepositions and place names are
    another language's)."""
    named = list(places)
    if not same_language or all(countries.named(q, p, text) for p in named):
        return True
    asked_countries = {countries.country(p) for p in named}
    # Another country is another place than a country asked; a town asked may be in any country.
    if None not in asked_countries and (countries.named_in(f"{text} {lead}") - asked_countries):
        return False
    return all(countries.named(q, p, lead) for p in named)
