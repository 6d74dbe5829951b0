"""Figures as English writes them: the number with its qualifier, currency and scale, and the noun it counts
("about 90 tanks", "£18.6m", "roughly 13,000 acres"), not a day, a time, a label or an age. Other languages are
read by ``figure_phrases``; ``claims`` sets the figures of quotes side by side.
"""

from __future__ import annotations

import functools
import re

from index import figure_phrases, speakers
from index.asked_kind import words_of
from index.language import analyzer
from index.terms import without_times

_QUALIFIER = r"(?:(?:about|around|approximately|roughly|nearly|almost|over|more than|less than|fewer than|at least|"
_QUALIFIER += r"at most|up to|some|probably|only|just|an estimated|as many as)\s+)?"
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# "£18.6m", "US$5 billion": the sign is part of the figure; so is a code ("EUR 5 million", "USD35.3 billion"), kept
# where it is a current currency's (``currencies``): "GDP 3%" is a share.
_CURRENCY = r"(?:[A-Z]{0,2}[$£€¥₹₴₽₩₺]|(?-i:[A-Z]{3})\s?)?"
# A scale word, or one written onto the number ("£18.6m", "$3.5bn", "12k").
_SCALE = r"(?:\s+(?:thousand|million|billion|trillion|per\s*cent|percent)\b|%|(?:m|bn|k|tn)\b)?"
_FRACTION = r"(?:half|a third|a quarter|two-thirds|three-quarters|one-third|one-quarter|dozens|hundreds|thousands)"
# Function words end a figure's noun; so do verb forms that are no noun ("21 seats they won"; index/data/cues.json).
_VERBS = speakers.cue_words("verbs", "en")
_STOPS = r"(?:in|on|at|and|or|since|of|to|the|a|an|had|have|has|were|was|are|is|from|by|for|with|as|that|than|"
_STOPS += r"but|just|who|which|while|when|after|before|during|over|into|last|this|these|those|it|its|their|will|would|"
_STOPS += r"could|can|may|might|should|must|be|been|being|not|per|according|they|we|he|she|you|including|ago|"
# A number in words starts another figure ("45.6% four years ago").
_STOPS += "|".join(w for w in speakers.cue_words("numbers", "en") if w != "one" and w[:3] not in ("hun", "tho")) + "|"
_STOPS += "|".join(sorted(_VERBS, key=len, reverse=True)) + ")"
# Up to four words after the number: "2,600 main battle tanks", "11,671 armored fighting vehicles".
# Not a currency's code before its amount: "10 banks lent USD 5 million" has two figures.
_WORD = rf"(?!{_STOPS}\b)(?!(?-i:[A-Z]{{3}})\s?\d)[a-z][\w-]*"
_NOUN = rf"(?:\s+(?:of\s+(?:its|their|the|his|her)\s+)?{_WORD}(?:\s+{_WORD}){{0,3}})?"
_COUNT = re.compile(rf"^\s*{_QUALIFIER}(?:{_CURRENCY}{_NUMBER}{_SCALE}|{_FRACTION})", re.IGNORECASE)  # the number part
# A number joined to letters by a hyphen names a model, not a count: "T-55 tanks", "F-16 jets", "COVID-19 cases".
_DESIGNATION = r"(?<![A-Za-z][-–])"
# A word's start, or a currency sign's; never inside a number ("35.3" is no "3").
_START = r"(?<!\d[.,])(?:\b" + _QUALIFIER + r"|(?<![\w$£€¥₹₴₽₩₺]))"
FIGURE = re.compile(rf"{_START}{_DESIGNATION}(?:{_CURRENCY}{_NUMBER}{_SCALE}|{_FRACTION}){_NOUN}", re.IGNORECASE)
# A count in words ("at least three people were killed"): what it counts; set side by side only where its quote
# counts the asked noun in no figure in digits (``asked_figure.asked_figures``).
_SPELLED = "|".join(sorted(speakers.cue_words("numbers", "en"), key=len, reverse=True))
SPELLED_COUNT = re.compile(rf"\b{_QUALIFIER}(?:{_SPELLED})\b{_NOUN}", re.IGNORECASE)
_SPELLED_NUMBER = re.compile(rf"{_QUALIFIER}(?:{_SPELLED})\b", re.IGNORECASE)
_UNIT_STOP = {
    "in",
    "on",
    "at",
    "and",
    "or",
    "since",
    "of",
    "to",
    "the",
    "a",
    "an",
    "had",
    "have",
    "has",
    "left",
    "per",
    "cent",
    "percent",
    "were",
    "was",
    "are",
    "is",
    "from",
    "by",
    "for",
    "with",
    "days",
    "day",
    "every",  # "40,000 people every day": a frequency follows the noun
    "each",
    "figure",  # "the €2.1 billion figure the companies announced": the amount, not a count of figures
    "figures",
}


def figures(text: str) -> list[str]:
    """'about 90 tanks', '3,010 soldiers', 'nearly 90 per cent of its army', 'two-thirds of its tank force',
    '£18.6m': each number with its qualifier, currency, scale and the noun it counts."""
    out: list[str] = []
    codes = currencies()
    for m in FIGURE.finditer(text):
        found = m.group(0).strip()
        code = _CODE.search(found)
        if code and (code.group(1) not in codes or not _AMOUNT.match(found, code.end())):
            if not code.group(0)[3:]:
                continue  # "COP28", "F150": a name written onto a number
            found = found[: code.start()] + found[code.end() :]  # "GDP 3%", "TOP 10 players"
        found = trim(found)
        number = re.search(r"\d[\d,.]*", found)
        if number and re.fullmatch(r"(?:19|20)\d\d", number.group(0)) and "%" not in found:
            continue  # a year is a date, not a figure
        if number and not _a_count(text, m.start() + m.group(0).index(number.group(0)), number.group(0)):
            continue
        if re.match(r"\s+\d", text[m.end() :]):  # "just 112 of its usual 400 services": the noun is the next figure's
            found = re.sub(r"\s+of\s+\S+(?:\s+\S+)*$", "", found)
        out.append(found)
    return out


def spelled_counts(text: str) -> list[str]:
    """Counts in words with the noun they count ("four people", "at least two firefighters"), trimmed as
    ``figures`` trims figures in digits; none without a noun ("rose to three")."""
    out: list[str] = []
    for m in SPELLED_COUNT.finditer(text):
        number = _SPELLED_NUMBER.match(m.group(0))
        if number is None:
            continue
        words = _noun_words(m.group(0)[number.end() :].split())
        while words and words[-1].lower().strip(",.") in _TRIM_WORDS:
            words.pop()
        if words:
            out.append(" ".join([number.group(0).strip(), *words]).rstrip(",.;:"))
    return out


_CODE = re.compile(r"\b([A-Z]{3})\s?(?=\d)")
# What a code is kept before: an amount with a scale, decimals or thousands ("EUR 32 billion", "USD35.3", "GBP
# 2.5m", "EUR 1,200"); "TOP 10", "AMD 7" are no amounts.
_AMOUNT = re.compile(
    r"\d{1,3}(?:,\d{3})+|\d[\d,]*(?:\.\d+|\s?(?:thousand|million|billion|trillion|m|bn|k)\b)", re.IGNORECASE
)


@functools.cache
def currencies() -> frozenset[str]:
    """The codes of the currencies in use today (Babel's territory data): "EUR", "PLN", "USD"."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    return frozenset(
        str(c) for t in get_global("territory_currencies") for c in get_territory_currencies(t, tender=True)
    )


_AGE = re.compile(r"[-–\s]years?[-–\s]old\b", re.IGNORECASE)  # "a 45-year-old man"


def _a_count(text: str, start: int, number: str) -> bool:
    """The number at ``start`` counts or measures something: not a day of a month ("Aug 13", "3 March"), a time
    ("2 p.m.", "00:01"), a label ("Zone 4", "Route 9", "Boeing 737") or an age ("Ashcombe, 58,", "45-year-old")."""
    before, after = text[max(0, start - 40) : start], text[start + len(number) : start + len(number) + 8]
    if re.match(r"\s?[ap]\.?m\b|:\d", after, re.IGNORECASE) or re.search(r"\d:$", before):
        return False
    word = re.search(r"([^\W\d_][\w.]*)\s$", before)
    day = re.fullmatch(r"\d{1,2}", number) and 1 <= int(number) <= 31 and not re.match(r"\s?(?:%|per)", after)
    if word and day and figure_phrases.month_word(word.group(1)):
        return False
    rest = text[start + len(number) : start + len(number) + 16]
    month = re.match(r"\s([A-Z][a-z]{2,8}\.?)", rest)  # "on 3 March", "31 Dec."
    if (day and month and figure_phrases.month_word(month.group(1))) or _AGE.match(rest):
        return False
    # A label is a capitalised noun after a function word, with a short plain number: "off Route 9", "residents of
    # Zone 4", "the Boeing 737" (not "gave Ukraine 31 tanks", "Russia Loses 883,950 Troops").
    label = re.search(r"\b([A-Za-z]+)\s([A-Z][a-z]+)\s$", before)
    # A plural or a share after the number makes it a count: "In Florida 12 people", "the Ukrainians 31 Abrams
    # tanks", "the Tories 24%" ("Zone 4 and", "Route 9.", "Category 4 hurricane" are labels).
    # Up to the next number: "an Aeris 320 carrying 148 passengers" counts passengers with the 148.
    ahead = re.split(r"\d", text[start + len(number) : start + len(number) + 40], maxsplit=1)[0]
    following = re.findall(r"[^\W\d_][\w’'-]*", ahead)[:2]
    counted = re.match(r"\s?%", after) or any(_plural(w) for w in following)
    if label and not counted and re.fullmatch(r"\d{1,4}", number) and _is_label(label.group(1), label.group(2)):
        return False
    return not (re.search(r"\b[A-Z][\w’'-]+,\s$", before) and re.match(r",", after) and len(number) <= 3)


def _is_label(previous: str, word: str) -> bool:
    """``word`` before a number names what the number labels ("Zone", "Route"): it follows a function word and is
    no qualifier ("About 40"), adverb ("Roughly 40"), time ("Monday 12") or number word."""
    if previous.casefold() not in analyzer("en").stopwords:
        return False
    folded = word.casefold()
    timed = without_times(word).strip() == ""
    counted = folded in speakers.cue_words("numbers", "en")
    return not (folded in _NOT_LABELS or folded.endswith("ly") or timed or counted)


# Words that end a figure's phrase (function words; "278 days later": a span's unit stays, in trimming only).
_NOUN_STOP = _UNIT_STOP | analyzer("en").stopwords
_TRIM_WORDS = (_UNIT_STOP - {"days", "day"}) | analyzer("en").stopwords
# Capitalised words before a number that make no label of it: "About 12", "In 2023", "Only 40".
_NOT_LABELS = analyzer("en").stopwords | frozenset(re.findall(r"[a-z]+", _QUALIFIER))


def trim(found: str) -> str:
    """Drop trailing function words the noun pattern may have swallowed ('32 tanks in', '15,000 troops between') and
    a verb after the noun ('50,000 prisoners recruited', '110 billion package signed'; see ``_noun_words``)."""
    count = _COUNT.match(found)
    number = found[: count.end()] if count else ""
    words = _noun_words(found[len(number) :].split())
    if re.search(r"(?:%|cent)$", number) and words and _verb_form(words[0]):
        words = []  # "95% needed", "35 percent contained": a share is no count of the verb's doers
    stop = _TRIM_WORDS
    while words and words[-1].lower().strip(",.") in stop:
        words.pop()
    if not number:  # a number the count pattern does not read ("2,000-strong")
        words = found.split()
        while len(words) > 1 and not re.search(r"\d", words[-1]) and words[-1].lower().strip(",.") in stop:
            words.pop()
        return " ".join(words).rstrip(",.;:")
    return " ".join([number.strip(), *words]).rstrip(",.;:")


def _noun_words(words: list[str]) -> list[str]:
    """The words of a figure's noun, up to a verb that follows it: a verb form ('-ed', index/data/cues.json) after a
    word that is none ends the noun after a plural or unless a lower-case word of the noun follows ("14 tanks
    destroyed", "soldiers killed Zelensky", "people reported missing"; "armoured fighting vehicles"). Right after
    the number it is what is counted ("14 killed")."""
    stop = _NOUN_STOP
    out: list[str] = []
    for i, word in enumerate(words):
        # An adverb in "-ly" ends it unless a plural follows within two words ("runway 27 shortly after"; "40
        # deadly attacks", "15 seriously injured passengers").
        if _adverb(word) and not any(_plural(w.strip(",.;:")) for w in words[i + 1 : i + 3]):
            break
        if out and _verb_form(word) and not _verb_form(out[-1]):
            after = words[i + 1].strip(",.;:") if i + 1 < len(words) else ""
            # after a plural, the noun's head: "prisoners released early"
            ends = not after[:1].islower() or _verb_form(after) or after.endswith("ing") or after in stop
            if _plural(out[-1]) or ends:
                break
        out.append(word)
        # A plural ends the noun ("13,000 acres overnight", "300 people confirmed dead"), unless a plural follows
        # it ("news outlets", "sales staff", "overseas aid workers"; "basis points" is no plural).
        if _plural(word) and not any(_plural(w) for w in words[i + 1 :]):
            break
    return out


def _adverb(word: str) -> bool:
    """ "shortly", "roughly", "weekly": the stemmer takes "-ly" off an adverb made of a word, not off "family",
    "supply" or "Italy"."""
    folded = word.casefold().strip(",.;:")
    return folded.endswith("ly") and analyzer("en").stem(folded) == folded[:-2]


def _plural(word: str) -> bool:
    bare = word.strip(",.;:")
    return bool(re.fullmatch(r"[a-z][a-z-]{2,}(?<![sui])s", bare)) or bare.casefold() in _PLURALS


_PLURALS = words_of("en", "plurals") | {"staff", "personnel"}  # plurals without an -s


def _verb_form(word: str) -> bool:
    w = word.lower().strip(",.;:")
    return w in _VERBS or bool(_PAST.search(w))


# "signed", "died"; not "need", "speed". "-ing" forms are as often nouns ("housing", "funding").
_PAST = re.compile(r"^[a-z][a-z-]+(?<!e)ed$")


def noun_of(figure: str) -> str:
    """The counted noun of a figure as written ('probably 14 tanks' → 'tanks'); '' when it has none ('half')."""
    counted = _COUNT.sub("", figure, count=1)
    words = [w for w in re.findall(r"[a-z][\w-]*", counted.lower()) if w not in _UNIT_STOP]
    while len(words) > 1 and _verb_form(words[-1]):
        words.pop()
    return words[-1] if words else ""


def unit_of(figure: str) -> str:
    """The counted noun of a figure, stemmed ('probably 14 tanks' → 'tank'); '' when it has none."""
    noun = noun_of(figure)
    return analyzer("en").stem(noun) if noun else ""
