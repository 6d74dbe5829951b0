"""Whose words a question asks for: "What did [the mayor of Harvin] say about the attack?", "How many drones did
[Kovrania's defence ministry] say it launched?".

Such a question is answered by a quote credited to that speaker; a quote about the same event credited to someone
else (the mayor of another town, the company instead of its chief executive, a spokesman instead of the president)
tells what another said. The speaker is read as its head, the word that names who speaks ("mayor", "Lind",
"ministry"), and its owners, the names that say whose ("Harvin" of "the mayor of Harvin", "Kovrania" of
"Kovrania's defence ministry"). The phrase ends at the first function word other than "of" ("the soldier [in the
intercepted call]"): what follows sets the scene, it does not name the speaker. A pronoun, a bare plural ("Why do
outlets report…") or an acronym ("the UK MoD", credited as "the British Defence Ministry") names no one a credit
can be checked against: no speaker is read.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from index.language import analyzer

WORD = re.compile(r"[^\W_][\w&'’-]*")  # a word with its possessive: "Kovrania's"
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class Speaker:
    phrase: str  # as the question writes it: "the mayor of Harvin"
    head: str  # the word naming who speaks, case-folded: "mayor", "lind", "ministry"
    owners: tuple[str, ...]  # whose, as written: ("Harvin",), ("Kovrania",)
    named: bool  # the head is a name ("Lind"), found in an article in any language


@functools.cache
def grammar(lang: str) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """The language's pattern of a question asking someone's words, and its verbs of speech (dictionary forms)."""
    data = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    spec = data.get(lang, {})
    verbs = str(spec.get("speech_verbs", "")).split()
    rx = spec.get("speaker")
    if not rx or not verbs:
        return None, frozenset()
    return re.compile(rx.replace("{speech_verbs}", "|".join(map(re.escape, verbs))), re.IGNORECASE), frozenset(verbs)


def read(text: str, lang: str) -> Speaker | None:
    """The speaker whose words the question asks for, or None (no such question in ``lang``, or no one named)."""
    pattern, _ = grammar(lang)
    m = pattern.search(text) if pattern else None
    if m is None:
        return None
    stop = analyzer(lang).stopwords
    words = WORD.findall(m.group("who"))
    phrase: list[str] = []
    for w in words:
        if w.casefold() in stop and w.casefold() != "of" and phrase:
            break  # "the soldier [in the call]", "Redline Visual [been able to]"
        phrase.append(w)
    determined = bool(phrase) and phrase[0].casefold() in stop
    named = [w for w in phrase if w.casefold() not in stop]
    folded = [w.casefold() for w in phrase]
    if "of" in folded[1:]:
        at = folded.index("of", 1)
        head, owners = phrase[at - 1], [w for w in phrase[at + 1 :] if w.casefold() not in stop]
    elif named:
        head, owners = named[-1], [POSSESSIVE.sub("", w) for w in named[:-1] if POSSESSIVE.search(w)]
    else:
        return None  # "he", "they": a pronoun names no one
    if head.casefold() in stop or _acronym(head) or (len(named) == 1 and head.islower() and not determined):
        return None
    bare = POSSESSIVE.sub("", head)
    return Speaker(" ".join(phrase), bare.casefold(), tuple(o for o in owners if o), bare[:1].isupper())


def _acronym(word: str) -> bool:
    """Two capitals or more, not a whole name in capitals typed as such ("MoD", "UK", "WHO")."""
    return sum(ch.isupper() for ch in word) >= 2
