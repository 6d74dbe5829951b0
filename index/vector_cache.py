"""The FAISS index over the passage vectors stored in SQLite: loaded on first use, kept in line with SQLite (another
process may have written since), and written to its file once a share of it changed. SQLite is the source of truth;
the file only spares re-reading every vector at start-up, so a process that starts after a crash repairs it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.errors import ModelSwitched
from index.store import Store
from index.vector_files import ann_files
from index.vectors import VectorIndex

log = logging.getLogger(__name__)
SAVE_SHARE = 0.05  # the FAISS file is rewritten once this share of its vectors changed (and on close)


class VectorCache:
    """The library's vector index (``current``), its bookkeeping with SQLite, and its file."""

    def __init__(self, store: Store, path: Path, model: str, ann_threshold: int) -> None:
        self.store = store
        self.path = path
        self.model = model
        self.ann_threshold = ann_threshold
        self._vectors: VectorIndex | None = None
        self.generation = -1  # SQLite's change counter when the index was last brought in line; -1: check again
        self._sync_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._wrote = False  # this process changed the library: close writes the file

    def current(self) -> VectorIndex | None:
        """The index, loaded on first use and kept in line with SQLite; None before the library's first add."""
        if self._vectors is None:
            with self._load_lock:
                if self._vectors is None:
                    stored = self.store.meta("embedding_model")
                    if stored != self.model:
                        if stored is not None and self.store.passage_count():  # another process's model
                            raise ModelSwitched(stored, self.model)
                        return None
                    dim = int(self.store.meta("dimension") or 0)
                    self._vectors = VectorIndex.load(self.path, dim, self.model, self.ann_threshold)
                    self.sync(force=True)
                    return self._vectors
        self.sync()
        return self._vectors

    def ensure(self, dim: int) -> VectorIndex:
        """The index, created on the first add (which also records the model and dimension in SQLite)."""
        vectors = self.current()
        if vectors is not None:
            return vectors
        with self.store.write() as txn:
            txn.claim_model(self.model, dim)  # another process may have added meanwhile
        vectors = self.current()
        assert vectors is not None
        return vectors

    @contextmanager
    def writing(self, save: bool = True) -> Iterator[None]:
        """Around a change to SQLite's passages: afterwards the index is checked against SQLite on its next read
        and (``save``) its file written if a share changed."""
        self._wrote = True
        try:
            yield
        finally:
            self.generation = -1
        if save:
            self.save()

    def add(self, ids: np.ndarray, vecs: np.ndarray) -> None:
        """Vectors just stored in SQLite; never in the middle of a sync, whose digest check would see half a change."""
        with self._sync_lock:
            if self._vectors is not None:
                self._vectors.add(ids, vecs)

    def remove(self, ids: np.ndarray) -> None:
        with self._sync_lock:
            if self._vectors is not None:
                self._vectors.remove(ids)

    def sync(self, force: bool = False) -> None:
        """Bring the in-memory index in line with SQLite: add missing vectors, drop orphans, then compare the
        digests of all (id, vector) pairs; if they still differ (a damaged file, a vector kept under an id that now
        holds another passage), rebuild the index from the vectors stored in SQLite."""
        vectors = self._vectors
        if vectors is None:
            return
        if self.store.generation() == self.generation and not force:
            return
        with self._sync_lock, self.store.snapshot():
            generation = self.store.generation()
            stored = self.store.meta("embedding_model")
            if stored is not None and stored != self.model:  # reindexed by another process: these are not ours
                raise ModelSwitched(stored, self.model)
            db_ids = self.store.passage_ids()
            faiss_ids = vectors.ids()
            missing = np.setdiff1d(db_ids, faiss_ids, assume_unique=True)
            orphans = np.setdiff1d(faiss_ids, db_ids, assume_unique=True)
            if len(missing):
                vectors.add(missing, self.store.vectors(missing.tolist(), vectors.dim))
            if len(orphans):
                vectors.remove(orphans)
            if vectors.digest != self.store.vector_digest() or len(vectors) != len(db_ids):
                log.warning(
                    "the vector index did not match the library (%d vectors); rebuilt it from the %d stored in SQLite",
                    len(vectors),
                    len(db_ids),
                )
                vectors.replace_all(db_ids, self.store.vectors(db_ids.tolist(), vectors.dim))
            elif force and (len(missing) or len(orphans)):
                log.info("vector index repaired: %d vectors added, %d orphans dropped", len(missing), len(orphans))
            self.generation = generation

    def rebuild(self, dim: int) -> None:
        """A new index from every vector in SQLite (after a reindex), written at once."""
        self._wrote = True
        self._vectors = VectorIndex(dim, self.model, self.ann_threshold)
        self.sync(force=True)
        self.save(force=True)

    def save(self, force: bool = False) -> None:
        """Write the file once a share of the index changed (``SAVE_SHARE``), or now (``force``: closing, reindex).
        Rewriting it (0.77 GB at 1M passages) at every add would buy nothing: after a crash, opening the library
        adds what the file lacks from SQLite and drops what SQLite no longer has."""
        vectors = self._vectors
        if vectors is None:
            return

        def due() -> bool:
            changed = vectors.unsaved > 0 or vectors.ann_unsaved
            return changed and (force or vectors.unsaved >= SAVE_SHARE * len(vectors))

        if due():
            with self.store.exclusive():
                if due():  # again under the lock: another add may have saved meanwhile
                    vectors.save(self.path)

    def close(self) -> None:
        """Write the files if this process changed the library or trained an approximate index (a reader's repairs
        wait for the share: a writer may be busy)."""
        vectors = self._vectors
        self.save(force=self._wrote or (vectors is not None and vectors.ann_unsaved))

    def file_bytes(self) -> int:
        """The index files on disk: the exact index and, past the threshold, the approximate one."""
        return sum(p.stat().st_size for p in (self.path, *ann_files(self.path)) if p.exists())
