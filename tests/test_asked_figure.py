"""The figure signal: a count answers a how-many question only where it says what the question asks beyond the
story its articles all tell."""

from __future__ import annotations

from index import answerability
from index.asked_figure import asked_figure_found
from index.question import analyse

FLOODS = [
    "Floods in the Maravel valley have killed at least 64 people, officials said on Wednesday.",
    "Rescue teams in Maravel searched for the missing as the floods receded and 40 people were still unaccounted for.",
    "The Maravel floods cut power to 80,000 homes, the grid operator said.",
]
TRAPPED = "The floods keep dozens of people trapped by water in the Maravel valley."
EVACUATED = "More than 1,200 people were evacuated from the Maravel valley."


def test_a_count_of_the_story_is_no_count_of_what_is_asked_beyond_it() -> None:
    """ "evacuated" is in none of the articles: a count of people trapped in the floods does not give it, though it
    shares "floods" and "Maravel" with the question; read without the articles, it still does."""
    q = analyse("How many people were evacuated from their homes in the Maravel floods?")
    assert asked_figure_found(q, [TRAPPED], articles=FLOODS[1:]) == 0.0
    assert asked_figure_found(q, [TRAPPED]) == 1.0
    assert asked_figure_found(q, [TRAPPED, EVACUATED], articles=[FLOODS[1], EVACUATED]) == 1.0


def test_an_article_in_another_language_tells_no_story_in_the_question_s_words() -> None:
    """An article in another language holds none of the question's words: it does not make "evacuated" a word
    beyond the story (only the English article can say whether its story tells of evacuations)."""
    q = analyse("How many people were evacuated from their homes in the Maravel floods?")
    spanish = "Las inundaciones en el valle de Maravel dejaron al menos 64 muertos, según las autoridades."
    assert asked_figure_found(q, [TRAPPED], articles=[spanish, spanish + " Hubo evacuaciones."]) == 1.0
    assert asked_figure_found(q, [TRAPPED], articles=[FLOODS[1], spanish, spanish + " Hubo evacuaciones."]) == 0.0


def test_a_word_most_articles_hold_is_the_story_and_asks_nothing_beyond_it() -> None:
    """ "killed" is in the articles the quotes come from: a count of the dead answers "how many people were killed",
    whichever article it is quoted from, and a count of the missing does not stand in for it."""
    q = analyse("How many people were killed in the Maravel floods?")
    killed = "Floods in the Maravel valley have killed at least 64 people, officials said on Wednesday."
    assert asked_figure_found(q, [killed], articles=FLOODS[:2]) == 1.0
    assert asked_figure_found(q, [FLOODS[1]], articles=FLOODS[1:]) == 0.0


def test_the_model_reads_the_figure_from_the_quotes_articles() -> None:
    """``answerability.signals`` passes each quote's article to the figure check."""
    q = analyse("How many people were evacuated from their homes in the Maravel floods?")
    weights = tuple(1.0 for _ in q.terms)

    def figure(articles: list[str]) -> float:
        return answerability.signals(
            q, weights, 5.0, [0.5], 0.5, [TRAPPED], [TRAPPED], 0.0, [FLOODS[1]], [FLOODS[1]], articles
        ).figure

    assert figure([]) == 1.0
    assert figure(FLOODS[1:]) == 0.0


def test_a_name_in_the_counted_noun_says_whose_not_what_is_counted() -> None:
    """ "how many Kestrel Bank branches": a figure near "Kestrel Bank" counts its branches only where "branches" is
    near it; across languages the name is all the question's words a sentence can hold, and still counts."""
    from index.asked_figure import counts_asked_noun

    q = analyse("How many Kestrel Bank branches will Harwick Bank close?")
    assert not counts_asked_noun("Kestrel Bank shares fell 24% on Wednesday.", q)
    assert counts_asked_noun("Harwick Bank will close 150 Kestrel Bank branches.", q)
    assert not counts_asked_noun("Albarenga scored 29 goals.", analyse("How many Albarenga shirts were sold?"))
    polish = analyse("Ile czołgów Leopard przekazała Polska Ukrainie?")
    assert counts_asked_noun("Poland has sent 14 Leopard tanks to Ukraine.", polish)
    spanish = analyse("¿Cuántos goles marcó Albarenga la temporada pasada?")
    assert counts_asked_noun("Albarenga scored 29 goals in 33 league games last season.", spanish)
