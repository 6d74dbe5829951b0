"""Who a sentence credits in the other languages of the cues (index/data/cues.json): the source named after
"laut", "selon", "según", "по данным", "за даними" ("según el Ministerio del Interior, 95 personas…"), or the
speaker after a quotation and its speech verb ("„Wir haben 40 Panzer verloren“, sagte der Verteidigungsminister am
Montag"). English sentences are read by ``claims.attribution``'s own patterns first.

The speaker is the noun phrase after the cue, to the next punctuation and at most ``MAX_WORDS`` words, without
its leading function words ("der", "el"), ending before a function word that leads to a lower-case word or a time
("am Montag", "el lunes") and before a lower-case word after a name ("der Polizei kamen"): "Ministerio del
Interior", "Verteidigungsminister", "МЧС".
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

from babel.dates import get_day_names

from index import language
from index.periods import is_month

MAX_WORDS = 6
# A lower-case word this short between names links them ("del", "de", "von"; not every stop list holds them)
_LINKING = 3
_SCAN_CHARS = 200  # how far after the cue the phrase is looked for
_WORD = re.compile(r"[^\W\d_][\w’'.-]*")
_TRAILING = ",.;:!?)»”“\"'’"
_LANGUAGES = ("en", "de", "fr", "es", "ru", "uk")  # those of the cues


@functools.cache
def _cue(kind: str) -> re.Pattern[str]:
    data = json.loads(resources.files("index").joinpath("data/cues.json").read_text(encoding="utf-8"))
    words = sorted({w for ws in data[kind].values() for w in ws}, key=len, reverse=True)
    either = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    if kind == "according":
        return re.compile(rf"(?<!\w)(?:{either})\s+", re.IGNORECASE)
    # after a closing quotation mark, its comma and (Russian, Ukrainian) dash: "“…”, sagte", "», — заявил"
    return re.compile(rf"[”“»«\"]\s*,?\s*(?:[—–-]\s*)?(?:{either})\s+", re.IGNORECASE)


@functools.cache
def _function_words() -> frozenset[str]:
    """The stop words of every language with cues: a short sentence's own language is often not told apart."""
    return frozenset().union(*(language.analyzer(lang).stopwords for lang in _LANGUAGES))


@functools.cache
def _days() -> frozenset[str]:
    return frozenset(d.casefold() for loc in _LANGUAGES for d in get_day_names("wide", locale=loc).values())


def credited(text: str) -> str:
    """The source or speaker the sentence names through a cue of its language, else ""."""
    for kind in ("according", "said_after_quote"):
        for match in _cue(kind).finditer(text):
            who = _noun_phrase(text, match.end())
            if who:
                return who
    return ""


def _noun_phrase(text: str, at: int) -> str:
    words: list[str] = []
    for token in text[at : at + _SCAN_CHARS].split():
        core = token.rstrip(_TRAILING)
        if not _WORD.fullmatch(core):
            break
        words.append(core)
        if core != token or len(words) == MAX_WORDS:
            break
    stop = _function_words()
    while words and words[0].casefold() in stop:
        words.pop(0)
    for i in range(1, len(words)):
        after_name = any(w[0].isupper() for w in words[:i])
        if (words[i].casefold() in stop and (i + 1 == len(words) or _ends_phrase(words[i + 1]))) or (
            after_name and words[i][0].islower() and words[i].casefold() not in stop and len(words[i]) > _LINKING
        ):
            words = words[:i]
            break
    while words and words[-1][0].islower() and (words[-1].casefold() in stop or len(words[-1]) <= _LINKING):
        words.pop()
    if not words or (not any(w[0].isupper() for w in words) and len(words) > 3):
        return ""
    return " ".join(words)


def _ends_phrase(word: str) -> bool:
    """A word that no name goes on with: lower-case, a weekday or a month."""
    return word[0].islower() or word.casefold() in _days() or is_month(word)
