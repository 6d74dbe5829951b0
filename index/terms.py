"""Words of a question: tokens, stopwords, a light stemmer, the FTS5 query, and figure detection."""

from __future__ import annotations

import functools
import re

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: the same tokens SQLite's unicode61 sees
STOPWORDS = frozenset(
    """
    a an the and or but if then else of to in on at by for with about against between into through during before
    after above below from up down out off over under again further once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very can will just should now
    is are was were be been being have has had having do does did doing i me my we our you your he him his she
    her it its they them their what which who whom whose this that these those am would could may might must
    shall also as any anyone said says say tell told report reported reports according did what's whats many
    much give list show know
    """.split()
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?"
    r"|thousands?|millions?|billions?|dozens?|half|third|thirds|quarter"
)
_HAS_FIGURE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
)
_MONTH += r"nov(?:ember)?|dec(?:ember)?)\.?"
_ASKS_DATE = re.compile(r"\b(?:what|which)\s+(?:date|day)\b", re.IGNORECASE)
_HAS_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})",
    re.IGNORECASE,
)
_ASKS_FIGURE = re.compile(
    r"\b(?:how\s+many|how\s+much|numbers|number\s+of|what\s+(?:figure|number|percentage|share|proportion|toll|tally|total)"
    r"|loss(?:es)?|casualt\w*|killed|dead|toll|tally|count|per\s*cent|percent|figures?|estimates?|cost)\b|%",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer, enough to match plural and tense variants between question and text."""
    w = word.casefold().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl, min_len in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("es", "", 6),
        ("s", "", 4),
        ("ing", "", 6),
        ("ed", "", 5),
    ):
        if w.endswith(suffix) and len(w) >= min_len and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + repl
    return w


# Words that stand for a family of concrete terms in war reporting; a question word matches its family.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "equipment": (
        "tank",
        "armour",
        "armor",
        "armoured",
        "armored",
        "vehicle",
        "artillery",
        "aircraft",
        "helicopter",
        "drone",
        "jet",
        "ship",
        "howitzer",
        "apc",
        "ifv",
        "hardware",
        "weapon",
        "missile",
        "launcher",
        "gun",
        "system",
        "materiel",
    ),
    "loss": (
        "lost",
        "lose",
        "losing",
        "destroyed",
        "destroy",
        "killed",
        "casualty",
        "casualties",
        "damaged",
        "downed",
        "shot",
        "wiped",
        "dead",
        "death",
        "injured",
        "wounded",
        "left",
    ),
    "soldier": ("troop", "personnel", "servicemen", "serviceman", "army", "fighter", "men", "marine", "recruit"),
    "release": (
        "shared",
        "share",
        "published",
        "publish",
        "public",
        "posted",
        "post",
        "leaked",
        "issued",
        "disclosed",
        "aired",
        "broadcast",
    ),
    "recording": ("audio", "call", "tape", "intercept", "intercepted", "conversation", "recorded"),
    "call": ("audio", "recording", "conversation", "intercept", "intercepted", "phone", "telephone"),
    "killed": ("dead", "died", "death", "deaths", "toll", "perished", "casualties"),
}
CONCEPTS = {stem(key): frozenset(stem(w) for w in words) | {stem(key)} for key, words in _CONCEPTS.items()}


def _concept(root: str) -> frozenset[str]:
    return CONCEPTS.get(root) or CONCEPTS.get(root + "e") or frozenset()


def tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


def content_terms(question: str) -> list[str]:
    """The question's words that carry meaning, in order, without repeats."""
    seen: dict[str, None] = {}
    for t in tokens(question):
        if t not in STOPWORDS and (len(t) > 1 or t.isdigit()):
            seen.setdefault(t, None)
    return list(seen)


def index_terms(text: str) -> list[str]:
    """The stems the keyword index stores for a text (and looks up for a question's words)."""
    return [stem(t) for t in tokens(text)]


def expand(term: str) -> frozenset[str]:
    """The stems that count as the term: itself, plus its concept family when it names one."""
    root = stem(term)
    return _concept(root) | {root}


def coverage(terms: list[str], text: str) -> float:
    """Share of ``terms`` (by stem, concept families included) that occur in ``text``."""
    if not terms:
        return 0.0
    present = {stem(t) for t in tokens(text)}
    return sum(1 for t in terms if expand(t) & present) / len(terms)


def asks_for_figure(question: str) -> bool:
    return bool(_ASKS_FIGURE.search(question))


def has_figure(text: str) -> bool:
    return bool(_HAS_FIGURE.search(text))


def asks_for_date(question: str) -> bool:
    """'On what date…', 'which day…': only a calendar date answers (a weekday or 'recently' does not)."""
    return bool(_ASKS_DATE.search(question))


def has_date(text: str) -> bool:
    """A calendar date: '6 August', 'November 8', '2024-03-01', '8/11/2022'."""
    return bool(_HAS_DATE.search(text))
