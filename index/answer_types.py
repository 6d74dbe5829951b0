"""What kind of answer a question asks for (a figure, an actor, a place, a reason) and whether a sentence carries it.

A sentence that repeats the question's words is often the set-up, not the answer: "How many tanks did the
soldier say they had?" is answered by "We have probably 14 tanks left", which shares one word with it. These
cues lift the sentences that carry the asked-for kind of answer: a figure counting the asked noun, a figure the
question itself states, a name or a place the question does not already contain, a stated cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import claims
from index.terms import STOPWORDS, asks_for_figure, content_terms, expand, has_figure, stem, tokens

FIGURE_BONUS = 0.1  # any figure, for a how-many / what-figure question
UNIT_BONUS = 0.1  # a figure counting a noun of the question ("14 tanks" for "how many tanks")
# The figure a question names ("who reckons … close to 2,000?") marks the claim it asks about. In a how-many
# question it only sets the scene ("in the update that put losses at 883,950, how many vehicles…").
STATED_FIGURE_BONUS = 0.15
ACTOR_BONUS = 0.08  # a name the question does not contain, for a who-question
PLACE_BONUS = 0.1  # a place the question does not contain, for a where-question
REASON_BONUS = 0.1  # a stated cause ("because", "thus", "due to"), for a why-question

_ACTOR_QUESTION = re.compile(
    r"\s*(?:who|whom|whose|which\s+(?:\w+\s+){0,2}?(?:agency|service|outlet|country|official|unit|side|"
    r"politician|expert|analyst|minister|newspaper|group|organi[sz]ation|commander|general|person|body))\b",
    re.IGNORECASE,
)
_PLACE_QUESTION = re.compile(
    r"\s*(?:where|(?:in|at|near|to|from)?\s*which\s+(?:village|town|city|region|country|area|place|oblast|"
    r"province|district|front|river|settlement|base))\b",
    re.IGNORECASE,
)
_REASON_QUESTION = re.compile(r"\s*(?:why|for\s+what\s+reason|what\s+(?:caused|made|led))\b", re.IGNORECASE)
_REASON = re.compile(
    r"\b(?:because|since|due\s+to|owing\s+to|as\s+a\s+result|in\s+order\s+to|so\s+that|thus|therefore|hence|"
    r"which\s+is\s+why|that\s+is\s+why|that's\s+why|caused\s+by|the\s+reason)\b",
    re.IGNORECASE,
)
_COUNT_QUESTION = re.compile(r"\b(?:how\s+(?:many|much)|what\s+(?:number|share|percentage|proportion))\b", re.I)
_COUNTED = re.compile(
    r"\bhow\s+many\s+((?:(?!(?:did|do|does|were|was|are|is|have|has|had|of|in|on|at|for|from|by|say|says|said)\b)"
    r"[\w’'-]+\s*){1,3})|\b([\w’'-]+)\s+numbers\b",
    re.IGNORECASE,
)
# A capitalised name inside a sentence (not its first word): "Ukraine’s Security Service", "the SBU".
NAMED = re.compile(r"(?<=\s)(?:[A-Z][\w’'-]+\s+){1,}[A-Z][\w’'-]+|(?<=\s)[A-Z]{2,}\b")
_PLACE_WORD = r"(?:city|town|village|region|oblast|province|district|area|settlement|port|base)"
_PLACE = re.compile(
    rf"\b(?:in|near|outside|at|to|from|around|into|towards?)\s+(?:the\s+)?(?:(?:[\w’'-]+\s+){{0,3}}{_PLACE_WORD}\s+of\s+)?"
    rf"((?:[A-Z][\w’'-]+)(?:[\s-][A-Z][\w’'-]+)*)|\b([A-Z][\w’'-]+)\s+{_PLACE_WORD}\b"
)
_PLACE_STOP = frozenset({"the", "a", "an", "this", "that", "he", "she", "they", "it", "we", "i", "you", "mr", "ms"})


@dataclass(frozen=True, slots=True)
class Wanted:
    """The answer a question asks for."""

    figure: bool  # a figure answers it ("how many", "what toll", "tank losses")
    count: bool  # it asks for a count outright ("how many …?"), rather than about a figure
    actor: bool
    place: bool
    reason: bool
    counted: frozenset[str]  # stems (with concept families) of the noun counted: "how many [Ukrainian soldiers]"
    # What the counted things did, by stems: "how many prisoners [came home in the latest exchange]"; empty when
    # the question has no such clause ("how many tanks does the unit still have").
    event: frozenset[str]
    numbers: frozenset[str]  # figures the question states, digits only ('2,000' → '2000')
    known: frozenset[str]  # the question's words, case-folded: a name made of these is not new

    @property
    def any(self) -> bool:
        return self.figure or self.actor or self.place or self.reason


def wanted(question: str) -> Wanted:
    figure = asks_for_figure(question)
    return Wanted(
        figure=figure,
        count=bool(_COUNT_QUESTION.search(question)),
        actor=bool(_ACTOR_QUESTION.match(question)),
        place=bool(_PLACE_QUESTION.match(question)),
        reason=bool(_REASON_QUESTION.match(question)),
        counted=_counted(question) if figure else frozenset(),
        event=_event(question) if figure else frozenset(),
        numbers=frozenset(_numbers(question)),
        known=frozenset(tokens(question)),
    )


def _counted(question: str) -> frozenset[str]:
    """The noun a figure must count: the words after "how many" (up to a verb or a preposition), or before
    "numbers"; else every content word of the question."""
    m = _COUNTED.search(question)
    words = (m.group(1) or m.group(2)).split() if m else content_terms(question)
    return frozenset().union(*(expand(w) for w in words if w.casefold() not in STOPWORDS)) if words else frozenset()


def _numbers(text: str) -> list[str]:
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if len(n.replace(",", "")) > 1]


def _is_new(name: str, known: frozenset[str]) -> bool:
    words = [w for w in tokens(name) if w not in _PLACE_STOP]
    return bool(words) and any(w not in known for w in words)


def new_names(sentence: str, known: frozenset[str]) -> list[str]:
    """Capitalised names in the sentence made of words the question does not contain."""
    return [m.group(0) for m in NAMED.finditer(" " + sentence) if _is_new(m.group(0), known)]


def new_places(sentence: str, known: frozenset[str]) -> list[str]:
    """Places ('in the Kharkiv region', 'near the city of Lyman', 'on to Sinkivka') the question does not name."""
    found = [m.group(1) or m.group(2) for m in _PLACE.finditer(sentence)]
    return [p for p in found if _is_new(p, known)]


def _event(question: str) -> frozenset[str]:
    m = _COUNTED.search(question)
    if not m or not m.group(1):
        return frozenset()
    rest = question[m.end() :]
    if re.match(r"\s*(?:did|does|do)\b", rest, re.IGNORECASE):
        return frozenset()  # "how many tanks does the unit still have": a subject and a verb, not an event
    return frozenset().union(*(expand(w) for w in content_terms(rest)))


def gives_asked_figure(quote: str, w: Wanted) -> bool:
    """The quote counts the asked noun and, when the question says what those things did, shares a word of that:
    "4,500 former prisoners … killed" does not answer "how many prisoners came home in the latest exchange"."""
    if not counts_asked_noun(quote, w):
        return False
    return not w.event or bool(w.event & {stem(t) for t in tokens(quote)})


def counts_asked_noun(sentence: str, w: Wanted) -> bool:
    """A figure in the sentence counts one of the question's nouns ('14 tanks' for 'how many tanks')."""
    return any(claims.unit_of(f) in w.counted for f in claims.figures(sentence) if claims.unit_of(f))


def bonus(w: Wanted, sentence: str) -> float:
    """How much the sentence looks like the kind of answer asked for."""
    extra = 0.0
    if w.figure and has_figure(sentence):
        extra += FIGURE_BONUS
        if counts_asked_noun(sentence, w):
            extra += UNIT_BONUS
    if w.numbers and not w.count and w.numbers & set(_numbers(sentence)):
        extra += STATED_FIGURE_BONUS
    if w.actor and new_names(sentence, w.known):
        extra += ACTOR_BONUS
    if w.place and new_places(sentence, w.known):
        extra += PLACE_BONUS
    if w.reason and _REASON.search(sentence):
        extra += REASON_BONUS
    return extra


def carries(w: Wanted, sentence: str) -> bool:
    """The sentence holds the kind of answer asked for (a figure, a new name, a new place, a cause)."""
    return (
        (w.figure and has_figure(sentence))
        or (w.actor and bool(new_names(sentence, w.known)))
        or (w.place and bool(new_places(sentence, w.known)))
        or (w.reason and bool(_REASON.search(sentence)))
    )
