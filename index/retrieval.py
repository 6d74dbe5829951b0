"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 bm25) candidates fused into one ranking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.store import Store
from index.vectors import VectorIndex

RRF_K = 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage with its evidence from each retriever; ``score`` orders the fused list."""

    passage_id: int
    dense: float  # cosine similarity with the question
    keyword: float  # bm25 relative to the best keyword hit of this question (0..1)
    score: float


def hybrid_search(
    store: Store,
    vectors: VectorIndex,
    query_vector: np.ndarray,
    question: str,
    collection: str | None,
    allowed: np.ndarray | None,
    k: int = 50,
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
) -> list[Candidate]:
    """Fuse by reciprocal rank, then add the absolute dense similarity so scores mean the same across
    questions (what abstention needs); ``dense_weight=0`` or ``keyword_weight=0`` gives one retriever."""
    dense_ids, dense_scores = (
        vectors.search(query_vector, k, allowed)
        if dense_weight > 0
        else (np.zeros(0, np.int64), np.zeros(0, np.float32))
    )
    keyword_hits = store.keyword_search(question, collection, k) if keyword_weight > 0 else []

    dense = {int(i): float(s) for i, s in zip(dense_ids, dense_scores, strict=True)}
    dense_rank = {int(i): r for r, i in enumerate(dense_ids)}
    best_kw = keyword_hits[0][1] if keyword_hits else 1.0
    keyword = {pid: (s / best_kw if best_kw > 0 else 0.0) for pid, s in keyword_hits}
    keyword_rank = {pid: r for r, (pid, _) in enumerate(keyword_hits)}

    missing = [pid for pid in keyword if pid not in dense]
    if missing:
        for pid, s in zip(missing, vectors.similarity(query_vector, missing), strict=True):
            dense[pid] = s

    out: list[Candidate] = []
    for pid in set(dense_rank) | set(keyword_rank):
        rrf = 0.0
        if pid in dense_rank:
            rrf += dense_weight / (RRF_K + dense_rank[pid])
        if pid in keyword_rank:
            rrf += keyword_weight / (RRF_K + keyword_rank[pid])
        out.append(Candidate(pid, dense.get(pid, 0.0), keyword.get(pid, 0.0), rrf))
    out.sort(key=lambda c: c.score, reverse=True)
    return out
