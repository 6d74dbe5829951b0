"""The FAISS side: exact inner-product search over normalised passage vectors, keyed by passage id.

The vectors are kept as float16, as the library stores them (``index.stored_vectors.as_stored``): decoding them
gives back exactly the numbers a float32 index would hold, in half the memory, and a search reads half the bytes (at
100k passages 8.1 against 11.2 ms; same passages, scores within 1.2e-7: ``benchmarks/bench_ann.py``).

The index file is a cache of the vectors stored in SQLite. It is written to a temporary file,
fsynced and renamed, with a small JSON header (format version, model, dimension, count) beside it
(``index.vector_files``). Both sides keep a ``vector_digest`` of their (id, vector) pairs, so a cache that differs
from SQLite in any vector (an overwritten file, a vector kept under an id that now means another passage) is noticed.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from index.ann import Ann
from index.stored_vectors import DIGEST_MASK, as_stored, vector_digest
from index.vector_files import ann_files, ann_path, header_path, write_atomic, write_index

log = logging.getLogger(__name__)
CALIBRATION_QUERIES = 200  # queries that choose how many lists the approximate index probes
FORMAT_VERSION = 2  # 1: float32 vectors (IndexFlatIP)

# FAISS and torch each bring their own OpenMP runtime. A single-query flat search gains little from a
# second thread, while two runtimes spinning for the same two cores roughly double both the query
# embedding and the search (measured: 12.1 + 12.7 ms → 6.7 + 4.9 ms at 100k passages).
faiss.omp_set_num_threads(1)


class Searchable(Protocol):
    """What a search needs of the library's vectors: FAISS's ``VectorIndex``, or ``index.pgvectors.PgVectorIndex``."""

    dim: int

    def __len__(self) -> int: ...
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]: ...
    def similarity(self, query: np.ndarray, ids: list[int]) -> list[float]: ...
    def prepare(self, wait: bool = False) -> None: ...


class VectorIndex:
    """add / remove / search / save / load over ``IndexIDMap2`` of a float16 flat index, with 64-bit ids. Past
    ``ann_threshold`` vectors (0: never), searches of the whole index go through an approximate index (``Ann``)
    whose candidates are re-scored with the exact vectors."""

    def __init__(self, dim: int, model: str, ann_threshold: int = 0) -> None:
        self.dim = dim
        self.model = model
        self.ann_threshold = ann_threshold
        self._ann: Ann | None = None
        self._index = _flat(dim)
        self._lock = threading.RLock()
        self.unsaved = 0  # vectors added or removed since the file was last written
        self.ann_unsaved = False  # an approximate index was trained since the files were last written
        self.digest = 0  # vector_digest of everything in the index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        with self._lock:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under new ids; ids already present are skipped (they keep one vector each)."""
        if len(ids) == 0:
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(as_stored(vectors))  # what the index will hold, for the digest
        with self._lock:
            new = ~np.isin(ids, self.ids())
            if not new.all():
                ids, vectors = np.ascontiguousarray(ids[new]), np.ascontiguousarray(vectors[new])
            if len(ids) == 0:
                return
            self._index.add_with_ids(vectors, ids)
            if self._ann is not None:
                self._ann.add(ids, vectors)
            self.digest = (self.digest + vector_digest(ids, vectors)) & DIGEST_MASK
            self.unsaved += len(ids)

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        with self._lock:
            present = np.intersect1d(np.asarray(ids, dtype=np.int64), self.ids())
            if len(present) == 0:
                return 0
            old = np.stack([self._index.reconstruct(int(pid)) for pid in present])
            removed = int(self._index.remove_ids(np.ascontiguousarray(present)))  # type: ignore[arg-type]
            if self._ann is not None:
                self._ann.remove(present)
            self.digest = (self.digest - vector_digest(present, old)) & DIGEST_MASK
            self.unsaved += len(present)
            return removed

    def replace_all(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Empty the index and fill it with exactly these vectors."""
        with self._lock:
            self._index = _flat(self.dim)
            self._ann = None
            self.digest = 0
            self.unsaved = max(1, self.unsaved)  # even when empty: the file must say so
            self.add(ids, vectors)

    def _stored_vectors(self) -> np.ndarray:
        """Every vector in the index, in the order of ``ids()``."""
        codes = faiss.vector_to_array(faiss.downcast_index(self._index.index).codes)  # type: ignore[attr-defined]
        return codes.view(np.float16).astype(np.float32).reshape(len(self), self.dim)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine scores) for one normalised query, optionally among ``allowed`` ids only."""
        with self._lock:
            if self._index.ntotal == 0 or k <= 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if allowed is None and self.ann_threshold and len(self) >= self.ann_threshold:
                q = query.reshape(-1).astype(np.float32)
                return self._rescore(q, self._approximate().candidates(q, k), k)
            params = None
            if allowed is not None:
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.ascontiguousarray(allowed, np.int64)))  # type: ignore[call-arg]
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def prepare(self, wait: bool = False) -> None:
        """Build the approximate index now when this many vectors need one (at start-up, not at the first ask);
        always before returning."""
        with self._lock:
            if self.ann_threshold and len(self) >= self.ann_threshold:
                self._approximate()

    def describe(self) -> str:
        """'exact', or '1024 lists, 32 probed' once the approximate index is built."""
        ann = self._ann
        return "exact" if ann is None else f"{ann.lists} lists, {ann.nprobe} probed"

    @property
    def approximate(self) -> bool:
        """Whether searches of the whole index go through the approximate index."""
        return bool(self.ann_threshold) and len(self) >= self.ann_threshold

    def _approximate(self) -> Ann:
        """The approximate index, built (or rebuilt after much growth) from the exact vectors when needed."""
        if self._ann is None or self._ann.stale():
            vectors = self._stored_vectors()
            ann = Ann(vectors, self.ids())
            rng = np.random.default_rng(1)
            picks = rng.choice(len(vectors), size=min(len(vectors), CALIBRATION_QUERIES), replace=False)
            # Queries as far from their nearest passage as real ones are (cosine about 0.75), never a passage itself.
            noise = rng.normal(0, 0.9 / np.sqrt(self.dim), (len(picks), self.dim)).astype(np.float32)
            queries = vectors[picks] + noise
            queries /= np.linalg.norm(queries, axis=1, keepdims=True)
            _, exact = self._index.search(queries, 10)
            ann.calibrate(queries, exact, self._rescore)
            log.info(
                "approximate index: %d vectors, %d lists, %d probed, %.1f s",
                len(ann),
                ann.lists,
                ann.nprobe,
                ann.seconds,
            )
            self._ann = ann
            self.ann_unsaved = True
        return self._ann

    def _rescore(self, query: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The top ``k`` of ``ids`` by their exact similarity with ``query``."""
        if len(ids) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        scores = self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64)) @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return ids[order].astype(np.int64), scores[order].astype(np.float32)

    def similarity(self, query: np.ndarray, ids: list[int]) -> list[float]:
        """Cosine similarity of the query with the stored vectors of ``ids`` (0.0 for unknown ids)."""
        out: list[float] = []
        q = query.reshape(-1).astype(np.float32)
        with self._lock:
            for pid in ids:
                try:
                    out.append(float(self._index.reconstruct(int(pid)) @ q))
                except RuntimeError:
                    out.append(0.0)
        return out

    def save(self, path: Path) -> None:
        """Write atomically: temp file, fsync, rename; the approximate index (when built) beside it the same way;
        then the header, which names the digest the approximate index was written with: a crash between the files
        leaves a header that no longer matches, and the approximate index is trained again."""
        with self._lock:
            write_index(self._index, path)
            header: dict[str, object] = {
                "version": FORMAT_VERSION,
                "model": self.model,
                "dim": self.dim,
                "count": len(self),
            }
            ann = self._ann
            written = None
            if ann is not None and len(ann) == len(self):
                # Named by the digest of the vectors it holds: a process that read the header before this save
                # opens the file that matches its exact index, or finds it gone and trains its own.
                written = ann_path(path, self.digest)
                write_index(ann.index, written)
                header["ann"] = {"digest": self.digest, "trained_for": ann.trained_for, "nprobe": ann.nprobe}
            write_atomic(header_path(path), json.dumps(header).encode())
            for old in ann_files(path):
                if old != written:
                    old.unlink(missing_ok=True)  # written before (other vectors, a reindex): stale
            self.unsaved = 0
            self.ann_unsaved = False

    @classmethod
    def load(cls, path: Path, dim: int, model: str, ann_threshold: int = 0) -> VectorIndex:
        """Load a saved index with its digest; a missing, unreadable or foreign file gives an empty index that
        the caller rebuilds from the vectors in SQLite."""
        index = cls(dim, model, ann_threshold)
        header_file = header_path(path)
        if not path.exists() or not header_file.exists():
            return index
        try:
            header = json.loads(header_file.read_text())
            raw = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("cannot read the vector index %s (%s); rebuilding it from the library", path, exc)
            return index
        stale = (header.get("version"), header.get("dim"), header.get("model")) != (FORMAT_VERSION, dim, model)
        if stale or raw.d != dim or not isinstance(raw, faiss.IndexIDMap2):
            return index  # a stale cache: the caller rebuilds it from the vectors in SQLite
        if not _is_flat_float16(faiss.downcast_index(raw.index)):
            log.warning("the vector index %s is not of the expected kind; rebuilding it from the library", path)
            return index
        index._index = raw
        index.digest = vector_digest(index.ids(), index._stored_vectors())
        index._ann = _read_ann(path, header.get("ann"), index)
        return index


def _flat(dim: int) -> faiss.IndexIDMap2:
    return faiss.IndexIDMap2(faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT))


def _is_flat_float16(index: faiss.Index) -> bool:
    return (
        isinstance(index, faiss.IndexScalarQuantizer)
        and index.sq.qtype == faiss.ScalarQuantizer.QT_fp16
        and index.metric_type == faiss.METRIC_INNER_PRODUCT
    )


def _read_ann(path: Path, saved: object, index: VectorIndex) -> Ann | None:
    """The approximate index written with the flat one, when it was written with exactly these vectors."""
    if not isinstance(saved, dict) or saved.get("digest") != index.digest or not index.approximate:
        return None
    try:
        raw = faiss.read_index(str(ann_path(path, index.digest)))
        ann = Ann.restore(raw, int(saved["trained_for"]), int(saved["nprobe"]))
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, AttributeError) as exc:
        log.warning("cannot read the approximate index beside %s (%s); training it again", path, exc)
        return None
    if len(ann) != len(index) or raw.d != index.dim:
        return None
    return ann
