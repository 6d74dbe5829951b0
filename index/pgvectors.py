"""Vector search inside PostgreSQL with the pgvector extension, for a library kept there (``DATABASE_URL``).

The passages' vectors are mirrored into ``passage_vectors`` (a ``vector(dim)`` column) by the same transaction that
stores the passages (``index.store_writes``), and deleted with them (a foreign key), so every process and every
replica searches the one copy: none keeps a FAISS index of its own, nor has to load one at start-up. Below
``PGVECTOR_ANN_THRESHOLD`` passages a search is exact (a scan, as FAISS's flat index: the same passages and scores);
past it a search of the whole library goes through an HNSW index, built once, in the background, without holding
up writers (``CREATE INDEX CONCURRENTLY``; searches stay exact until it is ready). A search given the ids it may
return (a small collection, a period few articles fall in) is exact: pgvector before 0.8 filters an HNSW search's
results after the fact, which would return fewer passages than asked. A scope holding most of the library is
searched whole and filtered by the caller (``retrieval.dense_search``).

The extension's type and operator are named with its schema, so a library in a schema of its own
(``DATABASE_SCHEMA``) finds them wherever the extension was created.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from index.database import Connection, first_line
from index.errors import ModelSwitched
from index.store import Store
from index.vector_mirror import TABLE, literal, mirror

log = logging.getLogger(__name__)

HNSW_INDEX = "passage_vectors_hnsw"
BUILD_LOCK = 0x646F7376  # advisory lock key of the one process that builds the HNSW index ("dosv")
MIRROR_BATCH = 2_000  # passages converted per statement when an existing library is mirrored
# Candidates an HNSW search keeps: at least EF_SEARCH (recall@10 .992 at 100k passages, recall@50 near .98 took
# 200-400), and one per EF_PASSAGES passages, up to pgvector's limit: a larger graph needs a wider search (at 1M,
# recall@10 .75 with 200 and .94 with 1000, 12 ms; bench_pgvector.py, 2026-12-04).
EF_SEARCH = 200
EF_PASSAGES = 1000
EF_SEARCH_MAX = 1000
RETRY_BUILD = 600.0  # seconds before a failed HNSW build is tried again


class PgVectorIndex:
    """Searches over ``passage_vectors``: what ``index.retrieval`` needs of a vector index (``search``,
    ``similarity``, ``dim``, ``len``), answered by the database."""

    def __init__(self, store: Store, schema: str, dim: int, count: int, ann_threshold: int) -> None:
        self.store = store
        self.dim = dim
        self.ann_threshold = ann_threshold
        self._count = count
        self._vector = f'"{schema}".vector'
        self._distance = f'OPERATOR("{schema}".<#>)'  # the negative inner product (vectors are normalised)
        self._opclass = f'"{schema}".vector_ip_ops'
        self._ready = False  # the HNSW index is built and valid
        self._building: threading.Thread | None = None
        self._build_lock = threading.Lock()
        self._failed_at = -RETRY_BUILD

    def __len__(self) -> int:
        return self._count

    @property
    def approximate(self) -> bool:
        return bool(self.ann_threshold) and self._count >= self.ann_threshold

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine scores) for one normalised query, optionally among ``allowed`` ids only."""
        if k <= 0 or not self._count or (allowed is not None and not len(allowed)):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = literal(query)
        # In a transaction of its own, so that the settings below are local to it (``set_config(..., true)``).
        with self.store.snapshot(), self.store.connection() as conn:
            if allowed is None and self.approximate and self._hnsw_ready(conn):
                # Once past the threshold the index is wanted even where the planner would rather sort a small table.
                conn.execute(
                    "SELECT set_config('hnsw.ef_search', ?, true), set_config('enable_seqscan', 'off', true)",
                    (str(ef_search(self._count, k)),),
                )
                order, where, params = f"embedding {self._distance} CAST(? AS {self._vector})", "", [q, q, k]
            else:
                # "+ 0": an expression the HNSW index cannot serve, so this is an exact scan.
                order = f"(embedding {self._distance} CAST(? AS {self._vector})) + 0"
                where, params = "", [q, q, k]
                if allowed is not None:
                    where = "WHERE id = ANY(?)"
                    params = [q, [int(i) for i in allowed], q, k]
            rows = conn.execute(
                f"SELECT id, -(embedding {self._distance} CAST(? AS {self._vector})) FROM {TABLE} {where}"
                f" ORDER BY {order} LIMIT ?",
                params,
            ).fetchall()
        if allowed is None and self.approximate and not self._ready:
            self._build_in_background()
        return np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.float32)

    def similarity(self, query: np.ndarray, ids: list[int]) -> list[float]:
        """Cosine similarity of the query with the stored vectors of ``ids`` (0.0 for unknown ids)."""
        if not ids:
            return []
        with self.store.connection() as conn:
            rows = conn.execute(
                f"SELECT id, -(embedding {self._distance} CAST(? AS {self._vector})) FROM {TABLE} WHERE id = ANY(?)",
                (literal(query), [int(i) for i in ids]),
            ).fetchall()
        found = {int(r[0]): float(r[1]) for r in rows}
        return [found.get(int(i), 0.0) for i in ids]

    def refresh(self, count: int) -> None:
        """After a change to the library: its passage count, and the HNSW index checked again at the next search
        (it may have gone with a table made again)."""
        self._count = count
        self._ready = False

    def prepare(self, wait: bool = False) -> None:
        """Start building the HNSW index when the library is past the threshold (at start-up, not at the first
        ask); searches stay exact until it is ready. ``wait``: build it before returning (benchmarks)."""
        if self.approximate:
            self._build() if wait else self._build_in_background()

    def _hnsw_ready(self, conn: Connection) -> bool:
        if not self._ready:
            row = conn.execute(
                f"SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass('{HNSW_INDEX}')"
            ).fetchone()
            self._ready = bool(row and row[0])
        return self._ready

    def _build_in_background(self) -> None:
        with self._build_lock:
            if time.monotonic() - self._failed_at < RETRY_BUILD:
                return
            if self._building is None or not self._building.is_alive():
                self._building = threading.Thread(target=self._build, name="hnsw-build", daemon=True)
                self._building.start()

    def _build(self) -> None:
        """Build the HNSW index unless another process is at it (it then becomes ready when that one is done). On
        its own connection: ``CREATE INDEX CONCURRENTLY`` runs outside any transaction and lets writers go on."""
        conn = self.store.database.connect()
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))", (BUILD_LOCK,))
            if not got.fetchone()[0]:
                return
            try:
                if self._hnsw_ready(conn):
                    return
                # A build cut short leaves an invalid index behind: it must go before a new one can be built.
                conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {HNSW_INDEX}")
                log.info("building the HNSW index over %d passage vectors", self._count)
                conn.execute(
                    f"CREATE INDEX CONCURRENTLY {HNSW_INDEX} ON {TABLE} USING hnsw (embedding {self._opclass})"
                )
                self._ready = False
                self._hnsw_ready(conn)
            finally:
                conn.execute("SELECT pg_advisory_unlock(?, hashtext(current_schema()))", (BUILD_LOCK,))
        except self.store.database.errors as exc:
            self._failed_at = time.monotonic()
            log.warning("the HNSW index could not be built (searches stay exact): %s", first_line(exc))
        finally:
            conn.close()


class PgVectors:
    """The library's vectors for searching, kept in PostgreSQL: the counterpart of ``VectorCache`` (FAISS), with
    nothing to load, sync or save."""

    def __init__(self, store: Store, model: str, schema: str, ann_threshold: int) -> None:
        self.store = store
        self.model = model
        self.schema = schema
        self.ann_threshold = ann_threshold
        self.generation = -1
        self._index: PgVectorIndex | None = None
        self._lock = threading.Lock()

    def current(self) -> PgVectorIndex | None:
        """The index, None before the library's first add; its passage count follows the library's generation."""
        generation = self.store.generation()
        if self._index is not None and generation == self.generation:
            return self._index
        with self._lock:
            stored = self.store.meta("embedding_model")
            if stored != self.model:
                if stored is not None and self.store.passage_count():
                    raise ModelSwitched(stored, self.model)
                return None
            dim = int(self.store.meta("dimension") or 0)
            self._ensure_table(dim)  # it may have gone since (dropped by hand): made and filled again
            if self._index is None or self._index.dim != dim:
                self._index = PgVectorIndex(self.store, self.schema, dim, 0, self.ann_threshold)
            with self.store.connection() as conn:
                self._index.refresh(int(conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]))
            self.generation = generation
            return self._index

    def ensure(self, dim: int) -> PgVectorIndex:
        """The index, created on the first add (which also records the model and dimension)."""
        index = self.current()
        if index is not None:
            return index
        with self.store.write() as txn:
            txn.claim_model(self.model, dim)
        index = self.current()
        assert index is not None
        return index

    def _ensure_table(self, dim: int) -> None:
        """Create the mirror, and fill it from the stored vectors when the library was built without it (by FAISS,
        or copied by ``dossier migrate``), in one transaction: no search sees it half full."""
        with self.store.connection() as conn:
            if _exists(conn):
                return
        with self.store.write() as txn:
            conn = txn.conn
            if _exists(conn):
                return
            conn.execute(
                f"CREATE TABLE {TABLE} (id BIGINT PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,"
                f' embedding "{self.schema}".vector({dim}) NOT NULL)'
            )
            filled, after = 0, 0
            while rows := conn.execute(
                "SELECT id, vector FROM passages WHERE id > ? ORDER BY id LIMIT ?", (after, MIRROR_BATCH)
            ).fetchall():
                vectors = np.stack([np.frombuffer(r[1], dtype=np.float16).astype(np.float32) for r in rows])
                mirror(conn, f'"{self.schema}".vector', [int(r[0]) for r in rows], vectors)
                filled += len(rows)
                after = int(rows[-1][0])
            if filled:
                log.info("pgvector: %d stored passage vectors mirrored for searching", filled)

    @contextmanager
    def writing(self, save: bool = True) -> Iterator[None]:
        try:
            yield
        finally:
            self.generation = -1

    def add(self, ids: np.ndarray, vecs: np.ndarray) -> None:
        """Nothing to do: the write transaction mirrored them."""

    def remove(self, ids: np.ndarray) -> None:
        """Nothing to do: deleting the passages deleted their vectors."""

    def sync(self, force: bool = False) -> None:
        self.generation = -1

    def rebuild(self, dim: int) -> None:
        self._index = None
        self.generation = -1
        self.current()

    def save(self, force: bool = False) -> None:
        """Nothing to write: the database holds everything."""

    def close(self) -> None:
        """Nothing to write."""

    def file_bytes(self) -> int:
        return 0  # the mirror and its index are in the database's size


def _exists(conn: Connection) -> bool:
    return bool(conn.execute(f"SELECT to_regclass('{TABLE}') IS NOT NULL").fetchone()[0])


def ef_search(passages: int, k: int) -> int:
    """``hnsw.ef_search`` for a search of ``k`` passages in a library of ``passages``."""
    return min(max(EF_SEARCH, k, passages // EF_PASSAGES), EF_SEARCH_MAX)
