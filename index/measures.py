"""What a what-question measures: "What was Kestrel's third-quarter revenue?", "What was the turnout?", "What fine
was imposed?" name a noun and ask its figure, which no interrogative says ("how many" does). Whether a noun is a
measure is read from the articles the question retrieves, not from a list: a measure is written with figures
("revenue rose 9% to $2.1 billion", "turnout was 59.3%", "fined 150,000 euros"); "what sentence", "what
vehicle", "what happened" are not."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from index.asked_kind import Asks, words_of
from index.language import analyzer
from index.question import Question
from index.speakers import cue_words

# A figure this close to the noun gives its value: "revenue of $2.1 billion", "$2.1 billion in revenue".
AFTER_WORDS = 3
BEFORE_WORDS = 2
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_TOKEN = re.compile(r"\S+")
_POSSESSIVE = re.compile(r"[’']s\b")
_FIGURE = re.compile(r"\d")
_YEAR = re.compile(r"\W*(?:19|20)\d\d\W*")  # "2024 revenue" gives none
_AUXILIARIES = frozenset("did do does has have had will would can could should may might must".split())


def asked_noun(q: Question) -> str:
    """The noun a question that asks no kind opens with, case-folded: "What was Kestrel Semiconductor's
    third-quarter [revenue] in …", "What [fine] was imposed"; "" for "What did X say?", "What else …" and any
    language without the data (``measure_openers``)."""
    openers = words_of(q.lang, "measure_openers")
    if q.asks or not openers:
        return ""
    words = _WORD.findall(_POSSESSIVE.sub("", q.text))
    if not words or words[0].casefold() not in openers:
        return ""
    stop = analyzer(q.lang).stopwords
    rest = words[1:]
    if rest and rest[0].casefold() in words_of(q.lang, "copulas"):
        rest = rest[1:]
    determiners = words_of(q.lang, "determiners")
    while rest and rest[0].casefold() in determiners:
        rest = rest[1:]
    run: list[str] = []
    for w in rest:
        if w.casefold() in stop or w.casefold() in _AUXILIARIES:
            break
        run.append(w)
    # A name is what the measure is of ("Kestrel Semiconductor"), not the measure; a verb in the past asks what
    # happened ("What killed the miners?", "What happened…"), as does one of the irregular past forms in cues.json.
    noun = run[-1] if run and not run[-1][:1].isupper() else ""
    past = (noun.endswith("ed") and q.stem(noun) != noun.casefold()) or noun.casefold() in cue_words("verbs", q.lang)
    return "" if past else noun.casefold()


def measured(q: Question, texts: Iterable[str]) -> Question:
    """The question asking a figure of its noun (``asked_noun``) where the texts write that noun with a figure at
    least half the times they write it; else the question as it was."""
    noun = asked_noun(q)
    if not noun:
        return q
    forms = q.forms(noun)
    seen = given = 0
    for text in texts:
        tokens = _TOKEN.findall(text)
        for i, token in enumerate(tokens):
            word = _WORD.search(token)
            if word is None or not (q.forms(word.group(0).casefold()) & forms):
                continue
            seen += 1
            near = tokens[max(0, i - BEFORE_WORDS) : i] + tokens[i + 1 : i + 1 + AFTER_WORDS]
            given += any(_FIGURE.search(t) and not _YEAR.fullmatch(t) for t in near)
    if not given or 2 * given < seen:
        return q
    return replace(q, asks=frozenset({Asks.FIGURE}), focus=frozenset(forms), head=frozenset(forms))
