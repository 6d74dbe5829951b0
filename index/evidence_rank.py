"""How evidence sentences are ranked: a linear score over what the pipeline knows of each sentence, fitted on the
gold evidence of question sets.

Each candidate sentence of a question's top passages gets a feature vector (how close its passage and the
sentence itself are to the question, how much closer to the question than to its topic, how much of the question
it covers, whether its article names what the question names, whether it carries the asked kind of answer); its
score is the weights' dot product with it, clipped at zero. The weights are fitted by ``dossier eval --fit-ranker``
as a listwise model — per question, a softmax over its candidate sentences that should put the gold evidence
first — and ship as ``data/evidence_rank.json``. They are kept non-negative; only ``beyond_topic`` may be
negative, and it moves a question's scores by -0.15..+0.1 at the shipped weight, so "within 80 % of the best
quote" keeps about its meaning (measured: quote precision rose).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import fitted
from index.answer_types import KIND_CUES
from index.errors import DossierError

FEATURES = (
    "passage",  # the passage's similarity with the question, rescaled (0 = the model's unrelated level)
    "keyword",  # the passage's keyword score (BM25, scaled to the best of the search)
    "sentence",  # the sentence's own similarity, rescaled
    # How much closer the sentence is to the question than to the question's topic terms alone (rescaled, may be
    # negative; 0 when no term is common to the top passages): among sentences that all share the topic, the one
    # that answers is nearer the question ("the stock fell 20%" for "how far did Intel's stock drop…").
    "beyond_topic",
    "coverage",  # share of the question's terms in the sentence (or, discounted, with the sentence before)
    "rare_coverage",  # the same weighted by the terms' rarity in the library
    "names",  # share of the question's names in the sentence or the one before (1 when it names none)
    # Share of the question's names in the sentence's article, read up to ``evidence.ARTICLE_HEAD`` characters and in
    # its passage (0 when the question names none): a quote from an article that
    # never names what the question names is about something else, however close its words ("Euro 2024" for "the
    # 2024 UK general election").
    "article_names",
    "lead",  # one of the first sentences of its article
    *KIND_CUES,
)


# Features that order the quotes shown but not the ones answerability is judged on (see ``Ranker.judging``).
SHOWN_ONLY = ("beyond_topic", "article_names")


@dataclass(frozen=True, slots=True)
class Ranker:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    fitted_on: str = ""

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """One score per row of features (``len(FEATURES)`` columns), never below zero."""
        if not len(rows):
            return np.zeros(0)
        return np.maximum(0.0, rows @ np.array(self.weights))

    def judging(self) -> Ranker:
        """This ranker without the ``SHOWN_ONLY`` features: the answerability model judges the quotes it picks. They
        order what is shown, but a quote chosen for them looks like an answer in a library without one as well:
        judged on quotes picked with the topic margin, refitted, the dev set's leave-one-out questions abstained 29
        of 49 times instead of 35, the general set's 20 of 64 instead of 27; with the article's names (unrefitted),
        30 instead of 32 and 26 instead of 28."""
        weights = tuple(0.0 if f in SHOWN_ONLY else w for f, w in zip(self.features, self.weights, strict=True))
        return replace(self, weights=weights)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Ranker:
        """The ranker at ``path``, or the one shipped with Dossier. Its features must be this version's."""
        return fitted.load(path, "evidence_rank.json", cls._from_json, "EVIDENCE_RANKER")

    @classmethod
    def _from_json(cls, raw: dict[str, Any]) -> Ranker:
        ranker = cls(tuple(raw["features"]), tuple(float(w) for w in raw["weights"]), str(raw.get("fitted_on", "")))
        if ranker.features != FEATURES:
            raise ValueError(f"its features are {ranker.features}, not {FEATURES}")
        weights = np.array(ranker.weights)
        if len(weights) != len(FEATURES) or not np.isfinite(weights).all() or weights.min() < 0:
            raise ValueError(f"it needs {len(FEATURES)} finite, non-negative weights")
        if not any(ranker.judging().weights):
            raise ValueError(f"it needs a weight above zero other than {', '.join(SHOWN_ONLY)} (see Ranker.judging)")
        return ranker

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")


def fit(
    groups: Sequence[tuple[np.ndarray, np.ndarray]], fitted_on: str = "", l2: float = 0.01, steps: int = 2000
) -> Ranker:
    """``groups``: per question, its candidate sentences' features and which of them hold gold evidence. Projected
    gradient descent on the listwise log-loss (each question's softmax mass on its gold sentences), weights kept
    non-negative; questions without a gold candidate teach nothing and are skipped."""
    used = [(x, y.astype(bool)) for x, y in groups if len(x) and y.any() and not y.all()]
    if not used:
        raise DossierError("no question has both gold and other sentences among its candidates: nothing to fit")
    w = np.full(len(FEATURES), 1.0)
    rate = 0.5
    for _ in range(steps):
        grad = l2 * w
        for x, y in used:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            gold = p * y / max(1e-12, float((p * y).sum()))
            grad += x.T @ (p - gold) / len(used)
        w = np.maximum(0.0, w - rate * grad)
    return Ranker(FEATURES, tuple(float(v) for v in w), fitted_on)
