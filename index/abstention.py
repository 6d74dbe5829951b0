"""The one-line "not found" messages: what the library lacks, in words a reader can act on.

Whether to abstain is decided by the answerability model (``index.answerability``) and by six exact checks: a
question with nothing to look for, a name no article mentions in any form, a calendar date asked for where no
quote gives one, someone's words asked for where no quote is credited to them, a place asked about where the
quotes tell only of others, and, where the model is unsure, a how-many question in English whose quotes and best
sentences count nothing it asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from index import asked_figure, asked_place, countries, said_by, speakers
from index.asked_kind import Asks
from index.asked_speaker import acronym
from index.question import Question
from index.terms import has_clock, has_date, has_time


def too_old(since: str, newest: str) -> str:
    """No article is recent enough (undated ones would have been searched)."""
    newest_note = f" (the newest is from {newest})" if newest else ""
    return f"Not found: no article was published since {since}{newest_note}."


def outlet_too_old(outlet: str, since: str) -> str:
    """No article of the outlet the question names is recent enough."""
    return f"Not found: no article from {outlet} was published since {since}."


def nothing_to_look_for(searched: int) -> str:
    """The question has no content word, name or figure ("Why?", "Who said it?"): whatever the articles say, it
    cannot be checked against the question."""
    return f"Not found: the question names nothing to look for in {_the(searched)}; say what it is about."


def unknown_names(names: Sequence[str], searched: int) -> str:
    return _none(searched, "mentions", listed(names, ", "), searched_word=False)


NAMES_LISTED = 5  # names a message lists: a question may hold hundreds ("Name1 Corp, Name2 Corp, …")
NAME_CHARS = 60  # characters of one name a message shows: a run of capitalised words may be a paragraph long


def listed(names: Sequence[str], joint: str) -> str:
    """Names for a message: the first five, each cut to ``NAME_CHARS``, then how many more ("A, B, C, D, E and 12
    more"); a message stays a line, whatever the question."""
    shown = [n if len(n) <= NAME_CHARS else n[: NAME_CHARS - 1].rstrip() + "…" for n in names[:NAMES_LISTED]]
    more = len(names) - len(shown)
    return joint.join(shown) + (f" and {more} more" if more else "")


def other_years(year: int, searched: int) -> str:
    """Every quote is about another year than the one asked ("last year" in a 2025 article, for 2023)."""
    given = "gives" if searched == 1 else "give"
    return f"Not found: {_the(searched)} searched {given} it only for other years than {year}."


def other_days(asked: str, searched: int, unit: str = "days") -> str:
    """Every quote tells of other days (months) than the one asked ("March 3" and "March 12" for March 17)."""
    tell = "tells" if searched == 1 else "tell"
    return f"Not found: {_the(searched)} searched {tell} of other {unit} than {asked}."


def missing_day(q: Question, quotes: Sequence[str], searched: int) -> str | None:
    """A question for a calendar date is not answered by quotes without one ("on Wednesday" is no date), one for a
    time of day by quotes without one ("at what time…": "on Tuesday" is none)."""
    if Asks.DAY in q.asks and not any(has_date(x, q.known) for x in quotes):
        return _none(searched, "gives", "that date")
    if Asks.HOUR in q.asks and not any(has_clock(x) for x in quotes):
        return _none(searched, "gives", "that time of day")
    return None


def not_credited(q: Question, quotes: Sequence[said_by.Quoted], searched: int) -> str | None:
    """A question for someone's words ("what did the mayor of Harvin say…") is not answered by quotes credited to
    others (the mayor of another town, the company for its chief executive)."""
    if q.speaker is None or not quotes or any(said_by.credited(q, x) for x in quotes):
        return None
    return f"Not found: the best quotes in {_the(searched)} searched are not by {q.speaker.phrase}."


def other_places(q: Question, places: Sequence[str], quotes: Sequence[said_by.Quoted], searched: int) -> str | None:
    """A question asked of a place ("how many died in Hungary…", "who won the vote in Servagnac?"; ``places``, see
    ``asked_place.asked``) is not answered by quotes about other places ("One person has drowned in Poland")."""
    if not places or not quotes or any(asked_place.told(q, places, x.text, x.lead, x.same_language) for x in quotes):
        return None
    return (
        f"Not found: the best quotes in {_the(searched)} searched are about other places than {' and '.join(places)}."
    )


def unnamed(q: Question, quotes: Sequence[said_by.Quoted], searched: int) -> str | None:
    """Quotes none of which, with its article, names the question's names (of three or more, all but one) tell of
    another story. Read where the answerability model is unsure (see ``deciding.verdict``): refusing any such
    answer also refused answers whose article writes a name otherwise ("the General Staff of Ukraine" for "the Ukrainian
    General Staff"); acronyms and the words of the question's period are not read, nor a question in a language
    that inflects names (``asked_place.READ_IN``): "Мескарией" is named by "Мескария" and "мескарских" too."""
    names = [n for n in q.names if not set(n.casefold().split()) & q.period and not any(map(acronym, n.split()))]
    if q.lang not in asked_place.READ_IN or not names or not quotes or any(not x.same_language for x in quotes):
        return None
    found = [_named_in(q, names, x) for x in quotes]
    if any(sum(hits) >= len(names) - (len(names) >= 3) for hits in found):
        return None
    missing = [n for i, n in enumerate(names) if not any(hits[i] for hits in found)] or names
    return f"Not found: the best quotes in {_the(searched)} searched do not name {listed(missing, ' and ')}."


def _named_in(q: Question, names: Sequence[str], x: said_by.Quoted) -> list[bool]:
    """Per name, whether each of its capitalised words is in the quote or its article, as written or as a country's
    other name (each text's forms read once)."""
    texts = [(t, q.capitalised_forms(t)) for t in (x.text, x.article[: said_by.ABOUT_CHARS])]
    return [
        all(
            any(countries.named(q, w, t, forms) for t, forms in texts)
            for w in ([w for w in n.split() if w[:1].isupper()] or n.split())
        )
        for n in names
    ]


def lacks_asked_figure(q: Question, quotes: Sequence[str], evidence: Sequence[str], heads: Sequence[str] = ()) -> bool:
    """A how-many question whose quotes, and the best evidence sentences after them, count nothing of what it
    asks ("how many homes were destroyed" over "killing at least 296 people"). Checked where the question's
    noun can be read: an English question whose sentences give no figure in another language (those, and
    questions in other languages, are left to the answerability model). The asked noun is read by its word
    forms, so a paraphrase ("houses" for "homes", "tonnes" for "tons") is no figure here: the check lowers an
    answer by one step (see ``deciding.verdict``), it does not overrule a confident one. ``heads``: the opening of
    each quote's and evidence sentence's article, where a question with no noun to count finds what it names."""
    if q.lang not in FIGURE_CHECKED or not q.count or asks_people(q):
        return False
    return asked_figure.asked_figure_found(q, [*quotes, *evidence], heads) == 0.0


def counted_elsewhere(q: Question, sentences: Sequence[str], heads: Sequence[str], searched: int) -> str | None:
    """The refusal of a how-many question whose counts of what it asks all stand in articles that name nothing the
    question names (``heads``: each sentence's article, read in full): the rescuers of the Valle Orsina avalanche
    are no answer for "How many rescuers searched after the Gurnitz avalanche?". Read where the figure check reads
    (``lacks_asked_figure``: none of them counts for what the question names)."""
    if not q.names or not q.focus:
        return None
    read = list(zip(sentences, heads, strict=False))
    counting = [h for x, h in read if asked_figure.gives_asked_figure(x, q)]
    if not counting or any(q.names_in(h) > 0 for h in counting):
        return None
    # An article that names it and counts the asked noun for another event may tell of the asked one otherwise
    # ("36 drones launched … None of them reached their target").
    if any(q.names_in(h) > 0 and asked_figure.counts_asked_noun(x, q) for x, h in read):
        return None
    return (
        f"Not found: the counts in {_the(searched)} searched are from articles that do not name {' or '.join(q.names)}."
    )


def asks_people(q: Question) -> bool:
    """The counted word counts people ("how many victims", "how many wounded"): quotes count them under nouns the
    question does not use ("killed 12 residents", "More than 500 people!"), which only the answerability model can
    weigh. A participle is a word in "-ed" that its stem shortens ("wounded", not "bed" or "seed")."""
    participle = any(w.endswith("ed") and q.stem(w) != w for w in q.head)
    people = speakers.cue_words("people", q.lang)
    return participle or bool(q.head & (people | {q.stem(w) for w in people}))


# Measured on both shared sets and probe 7 (answered and abstained, every language): in English a quote that
# lacks the asked noun was an answer 2 times in 11 (households for homes); in German compounds ("Todesopfer",
# "gepanzerte Fahrzeuge" for "Panzer") it missed real answers as often as it caught a trap.
FIGURE_CHECKED = frozenset({"en"})


def not_found(q: Question, quotes: Sequence[str], searched: int) -> str:
    """The most specific reason the quotes do not answer: the asked figure or date is missing, or nothing fits."""
    if Asks.FIGURE in q.asks and q.focus and not any(asked_figure.gives_asked_figure(x, q) for x in quotes):
        return _none(searched, "gives", "that figure")
    if Asks.DAY in q.asks and not any(has_date(x, q.known) for x in quotes):
        return _none(searched, "gives", "that date")
    if Asks.HOUR in q.asks and not any(has_clock(x) for x in quotes):
        return _none(searched, "gives", "that time of day")
    if Asks.DATE in q.asks and not any(has_time(x, q.known) for x in quotes):
        return _none(searched, "gives", "that date")
    return f"Not found: nothing in {_the(searched)} searched answers this question."


def _the(searched: int) -> str:
    """The articles counted: "the 3 articles", "the one article" (not "the 1 articles")."""
    return "the one article" if searched == 1 else f"the {searched} articles"


def _none(searched: int, verb: str, what: str, searched_word: bool = True) -> str:
    """A reason none of them answers: "none of the 3 articles searched gives that figure", "the one article
    searched does not give that figure"."""
    where = f"{_the(searched)} searched" if searched_word else _the(searched)
    if searched == 1:
        return f"Not found: {where} does not {verb.removesuffix('s')} {what}."
    return f"Not found: none of {where} {verb} {what}."
