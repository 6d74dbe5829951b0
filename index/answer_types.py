"""Whether a sentence carries the kind of answer a question asks for: a figure, a date, an actor, a place, a reason.

A sentence that repeats the question's words is often the set-up, not the answer: "How many tanks did the
soldier say they had?" is answered by "We have probably 14 tanks left", which shares one word with it. These
cues lift the sentences that carry the asked-for kind of answer: a figure counting the asked noun, a figure the
question itself states, a name the question does not already contain, a date, a stated cause (whether a figure
counts the asked noun: ``asked_figure``).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import replace
from importlib import resources

from index import attribution
from index.asked_figure import count_or_span, counts_asked_noun
from index.asked_kind import Asks
from index.claims import DATELINE
from index.language import TOKEN, analyzer, fold, tokens
from index.question import Question, asks_duration, numbers
from index.terms import has_clock, has_count, has_date, has_figure, has_time, without_times

_WORD_OR_MARK = re.compile(r"[^\W_][\w’'-]*|[^\w\s]")
_ARTICLES = frozenset({"the", "a", "an", "this", "that", "he", "she", "they", "it", "we", "i", "you", "mr", "ms"})


@functools.cache
def _cues(kind: str) -> re.Pattern[str]:
    data = json.loads(resources.files("index").joinpath("data/cues.json").read_text(encoding="utf-8"))
    words = sorted({w for ws in data[kind].values() for w in ws}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.I)


def _reason_pattern() -> re.Pattern[str]:
    return _cues("causes")


def new_places(sentence: str, q: Question, prepositions: str = "places") -> list[str]:
    """Names right after a place preposition ("near Lyman", "in the Kharkiv region") the question lacks; a time
    ("in a post Saturday") or a name after another name or a comma ("In a post Saturday, Microsoft…") is none.
    ``prepositions``: the cues.json entry of the prepositions ("locative": those naming only a place)."""
    places, apart = _cues(prepositions), _cues("places_apart")
    out = []
    for name in new_names(sentence, q):
        if not without_times(name).strip():
            continue
        at = sentence.find(name)
        # the preposition, possibly followed by an article and up to three lower-case words ("near the city of")
        for n, word in enumerate(reversed(sentence[max(0, at - 40) : at].split()[-5:])):
            if places.fullmatch(word) or (n and apart.fullmatch(word)):
                out.append(name)
                break
            if not (word.isalpha() and word.islower()):
                break
    return out


def _capitalised_runs(sentence: str) -> list[str]:
    """Runs of capitalised words that do not open a sentence; punctuation ends a run."""
    out: list[str] = []
    run: list[str] = []
    first = True
    for m in _WORD_OR_MARK.finditer(sentence):
        w = m.group(0)
        if w[:1].isupper() and not first:
            run.append(w)
            continue
        if run:
            out.append(" ".join(run))
        run = []
        if w[:1].isalnum():
            first = False
        elif w in ".!?…":
            first = True
    if run:
        out.append(" ".join(run))
    return out


def names(text: str) -> list[str]:
    """Capitalised names in a text that are not a sentence's first word or a common word of English."""
    stop = analyzer("en").stopwords
    return [n for n in _capitalised_runs(text) if n.casefold() not in stop]


def _is_new(name: str, known: frozenset[str]) -> bool:
    words = [w for w in tokens(name) if w not in _ARTICLES]
    return bool(words) and any(w not in known and fold(w) not in known for w in words)


def new_names(sentence: str, q: Question) -> list[str]:
    """Capitalised names in the sentence made of words the question does not contain."""
    return [n for n in _capitalised_runs(sentence) if _is_new(n, q.known)]


def new_actors(sentence: str, q: Question) -> list[str]:
    """Who the sentence names or credits that the question does not: capitalised names, and speakers or sources
    in lower case ("a military intelligence service", "regional officials")."""
    found = new_names(sentence, q)
    credited = attribution.attribution(sentence)
    if credited and _is_new(credited, q.known):
        found.append(credited)
    return found


def kind_cues(q: Question, sentence: str) -> tuple[float, ...]:
    """Whether the sentence looks like the kind of answer asked for, one value per ``KIND_CUES`` entry."""
    sentence = filed(sentence)
    figure = Asks.FIGURE in q.asks and (count_or_span(sentence) if asks_duration(q) else has_count(sentence))
    measured = replace(q, focus=q.measure, head=q.measure) if q.measure else None
    return (
        float(figure),
        float(figure and (counts_asked_noun(sentence, q) or bool(measured and counts_asked_noun(sentence, measured)))),
        # The figure a question names ("who reckons … close to 2,000?") marks the claim it asks about. In a
        # how-many question it only sets the scene ("in the update that put losses at 883,950, how many vehicles…").
        float(bool(q.numbers and not q.count and q.numbers & set(numbers(sentence)))),
        float(Asks.ACTOR in q.asks and (_someone_new(sentence, q) or _identifies(q, sentence))),
        float(Asks.PLACE in q.asks and bool(new_places(sentence, q))),
        # Any time reference, also for a question that asks a calendar date: the cue lifting only dated sentences
        # quoted a date of another event for "On what date was the 'we're losing' call recorded?" (unanswerable;
        # dev abstained 5/5 → 4/5), which the date check then took as the answer.
        float(Asks.DATE in q.asks and has_time(sentence, q.known)),
        float(Asks.REASON in q.asks and bool(_reason_pattern().search(sentence))),
    )


KIND_CUES = (
    "figure",  # any figure, for a how-many / what-figure question
    "unit",  # a figure counting a noun of the question ("14 tanks" for "how many tanks")
    "stated",  # a figure the question itself states, outside a how-many question
    "actor",  # a name or credited source the question does not contain, for a who-question
    "place",  # a place name the question does not contain, for a where-question
    "date",  # a time reference, for a when-question
    "reason",  # a stated cause, for a why-question
)


def carries(q: Question, sentence: str) -> bool:
    """The sentence holds the kind of answer asked for (a figure, a new name, a time, a cause)."""
    sentence = filed(sentence)
    return (
        (Asks.FIGURE in q.asks and has_figure(sentence))
        or (Asks.ACTOR in q.asks and (_someone_new(sentence, q) or _identifies(q, sentence)))
        or (Asks.PLACE in q.asks and bool(new_places(sentence, q)))
        or _gives_time(q, sentence)
        or (Asks.REASON in q.asks and bool(_reason_pattern().search(sentence)))
    )


def filed(sentence: str) -> str:
    """The sentence without its dateline ("WASHINGTON, March 3 (Wire) - "): where, when and by whom it was filed is
    no time, place or actor of what is asked, and an article's first sentence would otherwise carry all three."""
    dateline = DATELINE.match(sentence)
    if dateline is None:
        return sentence
    # A dateline opens with its place in capitals or gives a date: not "Jane Doe (left) - the agency's new head".
    head = sentence[: sentence.find("(", 0, dateline.end())]
    first = head.split()[0].strip(",") if head.split() else ""
    filed_so = (first.isupper() and sum(ch.isalpha() for ch in first) > 1) or any(ch.isdigit() for ch in head)
    return sentence[dateline.end() :] if filed_so else sentence


def _gives_time(q: Question, sentence: str) -> bool:
    """A calendar date for a question that asks one ("on what date…"; a weekday does not answer it), any time
    reference for another when-question."""
    if Asks.HOUR in q.asks:
        return has_clock(sentence)
    if Asks.DAY in q.asks:
        return has_date(sentence, q.known)
    return Asks.DATE in q.asks and has_time(sentence, q.known)


def _identifies(q: Question, sentence: str) -> bool:
    """A who-question of names alone ("Who is Daniel Okafor?") asks who the named are: a sentence that names them
    all says it, with their role ("Her lawyer, Daniel Okafor, said…"), where no one new is named."""
    name_words = {w.casefold() for n in q.names for w in n.split()}
    # Only the interrogative and its verb besides the names: not "Who is against Brexit?".
    others = [w for w in TOKEN.findall(q.text) if w.casefold() not in name_words]
    only_names = all(t in name_words for t in q.terms)
    return bool(q.names) and only_names and len(others) <= 2 and q.names_in(sentence) == 1.0


def _someone_new(sentence: str, q: Question) -> bool:
    """A name or credited source the question lacks that is no time ("Thursday") and no place ("in Santa Clara"):
    who-questions ask for a person or an organisation, and most news sentences name a day and a place. A name after
    "to" or "from" stays: as often who received or sold something ("sold to Elon Musk", "a bid from Microsoft")."""
    places = set(new_places(sentence, q, "locative"))
    return any(n not in places and without_times(n).strip() for n in new_actors(sentence, q))
