"""A figure asked for a place is answered by quotes that give it for that place, or refused."""

from __future__ import annotations

import pytest
from support import assert_answers, assert_refuses, wire

from index.abstention import unnamed
from index.asked_place import asked, told
from index.library import Library
from index.question import analyse
from index.said_by import Quoted


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("How many people died in Hungary because of Storm Boris?", ("Hungary",)),
        ("How many houses were buried in the Kurrin valley landslide?", ("Kurrin",)),
        ("How many drones were shot down near Dolvar and Brask?", ("Dolvar",)),
        ("Combien de personnes sont mortes en Hongrie ?", ("Hongrie",)),
        # periods and acronyms say no place; nor does a name after another preposition
        ("How much did prices rise in May?", ()),
        ("How big was the loss in the April-June quarter?", ()),
        ("How many flights were cancelled in the US?", ()),
        ("How many batches did Veltrin Pharma recall?", ()),
        ("How many people were hurt in Tuesday's attack?", ()),  # a weekday
        ("Скільки людей загинуло у Харкові?", ()),  # a name inflected: not read
    ],
)
def test_the_places_a_question_asks_a_figure_for(question: str, places: tuple[str, ...]) -> None:
    assert asked(analyse(question)) == places


def test_a_quote_tells_of_the_place_it_or_its_dateline_names() -> None:
    q = analyse("How many people died in Hungary because of Storm Boris?")
    places = asked(q)
    assert told(q, places, "In Hungary, two people drowned in the Danube.", "", True)
    assert told(q, places, "Two Hungarian pensioners drowned in the flood.", "", True)  # its people
    assert not told(q, places, "One person has drowned in Poland as a result of the storm.", "", True)
    # the article's dateline says where, unless the quote or the lead names another country
    dateline = "BUDAPEST, Hungary, Sept 16 (Wire) - Storm Boris swept across the country."
    assert told(q, places, "Two people drowned overnight, the police said.", dateline, True)
    assert not told(q, places, "Two people drowned in Poland, the police said.", dateline, True)
    region = "VIENNA, Sept 16 (Wire) - Storm Boris hit Austria, Poland and Hungary."
    assert not told(q, places, "At least 19 people died in Central Europe.", region, True)
    # a town in the asked country, under a dateline naming it
    chile = analyse("How many homes burned in Chile?")
    santiago = "SANTIAGO, Chile, Feb 4 (Wire) - Wildfires swept the coast."
    assert told(chile, asked(chile), "About 3,000 homes burned in Vina del Mar.", santiago, True)
    # another language's quote is not read
    assert told(q, places, "Eine Person ertrank in Polen.", "", False)


STORM = (
    "WARSAW, Sept 16 (Wire) - Storm Vela has killed at least nine people in Central Europe. Six people drowned in "
    "Poland and three died in Austria, officials said on Monday, as rivers burst their banks across the region. "
    "More than 20,000 people were evacuated from homes along the Oder."
)
DATELINED = (
    "KELLMOOR, Sept 17 (Wire) - Floodwater forced 1,300 residents from their homes overnight, the fire service said. "
    "Sandbags were handed out at the town hall."
)


def test_a_figure_for_another_place_is_no_answer(library: Library) -> None:
    wire(library, "vela", STORM, "2031-09-16")
    wire(library, "kellmoor", DATELINED, "2031-09-17")
    assert_answers(library, "How many people died in Austria because of Storm Vela?", "three died in Austria")
    assert_refuses(library, "How many people died in Hungary because of Storm Vela?", "other places than Hungary")
    assert_answers(library, "How many residents were forced from their homes in Kellmoor?", "1,300 residents")


def test_quotes_that_never_name_the_questions_names_tell_of_another_story() -> None:
    q = analyse("What did the Czech National Bank cut its repo rate to?")
    polish = Quoted("Poland's central bank cut its reference rate to 5.25%.", "", "WARSAW - Rates.", True)
    assert (
        unnamed(q, [polish], 12)
        == "Not found: the best quotes in the 12 articles searched do not name Czech National Bank."
    )
    czech = Quoted("The bank cut its repo rate to 4.5%.", "", "PRAGUE - The Czech National Bank met.", True)
    assert unnamed(q, [polish, czech], 12) is None  # its article names it
    # of three names or more, one may be written otherwise; another language's quote is not read
    three = analyse("How many Bramov tanks did Kovrania and Varnessa count near Rudavka?")
    assert unnamed(three, [Quoted("Kovrania counted 12 tanks near Rudavka, Varnessa said.", "", "", True)], 3) is None
    assert unnamed(q, [Quoted("La banque polonaise a baissé son taux.", "", "", False)], 3) is None
    # a language that inflects names writes them in other forms than the question's
    russian = analyse("Кто был посредником на переговорах между Рувонией и Мескарией?")
    rows = [Quoted("Рувонские военные взяли в плен двух мескарских военнослужащих.", "", "", True)]
    assert unnamed(russian, rows, 3) is None
