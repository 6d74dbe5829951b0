"""Whether a quote is the words of the speaker a question asks about (``asked_speaker``): by its credit, the
title the article writes next to the credited name, a description's article opening, or a sentence the speaker
opens or speaks in; and about what the question names besides the speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index import claims, countries
from index.asked_speaker import POSSESSIVE, WORD, Speaker, grammar
from index.language import analyzer, detect
from index.question import Question
from index.sentences import split_sentences


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
    than the question's only names are checked: "il sindaco di Luras" is the mayor of Luras.

    The speaker's words must be about what the question names besides them: President Vestry quoted on the strike
    on Pilsk says nothing "about the Zolotar raid" (measured on nine sets: 5 more refusals, no answer lost)."""
    s = q.speaker
    if s is None:
        return True
    return _by_speaker(q, s, x) and _about(q, s, x)


def _about(q: Question, s: Speaker, x: Quoted) -> bool:
    """The quote, or its article's opening, names the question's other names: what the speaker is asked about."""
    own = {w.casefold() for w in WORD.findall(s.phrase)}
    others = [n for n in q.names if not {w.casefold() for w in n.split()} & (own | q.period)]
    return all(countries.named(q, n, x.text) or countries.named(q, n, x.opening) for n in others)


def _by_speaker(q: Question, s: Speaker, x: Quoted) -> bool:
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
    words = [POSSESSIVE.sub("", w) for w in WORD.findall(s.phrase) if w.casefold() not in stop]
    _, verbs = grammar(q.lang)
    lemma = analyzer(q.lang).lemma
    for start, end in split_sentences(text):
        sentence = text[start:end]
        dateline = claims.DATELINE.match(sentence)
        tokens = WORD.findall(sentence[dateline.end() if dateline else 0 :])
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
