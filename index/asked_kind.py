"""What kind of answer a question asks for (a figure, a date, a day, an actor, a place, a reason) and what a figure
counts, read from the patterns and word lists of each language (``data/questions.json``)."""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from importlib import resources

from index.language import TOKEN, Analyzer, tokens


class Asks(enum.StrEnum):
    FIGURE = "figure"
    DATE = "date"
    DAY = "day"  # a calendar date only: "on what date", "which day"
    HOUR = "hour"  # a time of day: "at what time", "um wie viel Uhr" (a date question too)
    ACTOR = "actor"
    PLACE = "place"
    REASON = "reason"


_KINDS = frozenset(a.value for a in Asks)


@functools.cache
def patterns() -> dict[str, dict[str, re.Pattern[str]]]:
    data = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    return {
        # The other entries are word lists (fillers, interrogatives, …), no kind's pattern.
        lang: {kind: re.compile(rx, re.IGNORECASE) for kind, rx in spec.items() if kind in _KINDS}
        for lang, spec in data.items()
        if not lang.startswith("_")
    }


@functools.cache
def pattern_of(lang: str, key: str) -> re.Pattern[str] | None:
    data = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    rx = data.get(lang, {}).get(key)
    return re.compile(rx, re.IGNORECASE) if rx else None


def figure_noun(lang: str) -> re.Pattern[str] | None:
    return pattern_of(lang, "figure_noun")


def asks_amount(words: Sequence[str], lang: str, stop: AbstractSet[str]) -> bool:
    """A verb that asks an amount ("cost", "pay") ends the question or comes before a function word ("pay for"); a
    noun after it is what it qualifies ("pay rises")."""
    verbs = words_of(lang, "amount_verbs")
    folded = [w.casefold() for w in words]
    return any(w in verbs and (i + 1 == len(folded) or folded[i + 1] in stop) for i, w in enumerate(folded) if i)


@functools.cache
def words_of(lang: str, kind: str) -> frozenset[str]:
    """One kind of the question words of ``lang`` (index/data/questions.json: "plurals", "fillers", …)."""
    data = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    return frozenset(str(data.get(lang, {}).get(kind, "")).split())


def asked_kinds(
    clauses: list[str], patterns: dict[str, re.Pattern[str]], interrogatives: frozenset[str], joins: frozenset[str]
) -> list[str]:
    """The kinds the question's first interrogative asks (those whose pattern covers it), and those of an
    interrogative joined to it ("when and where", "who won and by how many votes"). A later one opens a clause
    of the question ("what did the minister say when announcing the cut?", "who ran Intel when it announced the
    job cuts?", "Что сказал министр, когда…"): it asks for no date. An acronym ("the WHO") is no interrogative.
    Without any interrogative, each clause asks what its first match asks ("Number of dead in Morocco?")."""
    kinds: list[str] = []
    seen = False
    for clause in clauses:
        found = {kind: m.span() for kind, rx in patterns.items() if (m := rx.search(clause))}
        words = list(TOKEN.finditer(clause))
        marks = [i for i, w in enumerate(words) if w.group(0).casefold() in interrogatives and not acronym(w.group(0))]
        allowed = [
            words[i].start()
            for n, i in enumerate(marks)
            if (n == 0 and not seen) or any(w.group(0).casefold() in joins for w in words[max(0, i - 2) : i])
        ]
        seen = seen or bool(marks)
        if not marks and not seen and found:
            allowed = [min(found.values())[0]]
        kinds += [kind for kind, (s, e) in found.items() if any(s <= at < e for at in allowed)]
    return kinds


def acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def counted_after(rest: str, stop: frozenset[str]) -> list[str]:
    """The content words after an "of" that opens ``rest``, up to the first function word or possessive (three at
    most)."""
    words = tokens(rest)
    if not words or words[0] != "of":
        return []
    counted: list[str] = []
    for w in words[1:]:
        if w in stop or len(w) < 2 or len(counted) == 3:
            break
        counted.append(w)
    return counted


def head_word(noun: list[str], a: Analyzer, plurals: frozenset[str]) -> str:
    """The word of the counted noun that names what is counted: the first plural ("Ukrainian [prisoners]", "[drones]
    hit Moscow", "[people] died"), else its last word ("heavy [equipment]")."""
    plural = (w for w in noun if w in plurals or (w.endswith("s") and a.stem(w) != w))
    return next(plural, noun[-1] if noun else "")
