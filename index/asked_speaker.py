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


@dataclass(frozen=True, slots=True)
class Grammar:
    """How a language asks someone's words (index/data/questions.json)."""

    auxiliaries: frozenset[str]  # "did", "has": the verb of speech follows within a few words
    verbs: frozenset[str]  # verbs of speech, dictionary forms: "say", "claim"
    links: frozenset[str]  # "of": joins the head to whose it is


@functools.cache
def grammar(lang: str) -> Grammar:
    data = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    spec = data.get(lang, {})
    words = [frozenset(str(spec.get(k, "")).split()) for k in ("speaker_auxiliaries", "speech_verbs", "speaker_links")]
    return Grammar(*words)


SPEAKER_WORDS = 12  # the most words between the auxiliary and the verb ("did [the head of the IMF] say")
AUXILIARIES_READ = 8  # a question with more auxiliaries than this is read up to its eighth


def read(text: str, lang: str) -> Speaker | None:
    """The speaker whose words the question asks for, or None (no such question in ``lang``, or no one named): the
    words between an auxiliary and the first verb of speech after it, in any form ("said", "claimed"; a capitalised
    word is a name's: "the State Department")."""
    found = _between(text, lang)
    if found is None:
        return None
    lower = not any(ch.isupper() for ch in text[1:])
    return _speaker([m.group(0) for m in found], lang, grammar(lang).links, lower)


def span(text: str, lang: str) -> tuple[int, int] | None:
    """Where the question writes whose words it asks for ("What did [the Harlow Gazette] report…"), as written
    (commas and all), or None."""
    found = _between(text, lang)
    return (found[0].start(), found[-1].end()) if found else None


def _between(text: str, lang: str) -> list[re.Match[str]] | None:
    """The words between an auxiliary and the first verb of speech after it (at least one), or None."""
    g = grammar(lang)
    if not g.auxiliaries or not g.verbs:
        return None
    words = list(WORD.finditer(text))
    lemma = analyzer(lang).lemma
    auxiliaries = [i for i, m in enumerate(words) if m.group(0).casefold() in g.auxiliaries][:AUXILIARIES_READ]
    for i in auxiliaries:
        for j in range(i + 2, min(len(words), i + 2 + SPEAKER_WORDS)):
            w = words[j].group(0)
            if w.islower() and (w in g.verbs or lemma(w) in g.verbs):
                return words[i + 1 : j]
    return None


def _speaker(words: list[str], lang: str, links: frozenset[str], lower: bool) -> Speaker | None:
    """The speaker of the words a question puts between its auxiliary and verb of speech."""
    stop = analyzer(lang).stopwords
    phrase: list[str] = []
    for w in words:
        after_link = bool(phrase) and phrase[-1].casefold() in links
        if phrase and w.casefold() in stop and w.casefold() not in links and not after_link:
            break  # "the soldier [in the call]", "Redline Visual [been able to]"; "the head of [the] IMF" goes on
        phrase.append(w)
    core = [w for w in phrase if w.casefold() not in stop]
    if not core:
        return None  # "he", "they": a pronoun names no one
    folded = [w.casefold() for w in phrase]
    # "of" inside a name links nothing: "the Bank of England governor"
    inside = {n for n in range(1, len(phrase) - 1) if phrase[n - 1][:1].isupper() and phrase[n + 1][:1].isupper()}
    linked = next((n for n, w in enumerate(folded) if n and w in links and n not in inside), None)
    if linked is not None:
        head = phrase[linked - 1]
        owner = [w for w in phrase[linked + 1 :] if w.casefold() not in stop or w.casefold() in links]
        while owner and owner[-1].casefold() in links:
            owner.pop()
    else:
        head = core[-1]
        owned = [n for n, w in enumerate(core[:-1]) if POSSESSIVE.search(w)]
        owner = [*core[: owned[-1]], POSSESSIVE.sub("", core[owned[-1]])] if owned else []
        # whose, where the question names it: "Harwick United's manager"; "the company's chief executive" names no one
        owner = owner[next((n for n, w in enumerate(owner) if w[:1].isupper()), len(owner)) :]
    determined = phrase[0].casefold() in stop
    if head.casefold() in stop or acronym(head) or (len(core) == 1 and head.islower() and not determined):
        return None
    owners = (" ".join(owner),) if owner and (lower or any(w[:1].isupper() for w in owner)) else ()
    bare = POSSESSIVE.sub("", head)
    return Speaker(" ".join(phrase), bare.casefold(), owners, bare[:1].isupper())


def acronym(word: str) -> bool:
    """As many capitals as small letters, two at least: "MoD", "UK", "WHO" (not "DeSantis", "O'Brien")."""
    upper = sum(ch.isupper() for ch in word)
    return upper >= 2 and upper >= sum(ch.islower() for ch in word)
