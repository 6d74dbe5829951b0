"""The FAISS side: exact inner-product search over normalised passage vectors, keyed by passage id.

The index file is a cache of the vectors stored in SQLite. It is written to a temporary file,
fsynced and renamed, with a small JSON header (format version, model, dimension, count) beside it.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import faiss
import numpy as np

from index.errors import LibraryCorrupt

FORMAT_VERSION = 1

# FAISS and torch each bring their own OpenMP runtime. A single-query flat search gains little from a
# second thread, while two runtimes spinning for the same two cores roughly double both the query
# embedding and the search (measured: 12.1 + 12.7 ms → 6.7 + 4.9 ms at 100k passages).
faiss.omp_set_num_threads(1)


class VectorIndex:
    """add / remove / search / save / load over ``IndexIDMap2(IndexFlatIP)`` with 64-bit ids."""

    def __init__(self, dim: int, model: str) -> None:
        self.dim = dim
        self.model = model
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._lock = threading.RLock()
        self.dirty = False

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        with self._lock:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        with self._lock:
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64)
            )
            self.dirty = True

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        with self._lock:
            removed = int(self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64)))  # type: ignore[arg-type]
            self.dirty = self.dirty or removed > 0
            return removed

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, cosine scores) for one normalised query, optionally among ``allowed`` ids only."""
        with self._lock:
            if self._index.ntotal == 0 or k <= 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            params = None
            if allowed is not None:
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.ascontiguousarray(allowed, np.int64)))  # type: ignore[call-arg]
            scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

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
        """Write atomically: temp file, fsync, rename; then the header the same way."""
        with self._lock:
            tmp = path.with_name(path.name + ".tmp")
            faiss.write_index(self._index, str(tmp))
            _fsync_replace(tmp, path)
            header = {"version": FORMAT_VERSION, "model": self.model, "dim": self.dim, "count": len(self)}
            _write_atomic(_header_path(path), json.dumps(header).encode())
            self.dirty = False

    @classmethod
    def load(cls, path: Path, dim: int, model: str) -> VectorIndex:
        """Load a saved index; a missing, unreadable or foreign file gives an empty index to rebuild."""
        index = cls(dim, model)
        header_file = _header_path(path)
        if not path.exists() or not header_file.exists():
            return index
        try:
            header = json.loads(header_file.read_text())
            raw = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError) as exc:
            raise LibraryCorrupt(f"cannot read vector index {path}: {exc}; delete it to rebuild") from exc
        stale = (header.get("version"), header.get("dim"), header.get("model")) != (FORMAT_VERSION, dim, model)
        if stale or raw.d != dim or not isinstance(raw, faiss.IndexIDMap2):
            return index  # a stale cache: the caller rebuilds it from the vectors in SQLite
        index._index = raw
        return index


def _header_path(path: Path) -> Path:
    return path.with_suffix(".json")


def _fsync_replace(tmp: Path, path: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    _fsync_replace(tmp, path)
