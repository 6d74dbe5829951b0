"""A library's database in PostgreSQL (``DATABASE_URL``), in its own schema when given one: connecting with
timeouts, the writer's advisory lock, SQLite's column types and ``?`` placeholders translated."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from index.database import Connection, Database, first_line
from index.errors import DossierError

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
