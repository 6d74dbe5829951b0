"""``ask`` latency over a real SQLite + FAISS library of N passages, peak RSS and bytes on disk per passage.

    python benchmarks/bench_ask.py --passages 100000

Building a 100k library by embedding every passage would take the better part of an hour on 2 cores,
so passages reuse vectors the real model computed once for a pool of unique passages (``--pool``).
Everything else is the real path: chunking, SQLite, FTS5 and FAISS writes on ingest; for each ask the
real query embedding, FAISS and FTS5 search, fusion and evidence selection.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from corpus import articles, questions

from index import Library, Settings
from index.embedding import BatchProgress, Embedder, PassageVectors, build_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL

OUT = Path(__file__).resolve().parent / "out"


class PooledEmbedder:
    """Real tokenizer and query embeddings; passage and sentence vectors made from a pool the real model computed,
    each passage a mix of three pool passages and its sentences the same mix of theirs, so that no two are the
    same. Replayed as they were, each vector came back every pool-size passages: an approximate index cannot tell
    a thousand copies apart, and FAISS's calibration then probed every list at 1M passages (45 ms a search
    instead of ~3)."""

    def __init__(self, real: Embedder, pool_size: int) -> None:
        self.real = real
        self.name = real.name
        self.similarity_floor = real.similarity_floor
        self.pool_size = pool_size
        self.pool: PassageVectors | None = None
        self.used = 0

    @property
    def dim(self) -> int:
        return self.real.dim

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.real.count_tokens(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.embed_queries(texts)

    def embed_passages(
        self,
        texts: Sequence[str],
        sentences: Sequence[Sequence[tuple[int, int]]],
        progress: BatchProgress | None = None,
    ) -> PassageVectors:
        if self.pool is None or len(self.pool.sentences) < self.pool_size:
            computed = self.real.embed_passages(texts, sentences)
            if self.pool is None:
                self.pool = computed
            else:
                self.pool = PassageVectors(
                    np.concatenate([self.pool.passages, computed.passages]), self.pool.sentences + computed.sentences
                )
            return computed
        rng = np.random.default_rng(self.used)
        self.used += len(texts)
        # Each new passage mixes three pool passages (Dirichlet weights); its sentences mix those passages'
        # sentences with the same weights, so they stay the passage's own.
        picks = rng.integers(0, len(self.pool.sentences), size=(len(texts), 3))
        weights = rng.dirichlet(np.ones(3), size=len(texts)).astype(np.float32)
        passages = np.einsum("nk,nkd->nd", weights, self.pool.passages[picks])
        sentence_vectors = []
        for row, spans in zip(range(len(texts)), sentences, strict=True):
            mixed = sum(
                w * np.resize(self._sentences_of(int(p)), (len(spans), self.dim))
                for w, p in zip(weights[row], picks[row], strict=True)
            )
            sentence_vectors.append(_unit(np.asarray(mixed, dtype=np.float32).reshape(len(spans), self.dim)))
        return PassageVectors(_unit(passages), sentence_vectors)

    def _sentences_of(self, row: int) -> np.ndarray:
        assert self.pool is not None
        own = self.pool.sentences[row]
        return own if len(own) else self.pool.passages[row : row + 1]


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def build(data_dir: Path, passages: int, pool: int, embedder: Embedder) -> None:
    lines: list[str] = []
    estimate = 0
    for line in articles(10**9):
        lines.append(line)
        estimate += 3
        if estimate >= passages * 1.02:
            break
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    started = time.perf_counter()
    with Library.open(settings, embedder=PooledEmbedder(embedder, pool)) as lib:  # type: ignore[arg-type]
        report = lib.add_jsonl(lines)
    print(
        f"built {report.passages} passages from {len(report.added)} articles in {time.perf_counter() - started:.0f} s"
        f" (vectors from a pool of {pool} embedded passages)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=2_000, help="passages embedded for real, vectors reused")
    parser.add_argument("--rounds", type=int, default=5, help="times each question is asked")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if the library exists")
    args = parser.parse_args()

    embedder = build_embedder(DEFAULT_EMBEDDING_MODEL)
    data_dir = OUT / f"lib-{args.passages}"
    if args.rebuild or not (data_dir / "library.sqlite3").exists():
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
        build(data_dir, args.passages, args.pool, embedder)

    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    started = time.perf_counter()
    embedder.embed_queries(["load the model"])
    print(f"model load: {time.perf_counter() - started:.2f} s")
    lib = Library.open(settings, embedder=embedder)
    started = time.perf_counter()
    lib.warm_up()
    print(f"open + warm-up (FAISS file read and reconciled with SQLite): {time.perf_counter() - started:.2f} s")
    stats = lib.stats()
    qs = questions()
    latencies: list[float] = []
    timed: list[tuple[float, int, str]] = []
    for round_ in range(args.rounds):
        for q in qs:
            t = time.perf_counter()
            lib.ask(q)
            latencies.append((time.perf_counter() - t) * 1000)
            timed.append((latencies[-1], round_, q))
    latencies.sort()
    print("slowest asks (ms, round, question):")
    for ms, round_, q in sorted(timed, reverse=True)[:6]:
        print(f"  {ms:7.1f}  {round_}  {q[:90]}")
    pct = statistics.quantiles(latencies, n=100)
    print(f"library: {stats.articles} articles, {stats.passages} passages")
    print(f"ask latency over {len(latencies)} asks: p50 {pct[49]:.1f} ms, p95 {pct[94]:.1f} ms, p99 {pct[98]:.1f} ms")
    print(
        f"disk: {(stats.db_bytes + stats.index_bytes) / stats.passages:.0f} bytes per passage "
        f"(SQLite {stats.db_bytes / 2**20:.0f} MiB, FAISS {stats.index_bytes / 2**20:.0f} MiB)"
    )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    lib.close()


if __name__ == "__main__":
    main()
