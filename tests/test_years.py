"""The year a question asks about, and quotes about another year."""

from __future__ import annotations

import pytest
from support import assert_answers, assert_refuses, wire

from index import years
from index.library import Library
from index.question import analyse


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("How much coal did the company produce in 2023?", 2023),
        ("How many households lost power during the August 2019 heatwave?", 2019),
        ("Wie viele Menschen starben 2021 bei der Flut?", 2021),
        # when-questions ask for the time itself; spans and several years ask about no single year
        ("When did the bank last raise rates before March 2024?", None),
        ("In which year after 2010 did the plant open?", None),
        ("How many jobs has the company cut since 2023?", None),
        ("Wie viele Stellen wurden seit 2023 gestrichen?", None),
        # a span word only counts right before the year; a season or financial year spans two
        ("Wie viele Flüchtlinge kamen 2015 nach Deutschland?", 2015),
        ("How much did the club earn in the 2023/24 season?", None),
        ("How much did the charity raise in the 2022-23 financial year?", None),
        ("How many migrants crossed the Channel this year, compared with 2022?", None),
        ("How many seats did Labour win in 2024 compared with 2019?", None),
        ("How many people died?", None),
        ("How many flights were cancelled at 2000 GMT?", None),
    ],
)
def test_the_year_a_question_asks_about(question: str, year: int | None) -> None:
    assert years.asked(question, analyse(question)) == year


def test_a_sentence_about_another_year() -> None:
    coal = "The company produced 7.3 million tonnes of coal last year."
    assert years.another_year(coal, 2023, "2025-06-02")  # "last year" there is 2024
    assert not years.another_year(coal, 2024, "2025-06-02")
    assert years.another_year("Cette année, la production a atteint 12 tonnes.", 2024, "2025-03-01")
    assert years.another_year("W tym roku bank musiał zapłacić 6,1 mln zł.", 2024, "2025-11-04")
    assert years.another_year("L'anno scorso la produzione è scesa del 12 per cento.", 2023, "2025-03-01")
    # a sentence that names a year may compare: it is not judged ("down from 1,711 in 2023" answers for 2024)
    assert not years.another_year("It recorded 1,624 road deaths, down from 1,711 in 2023.", 2024, "2025-01-28")
    assert not years.another_year("About 2000 people gathered on the avenue last year.", 2023, "2025-01-02")
    # a sentence that places itself nowhere, an undated article: not judged
    assert not years.another_year("Labour won 411 seats.", 2024, "2025-01-05")
    assert not years.another_year("It produced 7.3 million tonnes last year.", 2023, "")


def test_a_figure_of_another_year_is_no_answer_for_the_asked_one(library: Library) -> None:
    library.add_text(
        "Ulverholm output\n\nUlverholm, which employs about 5,800 people, produced 7.3 million tonnes of coal last "
        "year, the company said in its annual report.",
        key="coal-2025",
        source="Valley Post",
        published="2025-06-02",
    )
    asked_2023 = library.ask("How much coal did Ulverholm produce in 2023?")
    assert asked_2023.abstained and "only for other years than 2023" in asked_2023.answer
    asked_2024 = library.ask("How much coal did Ulverholm produce in 2024?")
    assert not asked_2024.abstained and "7.3 million tonnes" in asked_2024.citations[0].quote


def test_an_article_of_another_year_that_never_names_the_asked_one() -> None:
    strike = "KORVEL, July 9 (Wire) - Kovrania fired nine missiles at the port, killing two people."
    assert years.another_years_article(strike, 2030, "2031-07-09")  # its July 9 is 2031's
    assert not years.another_years_article(strike, 2031, "2031-07-09")
    assert not years.another_years_article(f"{strike} A year earlier, in 2030, a strike killed four.", 2030, "2031-07")
    assert not years.another_years_article(strike, 2030, "")  # undated: not judged


PORT_2030 = (
    "Missile strike on Korvel grain terminal\n\nKORVEL, July 9 (Lodestar) - Cruise missiles hit a grain terminal in "
    "the port of Korvel on Tuesday, killing four port workers, regional governor Stasia Yelsen said."
)
PORT_2031 = (
    "Korvel port hit again\n\nKORVEL, July 9 (Lodestar) - Kovrania attacked the port of Korvel with seven cruise "
    "missiles early on Wednesday, killing two people and injuring 12, regional governor Stasia Yelsen said."
)


def test_a_question_naming_a_year_is_answered_from_that_years_articles(library: Library) -> None:
    """Wire copy dates its events by day and month ("KORVEL, July 9"); the year is the article's. Before, a question
    naming 2030 was answered with the 2031 strike's figures, and one naming a year no article tells of too."""
    wire(library, "korvel-2030", PORT_2030, "2030-07-09")
    wire(library, "korvel-2031", PORT_2031, "2031-07-09")
    asked = "How many people were killed in the missile attack on Korvel in {}?"
    assert_answers(library, asked.format(2030), "four port workers")
    assert all("two people" not in c.quote for c in library.ask(asked.format(2030)).citations)
    assert_answers(library, asked.format(2031), "two people")
    assert_refuses(library, asked.format(2029), "other years than 2029")
