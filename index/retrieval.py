"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 bm25) candidates, scored by one weighted blend.

A passage's score mixes three signals, all on a 0..1 scale:
- its own dense similarity with the question (the passage as a whole is about the question);
- the similarity of its best sentence (one sentence answers it, even when the rest of the passage drifts);
- bm25, relative to the question's best keyword hit (exact names and figures the model blurs).
The weights were tuned on the dev set (``dossier eval``): the blend beat reciprocal-rank fusion and both
single retrievers there, and a wide plateau around them scores the same, so they are not fitted to a few
questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from index.language import TOKEN
from index.question import Question
from index.store import Store
from index.vectors import Searchable

PASSAGE_WEIGHT = 0.7  # dense similarity of the whole passage
SENTENCE_WEIGHT = 0.3  # dense similarity of the passage's best sentence
KEYWORD_WEIGHT = 0.06  # bm25 relative to the best keyword hit, added to the rescaled dense score
# Added to the rescaled dense score of a passage in another language than the question's. The embedding model
# places a text nearer the questions of its own language: an English question's answer that only a Ukrainian,
# French or German article gives ranked below English articles on the same story. Measured on six sets (``dossier
# eval``, 0 / .03 / .06 / .1): recall@5 on answers only in another language (probe 16) .769 / .808 / .827 / .827,
# nDCG@10 .601 / .632 / .652 / .681; general nDCG@10 .839 / .839 / .843 / .848; dev unchanged; at .1 quote
# precision and leave-one-out abstention fell on probes 12 and 15.
OTHER_LANGUAGE = 0.06
# Only a question of this many words tells its language: shorter ones are misread ("Deutsche Bahn strike" as
# German, "Ukraine grain exports" as French, "Schuldenbremse" as English by default), which would shift the wrong side.
LANGUAGE_WORDS = 4
MAX_LANGUAGE_CHARS = 200  # enough to count them
# A scope holding at least this share of the library (a period most articles fall in, a question asked without a
# few articles) is searched whole and filtered afterwards: passing its ids to the search cost more than the search
# (PostgreSQL, 30k passages: every id sent with each ask, no HNSW index for a filtered search; dated questions took
# 250-300 ms, ask p95 / p99 285 / 614 ms, since 165 / 183 ms; FAISS builds a hash set of the ids). At this share
# the search asks for at most 8x the passages it keeps.
POST_FILTER_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage with its evidence from each retriever; ``score`` orders the fused list."""

    passage_id: int
    dense: float  # cosine similarity of the passage with the question
    keyword: float  # bm25 relative to the best keyword hit of this question (0..1)
    score: float
    sentence: float = 0.0  # cosine similarity of the passage's best sentence with the question


def rescaled(similarity: float | np.ndarray, floor: float) -> float | np.ndarray:
    """Cosine similarity mapped from [floor, 1] to [0, 1] (the floor is the model's 'unrelated' level)."""
    return (similarity - floor) / (1.0 - floor)


def hybrid_search(
    store: Store,
    vectors: Searchable,
    query_vector: np.ndarray,
    question: Question,
    collection: str | None,
    allowed: np.ndarray | None,
    k: int = 50,
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
    floor: float = 0.0,
) -> list[Candidate]:
    """The union of the top ``k`` dense and top ``k`` keyword passages, best first.
    ``dense_weight=0`` or ``keyword_weight=0`` gives a single retriever (the baselines of ``dossier eval``)."""
    dense_ids, dense_scores = (
        dense_search(vectors, query_vector, k, allowed)
        if dense_weight > 0
        else (np.zeros(0, np.int64), np.zeros(0, np.float32))
    )
    keyword_hits = store.keyword_search(question, collection, k) if keyword_weight > 0 else []
    if allowed is not None and keyword_hits:
        within = members(np.array([pid for pid, _ in keyword_hits], np.int64), allowed)
        keyword_hits = [hit for hit, keep in zip(keyword_hits, within, strict=True) if keep]

    dense = {int(i): float(s) for i, s in zip(dense_ids, dense_scores, strict=True)}
    best_kw = keyword_hits[0][1] if keyword_hits else 1.0
    keyword = {pid: (s / best_kw if best_kw > 0 else 0.0) for pid, s in keyword_hits}
    missing = [pid for pid in keyword if pid not in dense]
    if missing:
        for pid, s in zip(missing, vectors.similarity(query_vector, missing), strict=True):
            dense[pid] = s

    ids = list(dense)
    stored = store.sentence_vectors(ids, vectors.dim)
    told = len(TOKEN.findall(question.text[:MAX_LANGUAGE_CHARS])) >= LANGUAGE_WORDS
    q = query_vector.reshape(-1).astype(np.float32)
    out: list[Candidate] = []
    for pid in ids:
        sents, lang = stored.get(pid, (None, ""))
        best_sentence = float((sents @ q).max()) if sents is not None and len(sents) else dense[pid]
        semantic = PASSAGE_WEIGHT * dense[pid] + SENTENCE_WEIGHT * best_sentence
        other = OTHER_LANGUAGE if told and lang and lang != question.lang else 0.0
        score = dense_weight * (float(rescaled(semantic, floor)) + other) + (
            keyword_weight * KEYWORD_WEIGHT * keyword.get(pid, 0)
        )
        out.append(Candidate(pid, dense[pid], keyword.get(pid, 0.0), score, best_sentence))
    out.sort(key=lambda c: c.score, reverse=True)
    return out


def dense_search(
    vectors: Searchable, query: np.ndarray, k: int, allowed: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The top ``k`` (ids, similarities) among ``allowed`` (sorted ids; None: the whole library). A scope of at
    least ``POST_FILTER_SHARE`` of the library is searched whole for enough passages to keep ``k`` of them: below
    the approximate-search threshold the result is the same as the filtered search's, ties aside."""
    total = len(vectors)
    if allowed is None or not total or len(allowed) < POST_FILTER_SHARE * total:
        return vectors.search(query, k, allowed)
    wide = math.ceil(2 * k * total / len(allowed))
    ids, scores = vectors.search(query, wide)
    keep = members(ids, allowed)
    if int(keep.sum()) >= k or len(ids) >= total:
        return ids[keep][:k], scores[keep][:k]
    return vectors.search(query, k, allowed)


def members(ids: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are in ``allowed`` (sorted ascending): a binary search each, not a set of the whole scope."""
    if not len(allowed):
        return np.zeros(len(ids), bool)
    at = np.minimum(np.searchsorted(allowed, ids), len(allowed) - 1)
    return np.asarray(allowed[at] == ids)
