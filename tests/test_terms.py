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


@pytest.mark.parametrize(
    "text",
    [
        "The blast occurred at about 3:15 a.m.",
        "Ein Teilstück der Talbrücke stürzte gegen 18.30 Uhr in die Tiefe.",  # a time of day
        "Die Brücke stürzte am Mittwochabend ein.",  # a weekday joined with the part of the day
        "Le volcan est entré en éruption mercredi soir.",
        "La explosión se produjo el lunes por la mañana.",
        "Il lago è sceso al 18 per cento giovedì.",
        "Wybuch nastąpił we wtorek o godz. 15.",
        "Взрыв произошёл в среду.",  # a weekday as a date says it, not as it is listed
        "Вибух стався в п’ятницю.",
        "Il crollo è avvenuto alle 15.",
        "The rescue ended yesterday.",
        "Les secours sont arrivés hier soir.",
    ],
)
def test_time_references_in_every_question_language(text: str) -> None:
    assert has_time(text)
    assert not has_time(without_times(text))


def test_a_month_is_read_whole_in_every_language() -> None:
    """A month is one date word: the English "Mar" in "3 marzo" left "zo" behind; Italian or Polish months were none."""
    assert without_times("Il 3 marzo il lago era al 20 per cento.") == "Il   il lago era al 20 per cento."
    assert has_date("3 marca kara została nałożona.") and has_date("Il 12 luglio")


@pytest.mark.parametrize(
    "text",
    [
        "Hier ist die Lage ernst.",  # German "here", not the French "yesterday"
        "The firm cut 15,000 jobs.",
        "Shares fell 20% in after-hours trading.",
        "Rents rose 5 per cent.",
    ],
)
def test_what_is_no_time_reference(text: str) -> None:
    assert not has_time(text)


def test_a_time_of_day_counts_nothing() -> None:
    assert not has_count("The blast occurred at 3:15 a.m.")
    assert has_count("The blast at 3:15 a.m. killed 14 miners.")


def test_a_count_in_words_is_a_figure() -> None:
    assert has_count("Fourteen miners were killed.") and has_count("Ninety people were rescued.")
    assert not has_count("after fourteen months of war")


@pytest.mark.parametrize(
    "text",
    [
        "Alle 40 Passagiere überlebten.",  # "alle" is "all" in German, "at" before a time only in Italian
        "Il decreto vale per alle 20 regioni.",
        "Ayuda a las 17 comunidades autónomas.",
        "Er landete auf Platz 3 am Ende.",  # "am" is no "a.m."
        "Alba Berlin gewann 89:77.",  # a score, not a time
        "Según Marca, el club fichará al jugador.",  # the Polish for March, written as a name
        "La reunión fue en Santo Domingo.",  # the Spanish Sunday, written as a name
        "Защита окружающую среду важна.",  # "среду" alone: the environment, not Wednesday
    ],
)
def test_a_word_of_time_in_one_language_is_no_time_in_another(text: str) -> None:
    assert not has_time(text)


def test_counts_next_to_words_of_time_stay_counts() -> None:
    assert has_count("Alle 40 Passagiere überlebten.") and has_count("Er landete auf Platz 3 am Ende.")
    assert has_count("Les secours ont travaillé pendant 48 heures.")  # a duration is no time of day
    assert has_time("Il crollo è avvenuto alle 15.") and has_time("Llegaron a las 15 horas.")


def test_a_number_that_ends_a_name_is_no_count() -> None:
    """ "The crew of the trawler Zirka-7" counts no crew; "seized its 11 crew" and "14 T-72 tanks" do."""
    for name in ("The crew of the trawler Zirka-7 stayed.", "F-16s arrived.", "G7 leaders met.", "COVID-19 spread."):
        assert not has_count(name), name
    for count in ("It seized its 11 crew.", "It lost 14 T-72 tanks.", "Shares fell 5%.", "It raised US$5 billion."):
        assert has_count(count), count
