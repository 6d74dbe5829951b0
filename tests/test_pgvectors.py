"""Vector search in PostgreSQL with pgvector (``VECTOR_SEARCH``), against a real server: the same passages and
scores as FAISS, no copy in the data folder, the mirror kept by every writer, and the HNSW index past the
threshold."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from postgres import Server
from support import synthetic_jsonl

from index import DEFAULT_COLLECTION, Library
from index.errors import DossierError
from index.pgvectors import EF_SEARCH_MAX, ef_search

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles.jsonl"
QUESTIONS = ("how many tanks were lost?", "who released the recording?", "what did the regional command report?")

pytestmark = [pytest.mark.slow, pytest.mark.postgresql_only]


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def test_pgvector_finds_what_faiss_finds_and_keeps_no_copy(
    make_library: Callable[..., Library], postgres_server: Server, tmp_path: Path
) -> None:
    """One library searched both ways: the same passages with the same scores, in the whole library, in a
    collection and with articles left out; a writer that searches with FAISS still fills the mirror."""
    url = postgres_server.database()
    faiss_lib = make_library("faiss", database_url=url, vector_search="faiss")
    faiss_lib.add_jsonl([line.encode() for line in synthetic_jsonl(12).splitlines()])
    faiss_lib.add_jsonl(EXAMPLES.read_bytes().splitlines(), collection="other")
    pg = make_library("pg", database_url=url, vector_search="pgvector")
    for question in QUESTIONS:
        for options in ({}, {"collection": "other"}, {"collection": None, "exclude": [1, 2]}):
            want = faiss_lib.ask(question, **options)  # type: ignore[arg-type]
            got = pg.ask(question, **options)  # type: ignore[arg-type]
            assert [h.passage_id for h in got.passages] == [h.passage_id for h in want.passages], (question, options)
            assert [h.score for h in got.passages] == pytest.approx([h.score for h in want.passages], abs=1e-5)
            assert [c.quote for c in got.citations] == [c.quote for c in want.citations]
    assert not (tmp_path / "pg" / "vectors.faiss").exists()
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    # Written by the FAISS side after the mirror exists, removed by the pgvector side: both stay in line.
    added = faiss_lib.add_text("Levee\n\nThe levee at Marsh Point was raised by two metres after the storm.")
    assert "two metres" in pg.ask("how much was the levee raised?").citations[0].quote
    pg.remove(added.article.id)
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    assert all(c.article_id != added.article.id for c in faiss_lib.ask("how much was the levee raised?").citations)


def test_past_the_threshold_an_hnsw_index_serves_whole_library_searches(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    url = postgres_server.database()
    lib = make_library("pg", database_url=url, vector_search="pgvector", pgvector_ann_threshold=20)
    lib.add_jsonl([line.encode() for line in synthetic_jsonl(20).splitlines()])
    lib.add_jsonl(EXAMPLES.read_bytes().splitlines(), collection="other")
    exact = make_library("exact", database_url=url, vector_search="pgvector", pgvector_ann_threshold=0)
    assert lib.stats().passages >= 20
    lib.warm_up()  # starts building the index (at start-up, as `serve` does), in the background
    valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('passage_vectors_hnsw')"
    deadline = time.monotonic() + 60
    while rows(url, valid) != [(True,)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rows(url, valid) == [(True,)]
    for question in QUESTIONS:
        # The whole library through the index; a small collection exactly; one of most of the library through the
        # index, filtered afterwards (retrieval.dense_search).
        for collection in (None, "other", DEFAULT_COLLECTION):
            options = {"collection": collection, "k": 10, "dense_weight": 1.0, "keyword_weight": 0.0}
            got, want = lib.ask(question, **options), exact.ask(question, **options)  # type: ignore[arg-type]
            assert [h.passage_id for h in got.passages] == [h.passage_id for h in want.passages]  # a small graph
            assert [h.score for h in got.passages] == pytest.approx([h.score for h in want.passages], abs=1e-5)
            if collection:  # as many as asked, all of the collection
                assert len(got.passages) == min(10, len(lib.store.passage_ids(collection)))
                assert {h.passage_id for h in got.passages} <= set(lib.store.passage_ids(collection).tolist())
    scans = "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'passage_vectors_hnsw'"
    deadline = time.monotonic() + 10
    # Each backend reports its statistics a second or so after the fact, not necessarily all at once.
    while int(str(rows(url, scans)[0][0])) < len(QUESTIONS) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rows(url, scans)[0][0] >= len(QUESTIONS)


def test_a_library_stored_without_the_mirror_gets_it_when_opened(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    """Built by a process searching with FAISS (or copied by ``dossier migrate``): the first process that searches
    with pgvector fills the mirror from the stored vectors, once, and answers as FAISS does."""
    url = postgres_server.database()
    faiss_lib = make_library("faiss", database_url=url, vector_search="faiss")
    faiss_lib.add_jsonl(EXAMPLES.read_bytes().splitlines())
    assert rows(url, "SELECT to_regclass('passage_vectors') IS NULL") == [(True,)]
    pg = make_library("pg", database_url=url)  # auto: the server has pgvector
    for question in QUESTIONS:
        assert [c.quote for c in pg.ask(question).citations] == [c.quote for c in faiss_lib.ask(question).citations]
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    assert pg.reindex() == pg.stats().passages  # the mirror's rows are replaced with the re-embedded passages'
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    assert faiss_lib.reindex() == pg.stats().passages  # by a process that searches with FAISS: the same
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    for question in QUESTIONS:
        assert [c.quote for c in pg.ask(question).citations] == [c.quote for c in faiss_lib.ask(question).citations]
    # A reindex to a model of another dimension empties the mirror and retypes its column (the same keeps it).
    typmod = "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'passage_vectors'::regclass AND attname = 'embedding'"
    with faiss_lib.store.write() as txn:
        txn.reset_mirror(pg.stats().dimension)
    assert rows(url, "SELECT COUNT(*) FROM passage_vectors") == rows(url, "SELECT COUNT(*) FROM passages")
    with faiss_lib.store.write() as txn:
        txn.reset_mirror(768)
    assert rows(url, typmod) == [(768,)] and rows(url, "SELECT COUNT(*) FROM passage_vectors") == [(0,)]


def test_libraries_in_their_own_schemas_share_the_extension_in_public(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    """The extension is created in ``public``, not in the first library's schema: dropping that library (its schema)
    leaves the other library's vectors and searches alone."""
    url = postgres_server.database()
    first = make_library("a", database_url=url, database_schema="desk_a", vector_search="pgvector")
    first.add_jsonl(EXAMPLES.read_bytes().splitlines())
    second = make_library("b", database_url=url, database_schema="desk_b", vector_search="pgvector")
    second.add_jsonl(EXAMPLES.read_bytes().splitlines())
    assert rows(url, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'") == [
        ("public",)
    ]
    first.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA desk_a CASCADE")
    assert rows(url, "SELECT COUNT(*) FROM desk_b.passage_vectors") == rows(url, "SELECT COUNT(*) FROM desk_b.passages")
    assert second.ask(QUESTIONS[0]).citations


def test_pgvector_needs_postgresql(make_library: Callable[..., Library]) -> None:
    with pytest.raises(DossierError, match="VECTOR_SEARCH=pgvector needs a library in PostgreSQL"):
        make_library("sqlite", database_url="", vector_search="pgvector")


def test_a_larger_library_searches_its_hnsw_graph_wider() -> None:
    assert ef_search(60_000, 50) == ef_search(200_000, 50) == 200
    assert ef_search(500_000, 50) == 500
    assert ef_search(1_000_000, 50) == ef_search(5_000_000, 50) == EF_SEARCH_MAX
    assert ef_search(60_000, 400) == 400  # never fewer candidates than asked for
