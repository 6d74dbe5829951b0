"""Who a sentence credits in the other languages of the cues (index/data/cues.json): the source named after
"laut", "selon", "según", "по данным", "за даними" where they open a sentence or a clause ("Según el Ministerio del
Interior, 95 personas…"), or the speaker after a quotation and its speech verb ("„Wir haben 40 Panzer verloren“,
sagte der Verteidigungsminister am Montag"). English sentences are read by ``attribution.attribution``'s own patterns
first. A wrong speaker is worse than none: anything doubtful gives "".

The speaker is the noun phrase after the cue, to the next punctuation and at most ``MAX_WORDS`` words: without
leading function words ("der", "el"; a capitalised or upper-case word is kept: "Le Monde", "DIE ZEIT"), ending
before a function word that leads to a lower-case word or a time ("am Montag", "el lunes"), and in a language that
capitalises nouns before a lower-case word after its first ("der Polizei kamen", "dpa wurden"). A phrase that
opens with a pronoun, a relative word or a time ("er", "ella", "laquelle", "gestern", "в понедельник") names no one.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from babel.dates import get_day_names

from index import language
from index.periods import is_month

MAX_WORDS = 6
# A lower-case word this short between names links them ("del", "de", "von"; not every stop list holds them)
_LINKING = 3
_SCAN_CHARS = 200  # how far after the cue the phrase is looked for
_WORD = re.compile(r"[^\W\d_][\w’'.-]*")
_TRAILING = ",.;:!?)»”“\"'’"
_ELIDED_HEAD = re.compile(r"\w+['’]")  # "un'esperta": "un'"
_LANGUAGES = ("de", "fr", "es", "it", "pt", "pl", "ru", "uk")  # those of the cues besides English


@functools.cache
def _data() -> dict[str, Any]:
    return dict(json.loads(resources.files("index").joinpath("data/cues.json").read_text(encoding="utf-8")))


@functools.cache
def cue_words(kind: str, lang: str) -> frozenset[str]:
    """The words of one kind of cue in one language, case-folded ("scales", "adverbs", …)."""
    return frozenset(w.casefold() for w in _data()[kind].get(lang, ()))


@functools.cache
def cue_words_any(kind: str) -> frozenset[str]:
    """The words of one kind of cue in every language, case-folded."""
    return frozenset(w.casefold() for words in _data()[kind].values() for w in words)


@functools.cache
def _cue(kind: str, lang: str) -> re.Pattern[str] | None:
    words = sorted(_data()[kind].get(lang, ()), key=len, reverse=True)
    if not words:
        return None
    # Only a cue's first letter may be either case (it opens a sentence), or all of it: "Segundo O Globo" names O
    # Globo.
    either = "|".join(_first_either_case(w) for w in words)
    if kind == "according":  # opening the text, a sentence or a clause: "Es knallte laut" is no source
        # A cue that names data may stand inside one: "war nach Angaben des Ministeriums zuletzt 2022 geprüft"
        # ("está de acuerdo con los sindicatos" agrees, "згідно з законом" follows a law).
        data = cue_words("data_nouns", lang)
        phrases = "|".join(_first_either_case(w) for w in words if " " in w and data & set(w.casefold().split()))
        inside = rf"|(?<=\s)(?:{phrases})\s++" if phrases else ""
        return re.compile(rf"(?:^|(?<=[.!?;:,(—–]\s))(?:{either})\s++{inside}")
    # after a closing quotation mark (a comma or a space follows it), its comma and (Russian, Ukrainian) dash:
    # "“…”, sagte", "», — заявил"; or after a comma that closes a reported clause: "…, informó la Aemet".
    return re.compile(rf"(?:[”“»«\"](?=[\s,])\s*+,?+|,)\s*+(?:[—–-]\s*+)?(?:{either})\s++")


def _first_either_case(cue: str) -> str:
    """The cue as a pattern: its first letter in either case and the rest as written, or all in capitals (a
    headline's "SEGÚN EL MINISTERIO"); spaces as any space."""
    rest = re.escape(cue[1:]).replace(r"\ ", r"\s++")
    capitals = re.escape(cue.upper()).replace(r"\ ", r"\s++")
    return f"(?i:{re.escape(cue[:1])}){rest}|{capitals}"


@functools.cache
def _function_words() -> frozenset[str]:
    """The stop words of every language with cues: a short sentence's own language is often not told apart."""
    return frozenset().union(*(language.analyzer(lang).stopwords for lang in ("en", *_LANGUAGES)))


def _not_speaker(word: str, lang: str) -> bool:
    """A weekday; a pronoun, relative or time word of the cue's language ("dijo Ayer"), of a language that
    capitalises nouns ("am Morgen"), or of any other written in lower case ("sagte Ela Weber", "laut EU": names)."""
    folded = word.casefold()
    return (
        folded in weekdays()
        or folded in cue_words("not_speakers", lang)
        or folded in _capitalised_not_speakers()
        or (word.islower() and folded in cue_words_any("not_speakers"))
    )


@functools.cache
def _capitalised_not_speakers() -> frozenset[str]:
    return frozenset().union(*(cue_words("not_speakers", lang) for lang in language.NOUNS_CAPITALISED))


def credited(text: str) -> str:
    """The source or speaker the sentence names through a cue of its language, else ""."""
    for kind in ("according", "said_after_quote"):
        for lang in _LANGUAGES:
            cue = _cue(kind, lang)
            for match in cue.finditer(text) if cue else ():
                # The speaker follows the speech verb at once ("…, informó la Aemet", "», dijo un portavoz"), not
                # whom it was told or a setting ("…, dijo a EFE el portavoz", "», disse em entrevista o ministro",
                # "…, dijo unas palabras").
                after_quote = text[match.start()] != ","
                opening = text[match.end() : match.end() + 40]
                if kind == "said_after_quote" and not _subject_follows(opening, lang, after_quote):
                    continue
                who = _noun_phrase(text, match.end(), lang, spoken=kind == "said_after_quote")
                # "Segundo dados oficiais" names data, not whose: a data cue leads to a source through "do", "de"
                bare = who.islower() and " " not in who and text.startswith(who, match.end())
                if bare and _ends_in_data(match.group(0), lang):
                    continue
                # "Secondo tempo: …" (the second half) opens a line with a heading, not a source
                if who and not (who.islower() and " " not in who and text.startswith(":", match.end() + len(who))):
                    return who
    return ""


def _noun_phrase(text: str, at: int, lang: str, spoken: bool = False) -> str:
    """The speaker's phrase at ``at``; ``spoken``: after a speech verb, where whom the speaker told may follow."""
    words: list[str] = []
    tokens = _past_description(text[at : at + _SCAN_CHARS].split(), lang)
    for n, token in enumerate(tokens):
        core = token.rstrip(_TRAILING)
        if not _WORD.fullmatch(core):
            break
        words.append(core)
        if core != token or len(words) == MAX_WORDS:
            # a title, then its holder's name: "la directrice générale, Nathalie Berthier,"
            title = lang in language.NOUNS_CAPITALISED or not any(w[:1].isupper() for w in words)
            if token.endswith(",") and title:
                name = _apposition(tokens[n + 1 :])
                words = name or words
            break
    stop = _function_words()
    # "…, dijo que muchas personas…": what was said follows. Read in the cue's language: "il" is a French speaker's
    # pronoun ("a dit il") but an Italian article ("ha detto il sindaco di Luras").
    if words and (words[0].casefold() in weekdays() or _pronoun_of(words[0], lang)):
        return ""
    led = bool(words) and words[0].casefold() in stop and words[0].islower()  # "el ministro", not "Lula"
    while words and words[0].casefold() in stop and words[0].islower():
        words.pop(0)
    if not words or _no_one(words[0], lang):
        return ""
    for i in range(1, len(words)):
        # where nouns are capitalised, a lower-case word after the phrase's first is a verb or an adverb
        lower = words[i][0].islower() and words[i].casefold() not in stop and len(words[i]) > _LINKING
        verb = lower and lang in language.NOUNS_CAPITALISED
        # elsewhere, a lower-case word right after a person's name ends it: "Mme Berthier [lors d'une conférence]"
        # (two capitalised words; "l'Agence nationale", "Министерства обороны" go on), a function word of another
        # language too ("Franco Bellini [durante un'assemblea]": Spanish "durante"); a short one links ("von der")
        named = i > 1 and words[i - 1][0].isupper() and words[i - 2][0].isupper()
        longer = words[i][0].islower() and len(words[i]) > _LINKING
        after_name = longer and named and lang not in language.NOUNS_CAPITALISED
        function = words[i].islower() and words[i].casefold() in stop  # "Capital One" is no Polish "one"
        # whom the speaker told names no speaker: "— сказав Мартен журналістам", "dijo el portavoz al diario",
        # "disse Lula aos jornalistas" (after a speech verb only: "selon Droit au Logement" keeps its "au"; a role's
        # own is cut with it, "a déclaré la ministre déléguée à l'Industrie": a shorter role, not the listener)
        told = spoken and words[i].casefold() in cue_words("listeners", lang) and words[i].islower()
        listener = _not_speaker(words[i], lang) or told
        if (function and (i + 1 == len(words) or _no_one(words[i + 1], lang))) or verb or after_name or listener:
            words = words[:i]
            break
        # an article after a noun opens a second phrase: after a name given at once the speaker is that name
        # ("disse Lula a jornalistas"); else the first may be whom it was told ("disse a jornalistas o
        # primeiro-ministro", "disse a Folha o ministro") and which is the speaker is not told apart. Not where
        # nouns are capitalised: "Sprecher der EU" is one.
        glued = spoken and words[i] in cue_words("articles", lang) and words[i - 1].casefold() not in stop
        if glued and lang not in language.NOUNS_CAPITALISED:
            if led:
                return ""
            words = words[:i]
            break
    while words and (
        _no_one(words[-1], lang) or (len(words) > 1 and words[-1][0].islower() and len(words[-1]) <= _LINKING)
    ):
        words.pop()
    return " ".join(words)


def _past_description(tokens: list[str], lang: str) -> list[str]:
    """The tokens from the source a description leads to: "último balance facilitado por la Delegación del
    Gobierno" → "la Delegación del Gobierno" (lower-case words, then one of ``by_source``), "premières estimations
    de l'Agence nationale…" → "l'Agence nationale…", "Angaben der Polizei" → "Polizei" (one of ``data_nouns``,
    then of ``of_source``); "le ministère de l'Intérieur" is a name, "vecinos de Paiporta" no source of data."""
    agents, links, data = (cue_words(kind, lang) for kind in ("by_source", "of_source", "data_nouns"))
    for i, token in enumerate(tokens[:MAX_WORDS]):
        word = token.casefold()
        if word in data and i + 1 < len(tokens):  # "Angaben der Polizei", "chiffres du ministère", "datos del INE"
            after = tokens[i + 1]
            if after.casefold() in links:
                return tokens[i + 2 :]
            if after[:2].casefold() in ("d'", "d’") and after[:2].casefold() in links:  # "estimations d'Eurostat"
                return [after[2:], *tokens[i + 2 :]]
        if word in agents and i > 0:  # "el último balance facilitado por la Delegación"
            return tokens[i + 1 :]
        if token[-1:] in _TRAILING or not (token.islower() or word in data):
            return tokens
    return tokens


def _pronoun_of(word: str, lang: str) -> bool:
    """A pronoun, relative or time word of the cue's language, in lower case ("ella", "ontem"; "Ela Weber" is a
    name)."""
    return word.islower() and word.casefold() in cue_words("not_speakers", lang)


def _ends_in_data(cue: str, lang: str) -> bool:
    """The cue ends in a noun of data ("segundo dados", "nach Angaben")."""
    words = cue.split()
    return bool(words) and words[-1].casefold() in cue_words("data_nouns", lang)


def _subject_follows(text: str, lang: str, after_quote: bool = False) -> bool:
    """The text opens with a name or an article ("la Agencia", "le ministère", "Kessler"), in a language with
    articles; ``after_quote``, another determiner too ("», dijo un portavoz", "», dijo su presidenta"): after a
    plain comma that is what a sentence's own subject did ("Me Fontanel, a annoncé son intention…")."""
    articles = cue_words("articles", lang) | (cue_words("determiners", lang) if after_quote else frozenset())
    if not articles:  # Russian, Ukrainian: "…, сообщила пресс-служба"
        return True
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    head = _ELIDED_HEAD.match(first)
    elided = first[:2].casefold() in ("l'", "l’") or (head is not None and head.group(0).casefold() in articles)
    return first[:1].isupper() or first.casefold() in articles or elided


def _apposition(tokens: list[str]) -> list[str]:
    """A name set off by commas after a title ("Nathalie Berthier," of "la directrice générale, Nathalie
    Berthier, …"), or nothing."""
    name: list[str] = []
    for token in tokens[:4]:
        core = token.rstrip(_TRAILING)
        if not (_WORD.fullmatch(core) and core[:1].isupper()):
            return []
        name.append(core)
        if token[-1:] in ",.;":
            return name
    return []


def _no_one(word: str, lang: str) -> bool:
    """A word that names no one and ends a speaker's phrase: a pronoun, a relative or time word, a weekday, a month,
    a lower-case function word."""
    folded = word.casefold()
    return (
        _not_speaker(word, lang)
        or is_month(word)
        or (word.islower() and folded in _function_words())
        or _day_and_part(folded)
    )


def _day_and_part(word: str) -> bool:
    """A weekday and a part of it written as one word: "Montagmittag", "Mittwochabend" (``day_parts``)."""
    parts = cue_words_any("day_parts")
    return any(word.endswith(p) and word[: -len(p)] in weekdays() for p in parts if len(word) > len(p))


@functools.cache
def weekdays() -> frozenset[str]:
    return frozenset(d.casefold() for loc in ("en", *_LANGUAGES) for d in get_day_names("wide", locale=loc).values())
