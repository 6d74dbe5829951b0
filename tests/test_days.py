"""The day or month a question names, and quotes that tell of others."""

import pytest

from index.days import Asked, asked, named_days, named_months, other_than_asked
from index.question import analyse


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many drones did Karsova launch at Kalvest on March 17?", Asked(3, 17)),
        ("How many Orvenians came home in the 20 March prisoner swap?", Asked(3, 20)),
        ("Wie viele Drohnen wurden am 17. März abgeschossen?", Asked(3, 17)),
        ("How many civilians were killed in February?", Asked(2)),
        # when-questions ask a date; several days or none set nothing; "may" is no month
        ("When did the attack on March 17 begin?", None),
        ("How many drones were launched between March 3 and March 12?", None),
        ("How many drones may have been launched?", None),
    ],
)
def test_the_day_or_month_a_question_names(question: str, expected: Asked | None) -> None:
    assert asked(question, analyse(question)) == expected


def test_days_and_months_named_in_several_languages() -> None:
    assert named_days("TESSALIN, March 12 (Wire) - on 3 марта and 17. März, May 5th, 2024") == {
        (3, 12),
        (3, 3),
        (3, 17),
        (5, 5),
    }
    assert named_months("Prices may rise in May and in February.") == {5, 2}


def test_quotes_that_tell_of_other_days_only() -> None:
    day = Asked(3, 17)
    assert other_than_asked(day, ["Karsova launched 47 drones on March 3."], ["2028-03-03"])
    assert not other_than_asked(day, ["Karsova launched 47 drones on March 17."], ["2028-03-03"])
    # published the day after: "overnight" may be the asked night; no date named: nothing to tell
    assert not other_than_asked(day, ["Karsova launched 47 drones on March 3."], ["2028-03-18"])
    assert not other_than_asked(day, ["Karsova launched 47 drones overnight."], ["2028-03-01"])
    month = Asked(3)
    assert other_than_asked(month, ["164 civilians were killed in February."], ["2028-02-28"])
    assert not other_than_asked(month, ["164 civilians were killed in February."], ["2028-03-02"])
