"""Whether the library answers a question: one calibrated decision over the signals the pipeline already has.

A logistic model turns the signals of a question's best evidence (how close the passages and the best sentence
are, how much of the question and of its names they cover, whether the quotes carry the asked kind of answer)
into the probability that an article answering it is in the library. It is
fitted by ``dossier eval --fit`` on question sets with gold evidence plus their leave-one-out negatives (each
answerable question asked again without its answering articles), and ships as ``data/answerability.json``.
``ANSWER_THRESHOLD`` is the one operating point: below it, the answer is "not found".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import answer_types, asked_figure, fitted
from index.asked_kind import Asks
from index.language import detect
from index.question import Question

FEATURES = (
    "dense",  # best passage similarity with the question, rescaled (0 = the model's unrelated level)
    "sentence",  # best sentence similarity, rescaled
    # Share of the question's terms, weighted by rarity, in the best-covering top passage (across languages: of its
    # names and figures, in the passage and its article's opening; see ``signals``).
    "coverage",
    "missing",  # rarity of the rarest question term that passage lacks, relative to the rarest possible
    "quote_coverage",  # share of the question's terms, weighted by rarity, in the quotes
    "names",  # share of the question's names in the quotes, or their articles' openings across languages (1: none)
    "kind",  # the quotes carry the asked kind of answer (1 when it asks for no kind)
    "figure",  # a quote counts the asked noun for the asked event (1 when no figure is asked)
    "beyond_topic",  # how much closer the best quote sentence is to the question than to its topic alone
)
# Signals that depend on the library's size (how far the best passage stands out from the rest, how many
# articles agree) were tried and left out: fitted on libraries of 60-90 articles they turned every answer in a
# library of three articles into "not found".


@dataclass(frozen=True, slots=True)
class Signals:
    dense: float
    sentence: float
    coverage: float
    missing: float
    quote_coverage: float
    names: float
    kind: float
    figure: float
    beyond_topic: float

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, f) for f in FEATURES], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Weighted:
    """Coverage of a question's terms weighted by their rarity in the library (inverse document frequency)."""

    q: Question
    weights: tuple[float, ...]

    def found(self, text: str | AbstractSet[str]) -> list[bool]:
        """Per term, whether the text has it; a word of one of the question's names only where the text writes it
        capitalised (given forms, without case, any)."""
        present = self.q.forms(text)
        name_words = {w.casefold() for n in self.q.names for w in n.split()}
        named = self.q.capitalised_forms(text) if name_words and isinstance(text, str) else present
        return [
            bool(m & (named if t in name_words else present)) for t, m in zip(self.q.terms, self.q.matches, strict=True)
        ]

    def coverage(self, text: str | AbstractSet[str]) -> float:
        total = sum(self.weights)
        if not total:
            return 1.0  # nothing to look for: no evidence against
        return sum(w for w, hit in zip(self.weights, self.found(text), strict=True) if hit) / total

    def missing(self, text: str, ceiling: float) -> float:
        lacking = [w for w, hit in zip(self.weights, self.found(text), strict=True) if not hit]
        return max(lacking) / ceiling if lacking and ceiling > 0 else 0.0

    def across_languages(self) -> Weighted:
        """Only the terms that read the same in any language (names and figures) keep their weight: a question
        asked in one language of an article in another shares no other words with it. A name in another script
        than the article's is found by the spelling the top passages or their articles' openings give it
        (``Question.with_variants``), or missing."""
        names = {t.casefold() for n in self.q.names for t in n.split()}
        keep = [(t in names or any(ch.isdigit() for ch in t)) and t not in self.q.period for t in self.q.terms]
        return Weighted(self.q, tuple(w if k else 0.0 for w, k in zip(self.weights, keep, strict=True)))


def topic_terms(q: Question, sentences: Sequence[str]) -> list[str]:
    """The question's terms that name its topic: those in at least ``TOPIC_SHARE`` of the sentences of the top
    passages (of the 17-37 sentences five passages hold, one or two). The passages a question retrieves share its
    topic ("the Morocco earthquake"); what it asks about the topic is rare among them, or absent when the library
    does not report it."""
    present = [q.forms(s) for s in sentences]
    if not present:
        return []
    need = TOPIC_SHARE * len(present)
    return [t for t, m in zip(q.terms, q.matches, strict=True) if sum(bool(m & f) for f in present) >= need]


# Measured against 10 % and against at least 2 or 3 sentences, on 30 random halvings of both shared sets: 5 %
# abstained as often as any, and only it kept the seeds' "who released the recording of the call?" answered.
TOPIC_SHARE = 0.05


def beyond_topic(question: np.ndarray, topic: np.ndarray | None, quotes: np.ndarray, floor: float) -> float:
    """The largest margin, over the quotes' sentence vectors, of their rescaled similarity with the question over
    their similarity with its topic terms alone (``topic``; None when no term is common among the passages).

    A quote that answers is closer to the question than to its topic; one that only shares the topic ("a powerful
    earthquake struck Morocco…" for "how many aftershocks followed the Morocco earthquake?") is as close to the
    topic alone. This is the embedding model's reading, so it also credits paraphrases that share no word.
    Without a topic there is nothing to read past: 0, the margin of a quote as close to the topic as to the
    question (the other signals, coverage first, judge a question whose words the passages lack)."""
    if not len(quotes) or topic is None:
        return 0.0
    return float(topic_margins(question, topic, quotes, floor).max())


def topic_margins(question: np.ndarray, topic: np.ndarray, sentences: np.ndarray, floor: float) -> np.ndarray:
    """Per sentence vector, its rescaled similarity with the question less its rescaled similarity with the topic
    (the model's ``floor`` cancels out; negative for a sentence nearer the topic than the question)."""
    return (sentences @ question - sentences @ topic) / (1.0 - floor)


def signals(
    q: Question,
    weights: tuple[float, ...],
    ceiling: float,
    dense: Sequence[float],
    sentence: float,
    passages: Sequence[str],
    quotes: Sequence[str],
    topic_margin: float,
    heads: Sequence[str] = (),
    quote_heads: Sequence[str] = (),
    quote_articles: Sequence[str] = (),
) -> Signals:
    """``dense``: rescaled similarities of the top ``passages``, best first; ``weights``: the rarity of each
    question term, ``ceiling`` the rarity of a term no passage has; ``topic_margin``: see ``beyond_topic``;
    ``heads`` and ``quote_heads``: the opening of each passage's and quote's article; ``quote_articles``: each
    quote's article in full, where the figure check reads what the articles' story is (``asked_figure_found``).

    When the best passage is in the question's language, the passages and quotes are judged on all the question's
    terms. When it is in another (the answer is in an article in another language), they are judged on the
    question's names and figures alone, and a name counts where its article names it: it is often said once, in
    the opening ("a soldier in the Kharkiv region…"), and not again in the passage that answers. Judging each
    passage in its own language instead let a foreign passage that merely names the question's place cover an
    English question ("How many mpox vaccine doses did Kenya receive?" answered from "Le Kenya et l'Ouganda…")."""
    w = Weighted(q, weights)
    texts, joined = list(passages), " ".join(quotes)
    named = q
    # The language the quotes judged are in, read from their article's opening (a short quote's own can be mistaken),
    # else the best passage's: a German question's best passage may be an English report of the name it asks about
    # while its quotes are German.
    first = next(iter(quote_heads), "") or (passages[0] if passages else "")
    if first and detect(first, q.lang) != q.lang:
        w = w.across_languages()
        # "September 2024" is in every language's article of that month: no name the answer must carry.
        named = replace(q, names=tuple(n for n in q.names if not set(n.casefold().split()) <= q.period))
        texts = [f"{h} {p}" for p, h in zip(passages, heads or [""] * len(passages), strict=True)]
        joined = " ".join([*dict.fromkeys(quote_heads), joined])
    kinds = q.asks - {Asks.FIGURE}  # a figure is judged on its own below
    kind = float(any(answer_types.carries(replace(q, asks=kinds), x) for x in quotes)) if kinds else 1.0
    figure = asked_figure.asked_figure_found(q, quotes, quote_heads, quote_articles)
    best = dense[0] if dense else 0.0
    covering = max(texts, key=w.coverage) if texts else ""
    return Signals(
        dense=best,
        sentence=sentence,
        coverage=w.coverage(covering),
        missing=w.missing(covering, ceiling),
        quote_coverage=w.coverage(joined),
        names=named.names_in(joined) if quotes else 0.0,
        kind=kind,
        figure=figure,
        beyond_topic=topic_margin,
    )


@dataclass(frozen=True, slots=True)
class Model:
    """Standardised logistic regression: p = sigmoid(w · (x - mean) / scale + b)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # the operating point chosen when fitting: below it, "not found"
    fitted_on: str = ""
    # Below this probability (and at or above ``threshold``) an answer is shown as the closest quotes: the point of
    # best balanced accuracy on the fitted rows, where the model is as likely wrong in answering as in refusing.
    # Between the two it cannot tell a near-topic quote from an answer; at or below ``threshold`` (0 in a model
    # fitted before it) there is no such band.
    sure: float = 0.0

    def probability(self, s: Signals) -> float:
        x = (s.vector() - np.array(self.mean)) / np.array(self.scale)
        z = float(x @ np.array(self.weights) + self.bias)
        return float(1.0 / (1.0 + np.exp(-z)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Model:
        """The model at ``path``, or the one shipped with Dossier. Its features must be this version's."""
        return fitted.load(path, "answerability.json", cls._from_json, "ANSWERABILITY_MODEL")

    @classmethod
    def _from_json(cls, raw: dict[str, Any]) -> Model:
        model = cls(
            **{
                **raw,
                "features": tuple(raw["features"]),
                "mean": tuple(raw["mean"]),
                "scale": tuple(raw["scale"]),
                "weights": tuple(raw["weights"]),
            }
        )
        if model.features != FEATURES:
            raise ValueError(f"its features are {model.features}, not {FEATURES}")
        for name in ("mean", "scale", "weights"):
            values = np.asarray(getattr(model, name), dtype=np.float64)
            if values.shape != (len(FEATURES),) or not np.isfinite(values).all():
                raise ValueError(f"its {name} must be {len(FEATURES)} finite numbers")
        if isinstance(model.sure, bool) or isinstance(model.threshold, bool):
            raise ValueError("its threshold and sure point must be numbers")
        points = (float(model.threshold), float(model.sure))
        if not (np.isfinite(float(model.bias)) and all(0.0 <= x <= 1.0 for x in points)):
            raise ValueError("its bias must be a finite number, its threshold and sure point within 0..1")
        return replace(model, bias=float(model.bias), threshold=float(model.threshold), sure=float(model.sure))

    def tentative(self, probability: float) -> bool:
        """An answer at this probability is shown as the closest quotes, not as the answer."""
        return probability < self.sure

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")


MIN_ANSWERED = 0.95  # the operating point keeps at least this share of answerable questions answered


def fit(
    rows: Sequence[Signals], labels: Sequence[bool], fitted_on: str = "", l2: float = 1.0, steps: int = 3000
) -> Model:
    """Fit by gradient descent on the log-loss with an L2 penalty, classes weighted equally; the threshold is the
    one that maximises balanced accuracy on the fitted rows while answering at least ``MIN_ANSWERED`` of the
    answerable ones (a wrong "not found" costs a reader too), the sure point the one that maximises it outright."""
    x = np.stack([s.vector() for s in rows])
    y = np.array(labels, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    pos = max(1.0, y.sum())
    neg = max(1.0, len(y) - y.sum())
    sample = np.where(y > 0, 0.5 / pos, 0.5 / neg)
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g = (p - y) * sample
        w -= 0.5 * (z.T @ g + l2 * w / len(y))
        b -= 0.5 * float(g.sum())
    p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
    threshold = best_threshold(p, y, MIN_ANSWERED)
    sure = max(threshold, best_threshold(p, y, 0.0))
    return Model(FEATURES, tuple(mean), tuple(scale), tuple(w), b, threshold, fitted_on, sure)


def best_threshold(p: np.ndarray, y: np.ndarray, min_answered: float) -> float:
    """The probability that best separates answerable rows (``y`` 1) from the rest by balanced accuracy, among
    those that answer at least ``min_answered`` of the answerable ones."""
    best, best_t = -1.0, 0.0
    for t in np.unique(np.round(p, 3)):
        tpr = float(((p >= t) & (y > 0)).sum() / max(1, (y > 0).sum()))
        tnr = float(((p < t) & (y == 0)).sum() / max(1, (y == 0).sum()))
        if tpr >= min_answered and (tpr + tnr) / 2 > best:
            best, best_t = (tpr + tnr) / 2, float(t)
    return best_t
