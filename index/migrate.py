"""Moving a library to another database (``dossier migrate --to``): SQLite in a folder ↔ PostgreSQL.

Rows are copied as stored, ids included and vectors byte for byte: nothing is re-embedded, and the id counters
keep their place, so an id is never given out twice. Articles go in batches that each commit whole with their
passages and keyword rows. A copy cut short (a kill, a lost connection) goes on where it stopped when the same
command is run again: it checks that the target holds a beginning of this library and nothing else, then copies
what follows. Until the copy is finished the target is marked, and opening it as a library says so.

The source is read while it may still be written: articles added meanwhile are copied, but an article removed or
revised after its batch was copied is not. Stop the bot (or pause adds) while migrating.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.errors import DossierError
from index.store import Store
from index.store_writes import ARTICLE_ROW, PASSAGE_ROW, marks

BATCH = 32  # articles per transaction
MAX_BATCH = 1000
INCOMPLETE = "migration_incomplete"
# Small tables copied whole at the end (cleared first, so a resumed copy does not double them), parents first;
# every column they have (``SELECT *``), so a column added later is copied too. The answers behind buttons go too;
# rate windows and job leases do not (a minute's state).
SIDE_TABLES = ("feeds", "feed_chats", "feed_entries", "feedback", "chat_settings", "remembered", "remembered_pages")
COUNTED = ("articles", "passages", "feeds", "feedback")  # tables whose ids are never reused
COPIED_META = ("embedding_model", "dimension")


class MigrationRefused(DossierError):
    """The target holds something other than (a beginning of) this library."""


@dataclass(frozen=True, slots=True)
class Migrated:
    articles: int  # copied by this run
    passages: int
    resumed_after: int  # the last article id a previous run had copied (0: a new copy)
    total: int  # articles the copy holds
    source_total: int  # articles the library held when the copy finished (more: added meanwhile, not copied)


Progress = Callable[[int, int], None]  # (articles copied so far, of total)


def migrate(
    source: Store, target: Store, progress: Progress = lambda done, total: None, batch: int = BATCH
) -> Migrated:
    after = _resume_point(source, target)
    total = source.count_articles()
    with target.write() as txn:
        txn.set_meta(INCOMPLETE, "1")
        for key in COPIED_META:
            value = source.meta(key)
            if value is not None:
                txn.set_meta(key, value)
    resumed_after, articles, passages = after, 0, 0
    done = _count_upto(source, after)
    while True:
        with source.snapshot(), source.connection() as conn:
            rows = conn.execute(
                f"SELECT {ARTICLE_ROW} FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after, batch)
            ).fetchall()
            if not rows:
                break
            ids = [int(r[0]) for r in rows]
            passage_rows = conn.execute(
                f"SELECT {PASSAGE_ROW} FROM passages WHERE article_id > ? AND article_id <= ? ORDER BY id",
                (after, ids[-1]),
            ).fetchall()
        with target.write() as txn:
            txn.copy_in([tuple(r) for r in rows], [tuple(r) for r in passage_rows])
        after = ids[-1]
        articles += len(rows)
        passages += len(passage_rows)
        done += len(rows)
        progress(done, total)
    _finish(source, target)
    return Migrated(articles, passages, resumed_after, target.count_articles(), source.count_articles())


def _count_upto(store: Store, article_id: int) -> int:
    with store.connection() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM articles WHERE id <= ?", (article_id,)).fetchone()[0])


def _resume_point(source: Store, target: Store) -> int:
    """0 for an empty target; the last article id copied for an unfinished copy of this library; else refused."""
    with target.connection() as conn:
        last = conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
        rows = sum(int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) for table in SIDE_TABLES)
    unfinished = target.meta(INCOMPLETE) == "1"
    if last is None and (not rows or unfinished):
        return 0
    if not unfinished:
        raise MigrationRefused(
            f"{target.database.describe()} holds a library already ({target.count_articles()} articles): "
            "migrate into an empty database or folder"
        )
    with target.connection() as conn:
        copied = {(int(r[0]), str(r[1])) for r in conn.execute("SELECT id, text_hash FROM articles").fetchall()}
    with source.connection() as conn:
        rows = conn.execute("SELECT id, text_hash FROM articles WHERE id <= ?", (int(last),)).fetchall()
    if copied != {(int(r[0]), str(r[1])) for r in rows}:
        raise MigrationRefused(
            f"{target.database.describe()} holds an unfinished copy of another library: "
            "migrate into an empty database or folder"
        )
    return int(last)


def _finish(source: Store, target: Store) -> None:
    """The small tables, the id counters, then the mark removed: read in one snapshot, written in one
    transaction."""
    with source.snapshot(), source.connection() as conn:
        side = {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in SIDE_TABLES}
        counters = {table: source.database.last_id(conn, table) for table in COUNTED}
    with target.write() as txn:
        for table in reversed(SIDE_TABLES):
            txn.conn.execute(f"DELETE FROM {table}")
        for table, rows in side.items():
            if rows:
                columns = ", ".join(rows[0].keys())
                txn.conn.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks(columns)})", [tuple(r) for r in rows]
                )
        for table, value in counters.items():
            target.database.set_last_id(txn.conn, table, value)
        txn.set_meta(INCOMPLETE, "0")
