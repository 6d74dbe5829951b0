"""Searches limited to some passages (a collection, a period, articles left out): a scope holding most of the
library is searched whole and filtered afterwards, with the filtered search's result."""

from __future__ import annotations

import numpy as np
import pytest
from support import clustered, near

from index.retrieval import POST_FILTER_SHARE, dense_search, members
from index.stored_vectors import as_stored
from index.vectors import VectorIndex

pytestmark = pytest.mark.faiss


class CountingIndex(VectorIndex):
    """The real FAISS index, noting the scopes its searches were given."""

    def __init__(self) -> None:
        super().__init__(64, "m")
        self.scopes: list[int | None] = []

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        self.scopes.append(None if allowed is None else len(allowed))
        return super().search(query, k, allowed)


@pytest.mark.parametrize("share", [0.1, POST_FILTER_SHARE, 0.5, 0.97, 1.0])
def test_a_scoped_search_finds_what_the_filtered_search_finds(share: float) -> None:
    vectors = clustered(3000)
    ids = np.arange(1, 3001, dtype=np.int64) * 3
    index = CountingIndex()
    index.add(ids, vectors)
    rng = np.random.default_rng(4)
    allowed = np.sort(rng.choice(ids, int(share * len(ids)), replace=False))
    for q in near(vectors, 20, seed=5):
        got_ids, got_scores = dense_search(index, q, 50, allowed)
        want_ids, want_scores = VectorIndex.search(index, q, 50, allowed)
        assert got_ids.tolist() == want_ids.tolist()
        assert np.allclose(got_scores, want_scores)
    whole = [s for s in index.scopes if s is None]
    assert bool(whole) == (share >= POST_FILTER_SHARE)  # searched whole only for a scope of most of the library


def test_a_scope_kept_small_by_what_it_matches_falls_back_to_the_filtered_search() -> None:
    """Half the library in scope, but the question's nearest passages all outside it: the whole-library search
    keeps too few, and the filtered search answers."""
    vectors = as_stored(clustered(2000))  # as the library stores them: float16 values
    ids = np.arange(2000, dtype=np.int64)
    index = CountingIndex()
    index.add(ids, vectors)
    q = near(vectors, 1, seed=6)[0]
    order = np.argsort(-(vectors @ q))
    allowed = np.sort(order[1000:])  # the 1,000 passages furthest from the question
    got, _ = dense_search(index, q, 50, allowed)
    assert got.tolist() == ids[order[1000:1050]].tolist()
    assert index.scopes == [None, 1000]


def test_members_reads_a_sorted_scope() -> None:
    allowed = np.array([2, 5, 9, 40], np.int64)
    assert members(np.array([9, 1, 40, 41, 2, 3]), allowed).tolist() == [True, False, True, False, True, False]
    assert members(np.array([1, 2]), np.zeros(0, np.int64)).tolist() == [False, False]
