"""Vector search over the same vectors in FAISS (as Dossier does it) and in PostgreSQL 16 + pgvector (HNSW), side by
side in one run: groundwork for a PostgreSQL backend (issue 13).

    python benchmarks/bench_pgvector.py --passages 100000

PostgreSQL comes from the ``pgserver`` package (the ``bench`` extra): a server with pgvector in a temporary folder,
deleted at the end (as root, pgserver runs it as a system user ``pgserver``, which it creates if missing).

Vectors: N unit-normalised float32 passage vectors, each a mix of three real sentence vectors that Dossier's default
model computes once for the sentences of the dev and general eval articles (``corpus.passage_like``), so they lie
where real ones do and no two are the same (bench_ask's replayed pool would give exact duplicates, whose ties make
recall ill-defined). Queries: the dev and general eval questions embedded as queries by the same model; if fewer
than ``--queries``, the rest are near-passage queries (a passage vector plus noise, cosine about 0.75, as
``VectorIndex`` calibrates its ANN with). Recall is reported for the two kinds apart.

Measured: load (COPY into a ``vector(dim)`` column with a bigint primary key, binary format), HNSW build
(``vector_ip_ops``, m 16, ef_construction 64), top-k query p50 / p99 one query at a time from one connection (like
one bot question; the query text is formatted outside the timer, statements are prepared after 5 uses), recall@k
against FAISS exact results, and bytes on disk per passage. For reference: FAISS exact (``IndexFlatIP`` in
``VectorIndex``, one thread) and the approximate index Dossier switches to past ``VECTOR_ANN_THRESHOLD`` (IVF-SQ8,
candidates re-scored exactly), plus pgvector without an index (sequential scan, exact). Every query set is run once
unmeasured first, so all figures are warm-cache.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from corpus import ROOT, passage_like, source_sentences

from index.cleaning import clean_text
from index.embedding import build_embedder
from index.sentences import split_sentences
from index.settings import DEFAULT_EMBEDDING_MODEL
from index.vectors import VectorIndex

OUT = Path(__file__).resolve().parent / "out"
GENERAL_ARTICLES = ROOT.parent / "shared" / "eval" / "general" / "articles.jsonl"
QUESTION_FILES = [ROOT.parent / "shared" / "eval" / name / "questions.jsonl" for name in ("dev", "general")]
COPY_ROWS = 10_000  # rows per COPY write


def pool_sentences() -> list[str]:
    """The sentences of the dev articles (or the bundled examples), then of the general articles, as bench_ann."""
    sentences = source_sentences()
    if GENERAL_ARTICLES.exists():
        for line in GENERAL_ARTICLES.read_text(encoding="utf-8").splitlines():
            text = clean_text(json.loads(line)["text"])
            sentences.extend(text[s:e] for s, e in split_sentences(text) if len(text[s:e].split()) >= 6)
    return sentences


def eval_questions() -> list[str]:
    out: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            out.extend(json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines())
    return out


def near_passage(vectors: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(vectors), size=n, replace=False)
    dim = vectors.shape[1]
    out = vectors[picks] + rng.normal(0, 0.9 / np.sqrt(dim), (n, dim)).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def copy_binary(ids: np.ndarray, vectors: np.ndarray) -> Iterator[bytes]:
    """The rows as PostgreSQL binary COPY data: (bigint id, vector) with pgvector's wire format
    (int16 dimensions, int16 unused, float4 values, all big-endian)."""
    dim = vectors.shape[1]
    row = np.dtype(
        [
            ("fields", ">i2"),
            ("id_len", ">i4"),
            ("id", ">i8"),
            ("vec_len", ">i4"),
            ("dim", ">i2"),
            ("unused", ">i2"),
            ("values", ">f4", (dim,)),
        ]
    )
    yield b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    for start in range(0, len(ids), COPY_ROWS):
        block = np.zeros(min(COPY_ROWS, len(ids) - start), dtype=row)
        block["fields"], block["id_len"], block["vec_len"], block["dim"] = 2, 8, 4 + 4 * dim, dim
        block["id"] = ids[start : start + len(block)]
        block["values"] = vectors[start : start + len(block)]
        yield block.tobytes()
    yield (-1).to_bytes(2, "big", signed=True)


def timed(search: Callable[[int], np.ndarray], count: int) -> tuple[list[np.ndarray], list[float]]:
    """Each query once unmeasured, then once measured: (results, milliseconds)."""
    for i in range(count):
        search(i)
    found, ms = [], []
    for i in range(count):
        start = time.perf_counter()
        found.append(search(i))
        ms.append((time.perf_counter() - start) * 1000)
    return found, ms


def recall(found: list[np.ndarray], truth: np.ndarray, k: int) -> float:
    hits = [len(set(f[:k].tolist()) & set(t[:k].tolist())) for f, t in zip(found, truth, strict=True)]
    return sum(hits) / (k * len(truth)) if len(truth) else float("nan")


def summary(name: str, found: list[np.ndarray], ms: list[float], truth: np.ndarray, real: int, k: int) -> dict:
    ms_sorted = sorted(ms)
    return {
        "search": name,
        "p50_ms": statistics.median(ms_sorted),
        "p99_ms": ms_sorted[min(len(ms_sorted) - 1, int(0.99 * len(ms_sorted)))],
        "recall_questions": recall(found[:real], truth[:real], k),
        "recall_near": recall(found[real:], truth[real:], k),
        "rows_min": min(len(f) for f in found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10, help="results per query (ask takes 50 from FAISS)")
    parser.add_argument("--pool", type=int, default=3_000, help="real sentence vectors the passages are mixed from")
    parser.add_argument("--ef-search", type=int, nargs="+", default=[40, 100], help="hnsw.ef_search values")
    parser.add_argument("--maintenance-work-mem", default="1GB", help="for the HNSW build ('' = server default)")
    parser.add_argument("--parallel-workers", type=int, default=1, help="max_parallel_maintenance_workers for build")
    parser.add_argument("--shared-buffers", default="1GB", help="server setting, needs a restart ('' = default)")
    parser.add_argument("--out", type=Path, default=OUT / "bench_pgvector.json")
    args = parser.parse_args()

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (pgserver's lock folder)
        warnings.simplefilter("ignore")
        import pgserver
    import psycopg

    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0]), *sys.argv[1:]])
    started = time.perf_counter()
    model = build_embedder(DEFAULT_EMBEDDING_MODEL)
    sentences = pool_sentences()[: args.pool]
    pool = model.embed_passages(sentences, [() for _ in sentences]).passages
    vectors = passage_like(pool, args.passages)
    ids = np.arange(1, args.passages + 1, dtype=np.int64)
    texts = eval_questions()[: args.queries]
    real = model.embed_queries(texts) if texts else np.zeros((0, model.dim), np.float32)
    queries = np.concatenate([real, near_passage(vectors, args.queries - len(real))]).astype(np.float32)
    prep_s = time.perf_counter() - started
    k = args.k
    rows: list[dict[str, Any]] = []
    size = args.passages

    # FAISS exact, as Dossier searches below VECTOR_ANN_THRESHOLD
    exact = VectorIndex(model.dim, model.name, ann_threshold=0)
    start = time.perf_counter()
    exact.add(ids, vectors)
    built = time.perf_counter() - start
    found, ms = timed(lambda i: exact.search(queries[i], k)[0], len(queries))
    truth = np.array([f[:k] for f in found])
    with tempfile.TemporaryDirectory() as tmp:
        exact.save(Path(tmp) / "vectors.faiss")
        faiss_bytes = (Path(tmp) / "vectors.faiss").stat().st_size
    rows.append(
        summary("FAISS exact (IndexFlatIP, 1 thread)", found, ms, truth, len(real), k)
        | {"load_s": built, "index_s": 0.0, "bytes_per_passage": faiss_bytes / size}
    )

    # FAISS approximate, as Dossier searches past VECTOR_ANN_THRESHOLD
    approx = VectorIndex(model.dim, model.name, ann_threshold=1)
    approx.add(ids, vectors)
    start = time.perf_counter()
    approx.prepare()
    built = time.perf_counter() - start
    found, ms = timed(lambda i: approx.search(queries[i], k)[0], len(queries))
    rows.append(
        # built in memory from the exact index at start-up: the same file on disk, codes and ids in RAM only
        summary(
            f"FAISS IVF-SQ8 + exact re-score ({approx.describe()}; +{model.dim + 8} B per passage in RAM)",
            found,
            ms,
            truth,
            len(real),
            k,
        )
        | {"load_s": 0.0, "index_s": built, "bytes_per_passage": faiss_bytes / size}
    )

    literals = ["[" + ",".join(map(repr, q.tolist())) + "]" for q in queries]
    pgdata = tempfile.mkdtemp(prefix="bench-pgvector-")
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    try:
        if args.shared_buffers:
            server.psql(f"ALTER SYSTEM SET shared_buffers = '{args.shared_buffers}';")
            # restart reuses the start options (socket folder); stopped explicitly below, as pgserver only
            # stops the server process it started
            restart = ["-w", "-l", str(server.log), "restart"]
            pgserver.pg_ctl(restart, pgdata=server.pgdata, user=server.system_user)  # type: ignore[attr-defined]
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            versions = conn.execute(
                "SELECT current_setting('server_version'), extversion, current_setting('shared_buffers') "
                "FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
            assert versions is not None
            pg_version, pgvector_version, shared_buffers = versions
            conn.execute(f"CREATE TABLE passages (id bigint PRIMARY KEY, embedding vector({model.dim}) NOT NULL)")
            start = time.perf_counter()
            with conn.cursor() as cur, cur.copy("COPY passages (id, embedding) FROM STDIN (FORMAT BINARY)") as cp:
                for chunk in copy_binary(ids, vectors):
                    cp.write(chunk)
            conn.execute("VACUUM ANALYZE passages")
            copy_s = time.perf_counter() - start
            table_bytes = conn.execute("SELECT pg_total_relation_size('passages')").fetchone()[0]  # type: ignore[index]

            def pg_search(i: int) -> np.ndarray:
                sql = "SELECT id FROM passages ORDER BY embedding <#> %s::vector LIMIT %s"
                return np.array([r[0] for r in conn.execute(sql, (literals[i], k)).fetchall()], dtype=np.int64)

            found, ms = timed(pg_search, len(queries))
            rows.append(
                summary("pgvector exact (no index, sequential scan)", found, ms, truth, len(real), k)
                | {"load_s": copy_s, "index_s": 0.0, "bytes_per_passage": table_bytes / size}
            )

            notices: list[str] = []
            conn.add_notice_handler(lambda d: notices.append(str(d.message_primary)))
            if args.maintenance_work_mem:
                conn.execute(f"SET maintenance_work_mem = '{args.maintenance_work_mem}'")
            conn.execute(f"SET max_parallel_maintenance_workers = {args.parallel_workers}")
            start = time.perf_counter()
            conn.execute("CREATE INDEX passages_embedding ON passages USING hnsw (embedding vector_ip_ops)")
            index_s = time.perf_counter() - start
            total_bytes = conn.execute("SELECT pg_total_relation_size('passages')").fetchone()[0]  # type: ignore[index]
            hnsw_bytes = conn.execute("SELECT pg_relation_size('passages_embedding')").fetchone()[0]  # type: ignore[index]
            maintenance_work_mem = conn.execute("SHOW maintenance_work_mem").fetchone()[0]  # type: ignore[index]
            for ef in args.ef_search:
                conn.execute(f"SET hnsw.ef_search = {ef}")
                found, ms = timed(pg_search, len(queries))
                rows.append(
                    summary(f"pgvector HNSW, ef_search {ef}", found, ms, truth, len(real), k)
                    | {"load_s": copy_s, "index_s": index_s, "bytes_per_passage": total_bytes / size}
                )
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stop the restarted server (if any) ourselves
            pgserver.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)  # type: ignore[attr-defined]
        server.cleanup()

    print(command)
    print(
        f"{size:,} passages, dim {model.dim} ({model.name}, mixed from {len(pool)} real sentence vectors); "
        f"{len(queries)} queries ({len(real)} eval questions, {len(queries) - len(real)} near-passage); "
        f"top {k}; {os.cpu_count()} cores; vectors + query embedding {prep_s:.0f} s"
    )
    print(
        f"PostgreSQL {pg_version}, pgvector {pgvector_version}, shared_buffers {shared_buffers}; HNSW m 16, "
        f"ef_construction 64, maintenance_work_mem {maintenance_work_mem}, "
        f"{args.parallel_workers} parallel maintenance worker(s); index {hnsw_bytes / size:.0f} B per passage, "
        f"table with primary key {table_bytes / size:.0f} B per passage"
    )
    for notice in notices:
        print(f"PostgreSQL notice during the build: {notice}")
    print(
        f"| search | load s | index s | p50 ms | p99 ms | recall@{k} questions | recall@{k} near-passage "
        "| disk B per passage |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        short = "" if r["rows_min"] >= k else f" (only {r['rows_min']} rows)"
        print(
            f"| {r['search']}{short} | {r['load_s']:.1f} | {r['index_s']:.1f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['recall_questions']:.3f} | {r['recall_near']:.3f} | {r['bytes_per_passage']:.0f} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    if args.out.exists():
        try:
            results = json.loads(args.out.read_text())
        except ValueError:
            results = {}
    results[str(size)] = {
        "command": command,
        "passages": size,
        "dim": model.dim,
        "model": model.name,
        "queries": len(queries),
        "eval_questions": len(real),
        "k": k,
        "cores": os.cpu_count(),
        "postgres": pg_version,
        "pgvector": pgvector_version,
        "shared_buffers": shared_buffers,
        "maintenance_work_mem": maintenance_work_mem,
        "parallel_maintenance_workers": args.parallel_workers,
        "hnsw_bytes_per_passage": hnsw_bytes / size,
        "table_bytes_per_passage": table_bytes / size,
        "build_notices": notices,
        "rows": rows,
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {os.path.relpath(args.out)} (key {size})")


if __name__ == "__main__":
    main()
