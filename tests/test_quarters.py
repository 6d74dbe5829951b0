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
        ("in the first, second and third quarters", {Part(False, 1), Part(False, 2), Part(False, 3)}),
        ("Margins will narrow in the second half.", {Part(True, 2)}),
        # a quarter by the month that ends it, or by its months; short forms, in any case
        ("The economy grew 0.2% in the June quarter.", {Part(False, 2)}),
        ("Net profit rose in the quarter ended Sept. 30.", {Part(False, 3)}),
        ("Revenue fell in the three months to June.", {Part(False, 2)}),
        ("what was acme's q3 net profit, and its 1Q24 revenue?", {Part(False, 1), Part(False, 3)}),
        ("Zysk netto w III kwartale wyniósł 5,1 mld zł.", {Part(False, 3)}),  # Roman
        # whole words only: a quarterly loss, a quarter-final, a half-hour, a weekday, an adjective
        ("its first quarterly loss in a decade", set()),
        ("He finished 41 seconds ahead in the quarter-final.", set()),
        ("a third quarter-point cut after the first half-hour", set()),
        ("Orlen opublikował w czwartek kwartalne wyniki.", set()),
        ("its third quarter in a row of decline", set()),
        ("A quarter of the vote went to the Greens.", set()),
        ("Cases of H1N1 and H2 pipelines.", set()),  # "H1" names a virus or hydrogen as often
    ],
)
def test_the_quarters_and_halves_a_text_names(text: str, parts: set[Part]) -> None:
    assert named(text) == parts


def test_a_question_asks_one_quarter_or_none() -> None:
    assert asked("What was the net profit in the third quarter?") == Part(False, 3)
    assert asked("How did revenue move in the second and third quarters?") is None
    assert asked("What was the net profit?") is None
    # a company's own year: its articles' calendar months do not tell its quarters
    assert asked("What was the operating profit in the fiscal first quarter?") is None
    assert asked("What was FY2024 third-quarter revenue?") is None
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
    # a quarter a figure is compared with tells of nothing; the quarter the figure is of does
    compared = "Net profit rose to 142 million euros, from 131 million euros in the second quarter."
    assert not other_than_asked(third, [compared], [""])
    assert other_than_asked(third, [compared], [lead])  # the lead says which quarter
    assert not other_than_asked(
        Part(False, 2), ["The economy grew 0.2% in the June quarter, after 0.1% in the first quarter."], [""]
    )
    # a game's halves and quarters give no amount, share or year: no period of a year
    game = "Jokic scored 12 of his 40 points in the third quarter."
    assert not other_than_asked(Part(False, 4), [game], [""])
    assert not other_than_asked(Part(True, 2), ["Arsenal conceded a first-half goal to Cole Palmer."], [""])


@pytest.mark.parametrize(
    "text",
    ["first second and third " * 20_000 + "a-" * 50_000 + " quarter", "first, " * 30_000 + "x", "June " * 30_000],
)
def test_reading_quarters_stays_linear_on_hostile_text(text: str) -> None:
    start = time.perf_counter()
    named(text)
    assert time.perf_counter() - start < 10  # quadratic backtracking would take hours


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
