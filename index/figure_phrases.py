"""Figures as languages other than English write them: the number ("15 000", "1.783", "1,34"), a scale word of the
cues' languages ("Mrd.", "millones de"; ``scales`` in index/data/cues.json) and the counted noun: "15 000 Menschen",
"30 Mrd. Kronen", "45 muertos", "1037 personnes". English is read by ``figures_en``.

Which words are the noun, without a tagger: where nouns are capitalised (German), the words up to the first
capitalised one ("3.000 kommerzielle Flüge"; none: no noun, "auf 225 gestiegen"); elsewhere the first word, since
there the noun follows the number and its adjectives follow the noun ("95 víctimas mortales" → "95 víctimas";
Russian and Ukrainian numerals take the noun next: "35 человек"). A function word ends the phrase ("45 muertos en
este" → "45 muertos"; the language's stop words), so does a month ("19 Sep" is a date).
"""

from __future__ import annotations

import functools
import re

from babel.dates import get_month_names

from index import language, speakers
from index.periods import is_month

# Thousands grouped by a dot, a comma, an apostrophe or a (narrow, no-break) space; decimals after a comma or a dot.
# Not a part of a longer number, a time ("18:00", "18h30"), a date ("19.09.2024", "1er"), a model ("T-72",
# "COVID-19") or a word ("5G").
_NUMBER = re.compile(
    r"(?<![\w.,:])(?<![^\W\d_][-–])"
    r"(?:\d{1,3}(?:(?:[.,'’]|[ \u00a0\u202f])\d{3})+(?![\d.:]\d)(?:,\d+)?|\d+(?:[.,]\d+)?)(?![\d:]|[.,]\d|[^\W\d_])"
    r"(?:\s?%)?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_NEXT_WORD = re.compile(r"[ \u00a0\u202f]+([^\W\d_][\w’'-]*)(\.?)")
_DAY_MONTH = re.compile(r"\.?[ \u00a0\u202f]+(?:de[ \u00a0\u202f]+)?([^\W\d_]+)")  # "16 de febrero"
_ELIDED = re.compile(r"^[dl][’'](?=\w)", re.IGNORECASE)  # "millions d’euros"
MAX_WORDS = 3  # before a capitalised noun: "3.000 kommerzielle Flüge"


def figures(text: str, lang: str) -> list[str]:
    """Each number in the text with its scale word and counted noun, as written; a year alone is no figure."""
    out: list[str] = []
    for m in _NUMBER.finditer(text):
        if _YEAR.fullmatch(m.group(0)) or _is_date(text, m.end()) or _is_time(text, m.end(), lang):
            continue
        out.append(text[m.start() : _phrase_end(text, m.end(), lang, m.group(0).endswith("%"))])
    return out


def _phrase_end(text: str, at: int, lang: str, percent: bool) -> int:
    """Where the figure starting before ``at`` ends: after its scale word and noun, or at ``at``."""
    stop, scales = language.analyzer(lang).stopwords, speakers.cue_words("scales", lang)
    end, words = at, _words(text, at)
    written = _scale_phrases(lang)  # "18 per cento"
    found = written.match(text, at) if written else None
    if found:
        return found.end()
    if words and _is_scale(words[0][0], scales):
        word, dotted, end = words.pop(0)
        if words and not dotted and _is_scale(words[0][0], scales):  # "2 mil milhões de euros"
            word, dotted, end = words.pop(0)
        # "30 Mrd. Kronen", "5 млн. рублей": a dot after a scale word abbreviates it, unless a sentence begins after
        # it ("2 Mrd. Die Regierung …"; in German, where nouns are capitalised, only a function word tells).
        after = _words(text, end)
        opens = bool(after) and after[0][0][:1].isupper()
        # A full word's dot that ends the text ends the sentence ("30 milhões."); an abbreviation keeps it ("12 тыс.").
        closes = not text[end:].strip() and word.casefold() in scales
        if dotted and (
            closes or (opens and (lang not in language.NOUNS_CAPITALISED or after[0][0].casefold() in stop))
        ):
            return end - dotted
        words = after
        if words and words[0][0].islower() and words[0][0] in stop and len(words) > 1:  # "millones de euros"
            words.pop(0)
    if percent:
        return end
    for i, (word, dotted, stop_at) in enumerate(words[:MAX_WORDS]):
        bare = _ELIDED.sub("", word)
        if bare.casefold() in stop or month_word(bare):
            break
        if lang not in language.NOUNS_CAPITALISED:
            return stop_at - dotted if i == 0 else end
        if word[:1].isupper():
            return stop_at - dotted
        if dotted:
            break
    return end


def _is_scale(word: str, scales: frozenset[str]) -> bool:
    return word.casefold() in scales or word.casefold() + "." in scales


@functools.cache
def _scale_phrases(lang: str) -> re.Pattern[str] | None:
    """The language's scales of several words ("per cento") after a number, or None."""
    phrases = sorted((p for p in speakers.cue_words("scales", lang) if " " in p), key=len, reverse=True)
    if not phrases:
        return None
    either = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"[ \u00a0\u202f]+(?:{either})(?!\w)", re.IGNORECASE)


def _is_time(text: str, at: int, lang: str) -> bool:
    """The number before ``at`` is a time of day: "18.30 Uhr" (``clock`` in index/data/cues.json)."""
    word = _NEXT_WORD.match(text, at)
    return word is not None and word.group(1).casefold() in speakers.cue_words("clock", lang)


def _is_date(text: str, at: int) -> bool:
    """The number before ``at`` is a day of a month: "19. September", "19 Sep", "16 февраля"."""
    m = _DAY_MONTH.match(text, at)
    return m is not None and month_word(m.group(1))


def month_word(word: str) -> bool:
    """A month's name or its abbreviation, as dates write it ("19 Sep", "3 févr", "19 września")."""
    return is_month(word) or word.casefold().rstrip(".") in _abbreviated()


@functools.cache
def _abbreviated() -> frozenset[str]:
    """Months' names and abbreviations in every language the analyzer knows (Babel)."""
    return frozenset(
        name.casefold().rstrip(".")
        for lang in language.LANGUAGES
        for width in ("wide", "abbreviated")
        for context in ("format", "stand-alone")
        for name in get_month_names(width, context=context, locale=lang).values()
    )


def _words(text: str, at: int) -> list[tuple[str, int, int]]:
    """The words that follow ``at`` with nothing but spaces between them: (word, 1 if a dot follows, end)."""
    out: list[tuple[str, int, int]] = []
    while len(out) <= MAX_WORDS:
        m = _NEXT_WORD.match(text, at)
        if not m:
            break
        out.append((m.group(1), len(m.group(2)), m.end()))
        at = m.end()
        if m.group(2):
            break
    return out
