"""The SQL database under a library: embedded SQLite in the data directory (the default), or PostgreSQL when
``DATABASE_URL`` names one.

The store and the modules beside it (keywords, feeds, feedback) write one SQL dialect, with ``?`` placeholders,
that both databases run. What differs lives here: connecting, the column types of ``CREATE TABLE``, how a
transaction starts (SQLite's writer lock is the file's; PostgreSQL's an advisory lock, so writers on several
machines still take turns), and the size on disk.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.errors import DossierError, LibraryCorrupt

LIBRARY_FILE = "library.sqlite3"  # in the data directory, beside the FAISS cache
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
PAGE_SIZE = 16384  # bytes per page of a new SQLite library (see ``SqliteDatabase.connect``)
# libpq settings a DATABASE_URL may override: a server that stops answering (gone, or its network) fails a
# connection attempt after 10 s and a query after 60 s without acknowledgement, instead of holding a thread forever.
CONNECTION_DEFAULTS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
WRITER_LOCK = 0x646F7373  # PostgreSQL advisory lock key of the library's single writer ("doss")


class DatabaseUnavailable(DossierError):
    """The PostgreSQL server in DATABASE_URL cannot be reached or refuses the login."""


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store needs of a connection: sqlite3.Connection has it, ``PostgresConnection`` adapts psycopg's."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...
    def close(self) -> None: ...


class Database(ABC):
    """One kind of SQL database holding a library."""

    kind: str  # "sqlite" or "postgresql"
    clock_sql: str  # the database's clock in seconds since 1970: one clock for processes on several machines
    errors: tuple[type[Exception], ...]  # anything the database raises
    integrity_errors: tuple[type[Exception], ...]  # a unique or foreign-key constraint refused a row

    @abstractmethod
    def connect(self) -> Connection: ...

    @abstractmethod
    def exists(self) -> bool:
        """A library was created here (the ``meta`` table is there)."""

    @abstractmethod
    def begin_write(self, conn: Connection) -> None:
        """Start a write transaction that no other writer's overlaps."""

    @abstractmethod
    def begin_small_write(self, conn: Connection) -> None:
        """Start a write transaction on rows that lock themselves, beside the library's single writer."""

    @abstractmethod
    def rollback(self, conn: Connection) -> None:
        """End the open transaction, if one is open, keeping none of it."""

    def alive(self, conn: Connection) -> bool:
        """The connection can still be used (a server restart breaks PostgreSQL's)."""
        return True

    @abstractmethod
    def begin_read(self, conn: Connection) -> None:
        """Start a read transaction that sees one committed state throughout."""

    @abstractmethod
    def has_table(self, conn: Connection, name: str) -> bool: ...

    @abstractmethod
    def size_bytes(self, conn: Connection) -> int: ...

    @abstractmethod
    def last_id(self, conn: Connection, table: str) -> int:
        """The highest id ``table`` has given out (rows since removed included)."""

    @abstractmethod
    def set_last_id(self, conn: Connection, table: str, value: int) -> None:
        """Make ``table`` give out ids above ``value`` only (rows copied in with their ids)."""

    def table(self, statement: str) -> str:
        """A ``CREATE TABLE`` written in SQLite's types, in this database's."""
        return statement

    def describe(self) -> str:
        return self.kind


class SqliteDatabase(Database):
    kind = "sqlite"
    clock_sql = "(julianday('now') - 2440587.5) * 86400.0"
    errors = (sqlite3.DatabaseError,)
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> Connection:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=True)
        conn.row_factory = sqlite3.Row
        # Only a new, empty file takes it. A passage row (its vectors ~2.8 KB) fills a 4 KB page alone; 16 KB pages
        # hold five: ~1.3 KB less on disk per passage (benchmarks/bench_ask.py prints the figure).
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def exists(self) -> bool:
        return self.path.is_file()

    def check_integrity(self, conn: Connection, advice: str) -> None:
        """SQLite's quick_check: a damaged file is refused before anything reads from or writes to it."""
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise  # not SQLite at all: "not a readable Dossier library"
            rows = [str(exc)]  # damage the check itself runs into (its schema pages)
        if rows == ["ok"]:
            return
        lines = [line.strip() for row in rows for line in row.splitlines() if line.strip() and "***" not in line]
        detail = "; ".join(lines) or "quick_check failed"
        detail = detail if len(detail) <= 160 else detail[:159] + "…"
        raise LibraryCorrupt(f"the library database {self.path} is damaged ({detail}): {advice}")

    def begin_write(self, conn: Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def rollback(self, conn: Connection) -> None:
        if conn.in_transaction:  # type: ignore[attr-defined]
            conn.execute("ROLLBACK")

    def begin_small_write(self, conn: Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")  # SQLite has one writer per file anyway

    def begin_read(self, conn: Connection) -> None:
        conn.execute("BEGIN")

    def has_table(self, conn: Connection, name: str) -> bool:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        return found is not None

    def last_id(self, conn: Connection, table: str) -> int:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        return int(row[0]) if row else 0

    def set_last_id(self, conn: Connection, table: str, value: int) -> None:
        if conn.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (value, table)).rowcount == 0:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value))

    def size_bytes(self, conn: Connection) -> int:
        return sum(p.stat().st_size for p in (Path(f"{self.path}{s}") for s in ("", "-wal", "-shm")) if p.exists())

    def describe(self) -> str:
        return str(self.path)


class PostgresDatabase(Database):
    kind = "postgresql"
    clock_sql = "extract(epoch FROM clock_timestamp())::float8"

    def __init__(self, url: str, schema: str = "", setting: str = "DATABASE_URL") -> None:
        import psycopg  # the postgres extra: only a library in PostgreSQL needs it

        self.url = url
        self.setting = setting  # where the URL came from, for messages
        self.schema = schema
        self._psycopg = psycopg
        self.errors = (psycopg.Error,)
        self.integrity_errors = (psycopg.errors.IntegrityError,)

    def connect(self) -> Connection:
        raw = self._connect()
        try:
            if self.schema:
                if not self._has_schema(raw):
                    # Under the writer lock: two processes creating one schema at once would collide.
                    with raw.transaction():
                        raw.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (WRITER_LOCK, self.schema))
                        raw.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                raw.execute(f'SET search_path TO "{self.schema}"')
        except BaseException:
            raw.close()
            raise
        return PostgresConnection(raw)

    def _connect(self) -> Any:
        psycopg = self._psycopg
        try:
            given = psycopg.conninfo.conninfo_to_dict(self.url)
            options = {k: v for k, v in CONNECTION_DEFAULTS.items() if k not in given}
            return psycopg.connect(self.url, autocommit=True, row_factory=_row_factory, **options)
        except psycopg.OperationalError as exc:  # the server's or the network's words: no part of the URL
            reason = first_line(exc, last=True)
            raise DatabaseUnavailable(f"cannot connect to the PostgreSQL database in {self.setting}: {reason}") from exc
        except psycopg.Error as exc:  # libpq quotes the part of the URL it cannot parse, the password perhaps
            raise DatabaseUnavailable(f"{self.setting} is not a PostgreSQL URL libpq can read") from exc

    def _has_schema(self, raw: Any) -> bool:
        return raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,)).fetchone() is not None

    def exists(self) -> bool:
        raw = self._connect()
        try:
            if self.schema and not self._has_schema(raw):
                return False
            name = f'"{self.schema}".meta' if self.schema else "meta"
            return bool(raw.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])
        finally:
            raw.close()

    def drop_schema(self) -> None:
        """Delete the library's schema with everything in it."""
        raw = self._connect()
        try:
            raw.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        finally:
            raw.close()

    def alive(self, conn: Connection) -> bool:
        raw = conn.raw  # type: ignore[attr-defined]
        return not (raw.closed or raw.broken)

    def rollback(self, conn: Connection) -> None:
        if conn.raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE:  # type: ignore[attr-defined]
            conn.execute("ROLLBACK")

    def begin_write(self, conn: Connection) -> None:
        # One writer per library: libraries in other schemas of the database write meanwhile.
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", (WRITER_LOCK,))

    def begin_small_write(self, conn: Connection) -> None:
        conn.execute("BEGIN")

    def begin_read(self, conn: Connection) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def has_table(self, conn: Connection, name: str) -> bool:
        return conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]

    def last_id(self, conn: Connection, table: str) -> int:
        sequence = conn.execute("SELECT pg_get_serial_sequence(?, 'id')", (table,)).fetchone()[0]
        row = conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
        return int(row[0]) if row[1] else 0

    def set_last_id(self, conn: Connection, table: str, value: int) -> None:
        highest = max(value, self.last_id(conn, table))
        highest = max(highest, int(conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]))
        if highest:
            conn.execute("SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", (table, highest))

    def size_bytes(self, conn: Connection) -> int:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])

    def table(self, statement: str) -> str:
        for sqlite_type, postgres_type in _TYPES:
            statement = sqlite_type.sub(postgres_type, statement)
        return statement

    def describe(self) -> str:
        where = re.sub(r"(//[^/:@]*:)[^/@]*@", r"\1***@", self.url)
        where = re.sub(r"(password=)[^&\s]*", r"\1***", where)
        return f"PostgreSQL {where}" + (f" (schema {self.schema})" if self.schema else "")


# Telegram chat and user ids pass 2**31, so every INTEGER is a BIGINT; ids keep AUTOINCREMENT's promise (never
# reused) as identity columns.
_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),  # PostgreSQL's REAL has 24 bits: seconds since 1970 need 31
    (re.compile(r"\s+WITHOUT ROWID\b"), ""),
]


def open_database(data_dir: Path, url: str, schema: str = "", setting: str = "DATABASE_URL") -> Database:
    return PostgresDatabase(url, schema, setting) if url else SqliteDatabase(data_dir / LIBRARY_FILE)


class Row(tuple[Any, ...]):
    """A result row read by position or by column name, as sqlite3.Row."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (the SQL has no literal ``?`` nor ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def first_line(exc: BaseException, last: bool = False) -> str:
    """The first (or last) line of an error's message, or its type's name."""
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return (lines[-1] if last else lines[0]).strip() if lines else type(exc).__name__


def _plain(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL's text cannot hold NUL (SQLite's can): one character for one, so offsets into it still hold.
        return value.replace("\x00", "\ufffd")
    return value.item() if isinstance(value, np.generic) else value


class PostgresConnection:
    """A psycopg connection in autocommit mode (transactions are explicit, as with SQLite's isolation_level=None)
    that takes the store's ``?`` placeholders and numpy scalars."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self.raw.execute(_placeholders(sql), [_plain(p) for p in parameters])

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(_placeholders(sql), [[_plain(p) for p in row] for row in parameters])
        return cursor

    def close(self) -> None:
        self.raw.close()
