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
    for broken in ({"weights": raw["weights"][:2]}, {"scale": ["x"] * len(raw["scale"])}, {"threshold": 7}):
        path.write_text(json.dumps({**raw, **broken}))
        with pytest.raises(DossierError, match=r"ANSWERABILITY_MODEL=.* is not usable"):
            Model.load(path)
