"""The evidence ranker: the shipped file matches this version's features, a refit learns which feature marks the
gold sentence, and a missing, broken or foreign data file is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index import DossierError
from index.evidence_rank import FEATURES, Ranker, fit


def test_the_shipped_ranker_loads_with_this_versions_features() -> None:
    ranker = Ranker.load()
    assert ranker.features == FEATURES and len(ranker.weights) == len(FEATURES)
    assert min(ranker.weights) >= 0  # scores are never negative: "within 80 % of the best" keeps its meaning


def test_a_refit_learns_the_feature_that_marks_the_gold_sentence() -> None:
    rng = np.random.default_rng(7)
    marker = FEATURES.index("sentence")
    groups = []
    for _ in range(40):
        rows = rng.uniform(0, 1, size=(12, len(FEATURES)))
        gold = np.zeros(12, dtype=bool)
        gold[rng.integers(12)] = True
        rows[gold, marker] = rows[:, marker].max() + 0.3  # only this feature tells the gold sentence apart
        groups.append((rows, gold))
    ranker = fit(groups, fitted_on="synthetic")
    weights = np.array(ranker.weights)
    assert weights.argmax() == marker and weights.min() >= 0
    held_out = [(g[0], g[1]) for g in groups[:5]]
    assert all(ranker.scores(rows).argmax() == gold.argmax() for rows, gold in held_out)


def test_a_ranker_file_for_other_features_or_with_a_negative_weight_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ranker.json"
    Ranker(FEATURES, tuple([0.5] * len(FEATURES)), "test").save(path)
    assert Ranker.load(path).fitted_on == "test"
    raw = json.loads(path.read_text())
    path.write_text(json.dumps({**raw, "features": list(FEATURES[:-1])}))
    with pytest.raises(DossierError, match="is not usable: its features are"):
        Ranker.load(path)
    path.write_text(json.dumps({**raw, "weights": [-1.0, *raw["weights"][1:]]}))
    with pytest.raises(DossierError, match="non-negative"):
        Ranker.load(path)


def test_a_missing_or_broken_data_file_is_one_line(tmp_path: Path) -> None:
    from index.answerability import Model

    with pytest.raises(DossierError, match=r"cannot read .*nowhere\.json: No such file"):
        Model.load(tmp_path / "nowhere.json")
    broken = tmp_path / "broken.json"
    broken.write_text("not json")
    with pytest.raises(DossierError, match=r"broken\.json is not usable: Expecting value"):
        Ranker.load(broken)
    broken.write_text('{"features": []}')
    with pytest.raises(DossierError, match="is not usable: it has no 'weights'"):
        Ranker.load(broken)


def test_an_answerability_model_of_the_wrong_shape_is_refused_on_load(tmp_path: Path) -> None:
    from index.answerability import Model

    raw = json.loads((Path(__file__).resolve().parents[1] / "index" / "data" / "answerability.json").read_text())
    path = tmp_path / "model.json"
    for broken in (
        {"weights": raw["weights"][:2]},
        {"scale": ["x"] * len(raw["scale"])},
        {"threshold": 7},
        {"sure": -1},
    ):
        path.write_text(json.dumps({**raw, **broken}))
        with pytest.raises(DossierError, match=r"ANSWERABILITY_MODEL=.* is not usable"):
            Model.load(path)
    # A model fitted before the sure point shows no answer as the closest quotes.
    path.write_text(json.dumps({k: v for k, v in raw.items() if k != "sure"}))
    assert Model.load(path).sure == 0.0 and not Model.load(path).tentative(0.0)
    assert Model.load().sure > Model.load().threshold


def test_the_topic_margin_orders_what_is_shown_not_what_is_judged() -> None:
    """Two sentences equally far from the question's words: one restates the topic (closer to the question, closer
    still to its topic), the other stands out from the topic. The margin puts the second first among the quotes
    shown; the answerability model judges the ranking without it (see ``Ranker.judging``)."""
    from index.answerability import Weighted
    from index.evidence import score_sentences
    from index.question import analyse
    from index.retrieval import Candidate
    from index.store_passages import StoredPassage

    text = "Varnex said it would cut 9,000 jobs. The stock dropped 18% after hours."
    restates, answers = (0, 36), (37, len(text))
    question, topic = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    vectors = np.array([[0.8, 0.6, 0.0], [0.7, 0.0, 0.714]], dtype=np.float32)
    passage = StoredPassage(1, 1, 0, len(text), np.array([restates, answers], np.int32), vectors, text)
    q = analyse("How far did shares fall?")  # none of its words is in either sentence
    ranker = Ranker.load()
    scored = score_sentences(
        q, question, [Candidate(1, 0.5, 0.5, 1.0)], {1: passage}, ranker, Weighted(q, (1.0,) * len(q.terms)), 0.0, topic
    )
    assert [(e.start, e.end) for e in scored.shown] == [answers, restates]
    assert [(e.start, e.end) for e in scored.judged] == [restates, answers]
    assert min(e.score for e in scored.shown) >= 0
    no_topic = score_sentences(
        q, question, [Candidate(1, 0.5, 0.5, 1.0)], {1: passage}, ranker, Weighted(q, (1.0,) * len(q.terms)), 0.0
    )
    assert no_topic.shown == no_topic.judged  # without a topic there is no margin: one ranking


def test_a_quote_from_an_article_naming_the_questions_names_is_shown_first_not_judged_first() -> None:
    """Two sentences about as close to the question, neither naming its company: the one from the article that names
    it later is shown first, though the other is a little closer; answerability judges the ranking without that (see
    ``Ranker.judging``)."""
    from index.answerability import Weighted
    from index.evidence import Evidence, score_sentences
    from index.question import analyse
    from index.retrieval import Candidate
    from index.store_passages import StoredPassage

    named, other = "The stock dropped 18%. Varnex said it would cut jobs.", "The stock dropped 12%. Markets were mixed."
    vector = np.array([[0.6, 0.8, 0.0]], dtype=np.float32)
    closer = np.array([[0.62, 0.78, 0.0]], dtype=np.float32)

    def passage(pid: int, text: str, first: np.ndarray) -> StoredPassage:
        cut = text.index(".") + 1
        spans = np.array([(0, cut), (cut + 1, len(text))], np.int32)
        vectors = np.vstack([first, [0.0, 0.0, 1.0]]).astype(np.float32)
        return StoredPassage(pid, pid, 0, len(text), spans, vectors, text)

    q = analyse("How far did Varnex shares fall?")
    assert q.names == ("Varnex",)
    passages = {1: passage(1, named, vector), 2: passage(2, other, closer)}
    candidates = [Candidate(1, 0.5, 0.5, 1.0), Candidate(2, 0.5, 0.5, 1.0)]
    scored = score_sentences(
        q, np.array([1.0, 0.0, 0.0]), candidates, passages, Ranker.load(), Weighted(q, (1.0,) * len(q.terms)), 0.0
    )

    def stock(ranked: list[Evidence]) -> list[int]:
        return [e.article_id for e in ranked if passages[e.article_id].article_text[e.start :].startswith("The stock")]

    assert stock(scored.shown) == [1, 2]
    assert stock(scored.judged) == [2, 1]


def test_the_names_of_a_huge_article_are_read_in_its_opening_and_the_passage_only() -> None:
    """A document of megabytes is not read whole for every question that retrieves it: a name past its first
    ``ARTICLE_HEAD`` characters and outside the passage does not count; in the passage, it does."""
    from index.answerability import Weighted
    from index.evidence import ARTICLE_HEAD, sentence_features
    from index.question import analyse
    from index.retrieval import Candidate
    from index.store_passages import StoredPassage

    first = "The stock dropped 18%."
    text = first + " " + "Markets were mixed. " * (ARTICLE_HEAD // 10) + "Varnex said it would cut jobs."
    late = len(text) - len("Varnex said it would cut jobs.")
    q = analyse("How far did Varnex shares fall?")
    column = FEATURES.index("article_names")
    vector = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)

    def named(start: int, end: int) -> float:
        passage = StoredPassage(1, 1, start, end, np.array([(start, end)], np.int32), vector, text)
        features = sentence_features(
            q, vector[0], [Candidate(1, 0.5, 0.5, 1.0)], {1: passage}, Weighted(q, (1.0,) * len(q.terms))
        )
        return features[1][0][column]

    assert named(0, len(first)) == 0.0
    assert named(late, len(text)) == 1.0


def test_scores_are_never_below_zero_though_the_topic_margin_may_be() -> None:
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("beyond_topic")] = 1.0
    rows = np.zeros((2, len(FEATURES)))
    rows[:, FEATURES.index("beyond_topic")] = [-0.3, 0.2]
    ranker = Ranker(FEATURES, tuple(weights), "test")
    assert ranker.scores(rows).tolist() == [0.0, 0.2]
    assert not np.array(ranker.judging().weights).any()


def test_a_ranker_whose_only_weight_is_the_topic_margin_is_refused(tmp_path: Path) -> None:
    weights = [0.0] * len(FEATURES)
    weights[FEATURES.index("beyond_topic")] = 1.0
    path = tmp_path / "ranker.json"
    Ranker(FEATURES, tuple(weights), "test").save(path)
    with pytest.raises(DossierError, match="other than beyond_topic"):  # answerability would judge all-zero scores
        Ranker.load(path)


def test_the_passages_an_answer_lists_are_ordered_by_their_best_evidence_too() -> None:
    """Two passages retrieved nearly alike: the one whose sentence states the asked figure for the named company is
    listed first, though its retrieval score is a little lower; the retrieval order stands where the evidence is
    alike."""
    from index.answerability import Weighted
    from index.evidence import by_evidence, passage_features
    from index.question import analyse
    from index.retrieval import Candidate
    from index.store_passages import StoredPassage

    answers, topic = "Varnex shares fell 18% after the job cuts.", "Markets were mixed on a quiet day of trading."
    question = np.array([1.0, 0.0, 0.0], dtype=np.float32)

    def passage(pid: int, text: str, vector: list[float]) -> StoredPassage:
        spans = np.array([(0, len(text))], np.int32)
        return StoredPassage(pid, pid, 0, len(text), spans, np.array([vector], np.float32), text)

    q = analyse("How far did Varnex shares fall?")
    passages = {1: passage(1, topic, [0.6, 0.8, 0.0]), 2: passage(2, answers, [0.9, 0.44, 0.0])}
    candidates = [Candidate(1, 0.5, 0.5, 0.71), Candidate(2, 0.5, 0.5, 0.70)]
    rarity = Weighted(q, (1.0,) * len(q.terms))
    features = passage_features(q, question, candidates, passages, rarity)
    assert [c.passage_id for c in by_evidence(candidates, features, Ranker.load())] == [2, 1]
    alike = {1: passage(1, topic, [0.6, 0.8, 0.0]), 2: passage(2, topic.replace("day", "morning"), [0.6, 0.8, 0.0])}
    same = passage_features(q, question, candidates, alike, rarity)
    assert [c.passage_id for c in by_evidence(candidates, same, Ranker.load())] == [1, 2]
