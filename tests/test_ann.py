"""The approximate index used past VECTOR_ANN_THRESHOLD: close to exact search, and in step with adds and removes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import clustered, near

from index import Library
from index.stored_vectors import as_stored
from index.vector_files import ann_files
from index.vectors import VectorIndex

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.faiss


def exact_top(vectors: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int = 10) -> list[int]:
    return ids[np.argsort(-(vectors @ q))[:k]].tolist()


def test_approximate_search_finds_what_exact_search_finds_and_follows_changes() -> None:
    vectors = as_stored(clustered(6000))  # as the library stores them: float16 values
    ids = np.arange(1, 6001, dtype=np.int64) * 7  # ids are passage ids, not positions
    index = VectorIndex(64, "m", ann_threshold=5000)
    index.add(ids, vectors)
    assert index.approximate
    queries = near(vectors, 100, seed=1)
    found = sum(len(set(index.search(q, 10)[0].tolist()) & set(exact_top(vectors, ids, q))) for q in queries)
    assert found >= 0.97 * 1000
    got, scores = index.search(queries[0], 10)
    assert np.allclose(scores, vectors[np.searchsorted(ids, got)] @ queries[0], atol=1e-5)  # exact scores

    new = clustered(50, seed=2)
    new_ids = np.arange(100_001, 100_051, dtype=np.int64)
    index.add(new_ids, new)
    assert all(index.search(v, 1)[0][0] == i for v, i in zip(new, new_ids, strict=True))
    index.remove(new_ids[:25])
    assert not set(new_ids[:25].tolist()) & {int(index.search(v, 1)[0][0]) for v in new}
    # A search within some ids stays exact.
    allowed = ids[:300]
    assert index.search(queries[0], 10, allowed)[0].tolist() == exact_top(vectors[:300], allowed, queries[0])


def test_below_the_threshold_search_is_exact() -> None:
    vectors = clustered(800)
    ids = np.arange(800, dtype=np.int64)
    index = VectorIndex(64, "m", ann_threshold=5000)
    index.add(ids, vectors)
    assert not index.approximate
    q = near(vectors, 1, seed=3)[0]
    assert index.search(q, 10)[0].tolist() == exact_top(vectors, ids, q)


def test_a_library_past_the_threshold_answers_as_an_exact_one(make_library: Callable[..., Library]) -> None:
    lines = (ROOT / "examples" / "articles.jsonl").read_text().splitlines()
    exact, approximate = make_library("exact"), make_library("approximate", vector_ann_threshold=1)
    for lib in (exact, approximate):
        lib.add_jsonl(lines)
        lib.warm_up()
    for question in ("how many tanks?", "who released the intercepted call?", "how many visitors came?"):
        a, b = exact.ask(question), approximate.ask(question)
        assert [c.quote for c in a.citations] == [c.quote for c in b.citations]
        assert [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]


def test_the_approximate_index_is_written_beside_the_exact_one_and_read_back(tmp_path: Path) -> None:
    vectors = as_stored(clustered(6000))  # as the library stores them: float16 values
    ids = np.arange(1, 6001, dtype=np.int64)
    index = VectorIndex(64, "m", ann_threshold=5000)
    index.add(ids, vectors)
    index.prepare()
    path = tmp_path / "vectors.faiss"
    index.save(path)
    [written] = ann_files(path)
    queries = near(vectors, 20, seed=4)

    loaded = VectorIndex.load(path, 64, "m", ann_threshold=5000)
    assert loaded.describe() == index.describe() != "exact"  # read back, not trained again
    for q in queries:
        assert loaded.search(q, 10)[0].tolist() == index.search(q, 10)[0].tolist()
    loaded.add(np.array([99_999]), clustered(1, seed=5))  # later adds reach the read-back index too
    assert loaded.search(clustered(1, seed=5)[0], 1)[0][0] == 99_999

    # Another process saves other vectors while this one reads: its old header and exact file name the old
    # approximate file, which the save removed, so the reader trains its own rather than pairing files.
    old_header, old_exact = path.with_suffix(".json").read_bytes(), path.read_bytes()
    index.remove(ids[:3])
    index.add(np.array([7_001, 7_002, 7_003]), clustered(3, seed=6))  # as many vectors as before, other ones
    index.save(path)
    assert ann_files(path) != [written]
    path.with_suffix(".json").write_bytes(old_header)
    path.write_bytes(old_exact)
    mixed = VectorIndex.load(path, 64, "m", ann_threshold=5000)
    assert mixed.describe() == "exact" and len(mixed) == 6000
    mixed.prepare()
    assert mixed.describe() != "exact" and mixed.ann_unsaved

    index.save(path)
    [current] = ann_files(path)
    current.write_bytes(b"not an index")  # damaged: ignored, trained again
    damaged = VectorIndex.load(path, 64, "m", ann_threshold=5000)
    assert damaged.describe() == "exact" and len(damaged) == 6000
    damaged.save(path)  # saved without an approximate index: the stale file goes
    assert ann_files(path) == []


def test_an_approximate_index_trained_by_a_reader_is_written_when_it_closes(
    make_library: Callable[..., Library],
) -> None:
    lines = (ROOT / "examples" / "articles.jsonl").read_text().splitlines()
    writer = make_library("lib")
    writer.add_jsonl(lines)
    writer.close()  # a bulk add from the command line: nothing searched, no approximate index yet
    path = writer.settings.data_dir / "vectors.faiss"
    assert ann_files(path) == []
    reader = make_library("lib", vector_ann_threshold=1)  # `serve` warms up: it trains one
    reader.warm_up()
    reader.close()
    assert len(ann_files(path)) == 1
