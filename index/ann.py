"""Approximate search for large libraries: an inverted-file index (IVF) with 8-bit scalar-quantised vectors, used
to find candidates that the exact vectors then re-score.

The exact flat index stays the library's vector cache; this one is derived from it, kept in step on every add and
remove, written beside it (so a restart does not train it again: about 80 s at 1M vectors), and rebuilt when the
library has grown four times past its training.
Built only past ``VECTOR_ANN_THRESHOLD`` vectors: below that an exact scan is fast enough (about 5 ms at 100k).
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable

import faiss
import numpy as np

log = logging.getLogger(__name__)
Rescore = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]  # (query, ids, k) → top ids, scores
CANDIDATES = 4  # candidates per wanted result, re-scored exactly: covers what 8-bit codes misorder
# Recall@10 against exact search that the number of probed lists is raised to reach on the calibration queries;
# real questions lie a little farther from their passages, so the target is above the .97 wanted of them.
TARGET_RECALL = 0.99
# Lists probed per list the calibration needs. Passages moved off by noise stay easier than real questions at any
# size (1M vectors mixed from 1,000 real passage vectors as bench_backends.py stores them; recall@10 of the dev
# questions / of the calibration queries by lists probed: 32: .931/.985, 48: .957/.990, 64: .969/.993,
# 96: .978/.994, 128: .985/.995): the calibration settles on 64 and questions get .969; half as many again reach
# .978 for about 1 ms more a search.
PROBE_MARGIN = 1.5
TRAIN_PER_LIST = 40  # training vectors per list (faiss warns below 39)
REBUILD_GROWTH = 4  # rebuild once the index holds this many times the vectors it was trained for


class Ann:
    """IVF-SQ8 over (ids, normalised vectors); ``candidates`` returns ids, best first, for exact re-scoring."""

    _read: faiss.Index | None = None

    def __init__(self, vectors: np.ndarray, ids: np.ndarray, seed: int = 0) -> None:
        started = time.perf_counter()
        n, dim = vectors.shape
        # 1,024 lists at 1M vectors (about 1,000 a list); never more than the vectors can train
        self.lists = max(1, min(1 << round(math.log2(math.sqrt(n))), n // TRAIN_PER_LIST))
        self.trained_for = n
        quantiser = faiss.IndexFlatIP(dim)
        self.index = faiss.IndexIVFScalarQuantizer(
            quantiser, dim, self.lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        self._quantiser = quantiser  # the Python wrapper must outlive the index that points to it
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(n, size=min(n, self.lists * TRAIN_PER_LIST), replace=False)]
        # Searches run on one thread (see index/vectors.py); building uses every core, once.
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        try:
            self.index.train(np.ascontiguousarray(sample))
            self.index.add_with_ids(vectors, ids)
        finally:
            faiss.omp_set_num_threads(1)
        self.nprobe = self.lists
        self.seconds = time.perf_counter() - started

    @classmethod
    def restore(cls, index: faiss.Index, trained_for: int, nprobe: int) -> Ann:
        """An approximate index read back from its file (see ``VectorIndex.save``)."""
        ivf = faiss.downcast_index(index)
        if not isinstance(ivf, faiss.IndexIVFScalarQuantizer):
            raise ValueError(f"not an IVF-SQ8 index but {type(ivf).__name__}")
        ann = cls.__new__(cls)
        ann._read = index  # the wrapper that owns the index read from the file: it must outlive ``ivf``
        ann.index = ivf
        ann.lists = int(ann.index.nlist)
        ann.trained_for = trained_for
        ann.nprobe = max(1, min(nprobe, ann.lists))
        ann.seconds = 0.0
        return ann

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> None:
        self.index.remove_ids(faiss.IDSelectorBatch(np.ascontiguousarray(ids, dtype=np.int64)))

    def stale(self) -> bool:
        return len(self) > REBUILD_GROWTH * self.trained_for

    def candidates(self, query: np.ndarray, k: int, nprobe: int | None = None) -> np.ndarray:
        params = faiss.SearchParametersIVF(nprobe=nprobe or self.nprobe)  # type: ignore[call-arg]
        _, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k * CANDIDATES, params=params)
        return ids[0][ids[0] >= 0]

    def calibrate(self, queries: np.ndarray, exact: np.ndarray, rescore: Rescore) -> None:
        """Set the probed lists: ``PROBE_MARGIN`` times the fewest (doubling from 4) whose candidates, re-scored
        exactly, find ``TARGET_RECALL`` of ``exact`` (each query's true top 10 ids)."""
        nprobe = 4
        while nprobe < self.lists:
            found = 0
            for q, want in zip(queries, exact, strict=True):
                top, _ = rescore(q, self.candidates(q, 10, nprobe), 10)
                found += len(set(want.tolist()) & set(top.tolist()))
            if found >= TARGET_RECALL * exact.size:
                break
            nprobe *= 2
        self.nprobe = min(math.ceil(nprobe * PROBE_MARGIN), self.lists)
