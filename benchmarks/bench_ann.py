"""Vector search at 100k and 1M passages: exact (flat) against the approximate index Dossier switches to past
VECTOR_ANN_THRESHOLD (IVF, 8-bit codes, candidates re-scored exactly), side by side in one run.

    python benchmarks/bench_ann.py --sizes 100000 1000000

Passage vectors are mixtures of real passage vectors (the default model embeds the eval or seed sentences once),
so they lie where real ones do; queries are the dev questions embedded as queries. Reported: build time, search
p50 / p99 (k = 50, as ``ask`` asks FAISS), recall@10 against exact search, and memory per vector. A float32 flat
index (``IndexFlatIP``, what Dossier kept before library vectors files of format 2) is searched beside the float16
one Dossier keeps, for comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import faiss
import numpy as np
from corpus import passage_like, questions, source_sentences

from index.embedding import build_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL
from index.stored_vectors import as_stored
from index.vectors import VectorIndex


class Float32Flat:
    """The float32 flat index, searched as ``VectorIndex`` searches its own (one query at a time, one thread)."""

    def __init__(self, dim: int, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.index.add_with_ids(np.ascontiguousarray(vectors, np.float32), ids)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k)
        return ids[0], scores[0]


def timed(index: VectorIndex | Float32Flat, queries: np.ndarray, k: int) -> tuple[list[np.ndarray], float, float]:
    found, ms = [], []
    for q in queries:
        start = time.perf_counter()
        ids, _ = index.search(q, k)
        ms.append((time.perf_counter() - start) * 1000)
        found.append(ids)
    ms.sort()
    return found, statistics.median(ms), ms[min(len(ms) - 1, int(0.99 * len(ms)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--k", type=int, default=50)
    args = parser.parse_args()

    model = build_embedder(DEFAULT_EMBEDDING_MODEL)
    sentences = source_sentences()[:3000]
    pool = model.embed_passages(sentences, [() for _ in sentences]).passages
    queries = model.embed_queries(questions()) if questions() else pool[:100]
    queries = np.concatenate([queries] * max(1, 300 // len(queries)))[:300]
    print(f"model {model.name}; pool of {len(pool)} sentence vectors; {len(queries)} queries; k = {args.k}")
    print("| passages | search | build s | p50 ms | p99 ms | recall@10 vs exact | memory per vector |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        vectors = passage_like(pool, n)
        ids = np.arange(1, n + 1, dtype=np.int64)
        exact = VectorIndex(model.dim, model.name, ann_threshold=0)
        start = time.perf_counter()
        exact.add(ids, vectors)
        built = time.perf_counter() - start
        truth, p50, p99 = timed(exact, queries, args.k)
        print(f"| {n:,} | exact (flat, float16) | {built:.1f} | {p50:.1f} | {p99:.1f} | 1.000 | {2 * model.dim} B |")
        start = time.perf_counter()
        before = Float32Flat(model.dim, ids, as_stored(vectors))
        built = time.perf_counter() - start
        found, p50, p99 = timed(before, queries, args.k)
        same = np.mean([np.array_equal(f[:10], t[:10]) for f, t in zip(found, truth, strict=True)])
        row = f"{built:.1f} | {p50:.1f} | {p99:.1f} | 1.000 (same top 10: {same:.3f})"
        print(f"| {n:,} | exact (flat, float32: before) | {row} | {4 * model.dim} B |")
        del before
        approx = VectorIndex(model.dim, model.name, ann_threshold=1)
        approx.add(ids, vectors)
        start = time.perf_counter()
        approx.prepare()
        built = time.perf_counter() - start
        got, p50, p99 = timed(approx, queries, args.k)
        recall = np.mean(
            [len(set(g[:10].tolist()) & set(t[:10].tolist())) / 10 for g, t in zip(got, truth, strict=True)]
        )
        extra = model.dim + 8  # 8-bit codes and the id, beside the exact vectors kept for re-scoring
        row = f"{built:.1f} | {p50:.1f} | {p99:.1f} | {recall:.3f} | {2 * model.dim} + {extra} B"
        print(f"| {n:,} | approximate (IVF-SQ8 + exact re-score, {approx.describe()}) | {row} |")
        del exact, approx, vectors


if __name__ == "__main__":
    main()
