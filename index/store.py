"""The library's storage: articles, passages (with their vectors) and the keyword index, in SQLite or PostgreSQL
(``index.database``; ``open_database`` picks one). ``Store`` is the gateway to it: a connection per thread, the
writer lock, transactions, and the small tables (votes, chat settings, meta); it reads articles and passages as
``index.store_articles`` and ``index.store_passages``.

The database is the source of truth. Writes go through ``write()`` (``index.store_writes``): every write bumps
``meta.generation`` so other connections, in this process or another (another replica, with PostgreSQL), know to
refresh their in-memory FAISS copy. Article and passage ids are never given to another article or passage
(AUTOINCREMENT, identity columns).
"""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from index import backfills, feedback, keywords, schema, vector_mirror
from index.database import Connection, Database, first_line
from index.errors import DossierError, LibraryCorrupt
from index.feedback import Span
from index.postgres_database import PostgresDatabase
from index.sqlite_database import LIBRARY_FILE, SqliteDatabase
from index.store_articles import ArticleReads
from index.store_passages import PassageReads
from index.store_writes import WriteTxn

_RECOVER = "restore it from a backup, or salvage it with `sqlite3 {path} .recover` and run `dossier reindex`"


class Store(ArticleReads, PassageReads):
    """Thread-safe access to one library database: one connection per thread, one writer at a time (across
    threads and processes; with PostgreSQL, across machines)."""

    def __init__(self, database: Database, data_dir: Path) -> None:
        self.database = database
        self.integrity_errors = database.integrity_errors
        self._postings = keywords.postings(database.kind)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._lock_path = data_dir / "library.lock"
        where = database.describe()
        try:
            with self.connection() as conn:
                if isinstance(database, SqliteDatabase):
                    database.check_integrity(conn, _RECOVER.format(path=where))
            version = self._create_or_migrate()
        except database.errors as exc:
            self.close()
            detail = first_line(exc)
            advice = _RECOVER.format(path=where) if isinstance(database, SqliteDatabase) else "check DATABASE_URL"
            raise LibraryCorrupt(f"{where} is not a readable Dossier library ({detail}): {advice}") from exc
        except BaseException:
            self.close()
            raise
        if str(version) != str(schema.SCHEMA_VERSION):
            self.close()
            raise LibraryCorrupt(
                f"{where} is in library format {version}, this version reads format {schema.SCHEMA_VERSION}: "
                "re-import the articles into a new library"
            )
        try:
            self.fill_languages()
        except BaseException:
            self.close()
            raise

    def fill_languages(self) -> None:
        """The passages' languages in a library made before they were stored (``backfills.fill_languages``), a page
        of articles per write transaction."""
        with self.connection() as conn:
            if backfills.languages_current(conn):
                return
        while True:
            with self.transaction() as conn:
                if backfills.fill_languages(conn):
                    return

    def _create_or_migrate(self) -> str:
        """Create a new library, or bring an older format up to date, in one write transaction (two processes
        opening a new library at once: one creates it, the other finds it); returns the format."""
        sqlite = isinstance(self.database, SqliteDatabase)
        with self.exclusive(), self.connection() as conn:
            if sqlite:
                conn.execute("PRAGMA foreign_keys=OFF")  # the migration rebuilds tables that reference each other
            try:
                try:
                    self.database.begin_write(conn)
                    version = schema.create_or_migrate(conn, self.database, self._postings)
                    conn.execute("COMMIT")
                except BaseException:
                    self._end(conn)
                    raise
            finally:
                if sqlite:
                    conn.execute("PRAGMA foreign_keys=ON")
        return version

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None and not self.database.alive(conn):  # the server restarted, or dropped this session
            self.close()
            conn = None
        if conn is None:
            conn = self.database.connect()
            self._local.conn = conn
        yield conn

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """This machine's lock on the library folder (the FAISS cache files), across threads and processes."""
        with self._write_lock, open(self._lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield

    @contextlib.contextmanager
    def reindexing(self) -> Iterator[None]:
        """Held for the whole of a reindex (this machine's processes): a second one is refused, and a library whose
        reindex is unfinished can tell a running one from an interrupted one (``reindex_running``)."""
        with open(self._lock_path.with_name("reindex.lock"), "a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise DossierError("a reindex of this library is already running: wait for it to finish") from None
            yield

    def reindex_running(self) -> bool:
        """Whether a process of this machine is reindexing the library now."""
        with open(self._lock_path.with_name("reindex.lock"), "a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock_file, fcntl.LOCK_UN)
            return False

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside it sees the same committed state of the library."""
        with self.connection() as conn:
            try:
                self.database.begin_read(conn)
                yield
            except BaseException:
                self._end(conn)
                raise
            conn.execute("COMMIT")

    def _end(self, conn: Connection) -> None:
        """After a failure inside a transaction: roll it back, or drop a connection that cannot even do that (the
        failure itself is what the caller reports)."""
        try:
            self.database.rollback(conn)
        except self.database.errors:
            self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction under the writer lock (for tables beside the articles: feeds, votes)."""
        with self.exclusive(), self._written(self.database.begin_write) as conn:
            yield conn

    @contextlib.contextmanager
    def small_write(self) -> Iterator[Connection]:
        """A short write to rows that lock themselves (``index.conversations``): it does not wait for the library's
        writer lock (an import holds it per batch), only, in SQLite, for the file's."""
        with self._written(self.database.begin_small_write) as conn:
            yield conn

    @contextlib.contextmanager
    def _written(self, begin: Callable[[Connection], None]) -> Iterator[Connection]:
        with self.connection() as conn:
            try:
                begin(conn)
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                self._end(conn)
                raise

    @contextlib.contextmanager
    def write(self) -> Iterator[WriteTxn]:
        """A write to the articles; bumps the generation, which ``txn.generation`` holds after."""
        with self.transaction() as conn:
            mirror = vector_mirror.target(conn) if self.database.kind == "postgresql" else None
            txn = WriteTxn(conn, self._postings, mirror)
            yield txn
            txn.count_terms()
            conn.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'")
            txn.generation = int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- feedback ---------------------------------------------------------------------------

    def record_vote(
        self, answer: str, voter: str, verdict: str, question: str, cited: Sequence[Span], chat: int | None
    ) -> None:
        with self.transaction() as conn:
            feedback.record(conn, answer, voter, verdict, question, cited, chat)

    def votes(self) -> list[feedback.Vote]:
        with self.connection() as conn:
            return feedback.votes(conn)

    # -- per-chat settings -------------------------------------------------------------------
    def chat_setting(self, chat: int, name: str) -> str | None:
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM chat_settings WHERE chat = ? AND name = ?", (chat, name)).fetchone()
        return None if row is None else str(row[0])

    def set_chat_setting(self, chat: int, name: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO chat_settings (chat, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (chat, name) DO UPDATE SET value = excluded.value",
                (chat, name, value),
            )

    # -- meta -------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def vector_digest(self) -> int:
        """The ``vector_digest`` of every stored (passage id, vector) pair."""
        return int(self.meta("vector_digest") or 0)

    def size_bytes(self) -> int:
        with self.connection() as conn:
            return self.database.size_bytes(conn)


def open_database(data_dir: Path, url: str, schema: str = "", setting: str = "DATABASE_URL") -> Database:
    return PostgresDatabase(url, schema, setting) if url else SqliteDatabase(data_dir / LIBRARY_FILE)
