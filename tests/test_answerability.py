"""The answerability signal that reads past the topic: the question's topic terms, and how much closer a quote is
to the whole question than to its topic alone (the real bundled model)."""

from __future__ import annotations

import numpy as np
import pytest

from index import answerability
from index.answerability import beyond_topic, topic_terms
from index.embedding import Embedder
from index.question import analyse

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


def test_a_question_in_another_script_is_judged_on_what_it_can_share_with_each_passage() -> None:
    """A Ukrainian question's Cyrillic name cannot be looked for in an English passage, and each passage is read
    in its own language: the question asked of an English and a Ukrainian passage is covered by the Ukrainian one."""
    q = analyse("Скільки танків, за словами солдата з Харківщини, у них залишилося?")
    weights = tuple(1.0 for _ in q.terms)
    english = "We have probably 14 tanks left, the soldier from the Kharkiv region says."
    ukrainian = "У нас залишилося, мабуть, 14 танків, каже солдат з Харківщини."

    def judged(passages: list[str]) -> answerability.Signals:
        return answerability.signals(q, weights, 5.0, [0.5], 0.5, passages, passages[:1], 0.0)

    assert q.names == ("Харківщини",)
    across = judged([english])
    assert across.coverage == 1.0 and across.missing == 0.0  # nothing it could share is missing
    assert across.quote_coverage == 1.0
    both = judged([english, ukrainian])  # the Ukrainian passage judges, in the question's words
    assert both.coverage > judged([english, "Російський солдат розповів про бої."]).coverage
    assert both.coverage < 1.0
