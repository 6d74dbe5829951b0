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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from index import claims
from index.language import analyzer, detect
from index.sentences import split_sentences

if TYPE_CHECKING:
    from index.question import Question

_WORD = re.compile(r"[^\W_][\w&'’-]*")  # a word with its possessive: "Kovrania's"
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class Speaker:
    phrase: str  # as the question writes it: "the mayor of Harvin"
    head: str  # the word naming who speaks, case-folded: "mayor", "lind", "ministry"
    owners: tuple[str, ...]  # whose, as written: ("Harvin",), ("Kovrania",)
    named: bool  # the head is a name ("Lind"), found in an article in any language


@functools.cache
def _grammar(lang: str) -> tuple[re.Pattern[str] | None, frozenset[str]]:
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
    pattern, _ = _grammar(lang)
    m = pattern.search(text) if pattern else None
    if m is None:
        return None
    stop = analyzer(lang).stopwords
    words = _WORD.findall(m.group("who"))
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
        head, owners = named[-1], [_POSSESSIVE.sub("", w) for w in named[:-1] if _POSSESSIVE.search(w)]
    else:
        return None  # "he", "they": a pronoun names no one
    if head.casefold() in stop or _acronym(head) or (len(named) == 1 and head.islower() and not determined):
        return None
    bare = _POSSESSIVE.sub("", head)
    return Speaker(" ".join(phrase), bare.casefold(), tuple(o for o in owners if o), bare[:1].isupper())


def _acronym(word: str) -> bool:
    """Two capitals or more, not a whole name in capitals typed as such ("MoD", "UK", "WHO")."""
    return sum(ch.isupper() for ch in word) >= 2


@dataclass(frozen=True, slots=True)
class Quoted:
    """A quote as the speaker check reads it."""

    text: str
    credit: str  # whom the quote credits ("Ostrel Mayor Ilya Korsun"), "" for none
    article: str  # its article's text
    opening: str  # its article's opening
    same_language: bool  # written in the question's language


def quoted(text: str, article: str, opening: str, lang: str) -> Quoted:
    """The quote ``text`` of ``article`` (which opens with ``opening``), for a question in ``lang``."""
    return Quoted(text, claims.claim(text).attribution, article, opening, detect(text, lang) == lang)


APPOSITION_CHARS = 60  # around a credited name, where its title is written ("Mayor Ilya Korsun", "Korsun, the mayor")
APPOSITIONS_READ = 20  # the credited name's first mentions read for its title


def credited(q: Question, x: Quoted) -> bool:
    """The quote is credited to the question's speaker (or the question asks no one's words).

    The speaker's head must be in the credit, or next to the credited name where the article writes it ("Korsun"
    credited, "Mayor Ilya Korsun of Harvin" earlier; "Aalst's lawyer, Joost Brinkman, told…"), or in the article's
    opening where the credit is a description ("the man" in an article about "a Russian soldier"); its owners in
    the quote, its credit or where the head was found ("Ostrel Mayor Ilya Korsun" is no mayor of Harvin).

    A quote credited to no one is the speaker's where a sentence of it opens with the whole speaker ("The Supreme
    Court ruled…", "Karsova's defence ministry called the recording a fabrication"); one that names them elsewhere
    ("…four riders, including Xabier Ibarreche, abandoned the race") tells nothing they said. In another language
    than the question's only names are checked: "il sindaco di Luras" is the mayor of Luras."""
    s = q.speaker
    if s is None:
        return True
    if not x.credit:
        return _speaks_in(q, s, x.text)
    said = f"{x.credit} {x.text}"
    if (not x.same_language and not s.named) or _found(q, s.head, x.credit):
        return _all_found(q, s.owners, said)
    if not any(ch.isupper() for ch in x.credit):
        return _found(q, s.head, x.opening) and _all_found(q, s.owners, f"{said} {x.opening}")
    return any(
        _found(q, s.head, near) and _all_found(q, s.owners, f"{said} {near}")
        for near in _mentions(x.credit.split()[-1], x.article)
    )


def _all_found(q: Question, words: Sequence[str], text: str) -> bool:
    return all(_found(q, w, text) for w in words)


def _found(q: Question, word: str, text: str) -> bool:
    """The text has the question's word by its forms, or as a name (a variant, a letter apart: "Orvenian")."""
    forms = q.forms(text)
    folded = word.casefold()
    return folded in forms or q.stem(folded) in forms or (word[:1].isupper() and q.has_name(word, text))


def _speaks_in(q: Question, s: Speaker, text: str) -> bool:
    """A sentence of the text opens (after its dateline) with every word of the speaker's phrase ("The Supreme Court
    ruled…"), or names them all and, after its head, a verb of speech ("…a call in which a Kovranian soldier tells
    his wife that…")."""
    stop = analyzer(q.lang).stopwords
    words = [_POSSESSIVE.sub("", w) for w in _WORD.findall(s.phrase) if w.casefold() not in stop]
    _, verbs = _grammar(q.lang)
    lemma = analyzer(q.lang).lemma
    for start, end in split_sentences(text):
        sentence = text[start:end]
        dateline = claims.DATELINE.match(sentence)
        tokens = _WORD.findall(sentence[dateline.end() if dateline else 0 :])
        if not words or not all(_found(q, w, " ".join(tokens)) for w in words):
            continue
        if all(_found(q, w, " ".join(tokens[: SUBJECT_WORDS + len(words)])) for w in words):
            return True
        heads = [i for i, t in enumerate(tokens) if _found(q, s.head, t)]
        if heads and any(lemma(t.casefold()) in verbs for t in tokens[heads[0] + 1 : heads[0] + 1 + VERB_WORDS]):
            return True
    return False


VERB_WORDS = 8  # how far after the speaker a verb of speech is theirs ("a soldier from the 112th Regiment tells")
SUBJECT_WORDS = 4  # the words a subject's title and determiners may add to the phrase ("Russia's top court")


def _mentions(name: str, article: str) -> Iterator[str]:
    """The text around each of the first mentions of ``name`` in the article, where its title is written."""
    for n, m in enumerate(re.finditer(rf"\b{re.escape(name)}\b", article)):
        if n == APPOSITIONS_READ:
            return
        yield article[max(0, m.start() - APPOSITION_CHARS) : m.end() + APPOSITION_CHARS]
