"""The outlets a question points at as its source: "What did the Harlow Gazette report about the bridge?", "How
much will the repairs cost, according to the Kellbach Post?". Such a question asks those outlets' articles, which
rarely name their own outlet: it is answered from them, and the outlet's name is no name the quotes must hold nor
a speaker of theirs.

Only where the question puts a phrase as its source is it read as outlets: the whole phrase between an auxiliary and a
verb of speech ("did [X] report", ``asked_speaker.span``), or after a source cue up to the clause's end, a comma or the
question proper ("according to [X]", "selon [X]", "according to [X] how many…"; a possessive ends it: "according to
[X]'s tally"). The phrase must be the name of one of the library's outlets, or of several joined by "and" or commas
("did Reuters and the AP report"), written as a name (capitalised, unless the whole question is typed in lower case),
compared folded and with or without a leading article. A source's bracket names its wire where other sources name it too
("Japan Today (Reuters)" beside "Reuters" or "Daily Mail (Reuters)"; not "The Nation (Thailand)"). Elsewhere a name that
is also an outlet's ("Times Square", "the Guardian Council", "selon la presse locale") is a name as any other.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from index import abstention, asked_speaker
from index.asked_kind import words_of
from index.language import fold, tokens

OUTLET_CHARS = 200  # the characters of a source read as an outlet's name (the length its index holds)
CUE_WORDS = 8  # the most words after a source cue read as the outlet's name ("according to [Radio Free Europe]")
CUES_READ = 4  # a question with more source cues than this is read up to its fourth
CLAUSE_CHARS = 300  # the characters after a cue read for the name (a question is up to 4,096)
FOLLOW_UP_WORDS = 3  # the most words besides outlets' names in a follow-up read as asking them ("and what about")
_WORD = re.compile(r"[^\s?!,;:]+")
_OWNER = re.compile(r"(['’])s?(?!\w)")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_VIA = re.compile(r"^(?:via|mirror(?:ed)? on|from)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^(.*?\S)(?:['’]s|(?<=s)['’])(?:\s+\w+){1,3}$")
_SENTENCE_END = re.compile(r"[?!;:]|\.(?!\w)")


@dataclass(frozen=True, slots=True)
class Pointed:
    """The outlets a question points at, and the question as it reads without them."""

    outlets: tuple[tuple[str, ...], ...]  # each outlet named, as the library's sources write it
    label: str  # for "Searched the 3 articles from …": "Harlow Gazette", "Reuters, AP"
    text: str  # the question without them: "What did report about the bridge?", "How much will … cost?"
    names: tuple[tuple[int, int], ...] = ()  # where the question writes each phrase naming them

    def renamed(self, question: str, phrase: str) -> str | None:
        """The question with ``phrase`` in place of the one phrase that names its outlets ("What did the Kellbach
        Post report about the bridge?"); None where several do."""
        if len(self.names) != 1:
            return None
        start, end = self.names[0]
        rest = question[end:]
        if owner := _OWNER.match(rest):  # "Reuters' tally" with AP for Reuters: "AP's tally"
            rest = owner.group(1) + ("" if phrase.endswith("s") else "s") + rest[owner.end() :]
        return question[:start] + phrase + rest

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for outlet in self.outlets for s in outlet}))


class Outlets:
    """The library's outlets by the names a question may call them (``key``)."""

    def __init__(self, sources: Iterable[str]) -> None:
        self._by_key: dict[str, set[str]] = {}
        self._written: dict[str, str] = {}  # how the library writes a name, by its key: "The Daily Beast"
        read = [(source, own_names(source), wires(source)) for source in dict.fromkeys(sources)]
        owned = {k for _, own, _ in read for name in own for k in keys(name)}
        bracketed = Counter(k for _, _, wired in read for k in {k for name in wired for k in keys(name)})
        for source, own, wired in read:
            # A bracket names a wire only where another source names it too: "(Thailand)", "(English)" describe.
            names = [*own, *(w for w in wired if any(k in owned or bracketed[k] > 1 for k in keys(w)))]
            for name in names:
                for k in keys(name):
                    self._by_key.setdefault(k, set()).add(source)
                    self._written.setdefault(k, " ".join(name.split()))

    def named(self, phrase: str, lang: str) -> tuple[str, ...]:
        """The sources a phrase of a question names as a whole, or ()."""
        return tuple(sorted(self._by_key.get(self._key(phrase, lang), ())))

    def _key(self, phrase: str, lang: str) -> str:
        """The phrase as compared: as written, else without its leading article ("O Globo" is a name, "a Reuters"
        is Reuters)."""
        words = [fold(w) for w in tokens(phrase)]
        if len(words) > 1 and words[0] in _articles(lang) and " ".join(words) not in self._by_key:
            words = words[1:]
        return " ".join(words)

    def pointed(self, text: str, lang: str, phrases: list[tuple[int, int, str]]) -> Pointed | None:
        """The outlets the question points at as its source (``phrases``: ``source_phrases``), or None (none names
        outlets of the library)."""
        lower = text == text.lower()
        found: list[tuple[int, int, list[str]]] = []
        for start, end, phrase in phrases:
            if any(start < e and s < end for s, e, _ in found):
                continue  # a shorter phrase after the same cue
            parts = next((p for p in _readings(phrase, lang) if all(self._as_name(x, lang, lower) for x in p)), None)
            if parts:
                found.append((start, end, parts))
        if not found:
            return None
        parts = [p for _, _, ps in found for p in ps]
        outlets = tuple(self.named(p, lang) for p in parts)
        label = abstention.listed(list(dict.fromkeys(self._label(p, lang) for p in parts)), ", ")
        names = tuple(_phrase_span(text, start, end, phrases) for start, end, _ in found)
        return Pointed(outlets, label, _cut(text, [(s, e) for s, e, _ in found]), names)

    def only_named(self, text: str, lang: str, lower: bool = False) -> tuple[str, tuple[tuple[str, ...], ...]] | None:
        """The phrase naming outlets that a follow-up ends with, after at most ``FOLLOW_UP_WORDS`` other words ("and
        the Kellbach Post?", "what about Reuters, AP and Le Monde?"), and each outlet's sources; None where it is no
        such follow-up. The names must end it and be all that follows those words, written as names (``lower``:
        also in lower case): "And Times Square?", "World Bank figures?", "Sunday Times?", "People killed?" and "not
        Reuters but AP?" name no outlet. The words before are in lower case but the first, a coordinator ("And The
        Times?") or followed by one in lower case ("What about…")."""
        body = text.strip().rstrip("?!.…").rstrip()
        words = list(_WORD.finditer(body))
        joins = words_of(lang, "coordinators") | words_of("en", "coordinators")
        for i, word in enumerate(words[: FOLLOW_UP_WORDS + 1]):
            before = words[i - 1].group() if i else ""
            if _capitalised(before) and (i > 1 or not _leads(before, word.group(), joins)):
                return None  # the words before are part of a name: "Sunday Times", "Times Square"
            phrase = body[word.start() :]
            parts = next((p for p in _readings(phrase, lang) if all(self._as_name(x, lang, lower) for x in p)), None)
            if parts:
                return phrase, tuple(self.named(p, lang) for p in parts)
        return None

    def _as_name(self, part: str, lang: str, lower: bool) -> bool:
        """The part names an outlet and is written as a name: capitalised, unless the question is all lower case."""
        if not self.named(part, lang):
            return False
        words = part.split()
        first = words[1] if len(words) > 1 and fold(words[0].casefold()) in _articles(lang) else words[0]
        return lower or not first[:1].isalpha() or first[:1].isupper()

    def _label(self, part: str, lang: str) -> str:
        return self._written.get(self._key(part, lang)) or part.strip()


def own_names(source: str) -> list[str]:
    """The names an outlet gives itself: its source without brackets, and each side of a slash between names
    ("Radio Free Europe/Radio Liberty" is also Radio Free Europe)."""
    own = " ".join(_BRACKETED.sub(" ", source[:OUTLET_CHARS]).split())
    sides = [s.strip() for s in own.split("/")]
    named = len(sides) > 1 and all(s[:1].isupper() and " " in s for s in sides)
    return [own, *sides] if named else [own]


def wires(source: str) -> list[str]:
    """What the source's brackets name as its wire or a mirror of it ("Japan Today (Reuters)" → Reuters, "CNN
    Business (via Initial News)" → Initial News); a bracket of lower-case words describes it ("reader post")."""
    out = []
    for inner in _BRACKETED.findall(source[:OUTLET_CHARS]):
        inner = _VIA.sub("", inner.strip())
        if inner[:1].isupper() and len(inner.split()) <= CUE_WORDS:
            out.append(inner)
    return out


def keys(name: str) -> set[str]:
    """A name as compared: its folded words, and without a leading article where the name writes one as an article
    ("The Daily Beast", "THE DAILY LEDGER" → "daily beast", "daily ledger"; "LA Times" keeps its "LA")."""
    written = name.split()
    words = [fold(w) for w in tokens(name)]
    out = {" ".join(words)}
    # "THE DAILY LEDGER" writes its article in capitals; "LA TIMES" does not write one.
    as_article = bool(written) and (written[0][1:].islower() or (name.isupper() and words[0] == "the"))
    if len(words) > 1 and as_article and words[0] in _articles(None):
        out.add(" ".join(words[1:]))
    return {k for k in out if k}


def _readings(phrase: str, lang: str) -> Iterator[list[str]]:
    """The phrase as one name ("Stars and Stripes"), then as names joined by "and" or commas."""
    yield [phrase.strip()]
    parts = [p for p in re.split(_joins(lang), phrase) if p.strip()]
    if len(parts) > 1:
        yield parts


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _leads(first: str, second: str, joins: frozenset[str]) -> bool:
    """A capitalised first word opens the sentence rather than a name: a coordinator, or followed by a word in lower
    case ("What about the Times?", not "Sunday Times?")."""
    return first.casefold() in joins or not _capitalised(second)


def _phrase_span(text: str, start: int, end: int, phrases: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Where, within a cut span, the question writes the phrase read as its outlets' names."""
    phrase = next(p for s, e, p in phrases if (s, e) == (start, end))
    at = text.find(phrase, start, end)
    return (at, at + len(phrase)) if at >= 0 else (start, end)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """The text without the spans, its punctuation closed up ("How much will it cost, according to X?" → "How much
    will it cost?")."""
    kept, last = [], 0
    for start, end in sorted(spans):
        kept.append(text[last:start].rstrip(" ,") + " ")
        last = end
    kept.append(text[last:].lstrip(" ,"))
    rest = re.sub(r"\s+([?.!,;:])", r"\1", " ".join("".join(kept).split()))
    if sorted(spans)[0][0] == 0 and rest:
        rest = rest[0].upper() + rest[1:]
    return rest


@functools.cache
def _articles(lang: str | None) -> frozenset[str]:
    """Definite articles an outlet is named with or without ("the Kyiv Post"): English and the question's language
    (None: every language's, for the names the library writes)."""
    data = json.loads(resources.files("index").joinpath("data/cues.json").read_text(encoding="utf-8"))
    languages = data["articles"].values() if lang is None else [data["articles"].get(lang, [])]
    return frozenset({"the", *(fold(w.casefold()) for words in languages for w in words)})


@functools.cache
def _joins(lang: str) -> re.Pattern[str]:
    words = sorted(words_of(lang, "coordinators") | words_of("en", "coordinators"), key=len, reverse=True)
    either = "|".join(map(re.escape, words))
    # "Reuters, AP, and Le Monde": a comma before the last coordinator joins as the coordinator alone does.
    return re.compile(rf"\s*,\s*(?:(?:{either})\s+)?|\s+(?:{either})\s+", re.IGNORECASE)


def cue(lang: str) -> str | None:
    """The first phrase of the language that names a source after it ("according to", "selon"), or None."""
    return next(iter(_cue_phrases(lang)), None)


@functools.cache
def _cue_phrases(lang: str) -> tuple[str, ...]:
    """The phrases that name a source after them: questions.json's ``source_cues`` of the language, and the cues
    that credit a source in its sentences (cues.json ``according``) but those a question's cue already opens: an
    article written after it in a sentence's cue ("segundo o", not the ordinal "segundo dia") is the outlet's own
    first word in a question ("segundo O Globo")."""
    questions = json.loads(resources.files("index").joinpath("data/questions.json").read_text(encoding="utf-8"))
    cues = json.loads(resources.files("index").joinpath("data/cues.json").read_text(encoding="utf-8"))
    asked = questions.get(lang, {}).get("source_cues", [])
    written = [c for c in cues["according"].get(lang, []) if not any(c.startswith(a + " ") for a in asked)]
    return (*asked, *written)


@functools.cache
def _cue(lang: str) -> re.Pattern[str] | None:
    phrases = _cue_phrases(lang)
    if not phrases:
        return None
    either = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)\s*", re.IGNORECASE)


def source_phrases(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Phrases the question puts as its source: (start and end of what to cut, the phrase). After a cue, the
    words up to the clause's end or one of its commas (``CUE_WORDS`` at most), longest first, or up to a
    possessive ("according to the Kellbach Post's report": the Kellbach Post)."""
    out: list[tuple[int, int, str]] = []
    between = asked_speaker.span(text, lang)
    if between is not None:
        out.append((between[0], between[1], text[between[0] : between[1]]))
    cue = _cue(lang)
    for m in itertools.islice(cue.finditer(text), CUES_READ) if cue else ():
        clause = _before_asking(_SENTENCE_END.split(text[m.end() : m.end() + CLAUSE_CHARS], maxsplit=1)[0], lang)
        # Longest first: "according to Reuters, AP and CNN" names three outlets where all three are outlets' names;
        # "according to Reuters, the agency said" names Reuters.
        parts = clause.split(",")[:CUE_WORDS]
        for n in range(len(parts), 0, -1):
            phrase = ",".join(parts[:n]).rstrip().rstrip(')]}»”"').rstrip()
            if not phrase or any(len(part.split()) > CUE_WORDS for part in parts[:n]):
                continue
            owner = _POSSESSIVE.match(phrase)
            out.append((m.start(), m.end() + len(phrase), owner.group(1) if owner else phrase))
    return out


def _before_asking(clause: str, lang: str) -> str:
    """A cue's clause up to where the question proper starts, at an interrogative or auxiliary written in lower
    case (a name's words are capitalised: "Which?"), when no comma marks it: "according to Reuters how many died",
    "according to the Kellbach Post did the bridge close"."""
    asking = words_of(lang, "interrogatives") | words_of(lang, "speaker_auxiliaries")
    starts = (m.start() for m in _WORD.finditer(clause) if m.start() and m.group(0) in asking)
    return clause[: next(starts, len(clause))]
