"""``dossier migrate --to``: a library moved from SQLite to PostgreSQL and back, as a user runs it, resumed after
a kill; ids, vectors, feeds, votes and per-chat settings arrive as they were."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from postgres import Server
from support import LocalSite, Route, rss, synthetic_jsonl
from test_cli import dossier_cmd

from index import Library
from index.postgres_database import WRITER_LOCK

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]  # it moves a library out of its SQLite file and back

QUESTIONS = ("how many tanks were lost?", "what did the regional governor say?", "when was the bridge closed?")


def dossier(data: Path, *args: str, database_url: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(data), "DATABASE_URL": database_url}
    return subprocess.Popen(
        [*dossier_cmd(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=data.parent
    )


def finished(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=600)
    return proc.returncode, out, err


def answers(lib: Library) -> list[list[tuple[int, str]]]:
    return [[(c.article_id, c.quote) for c in lib.ask(q).citations] for q in QUESTIONS]


def test_a_library_moves_to_postgresql_and_back(
    make_library: Callable[..., Library], postgres_server: Server, tmp_path: Path, site: LocalSite
) -> None:
    site.routes["/feed"] = Route(body=rss("Example feed", []), content_type="application/rss+xml")
    source = make_library("source", database_url="", fetch_allow_hosts=["127.0.0.1"])
    source.add_jsonl([line.encode() for line in synthetic_jsonl(40).splitlines()])
    removed = source.list()[-1]
    source.remove(removed.id)  # its id is never given out again, in either database
    source.follow(site.url("/feed"), chat=-1001234567890)
    source.follow(site.url("/feed"), chat=-1009876543210)  # a second chat of the library follows it too
    source.set_chat_setting(-1001234567890, "autoadd", "on")
    voted = source.list()[0]
    source.record_feedback("answer-1", "user:601", "up", "what was destroyed?", [(voted.id, 0, 20)], chat=-100)
    before = answers(source)
    infos = source.list(limit=None)
    source.close()

    url = postgres_server.database()
    # Killed once it has committed some articles, then run again: it goes on where it stopped. The test holds the
    # library's writer lock after the first batch, so the kill lands before the last one whatever the timing.
    first = dossier(tmp_path / "source", "migrate", "--to", url, "--batch", "1")
    assert first.stderr is not None
    progress = first.stderr.readline()
    assert progress.startswith("copied 1/"), progress + first.stderr.read()
    with psycopg.connect(url, autocommit=True) as writer_lock:
        writer_lock.execute("SELECT pg_advisory_lock(%s, hashtext('public'))", (WRITER_LOCK,))
        copied = writer_lock.execute("SELECT COUNT(*) FROM articles").fetchone()[0]  # type: ignore[index]
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert 0 < copied < len(infos)
    code, out, err = finished(dossier(tmp_path / "elsewhere", "list", database_url=url))
    assert code == 1 and "migrat" in err and len(err.strip().splitlines()) == 1, err
    code, out, err = finished(dossier(tmp_path / "source", "migrate", "--to", url))
    assert code == 0, err
    assert "resumed after article #" in out and f"{len(infos)} articles" in out, out

    pg = make_library("pg", database_url=url)
    assert [(a.id, a.key, a.title, a.added_at) for a in pg.list(limit=None)] == [
        (a.id, a.key, a.title, a.added_at) for a in infos
    ]
    assert answers(pg) == before
    assert [f.title for f in pg.feeds()] == ["Example feed"] and pg.chat_setting(-1001234567890, "autoadd") == "on"
    assert pg.feeds()[0].chats == (-1001234567890, -1009876543210)
    assert [q["question"] for q in pg.feedback_questions()] == ["what was destroyed?"]
    new = pg.add_text("Bridge\n\nThe bridge over the Verla was closed on Friday after cracks were found.").article
    assert new.id > removed.id

    # A second run finds the copy complete and refuses to copy into a library.
    code, out, err = finished(dossier(tmp_path / "source", "migrate", "--to", url))
    assert code == 1 and "holds a library already" in err and len(err.strip().splitlines()) == 1, err

    # And back, into an empty folder.
    pg.close()
    back = tmp_path / "back"
    code, out, err = finished(dossier(tmp_path / "pg-cache", "migrate", "--to", str(back), database_url=url))
    assert code == 0, err
    returned = make_library("back", database_url="")
    assert returned.count() == len(infos) + 1 and answers(returned) == answers(make_library("pg2", database_url=url))
    assert returned.add_text("Dam\n\nThe dam was repaired in 14 months, engineers said.").article.id > new.id
    assert [f.title for f in returned.feeds()] == ["Example feed"]
