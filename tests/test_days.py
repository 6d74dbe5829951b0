"""The day a question names, and quotes that tell of others."""

import pytest

from index.days import Asked, asked, asked_month, named_days, other_than_asked, tells
from index.question import analyse


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many drones did Karsova launch at Kalvest on March 17?", Asked(3, 17)),
        ("How many Orvenians came home in the 20 March prisoner swap?", Asked(3, 20)),
        ("Wie viele Drohnen wurden am 17. März abgeschossen?", Asked(3, 17)),
        ("What did Theresa May say on 3 May?", Asked(5, 3)),
        # when-questions ask a date; several days, a span or a month alone set none; "may" is no month
        ("When did the attack on March 17 begin?", None),
        ("How many drones were launched on March 3 and March 12?", None),
        ("How many drones were launched between 1 and 12 March?", None),
        ("How many refugees had arrived since March 1?", None),
        ("How many refugees had arrived by June 1?", None),
        ("What was revenue in the quarter ended March 31?", None),
        ("How many civilians were killed in February?", None),
        ("How many drones may have been launched on 5?", None),
    ],
)
def test_the_day_a_question_names(question: str, expected: Asked | None) -> None:
    assert asked(question, analyse(question)) == expected


def test_days_named_in_several_languages_and_only_as_dates() -> None:
    assert named_days("TESSALIN, March 12 (Wire) - on 3 марта and 17. März, May 5th, 2024") == {
        (3, 12),
        (3, 3),
        (3, 17),
        (5, 5),
    }
    # month names as words, and Ukrainian words that begin like one ("травми", injuries), are no days
    assert named_days("The Mayo Clinic, the Field of Mars, 12 травми, may 5 in lower case.") == set()


def test_quotes_that_tell_of_other_days_only() -> None:
    day = Asked(3, 17)
    assert other_than_asked(day, ["Karsova launched 47 drones on March 3."], [], ["2028-03-03"])
    assert not other_than_asked(day, ["Karsova launched 47 drones on March 17."], [], ["2028-03-03"])
    # a dateline or date that tells of the asked day; a quote that names no day tells nothing
    assert not other_than_asked(day, ["47 drones on March 3."], ["KYIV, March 17 (Wire) -"], ["2028-03-03"])
    assert not other_than_asked(day, ["Karsova launched 47 drones on March 3."], [], ["2028-03-20"])
    assert not other_than_asked(day, ["Karsova launched 47 drones overnight."], [], ["2028-03-01"])
    # a story published days later, with its own date in the dateline: no sign of another day
    assert not other_than_asked(
        Asked(3, 12), ["Police arrested 40 people at Tuesday's protest."], ["LYON, March 16"], []
    )
    assert tells(day, [], ["2028-03-23"]) and not tells(day, [], ["2028-03-24"])

    # a week after, "Tuesday" is the article's own day: it tells of that one ("TOVARIN, March 24"); a day after, of
    # the asked one ("KYIV, March 18 - drones killed three people on Tuesday night")
    assert other_than_asked(day, ["Drones hit Tovarin on March 24."], ["TOVARIN, March 24 (Wire) -"], ["2028-03-24"])
    assert not other_than_asked(day, ["KYIV, March 18 (Wire) - Drones killed three."], [], ["2028-03-18"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many flights did Fennick Air cancel in July?", Asked(7)),
        ("Wie viele Flüge wurden im Juli gestrichen?", Asked(7)),
        ("In July, how many flights were cancelled?", Asked(7)),
        # a day is ``asked``'s; a span, several months, a surname or a plain word set no month
        ("How many drones were launched on March 3?", None),
        ("How many refugees arrived since March?", None),
        ("What happened in March and April?", None),
        ("What did Theresa May say?", None),
        ("What did May tell parliament about July?", None),  # several: "May" is read as a month too
        ("May I ask how many flights were cancelled?", None),  # no preposition or determiner before it
        ("how many flights were cancelled in may", None),
        ("When did the strike start in July?", None),
    ],
)
def test_the_month_a_question_names(question: str, expected: Asked | None) -> None:
    assert asked_month(question, analyse(question)) == expected


def test_quotes_that_tell_of_other_months_only() -> None:
    july = Asked(7)
    september = ["DUBLIN, September 9 (Wire) - Fennick Air has now cancelled 310 flights."]
    assert other_than_asked(july, september, [], ["2031-09-09"])
    assert not other_than_asked(july, [*september, "In July, it cancelled 12 flights."], [], [])
    assert not other_than_asked(july, september, [], ["2031-08-02"])  # "last month" in an August article
    # a month after a preposition tells of it as a day does; a month name alone is no sign either way
    assert other_than_asked(july, ["In March it cancelled 96 flights."], [], [])
    assert other_than_asked(july, ["Annual inflation reached 38 % in August."], [], ["2031-09-12"])
    assert not other_than_asked(july, ["The Mayo Clinic cancelled 96 operations."], [], [])
    assert not other_than_asked(july, ["March organisers counted 96 flights cancelled."], [], [])
    # a span may cover the asked month; a place, a person or another language's month is none
    assert not other_than_asked(july, ["The curfew, in force from June to September, ends."], [], [])
    assert not other_than_asked(july, ["It left 40,000 homes without power in Mayo and Galway."], [], [])
    assert not other_than_asked(july, ["She wrote a letter to June Almeida about 96 flights."], [], [])
    assert not other_than_asked(july, ["The council set a March deadline for 96 flights."], [], [])
    assert other_than_asked(july, ["Die Inflation lag im August bei 5 Prozent."], [], [])
    assert Asked(7).label() == "July" and Asked(3, 17).label() == "March 17"
