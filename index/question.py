"""A question analysed once: its language, content terms, names, and what kind of answer it asks for.

Every later step (retrieval, evidence scoring, answerability, quote completion) reads this one ``Question``
instead of parsing the string again. How each language asks for a figure, a date, an actor, a place or a reason
is data (``data/questions.json``); stems and stop words come from ``index.language``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

from index import asked_kind, asked_speaker, fitted, matching, question_names, speakers
from index.asked_kind import Asks, words_of
from index.language import NOUNS_CAPITALISED, TOKEN, Analyzer, analyzer, detect, fold, folded, tokens

OPENING_WORDS = 7  # the interrogative is looked for among the first words ("In which countries did …")


@dataclass(frozen=True, slots=True)
class Concepts:
    """Optional families of terms that count as one ("equipment" ~ tank, artillery…); empty by default."""

    families: dict[str, frozenset[str]]

    @classmethod
    def load(cls, path: str) -> Concepts:
        """A JSON file {"lang": "en", "families": {"word": ["member", …]}}; stems in that language."""
        if not path:
            return NO_CONCEPTS
        return fitted.load(path, "", cls._from_json, "CONCEPTS_FILE")

    @classmethod
    def _from_json(cls, raw: dict[str, Any]) -> Concepts:
        a = analyzer(str(raw.get("lang", "en")))
        for key, words in dict(raw["families"]).items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"the family {key!r} must be a list of words")
        families = {
            a.stem(key): frozenset(a.stem(str(w)) for w in words) | {a.stem(key)}
            for key, words in dict(raw["families"]).items()
        }
        return cls(families)


NO_CONCEPTS = Concepts({})


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    lang: str
    terms: tuple[str, ...]  # content words, case-folded, in order
    matches: tuple[frozenset[str], ...]  # per term: the word forms and stems that count as it
    names: tuple[str, ...]  # capitalised names as written ("Paiporta", "CrowdStrike")
    asks: frozenset[Asks]
    count: bool  # asks how many / how much outright
    focus: frozenset[str]  # stems of what a figure must count: "how many [commercial flights]"
    event: frozenset[str]  # stems of what the counted things did: "how many prisoners [came home]"
    numbers: frozenset[str]  # figures the question states, digits only ("2,000" → "2000")
    known: frozenset[str]  # every word of the question, case-folded, and without diacritics where it has any
    variants: tuple[tuple[str, str], ...] = ()  # (name, how the articles write it): "Maroc" → "Morocco"
    period: frozenset[str] = frozenset()  # the case-folded words that set its period ("september", "2024")
    head: frozenset[str] = frozenset()  # the word of the counted noun that is counted: "how many Ukrainian [prisoners]"
    # stems of the measure a what-question names with no noun after it: "what [range]"
    measure: frozenset[str] = frozenset()
    speaker: asked_speaker.Speaker | None = None  # whose words it asks for: "what did [the mayor of Harvin] say"

    def without_terms(self, words: AbstractSet[str]) -> Question:
        """The question without these content terms (case-folded words)."""
        keep = [i for i, t in enumerate(self.terms) if t not in words]
        return replace(self, terms=tuple(self.terms[i] for i in keep), matches=tuple(self.matches[i] for i in keep))

    def stem(self, word: str) -> str:
        return analyzer(self.lang).stem(word)

    def forms(self, text: str | AbstractSet[str]) -> AbstractSet[str]:
        """The words of a text and their stems in the question's language: what question terms are matched to.
        Given forms already (a set), returns them: callers that test one text several times compute them once."""
        if not isinstance(text, str):
            return text
        return (
            matching.text_forms(self.lang, text)
            if len(text) <= matching.FORMS_CACHED_CHARS
            else matching.read_forms(self.lang, text)
        )

    def capitalised_forms(self, text: str) -> AbstractSet[str]:
        """The forms of the text's capitalised words (and figures): where a name of the question may be. "Fed" is
        not in "fed up"."""
        if len(text) <= matching.FORMS_CACHED_CHARS:  # as ``forms``: a long text is read, not kept as a cache key
            return matching.cached_capitalised_forms(self.lang, text)
        return matching.capitalised_forms(self.lang, text)

    def coverage(self, text: str | AbstractSet[str]) -> float:
        """Share of the question's content terms that the text (or its ``forms``) contains (by word or stem)."""
        if not self.terms:
            return 0.0
        present = self.forms(text)
        return sum(1 for m in self.matches if m & present) / len(self.terms)

    def names_in(self, text: str | AbstractSet[str]) -> float:
        """Share of the question's names that the text contains, written as names (capitalised), or its ``forms``
        contain (1.0 when it names none)."""
        if not self.names:
            return 1.0
        present = self.capitalised_forms(text) if isinstance(text, str) else text
        return sum(self.has_name(n, present) for n in self.names) / len(self.names)

    def has_name(self, name: str, text: str | AbstractSet[str]) -> bool:
        """The text, written as a name (or its forms), contains one of the question's names, or a variant of it, or a
        word of it spelled with one letter more or less ("Zelenskiy" for "Zelensky", "Russian" for "Russia")."""
        present = self.capitalised_forms(text) if isinstance(text, str) else text
        forms = matching.name_forms(self, name, " ".join(matching.own_words(name, present)))
        return bool(forms & present) or matching.one_letter_apart(forms, present)

    def with_names_from(self, texts: Iterable[str]) -> Question:
        """The question with the names the retrieved ``texts`` tell it has (``question_names.names_from``)."""
        found = question_names.names_from(self, texts)
        return replace(self, names=tuple(dict.fromkeys((*self.names, *found)))) if found else self

    def with_variants(self, variants: Sequence[tuple[str, str]]) -> Question:
        """The question with other spellings of its names (a translation, a transliteration) counted as the names:
        each word of a name also matches the words of its variant."""
        if not variants:
            return self
        extra: dict[str, set[str]] = {}
        for name, variant in variants:
            forms = matching.forms_of(self, variant)
            for w in tokens(name):
                extra.setdefault(w, set()).update(forms)
        matches = tuple(m | extra.get(t, set()) for t, m in zip(self.terms, self.matches, strict=True))
        return replace(self, matches=matches, variants=self.variants + tuple(variants))


def asks_duration(q: Question) -> bool:
    """The figure asked is how long something lasts or takes ("How long will the repairs take?"): a span ("six
    weeks") answers it, which is read as a time, not a count."""
    rx = asked_kind.pattern_of(q.lang, "duration")
    return Asks.FIGURE in q.asks and rx is not None and rx.search(q.text) is not None


def analyse(text: str, concepts: Concepts = NO_CONCEPTS, lang: str | None = None) -> Question:
    """The question's parts, for every later step."""
    text = " ".join(text.split())
    lang = lang or detect(text)
    a = analyzer(lang)
    # The verbs that open a question's clause ("how long will the repairs take") are no terms either: Snowball's
    # English list lacks "will" and "can", and "will" was the noun "how long" counted.
    stop = a.stopwords | words_of(lang, "fillers") | words_of(lang, "subject_verbs")
    # The question words ask; they are never what an answer says ("wann", "pourquoi", "quién" in no passage). One
    # written with a capital inside the question is a name's word ("Cosa Nostra"), or an acronym ("MIT").
    asking = words_of(lang, "interrogatives")
    words = TOKEN.findall(text)
    written = {w.casefold() for i, w in enumerate(words) if i and (w[:1].isupper() or asked_kind.acronym(w))}
    # An acronym that spells a function word names something after a determiner ("the WHO"; ``acronyms``).
    acronyms = question_names.acronyms(text, words_of(lang, "determiners"))
    content = set(a.content_terms(text)) | acronyms
    terms = tuple(
        t
        for t in dict.fromkeys(tokens(text))
        if t in content and (t in acronyms or (t not in stop and (t not in asking or t in written)))
    )
    # A word written with a capital is read as written: "the Fed" is no form of "feed", "Mars" none of "mar".
    matches = tuple(_matches(t, a, concepts, lemma=t not in written) for t in terms)
    # The interrogative opens the question or a clause of it ("In the update that put …, how many vehicles…").
    openings = [" ".join(part.split()[:OPENING_WORDS]) for part in text.split(",")]
    opening = " | ".join(openings)
    patterns = asked_kind.patterns().get(lang, asked_kind.patterns()["en"])
    grammar = lang if words_of(lang, "interrogatives") else "en"
    asks = frozenset(
        Asks(kind)
        for kind in asked_kind.asked_kinds(
            openings, patterns, words_of(grammar, "interrogatives"), words_of(grammar, "coordinators")
        )
    )
    figure = patterns.get("figure")
    m = figure.search(opening) if figure else None
    hour = patterns["hour"].search(opening) if Asks.HOUR in asks else None
    if hour:  # a time of day is a date question's answer too: the date checks read it
        asks = asks | {Asks.DATE}
        if m and m.start() < hour.end() and hour.start() < m.end():  # "um wie viel Uhr" asks no count
            asks, m = asks - {Asks.FIGURE}, None
    noun, event = _focus(text, m, a, stop, words_of(lang, "subject_verbs"), concepts) if m else ([], frozenset())
    measure: list[str] = []
    if m and not noun and m.groupdict().get("noun"):
        # "To what range did the bank raise its rate?": the measure named, what the figure may be given as. Only a
        # cue to rank by: "what share of the vote did Labour win?" is answered by "won 33.7% of the vote" too.
        measured = m.group("noun").casefold()
        after = re.search(re.escape(m.group(0)), text, re.IGNORECASE)
        counting = measured in words_of(lang, "counting_nouns") and after is not None
        measure = (counting and after and asked_kind.counted_after(text[after.end() :], stop)) or [measured]
    noun_rx = asked_kind.figure_noun(lang)
    named = noun_rx.search(text) if noun_rx else None
    # "What were Karsova's February losses?" asks them; "Why do outlets report different totals?" asks a reason.
    word = (named.group(1) or "").casefold() if named else ""  # none after a possessive: "Russia's losses"
    if named and word not in stop and asks <= {Asks.FIGURE}:
        asks = asks | {Asks.FIGURE}
        # "the cumulative count of destroyed Russian tanks": what a count is of is what it counts
        counting = tokens(named.group(0))[-1] in words_of(lang, "counting_nouns")
        noun = noun or (counting and asked_kind.counted_after(text[named.end() :], stop)) or ([word] if word else [])
    if not noun and asked_kind.asks_amount(words, lang, stop):
        # "What will the recall cost?", "How much did Newcastle pay for him?": an amount, given in a currency.
        if not asks:
            asks = frozenset({Asks.FIGURE})
        if Asks.FIGURE in asks:
            money = speakers.cue_words("money", lang)
            measure = measure or (["money"] if "money" in money else sorted(money)[:1])
    focus = frozenset().union(*(_matches(w, a, concepts) for w in noun))
    head = asked_kind.head_word(noun, a, words_of(lang, "plurals"))
    head_forms = _matches(head, a, concepts) if head else frozenset()
    measure_forms = frozenset().union(*(_matches(w, a, concepts) for w in measure))
    return Question(
        text=text,
        lang=lang,
        terms=terms,
        matches=matches,
        names=tuple(question_names.names(text, lang, stop, acronyms)),
        asks=asks,
        count=m is not None,
        focus=focus,
        event=event,
        head=head_forms,
        measure=measure_forms,
        # A year is a date or a name ("Euro 2024"), not a figure the question asks about ("close to 2,000?").
        numbers=frozenset(
            n for n in numbers(text) if not re.fullmatch(r"(?:19|20)\d\d", n) or f"{n[0]},{n[1:]}" in text
        ),
        known=frozenset(tokens(text)) | folded(tokens(text)),
        speaker=asked_speaker.read(text, lang),
    )


def _matches(term: str, a: Analyzer, concepts: Concepts, lemma: bool = True) -> frozenset[str]:
    stem = a.stem(term)
    forms = {term, stem, fold(term), fold(stem), a.lemma(term) if lemma else term}
    return frozenset(forms) | concepts.families.get(stem, frozenset())


def _focus(
    text: str, m: re.Match[str], a: Analyzer, stop: frozenset[str], subject_verbs: frozenset[str], c: Concepts
) -> tuple[list[str], frozenset[str]]:
    """The counted noun's words (content words right after "how many", up to the first function word) and the
    event (content words after that)."""
    start = text.find(m.group(0))
    after = text[start + len(m.group(0)) :] if start >= 0 else ""
    written = TOKEN.findall(after)
    rest = [w.casefold() for w in written]
    # Where nouns are capitalised, the noun ends with them: "wie viele Passagiere [wurden] … verletzt".
    capitals = a.lang in NOUNS_CAPITALISED
    noun: list[str] = []
    for i, w in enumerate(rest):
        past_noun = capitals and any(v[:1].isupper() for v in written[:i]) and not written[i][:1].isupper()
        if w in stop or len(noun) == 3 or past_noun:
            rest = rest[i:]
            break
        noun.append(w)
    else:
        rest = []
    if rest and rest[0] in subject_verbs:
        return noun, frozenset()  # "how many tanks does the unit still have": a subject and a verb, not an event
    event = frozenset().union(*(_matches(w, a, c) for w in rest if w not in stop)) if rest else frozenset()
    return noun, event


def numbers(text: str) -> list[str]:
    """Figures in the text with more than one digit, digits only ('2,000' → '2000')."""
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if len(n.replace(",", "")) > 1]
