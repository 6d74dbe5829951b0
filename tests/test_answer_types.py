"""Answer-type cues: what a question asks for, and which sentence carries it (on real seed and dev sentences)."""

from __future__ import annotations

import pytest

from index.answer import Evidence, complete_answers
from index.answer_types import bonus, carries, counts_asked_noun, new_names, new_places, wanted

SETUP = (
    "Audio shared by Ukraine’s Security Service is said to capture an intercepted phone call between a soldier "
    "based in the Kharkiv region and a female relative outside Moscow."
)
ANSWER = "We have probably 14 tanks left,” the man says."


def test_question_kinds() -> None:
    assert wanted("How many tanks did the soldier say his unit still had?").figure
    assert wanted("What did the Russian soldier say about tank numbers?").figure
    assert wanted("Which politician publicised the figure on X?").actor
    assert wanted("Who identified the FSB officer?").actor
    assert wanted("Where was the soldier stationed?").place
    assert wanted("Which village did the soldiers say they had to push on to?").place
    plain = wanted("Are sick men being passed as fine to fight?")
    assert not (plain.figure or plain.actor or plain.place or plain.any)


def test_a_figure_of_the_asked_noun_beats_the_set_up_sentence() -> None:
    w = wanted("How many tanks did the Russian soldier in the intercepted Kharkiv-region call say his unit still had?")
    assert counts_asked_noun(ANSWER, w) and not counts_asked_noun(SETUP, w)
    assert bonus(w, ANSWER) > bonus(w, SETUP) + 0.15
    assert not counts_asked_noun("Stats released by Russia claimed it had lost 3,010 soldiers.", w)


def test_a_figure_the_question_names_marks_the_claim_only_outside_how_many_questions() -> None:
    said = "He estimated the actual toll could be nearer 2,000 tanks."
    other = "Russia has now lost close to 4,000 tanks in its war against Ukraine."
    who = wanted("Who reckons Russia's real tank losses could be close to 2,000?")
    assert bonus(who, said) > bonus(who, other)
    how_many = wanted("In the update that put Russian troop losses at 883,950, how many armoured vehicles were listed?")
    assert bonus(how_many, "Russia has lost 883,950 troops.") <= bonus(how_many, "21,346 armored fighting vehicles")


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        (SETUP, "Kharkiv"),
        ("He made the call while on the frontline near the eastern Ukrainian city of Lyman.", "Lyman"),
        ("“Everything is the same as it used to be. From here, we must move on to Sinkivka.”", "Sinkivka"),
    ],
)
def test_places_the_question_does_not_name(sentence: str, place: str) -> None:
    w = wanted("Where was the soldier stationed when he admitted that Russia was losing?")
    assert place in " ".join(new_places(sentence, w.known))
    assert carries(w, sentence)
    named = wanted(f"Where near {place} was the soldier?")  # a place the question names is not new
    assert place not in " ".join(new_places(sentence, named.known))


def test_names_the_question_does_not_contain() -> None:
    sentence = "“You can say that at least several million shells have been sent,” Shin Won-sik said."
    w = wanted("Which South Korean minister estimated North Korea's containers held millions of shells?")
    assert new_names(sentence, w.known) == ["Shin Won-sik"]
    assert new_names("The call was released by the SBU.", wanted("Did the SBU release the call?").known) == []


def widened(text: str, start: int, end: int, question: str) -> str:
    """The quote ``text[start:end]`` becomes once completed for the question."""
    [ev] = complete_answers([Evidence(1, start, end, 1.0)], {1: text}, question)
    return text[ev.start : ev.end]


def test_a_quote_opening_with_a_pronoun_takes_the_sentence_that_names_who() -> None:
    text = (
        "When asked how many people were in the hospital, the second soldier asked his wounded colleague how many "
        "people were in hospital alongside him. He replied: “More than 500 people! Many more will come…”\n\n"
        "He said nothing else."
    )
    start, end = text.index("He replied"), text.index("\n\n")
    assert widened(text, start, end, "How many wounded were in hospital?").startswith("When asked how many people")
    # A new paragraph is a new context: its pronoun is left alone.
    last = text.index("He said nothing")
    assert widened(text, last, len(text), "What did he say?") == "He said nothing else."


def test_a_quote_opening_a_quoted_paragraph_takes_the_line_naming_the_speaker() -> None:
    text = (
        "Officials backed the claim.\n\n"
        "Christo Grozev, who leads the group, commented as follows:\n\n"
        "‘In the call the officer says they have lost all secure communications. Thus the call on a local sim card.’"
    )
    start, end = text.index("‘In the call"), text.index(" Thus")
    assert widened(text, start, end, "What did the officer report?").startswith("Christo Grozev, who leads the group")
    # A why-question takes the next sentence when it gives the cause.
    assert widened(text, start, end, "Why did he use a local sim card?").endswith("Thus the call on a local sim card.’")
    assert wanted("Why did he use a local sim card?").reason
