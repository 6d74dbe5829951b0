"""Time references and figures in a sentence (index/terms.py)."""

from __future__ import annotations

import pytest

from index.terms import has_count, has_date, has_time, without_times


@pytest.mark.parametrize(
    "text",
    [
        "The river peaked last night.",
        "Officials met this morning.",
        "The vote was on Friday evening.",
        "Talks resume next week.",
        "It happened on 6 August.",
        "The war has lasted five months.",
    ],
)
def test_time_references_are_found_and_blanked(text: str) -> None:
    assert has_time(text)
    assert not has_time(without_times(text))


def test_a_time_the_question_states_is_no_answer_to_it() -> None:
    assert not has_time("at the September meeting", stated={"september"})
    assert has_time("on 18 September", stated={"september"})


def test_a_calendar_date_is_more_than_a_weekday() -> None:
    assert has_date("It was signed on November 8.")
    assert not has_date("It was signed on Friday night.")


def test_a_count_is_a_figure_outside_a_time() -> None:
    assert has_count("Officials said 40 homes burned last night.")
    assert not has_count("Nearly five months of the war have passed.")
