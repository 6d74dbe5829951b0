"""Evidence sentences: each candidate sentence of the top passages read for the question (its features) and scored by
the evidence ranker, best first."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from index import answer_types, quotations
from index.answerability import Weighted, topic_margins
from index.cleaning import looks_like_title
from index.evidence_rank import FEATURES, Ranker
from index.language import tokens
from index.question import Question
from index.retrieval import Candidate
from index.store_passages import StoredPassage

EVIDENCE_PASSAGES = 8  # how many top passages are searched for evidence sentences
CONTEXT_COVERAGE = 0.8  # weight of the question words found only in the sentence before, same paragraph


@dataclass(frozen=True, slots=True)
class Evidence:
    """A candidate sentence: absolute offsets into its article's text and its score."""

    article_id: int
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Confidence:
    """What abstention looks at: the best dense similarity and how much of the question is covered."""

    dense: float
    coverage: float
    sentence: float = 0.0  # the best sentence's similarity, rescaled


@dataclass(frozen=True, slots=True)
class Scored:
    """A question's candidate sentences ranked for showing (``shown``) and for the answerability model to judge
    (``judged``, see ``Ranker.judging``), one entry per distinct sentence, best first."""

    shown: list[Evidence]
    judged: list[Evidence]
    confidence: Confidence


def score_sentences(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    ranker: Ranker,
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
    features: Features | None = None,
) -> Scored:
    """Score every sentence of the top passages (their ``features`` when computed already, of more passages).
    ``floor`` is the model's cosine similarity between unrelated texts (about 0.7 for e5 models): similarities
    are rescaled from [floor, 1] to [0, 1] so scores and the abstention threshold mean the same for every model;
    ``rarity`` weighs the question's terms by how rare they are in the library; ``topic``: the query vector of the
    question's topic terms (see ``answerability.topic_terms``), None when it has none."""
    head = _head(candidates, passages)
    if features is None:
        features = passage_features(q, query_vector, head, passages, rarity, floor, topic)
    keys, rows, short = features.of({c.passage_id for c in head})
    matrix, factor = np.array(rows), np.where(short, SHORT_SENTENCE, 1.0)
    column = {f: i for i, f in enumerate(FEATURES)}
    best_dense = max((r[column["passage"]] for r in rows), default=0.0)
    best_sentence = max((r[column["sentence"]] for r in rows), default=0.0)
    best_cov = max((q.coverage(_text(passages[c.passage_id])) for c in head), default=0.0)
    return Scored(
        _ranked(keys, ranker.scores(matrix) * factor),
        _ranked(keys, ranker.judging().scores(matrix) * factor),
        Confidence(best_dense, best_cov, best_sentence),
    )


def by_evidence(candidates: Sequence[Candidate], features: Features, ranker: Ranker) -> list[Candidate]:
    """The candidates ordered by their retrieval score plus ``EVIDENCE_ORDER`` times the ranker's score of their
    best sentence (from ``features``, which must cover them): a passage that holds the sentence answering the
    question rises above one that is only about its topic as a whole (what the answer lists as its passages)."""
    scores = ranker.scores(np.array(features.rows, dtype=np.float64).reshape(-1, len(FEATURES)))
    best: dict[int, float] = {}
    for owner, score in zip(features.owners, scores.tolist(), strict=True):
        best[owner] = max(best.get(owner, 0.0), score)
    return sorted(candidates, key=lambda c: -(c.score + EVIDENCE_ORDER * best.get(c.passage_id, 0.0)))


# Measured on both shared sets with 0.3 to 1.0 (dev nDCG@10 .898 → .917 / .919 / .904 at 0.3 / 0.6 / 1.0, general
# .813 → .818 / .815 / .825, recall@5 .980 → 1.000 and .938 → .953 throughout); the middle of that plateau.
EVIDENCE_ORDER = 0.5


def _ranked(keys: Sequence[tuple[int, int, int]], scores: np.ndarray) -> list[Evidence]:
    """One entry per distinct sentence (a sentence in two passages keeps its best score), best first."""
    best: dict[tuple[int, int, int], Evidence] = {}
    for key, score in zip(keys, scores.tolist(), strict=True):
        if key not in best or best[key].score < score:
            best[key] = Evidence(*key, score)
    return sorted(best.values(), key=lambda e: e.score, reverse=True)


SHORT_SENTENCE = 0.8  # the score share of a sentence under five words (a caption, a fragment)
LEAD_SENTENCES = 3  # the article's first sentences (the headline among them) count as its lead
ARTICLE_HEAD = 20_000  # characters of an article read for the names it holds (news articles: all of it)


def _head(candidates: Sequence[Candidate], passages: dict[int, StoredPassage]) -> list[Candidate]:
    return [c for c in candidates[:EVIDENCE_PASSAGES] if c.passage_id in passages]


def _text(p: StoredPassage) -> str:
    return p.article_text[p.char_start : p.char_end]


def _asks_alone(text: str, start: int, end: int) -> bool:
    """The sentence is a line of its own that ends in a question mark and quotes no one (a question someone asks,
    “Will you give us the $60 billion or not?”, is news)."""
    alone = text[start - 1 : start] in ("", "\n") and text[end : end + 1] in ("", "\n")
    sentence = text[start:end].rstrip()
    return alone and sentence.endswith("?") and not any(m in sentence for m in quotations.MARKS)


@dataclass(frozen=True, slots=True)
class Features:
    """Per candidate sentence: (article id, start, end), its ``FEATURES`` values, whether it is under five words,
    and the passage it was read in (a sentence in two passages appears twice)."""

    keys: list[tuple[int, int, int]]
    rows: list[list[float]]
    short: list[bool]
    owners: list[int]

    def of(self, passage_ids: AbstractSet[int]) -> tuple[list[tuple[int, int, int]], list[list[float]], list[bool]]:
        """Keys, rows and shortness of the sentences read in these passages."""
        keep = [i for i, owner in enumerate(self.owners) if owner in passage_ids]
        return [self.keys[i] for i in keep], [self.rows[i] for i in keep], [self.short[i] for i in keep]

    def read_with(
        self, query: np.ndarray, passages: dict[int, StoredPassage], floor: float, topic: np.ndarray | None
    ) -> Features:
        """The same sentences with their similarity to another vector of the same question (and their margin over
        its topic) in place of the first one's; every other feature is the question's words', read once."""
        column = {f: i for i, f in enumerate(FEATURES)}
        qv = query.reshape(-1)
        rows: list[list[float]] = []
        for (_, start, end), row, owner in zip(self.keys, self.rows, self.owners, strict=True):
            passage = passages[owner]
            at = int(np.flatnonzero((passage.sentences[:, 0] == start) & (passage.sentences[:, 1] == end))[0])
            vector = passage.sentence_vectors[at]
            changed = list(row)
            changed[column["sentence"]] = max(0.0, (float(vector @ qv) - floor) / (1.0 - floor))
            if topic is not None:
                changed[column["beyond_topic"]] = float(topic_margins(qv, topic, vector[None, :], floor)[0])
            rows.append(changed)
        return replace(self, rows=rows)


def sentence_features(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
) -> tuple[list[tuple[int, int, int]], list[list[float]], list[bool]]:
    """Per candidate sentence of the top passages: (article id, start, end), its ``FEATURES`` values, and whether
    it is under five words. A sentence in two passages appears twice. ``topic``: the query vector of the question's
    topic terms, for ``beyond_topic`` (0 without one)."""
    head = _head(candidates, passages)
    return passage_features(q, query_vector, head, passages, rarity, floor, topic).of({c.passage_id for c in head})


def passage_features(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
) -> Features:
    """``sentence_features`` of every candidate given (those ``passages`` holds), not only the top ones."""

    def rescale(sim: float) -> float:
        return max(0.0, (sim - floor) / (1.0 - floor))

    keys: list[tuple[int, int, int]] = []
    rows: list[list[float]] = []
    short: list[bool] = []
    owners: list[int] = []
    qv = query_vector.reshape(-1)
    # The words of each article's opening, read once per ask: an article's passages share it (read for each
    # passage, names took ~10 ms of a general-set ask, ~4 ms since; profiled).
    heads: dict[int, AbstractSet[str]] = {}
    for cand in [c for c in candidates if c.passage_id in passages]:
        passage = passages[cand.passage_id]
        text = passage.article_text
        dense = rescale(cand.dense)
        sims = passage.sentence_vectors @ qv
        vectors = passage.sentence_vectors
        margins = np.zeros_like(sims) if topic is None else topic_margins(qv, topic, vectors, floor)
        # The article's opening, where news names its subject, and this passage: a document of megabytes is not read
        # whole for every question that retrieves it.
        named = 0.0
        if q.names:
            if passage.article_id not in heads:
                heads[passage.article_id] = q.capitalised_forms(text[:ARTICLE_HEAD])
            # Written as names: "the storm affected…" does not name "Storm Boris".
            own = q.capitalised_forms(text[passage.char_start : passage.char_end])
            named = q.names_in(heads[passage.article_id] | own)
        previous = passage.char_start
        before: AbstractSet[str] = frozenset()
        spans = zip(passage.sentences.tolist(), sims.tolist(), margins.tolist(), strict=True)
        for i, ((start, end), sim, margin) in enumerate(spans):
            sentence = text[start:end]
            present = q.forms(sentence)
            # The sentence before, in the same paragraph, often names what this one is about ("At least 14 people
            # died" follows "Floods swept through the Marlow Valley"): it counts for coverage, discounted.
            around = present | before if "\n\n" not in text[previous:start] else present
            previous, before = start, present
            if start == 0 and text[end : end + 1] == "\n" and looks_like_title(sentence):
                continue  # the headline helps retrieval but is not evidence to quote
            if _asks_alone(text, start, end):
                continue  # a subheading ("Which MPs lost their seats?") or the article's own question: no claim
            rows.append(
                [
                    dense,
                    cand.keyword,
                    rescale(sim),
                    margin,
                    max(q.coverage(present), CONTEXT_COVERAGE * q.coverage(around)),
                    max(rarity.coverage(present), CONTEXT_COVERAGE * rarity.coverage(around)),
                    q.names_in(around),
                    named,
                    float(passage.char_start == 0 and i < LEAD_SENTENCES),
                    *answer_types.kind_cues(q, sentence),
                ]
            )
            keys.append((passage.article_id, start, end))
            short.append(len(tokens(sentence)) < 5)
            owners.append(cand.passage_id)
    return Features(keys, rows, short, owners)
