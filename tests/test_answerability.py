"""The answerability signal that reads past the topic: the question's topic terms, and how much closer a quote is
to the whole question than to its topic alone (the real bundled model)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from index import answerability
from index.answerability import beyond_topic, topic_terms
from index.embedding import Embedder
from index.periods import find
from index.question import Question, analyse

PASSAGE = [
    "A powerful earthquake struck Morocco's High Atlas mountains late on Friday, killing at least 296 people.",
    "The earthquake was felt as far away as Marrakech, where residents ran into the streets.",
    "Morocco's interior ministry said most deaths were in the Al Haouz province.",
    "Rescue teams from Spain arrived on Saturday.",
]


def test_topic_terms_are_the_question_terms_common_among_the_passages() -> None:
    q = analyse("How many aftershocks followed the Morocco earthquake?")
    assert topic_terms(q, PASSAGE) == ["morocco", "earthquake"]
    assert topic_terms(q, PASSAGE * 10) == ["morocco", "earthquake"]  # a share of the sentences, not a count
    assert topic_terms(q, []) == []


def test_a_quote_that_answers_stands_further_from_the_topic_than_one_that_only_shares_it(embedder: Embedder) -> None:
    question = "How many aftershocks followed the Morocco earthquake?"
    answer = "More than 100 aftershocks followed the earthquake, the national geophysics institute said."
    query, topic = embedder.embed_queries([question, "morocco earthquake"])
    sentences = embedder.embed_passages([PASSAGE[0], answer], [[(0, len(PASSAGE[0]))], [(0, len(answer))]])
    floor = embedder.similarity_floor
    only_topic = beyond_topic(query, topic, sentences.passages[:1], floor)
    answering = beyond_topic(query, topic, sentences.passages[1:], floor)
    assert answering > only_topic + 0.05
    assert beyond_topic(query, topic, sentences.passages, floor) == pytest.approx(answering, abs=1e-6)  # the best
    assert beyond_topic(query, None, sentences.passages, floor) == 0.0  # no topic, nothing to read past
    assert beyond_topic(query, topic, np.zeros((0, query.size), np.float32), floor) == 0.0


def test_a_passage_in_another_language_is_judged_on_names_its_article_gives() -> None:
    """A Ukrainian question of an English passage: only its name (and figures) can be checked, by the spelling the
    articles give it, and the article may name it once, in its opening, not in the passage that answers."""
    q = analyse("Скільки танків, за словами солдата з Харківщини, у них залишилося?")
    weights = tuple(1.0 for _ in q.terms)
    passage = "We have probably 14 tanks left, the man says."
    opening = "A soldier based in the Kharkiv region told a relative that his unit was losing."

    def judged(question: Question, heads: list[str]) -> answerability.Signals:
        return answerability.signals(question, weights, 5.0, [0.5], 0.5, [passage], [passage], 0.0, heads, heads)

    assert q.names == ("Харківщини",)
    assert judged(q, [""]).coverage == 0.0  # the name is all it can check, and it is not found
    spelled = q.with_variants([("Харківщини", "Kharkiv")])
    assert judged(spelled, [""]).coverage == 0.0  # not in the passage, no opening given
    named = judged(spelled, [opening])
    assert named.coverage == 1.0 and named.missing == 0.0 and named.quote_coverage == 1.0
    assert judged(spelled, ["A soldier based near Lyman told a relative."]).coverage == 0.0
    ukrainian = "У нас залишилося, мабуть, 14 танків, каже солдат."  # the question's language: its words judge
    # The quote's article opens in Ukrainian (its opening tells its language); the English opening of the passage's
    # article is not read.
    own = answerability.signals(
        spelled, weights, 5.0, [0.5], 0.5, [ukrainian], [ukrainian], 0.0, [opening], [ukrainian]
    )
    assert 0.0 < own.coverage < 1.0  # the name is not in this passage


def test_an_english_question_is_judged_in_english_when_its_best_passage_is() -> None:
    """A French passage that only names the question's place does not cover an English question: the best passage's
    language decides, so a library in several languages does not turn a missing answer into a covered one."""
    q = analyse("How many mpox vaccine doses did Kenya receive?")
    weights = tuple(1.0 for _ in q.terms)
    english = "Mpox has now emerged in 13 African countries, the WHO said."
    french = "Le Kenya et l'Ouganda ont signalé leurs premiers cas de mpox."

    def coverage(passages: list[str]) -> float:
        return answerability.signals(q, weights, 5.0, [0.5] * len(passages), 0.5, passages, passages[:1], 0.0).coverage

    assert coverage([english]) < coverage([english, french]) < 0.5  # "mpox" and "Kenya" of five terms, read as words
    assert coverage([french, english]) == 1.0  # an answer in French: judged on the name, which it has


def test_across_languages_the_words_of_the_period_are_no_evidence() -> None:
    """Every article of September 2024, in any language, may name the month: a German storm report does not cover
    "What did the Fed decide in September 2024?" by its date (only "Fed" is left to check, and it lacks it)."""
    question = "What range did the Fed cut the federal funds rate to in September 2024?"
    q = replace(analyse(question), period=find(question, date(2026, 12, 2)).words(question))
    weights = tuple(1.0 for _ in q.terms)
    german = "Der Sturm Boris traf im September 2024 Mitteleuropa; das Finanzministerium hat 30 Mrd. bereitgestellt."
    judged = answerability.signals(q, weights, 5.0, [0.5], 0.5, [german], [german], 0.0)
    assert judged.coverage == 0.0 and judged.quote_coverage == 0.0 and judged.names == 0.0
    dated = answerability.signals(analyse(question), weights, 5.0, [0.5], 0.5, [german], [german], 0.0)
    assert dated.coverage > 0.5  # what the words of the period alone gave


def test_a_name_is_found_only_where_the_text_writes_it_as_a_name() -> None:
    """ "Fed" is not in "soldiers are fed up": a name's word counts where the text capitalises it."""
    q = analyse("What did the Fed say about inflation?")
    weights = tuple(1.0 for _ in q.terms)
    covered = answerability.Weighted(q, weights)
    assert covered.found("Soldiers are fed up with inflation.") == [t != "fed" for t in q.terms]
    assert all(covered.found("The Fed said inflation eased."))


def test_a_fit_sets_the_sure_point_at_or_above_the_answering_threshold() -> None:
    """Answerable rows mostly close, the others mostly far, some of each in between: the threshold answers at least
    ``MIN_ANSWERED`` of the answerable rows, the sure point is where the two kinds part best, and an answer between
    them is tentative."""
    from index.answerability import FEATURES, MIN_ANSWERED, Signals, fit

    rng = np.random.default_rng(7)

    def row(dense: float) -> Signals:
        return Signals(**{f: float(rng.uniform(0.4, 0.6)) for f in FEATURES} | {"dense": dense})

    good = [row(d) for d in rng.normal(0.65, 0.12, 200)]
    bad = [row(d) for d in rng.normal(0.45, 0.12, 200)]
    model = fit([*good, *bad], [True] * 200 + [False] * 200)
    p_good = np.array([model.probability(s) for s in good])
    assert (p_good >= model.threshold).mean() >= MIN_ANSWERED
    assert model.threshold < model.sure < 1.0
    between = (model.threshold + model.sure) / 2
    assert model.tentative(between) and not model.tentative(model.sure)
