"""Which words of a question are names: its capitalised runs, and where its capitals cannot tell (typed in lower
case, or in a language that capitalises every noun) the words the retrieved texts write as names; and a question
typed in lower case as it would be written."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from index.language import NOUNS_CAPITALISED, TOKEN, detect

if TYPE_CHECKING:
    from index.question import Question


def names_from(q: Question, texts: Iterable[str]) -> list[str]:
    """The names of the question the retrieved ``texts`` tell (runs of its words). The question's words that the
    retrieved ``texts`` write as names (capitalised, not first in a sentence or a line, not in a title, never in
    lower case) are names where the question's own capitals cannot tell: in a question typed in lower case ("how
    much rain fell in kellbach?"), as chat users do, and in a language that capitalises every noun ("Darrowby",
    "Boris"; not "Passagiere"). A text in such a language tells only which words are no names (those it writes in
    lower case): it capitalises every noun ("Hotel"). Runs are one name."""
    words = list(TOKEN.finditer(q.text))
    named = {w.casefold() for n in q.names for w in n.split()}
    lower_case = typed_lower(q)
    if lower_case:
        candidates = {t for t in q.terms if len(t) > 2 and not t.isdigit()}
    elif q.lang in NOUNS_CAPITALISED:
        candidates = {m.group(0).casefold() for m in words[1:] if m.group(0)[:1].isupper()}
    else:
        return []
    candidates -= named
    if not candidates:
        return []
    capitalised: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        # Identified only where it decides (~1 ms a text): a German question skips German texts, and a
        # capitalised candidate counts only outside them.
        nouns_capitalised = detect(text, q.lang) in NOUNS_CAPITALISED if q.lang in NOUNS_CAPITALISED else None
        if nouns_capitalised:
            continue  # a German text writes a German question's nouns as the question does: it tells nothing
        # Not a title's words ("Storm Hits Darrowby Airport"), not a sentence's first, not a common noun the
        # text also writes in lower case ("Prime Minister" … "the minister").
        body = text.split("\n", 1)[1] if "\n" in text.strip() else text
        for m in TOKEN.finditer(body):
            word = m.group(0)
            key = word.casefold()
            if key not in candidates:
                continue
            if word[:1].islower():
                lower.add(key)
            elif not starts_sentence(body, m.start()):
                if nouns_capitalised is None:
                    nouns_capitalised = detect(text, q.lang) in NOUNS_CAPITALISED
                if not nouns_capitalised:
                    capitalised.add(key)
    seen = capitalised - lower
    if not seen:
        return []
    return runs(q.text, words, lambda i, w: (i > 0 or lower_case) and w.casefold() in seen)


_OPENING = " \t\n\"'“‘„«(["
_DATELINE = re.compile(r"\)\s*[-–—]\s*\Z")  # "KELLBACH (Reuters) - Rain fell …"
_AFTER_STOP = re.compile(r"[.!?…:][\"'”’»)\]]*\s*[\"'“‘„«(\[]*\s*\Z")


def starts_sentence(text: str, at: int) -> bool:
    """The word at ``at`` opens the text or a line (a heading, a list item), follows a full stop, a question or
    exclamation mark (quotation marks and brackets between) or a dateline ("KELLBACH (Reuters) - Rain fell"):
    only the few characters before it are read."""
    before = text[max(0, at - 8) : at]
    newline = before.rfind("\n")
    opening = before[newline + 1 :] if newline >= 0 else before
    return (
        ((at <= 8 or newline >= 0) and not opening.strip(_OPENING))
        or bool(_AFTER_STOP.search(before))
        or bool(_DATELINE.search(before))
    )


def names(text: str, lang: str, stop: frozenset[str], spelled: AbstractSet[str] = frozenset()) -> list[str]:
    """Runs of capitalised words that are not the question's first word: "Storm Boris", "Paiporta". In languages
    that capitalise nouns, only acronyms and words with inner capitals or digits count. A stop word counts only as
    one of the question's ``acronyms`` (``spelled``)."""

    def named(i: int, w: str) -> bool:
        capital = w[0].isupper() and not w.isdigit()
        if lang in NOUNS_CAPITALISED:
            capital = (w.isupper() and len(w) > 1) or any(ch.isupper() for ch in w[1:])
        return i > 0 and capital and (w.casefold() not in stop or w.casefold() in spelled) and len(w) > 1

    return list(dict.fromkeys(runs(text, list(TOKEN.finditer(text)), named)))


def acronyms(text: str, determiners: frozenset[str]) -> set[str]:
    """The question's acronyms that name something though they spell a function word, case-folded: after a
    determiner or before a possessive ("the WHO", "WHO's chief"), not "at 9 AM" nor a word stressed in capitals
    ("did the army NOT retreat"); none in a question typed mostly in capitals."""
    words = list(TOKEN.finditer(text))
    lettered = [m.group(0) for m in words if m.group(0).isalpha() and len(m.group(0)) > 1]
    if sum(w.isupper() for w in lettered) * 2 >= len(lettered):
        return set()
    found = set()
    for i, m in enumerate(words[1:], start=1):
        word = m.group(0)
        if len(word) > 1 and word.isalpha() and word.isupper():
            possessive = text[m.end() : m.end() + 2] in ("'s", "’s")
            if possessive or words[i - 1].group(0).casefold() in determiners:
                found.add(word.casefold())
    return found


def runs(text: str, words: Sequence[re.Match[str]], named: Callable[[int, str], bool]) -> list[str]:
    """Runs of the words (matches in ``text``) that ``named`` (index, word) keeps, joined by spaces or hyphens
    only: "Storm Boris", "Jean Luc Mélenchon"; "Google, Apple" are two."""
    found: list[str] = []
    run: list[str] = []
    for i, m in enumerate(words):
        joined = bool(run) and not text[words[i - 1].end() : m.start()].strip(" -")
        if run and not joined:
            found.append(" ".join(run))
            run = []
        if named(i, m.group(0)):
            run.append(m.group(0))
            continue
        if run:
            found.append(" ".join(run))
        run = []
    if run:
        found.append(" ".join(run))
    return found


def typed_lower(q: Question) -> bool:
    """The question is typed without capitals, its first word and acronyms ("SBU", "NATO") aside."""
    return not any(w[:1].isupper() and not (len(w) > 1 and w.isupper()) for w in TOKEN.findall(q.text)[1:])


def truecased(q: Question) -> str:
    """A question typed in lower case as it would be written: its first letter and its names capitalised ("how much
    rain fell in kellbach" → "How much rain fell in Kellbach", its names read off the texts first, see
    ``Question.with_names_from``). A question written with capitals, or in a language that capitalises its nouns
    (which this cannot restore), is returned as it is."""
    text = q.text
    if not typed_lower(q) or q.lang in NOUNS_CAPITALISED:
        return text
    named = {w.casefold() for n in q.names for w in n.split()}
    out = list(text)
    for i, m in enumerate(TOKEN.finditer(text)):
        if i == 0 or m.group(0).casefold() in named:
            out[m.start()] = out[m.start()].upper()
    return "".join(out)
