"""A what-question that names a measure asks its figure where the articles write that noun with figures."""

import pytest

from index.asked_kind import Asks
from index.measures import asked_noun, measured
from index.question import analyse

REPORTS = [
    "Kestrel's revenue rose 9% to $2.1 billion in the third quarter, and net profit fell 18% to $310 million.",
    "Analysts had expected revenue of $2.2 billion. Turnout was 59.3%, the commission said.",
]


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("What was Kestrel Semiconductor's third-quarter revenue?", "revenue"),
        ("What was the turnout in Montenegro's previous election?", "turnout"),
        ("What fine was imposed on the company?", "fine"),
        ("what is albarran's salary at marbeya", "salary"),
        # no noun: what someone did or said; a name is what the measure is of, not the measure
        ("What did OSCE observers say about the vote?", ""),
        ("What was Kestrel Semiconductor?", ""),
        # another kind asked already, or a language without the data
        ("How many seats did Labour win?", ""),
        ("Quel était le chiffre d'affaires de Kestrel ?", ""),
    ],
)
def test_the_noun_a_what_question_opens_with(question: str, noun: str) -> None:
    assert asked_noun(analyse(question)) == noun


def test_a_noun_the_articles_write_with_figures_is_a_measure_asked() -> None:
    q = measured(analyse("What was Kestrel's third-quarter revenue?"), REPORTS)
    assert q.asks == {Asks.FIGURE} and "revenue" in q.focus
    turnout = measured(analyse("What was the turnout in the election?"), REPORTS)
    assert Asks.FIGURE in turnout.asks


def test_a_noun_the_articles_write_without_figures_is_none() -> None:
    sentence = analyse("What sentence did the former director receive?")
    texts = ["The court handed down a harsh sentence.", "His sentence was suspended, a lawyer said on 12 May 2024."]
    assert measured(sentence, texts) == sentence
    absent = analyse("What was the dividend?")
    assert measured(absent, REPORTS) == absent  # the articles never write it: nothing to read
