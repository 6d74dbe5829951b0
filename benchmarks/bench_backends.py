"""The same library in SQLite and in PostgreSQL (``DATABASE_URL``), side by side in one run: import rate, ``ask``
latency, the recall@10 of its vector search against exact search over the same stored vectors, bytes on disk per
passage and memory: the peak resident set this process added while the library was
built and asked (the model and the vector pool were loaded before), and for PostgreSQL the server's proportional
set size after the questions (shared buffers counted once).

    python benchmarks/bench_backends.py --passages 100000

PostgreSQL 16 comes from the ``pgserver`` package (the ``test`` extra): a server in a temporary folder, deleted
at the end. Both libraries are built through the real path (chunking, the database's writes and keyword rows,
FAISS) with passage vectors replayed from a pool the real model embedded once, as ``bench_ask.py`` does; each
ask is the real one (query embedding, FAISS, the keyword search of that database, evidence, answerability).
PostgreSQL is measured twice, each in a database of its own: searching vectors with pgvector (the default where
the extension is there: nothing in ``DATA_DIR``) and with a FAISS copy in ``DATA_DIR`` (``VECTOR_SEARCH=faiss``).
The backends run one after the other in one process, so the model and the questions are the same.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from bench_ask import PooledEmbedder
from corpus import articles, questions

from index import Library, Settings
from index.embedding import Embedder, build_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL


def corpus_lines(passages: int) -> list[str]:
    lines: list[str] = []
    for line in articles(10**9):
        lines.append(line)
        if len(lines) * 3 >= passages * 1.02:  # about three passages an article
            break
    return lines


def reset_peak_rss() -> None:
    """Start this process's peak resident set (VmHWM) afresh: each backend's peak is its own (Linux >= 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def status_mib(pid: int | str, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_pss_mib(postmaster: int) -> float:
    """Proportional set size of a PostgreSQL server and its backends (shared buffers counted once)."""
    pids = [postmaster] + [int(p) for p in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()]
    total = 0.0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # a backend that ended meanwhile
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) / 1024
    return total


def vector_recall(lib: Library, embedder: Embedder, k: int = 10, wide: int = 50) -> float:
    """Recall@k of the library's vector search (asked for ``wide`` results, as a question's search is) against an
    exact scan of the stored vectors, over the questions; the scan reads the vectors in blocks."""
    index = lib.vector_index()
    if index is None:
        return float("nan")
    queries = embedder.embed_queries(questions())
    found = [set(index.search(q, wide)[0][:k].tolist()) for q in queries]
    ids = lib.store.passage_ids(None)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    best_scores = np.zeros((len(queries), 0), dtype=np.float32)
    for start in range(0, len(ids), 50_000):
        block = ids[start : start + 50_000]
        scores = queries @ lib.store.vectors(block, index.dim).T
        all_ids = np.hstack([best_ids, np.broadcast_to(block, scores.shape)])
        all_scores = np.hstack([best_scores, scores])
        top = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
        best_ids = np.take_along_axis(all_ids, top, axis=1)
        best_scores = np.take_along_axis(all_scores, top, axis=1)
    return float(np.mean([len(f & set(exact.tolist())) / k for f, exact in zip(found, best_ids, strict=True)]))


def measure(
    name: str,
    settings: Settings,
    lines: list[str],
    pooled: PooledEmbedder,
    rounds: int,
    postmaster: int | None = None,
) -> str:
    embedder = pooled.real
    reset_peak_rss()
    baseline = status_mib("self", "VmRSS")
    with Library.open(settings, embedder=pooled) as lib:  # type: ignore[arg-type]
        started = time.perf_counter()
        report = lib.add_jsonl(lines)
        seconds = time.perf_counter() - started
    with Library.open(settings, embedder=embedder) as lib:
        started = time.perf_counter()
        lib.warm_up(wait=True)  # pgvector's HNSW index built before the questions
        opened = time.perf_counter() - started
        latencies: list[float] = []
        for _ in range(rounds):
            for q in questions():
                t = time.perf_counter()
                lib.ask(q)
                latencies.append((time.perf_counter() - t) * 1000)
        stats = lib.stats()
        server = server_pss_mib(postmaster) if postmaster else 0.0
    peak = status_mib("self", "VmHWM") - baseline
    with Library.open(settings, embedder=embedder) as lib:  # after the peak: the exact scan is the benchmark's own
        recall = vector_recall(lib, embedder)
    pct = statistics.quantiles(sorted(latencies), n=100)
    per_passage = (stats.db_bytes + stats.index_bytes) / max(stats.passages, 1)
    return (
        f"| {name} | {stats.passages:,} | {seconds:.0f} | {report.passages / seconds:.0f} | {opened:.2f} | "
        f"{pct[49]:.1f} / {pct[94]:.1f} / {pct[98]:.1f} | {recall:.3f} | "
        f"{per_passage:,.0f} ({stats.db_bytes / 2**20:,.0f} MiB "
        f"database + {stats.index_bytes / 2**20:,.0f} MiB FAISS) | "
        f"{peak:,.0f}{f' + {server:,.0f} server' if postmaster else ''} |"
    )


def new_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=2_000, help="passages embedded for real, vectors reused")
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    parser.add_argument(
        "--backends",
        default="sqlite,pgvector,faiss",
        help="comma-separated: sqlite (SQLite + FAISS), pgvector (PostgreSQL + pgvector), faiss (PostgreSQL + FAISS)",
    )
    parser.add_argument(
        "--pgvector-ann-threshold",
        type=int,
        default=Settings.model_fields["pgvector_ann_threshold"].default,
        help="PGVECTOR_ANN_THRESHOLD of the pgvector library",
    )
    parser.add_argument(
        "--ann-threshold",
        type=int,
        default=Settings.model_fields["vector_ann_threshold"].default,
        help="VECTOR_ANN_THRESHOLD of the FAISS libraries (lower it to measure FAISS IVF)",
    )
    parser.add_argument(
        "--maintenance-work-mem",
        default="4GB",
        help="the server's maintenance_work_mem, which HNSW builds in ('' = pgserver's 64MB: past ~30k passages the "
        "graph spills to disk and a 1M build takes many times longer)",
    )
    args = parser.parse_args()
    backends = set(args.backends.split(","))

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (pgserver's lock folder)
        warnings.simplefilter("ignore")
        import pgserver

    embedder = build_embedder(DEFAULT_EMBEDDING_MODEL)
    lines = corpus_lines(args.passages)
    # Each row is printed once measured: a 1M-passage run takes hours, and a row should outlive a later failure.
    print(
        f"{len(lines):,} articles, VECTOR_ANN_THRESHOLD {args.ann_threshold:,}, "
        f"PGVECTOR_ANN_THRESHOLD {args.pgvector_ann_threshold:,}, maintenance_work_mem "
        f"{args.maintenance_work_mem or 'as pgserver sets it'}, "
        f"{len(questions())} questions asked {args.rounds} times each, "
        f"passage vectors from a pool of {args.pool:,}\n"
    )
    print(
        "| backend | passages | import s | passages/s | open + warm-up s | ask p50 / p95 / p99 ms "
        "| vector recall@10 | disk B per passage | RAM MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    pooled = PooledEmbedder(embedder, args.pool)
    with tempfile.TemporaryDirectory(prefix="dossier-backends-") as scratch:
        root = Path(scratch)
        # The pool is embedded first, apart: both builds then replay it and neither pays for the model.
        with Library.open(Settings(_env_file=None, data_dir=root / "pool"), embedder=pooled) as lib:  # type: ignore[arg-type, call-arg]
            lib.add_jsonl(corpus_lines(args.pool))
        if "sqlite" in backends:
            sqlite = Settings(_env_file=None, data_dir=root / "sqlite", vector_ann_threshold=args.ann_threshold)  # type: ignore[call-arg]
            print(measure("SQLite + FTS5", sqlite, lines, pooled, args.rounds), flush=True)
        server = pgserver.get_server(root / "pgdata", cleanup_mode="delete")
        try:
            if args.maintenance_work_mem:
                import psycopg

                with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                    conn.execute(f"ALTER SYSTEM SET maintenance_work_mem = '{args.maintenance_work_mem}'")
                    conn.execute("SELECT pg_reload_conf()")
            for name, search in (("pgvector", "pgvector"), ("FAISS copy", "faiss")):
                if search not in backends:
                    continue
                postgres = Settings(  # type: ignore[call-arg]
                    _env_file=None,
                    data_dir=root / f"postgres-{search}",
                    database_url=new_database(server.get_uri(), search),
                    vector_search=search,
                    vector_ann_threshold=args.ann_threshold,
                    pgvector_ann_threshold=args.pgvector_ann_threshold,
                )
                postmaster = int((root / "pgdata" / "postmaster.pid").read_text().split()[0])
                print(measure(f"PostgreSQL 16, {name}", postgres, lines, pooled, args.rounds, postmaster), flush=True)
        finally:
            server.cleanup()


if __name__ == "__main__":
    main()
