"""A question for one quarter (or half) of a year is not answered with another quarter's figures."""

from __future__ import annotations

import time

import pytest
from support import assert_answers, assert_refuses, wire

from index.library import Library
from index.quarters import Part, asked, named, other_than_asked, tells
from index.sentences import first_sentence


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("What was Castorini's net profit in the first quarter?", {Part(False, 1)}),
        ("What was Eastmere Bank's second-quarter net profit?", {Part(False, 2)}),
        ("How big was Intel's net loss in the April-June quarter?", {Part(False, 2)}),
        ("Q3 revenue rose 4%, and 4Q orders fell.", {Part(False, 3), Part(False, 4)}),
        ("Der Umsatz stieg im dritten Quartal.", {Part(False, 3)}),
        ("Le bénéfice a reculé au premier trimestre.", {Part(False, 1)}),
        ("Прибыль выросла в третьем квартале.", {Part(False, 3)}),
        ("Zysk w pierwszym kwartale spadł.", {Part(False, 1)}),
        ("in the second and third quarters", {Part(False, 2), Part(False, 3)}),  # several: none asked
        ("Margins will narrow in the second half.", {Part(True, 2)}),
        # no ordinal before a quarter noun; "H1" names a virus or hydrogen as often
        ("He finished 41 seconds ahead in the quarter-final.", set()),
        ("A quarter of the vote went to the Greens.", set()),
        ("Cases of H1N1 and H2 pipelines.", set()),
    ],
)
def test_the_quarters_and_halves_a_text_names(text: str, parts: set[Part]) -> None:
    assert named(text) == parts


def test_a_question_asks_one_quarter_or_none() -> None:
    assert asked("What was the net profit in the third quarter?") == Part(False, 3)
    assert asked("How did revenue move in the second and third quarters?") is None
    assert asked("What was the net profit?") is None
    assert Part(False, 3).label() == "the third quarter" and Part(True, 1).unit() == "halves"


def test_quotes_tell_of_a_quarter_by_naming_it_or_by_their_articles_lead() -> None:
    third = Part(False, 3)
    second = "In the second quarter, net profit fell 6% to 131 million euros."
    assert other_than_asked(third, [second], [""])
    assert not other_than_asked(third, [second, "Third-quarter net profit rose to 162 million."], ["", ""])
    lead = "LONDON - Eastmere Bank reported a 20% rise in second-quarter net profit on Thursday. Shares rose."
    assert first_sentence(lead).endswith("on Thursday.")
    assert other_than_asked(third, ["Net profit rose to 1.42 billion pounds."], [first_sentence(lead)])
    assert not other_than_asked(third, ["Net profit rose to 1.42 billion pounds."], [""])  # no quarter told
    # a half is weighed against halves only
    assert not other_than_asked(Part(True, 2), [second], [""])
    assert tells(third, ["Revenue fell in Q3."]) and not tells(third, ["Revenue fell in Q2."])


def test_reading_quarters_stays_linear_on_hostile_text() -> None:
    start = time.perf_counter()
    named("first second and third " * 20_000 + "a-" * 50_000 + " quarter")
    assert time.perf_counter() - start < 5  # quadratic backtracking would take minutes


SECOND = (
    "MILAN, Aug 4 (Wire) - Italian tyre maker Veroni Gomme said on Tuesday its second-quarter net profit fell 6% to "
    "131 million euros as European car makers cut production. In the first quarter, net profit was 140 million euros. "
    "Revenue fell 2.1% to 1.62 billion euros."
)
THIRD = (
    "HANOVER, Nov 4 (Wire) - German tyre maker Brauer Reifen said on Wednesday it would cut 1,100 jobs after "
    "third-quarter revenue fell 3.2% to 2.6 billion euros. Net profit was not disclosed."
)


def test_a_quarter_no_article_reports_is_refused(library: Library) -> None:
    wire(library, "veroni", SECOND, "2031-08-04")
    wire(library, "brauer", THIRD, "2031-11-04")
    assert_answers(library, "What was Veroni Gomme's net profit in the second quarter?", "131 million euros")
    assert_answers(library, "What was Veroni Gomme's net profit in the first quarter?", "140 million euros")
    assert_refuses(
        library,
        "What was Veroni Gomme's net profit in the third quarter?",
        "tell of other quarters than the third quarter",
    )
