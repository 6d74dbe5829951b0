"""A library in PostgreSQL (DATABASE_URL) against a real server: it answers as the SQLite library does, and
several processes with their own data folders share it, as bot replicas do. The whole suite runs on PostgreSQL
too: ``pytest`` runs each test that stores anything on both databases (``--database`` picks one)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from postgres import Server
from support import synthetic_jsonl
from test_cli import dossier_cmd, run

from index import Library
from index.keywords import ANALYZER_VERSION
from index.question import analyse

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles.jsonl"

pytestmark = [pytest.mark.slow, pytest.mark.postgresql_only]


def dossier(data: Path, database_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run(data, *args, stdin=stdin, env={"DATABASE_URL": database_url})


def test_bm25_in_sql_scores_as_fts5(make_library: Callable[..., Library], postgres_server: Server) -> None:
    """The keyword leg ranks the same passages with the same scores in both databases."""
    lines = synthetic_jsonl(20).splitlines() + EXAMPLES.read_text(encoding="utf-8").splitlines()
    sqlite = make_library("sqlite", database_url="")
    pg = make_library("pg", database_url=postgres_server.database())
    for lib in (sqlite, pg):
        assert len(lib.add_jsonl([line.encode() for line in lines]).added) == len(lines)
    questions = (
        "how many tanks were lost?",
        "what did the regional command report?",
        "trucks destroyed during the week",
    )
    for question in questions:
        q = analyse(question)
        want = dict(sqlite.store.keyword_search(q, None, 1000))  # every passage that matches: no cut among ties
        got = dict(pg.store.keyword_search(q, None, 1000))
        assert want, question
        assert sorted(got) == sorted(want), question
        assert [got[pid] for pid in sorted(want)] == pytest.approx([want[pid] for pid in sorted(want)], rel=1e-9)
        assert sqlite.store.term_weights(q, 100) == pg.store.term_weights(q, 100)
    assert len(sqlite.store.keyword_search(analyse(questions[1]), None, 1000)) > 10  # many passages, many ties


def test_a_library_with_the_earlier_keyword_tables_is_reindexed_at_open(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    """Libraries written before the keyword rows were one per passage (a row per term and passage, in
    ``keyword_postings`` and ``keyword_docs``) get the new rows from their stored text when first opened."""
    import psycopg

    url = postgres_server.database()
    lib = make_library("before", database_url=url)
    lib.add_jsonl([line.encode() for line in EXAMPLES.read_text(encoding="utf-8").splitlines()])
    q = analyse("who released the recording?")
    want = lib.store.keyword_search(q, None, 100)
    lib.close()
    with psycopg.connect(url, autocommit=True) as conn:  # the tables and mark of a library from before
        conn.execute("DROP TABLE keyword_passages")
        conn.execute("CREATE TABLE keyword_postings (term TEXT, passage_id BIGINT, tf INTEGER)")
        conn.execute("CREATE TABLE keyword_docs (passage_id BIGINT PRIMARY KEY, length INTEGER NOT NULL)")
        conn.execute("UPDATE meta SET value = 'snowball-1' WHERE key = 'keyword_analyzer'")
    reopened = make_library("after", database_url=url)
    assert want and reopened.store.keyword_search(q, None, 100) == want
    with psycopg.connect(url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'keyword%'")}
        analyzer = conn.execute("SELECT value FROM meta WHERE key = 'keyword_analyzer'").fetchone()
    assert tables == {"keyword_passages", "keyword_totals"} and analyzer == (f"{ANALYZER_VERSION}/passage-rows",)


def test_a_library_in_postgresql_answers_as_in_sqlite(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    sqlite = make_library("sqlite", database_url="")
    pg = make_library("pg", database_url=postgres_server.database())
    lines = [line.encode() for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    for lib in (sqlite, pg):
        assert len(lib.add_jsonl(lines).added) == 3
        again = lib.add_jsonl(lines)  # the unique keys refuse them: duplicates, nothing stored twice
        assert not again.added and len(again.duplicates) == 3 and lib.count() == 3
    for question in ("how many tanks?", "who released the recording?", "what was the weather like?"):
        want, got = sqlite.ask(question), pg.ask(question)
        assert [(c.quote, c.article_id) for c in got.citations] == [(c.quote, c.article_id) for c in want.citations]
        assert got.abstained == want.abstained and got.confidence == pytest.approx(want.confidence)
    assert [a.key for a in pg.list()] == [a.key for a in sqlite.list()]
    first = pg.list()[0]
    revised = pg.revise(first.id, "Tanks\n\nThe brigade said it had lost 7 tanks and 3 trucks in the battle.")
    assert revised.id == first.id
    assert "7 tanks" in pg.ask("how many tanks did the brigade lose?").citations[0].quote
    pg.remove(first.id)
    assert pg.count() == 2 and all(c.article_id != first.id for c in pg.ask("how many tanks?").citations)
    assert pg.reindex() == pg.stats().passages
    pg.set_chat_setting(-1001234567890, "autoadd", "on")  # Telegram's group ids pass 32 bits
    assert pg.chat_setting(-1001234567890, "autoadd") == "on"


def test_processes_with_their_own_folders_share_one_postgresql_library(
    make_library: Callable[..., Library], postgres_server: Server, tmp_path: Path
) -> None:
    """Replicas: each searches the one copy of the vectors in PostgreSQL (pgvector, no FAISS file in its folder) and
    sees what the others store."""
    url = postgres_server.database()
    here = make_library("here", database_url=url)
    text = "Dam repairs\n\nEngineers said the dam at Lake Verla would need 14 months of repairs after the flood."
    added = dossier(tmp_path / "there", url, "add", "-", stdin=text)
    assert added.returncode == 0, added.stderr
    answer = here.ask("how long will the dam repairs take?")
    assert answer.citations and "14 months" in answer.citations[0].quote
    there = make_library("there", database_url=url)  # another replica, in this process
    here.add_text("Bridge closed\n\nThe old bridge over the Verla river was closed after cracks were found.")
    assert "cracks were found" in there.ask("why was the bridge closed?").citations[0].quote
    # Two processes adding the same articles at once: the writer lock and unique keys store each once.
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text(synthetic_jsonl(6), encoding="utf-8")
    procs = [
        subprocess.Popen(
            [*dossier_cmd(), "add", "--jsonl", str(jsonl)],
            env={**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(tmp_path / name), "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    keys = [a.key for a in here.list() if a.key]
    assert here.count() == 8 and len(keys) == len(set(keys)) == 6
    assert not list(tmp_path.glob("*/vectors.faiss"))


def test_database_errors_are_one_line(tmp_path: Path, postgres_server: Server) -> None:
    down = dossier(tmp_path / "data", "postgresql://dossier@127.0.0.1:9/library?connect_timeout=2", "list")
    assert down.returncode == 1 and len(down.stderr.strip().splitlines()) == 1, down.stderr
    assert down.stderr.startswith("error: cannot connect to the PostgreSQL database in DATABASE_URL")
    empty = postgres_server.database()
    for command in (["list"], ["ask", "what happened?"], ["stats"]):
        none = dossier(tmp_path / "data", empty, *command)
        assert none.returncode == 1 and none.stderr.count("\n") == 1, (command, none.stderr)
        assert none.stderr.startswith("error: no library in that database (DATABASE_URL)"), none.stderr
