"""The SQL database under a library, as the store sees it: a ``Database`` and its ``Connection``, which embedded
SQLite in the data directory (the default, ``index.sqlite_database``) and PostgreSQL when ``DATABASE_URL`` names one
(``index.postgres_database``) each provide.

The store and the modules beside it (keywords, feeds, feedback) write one SQL dialect, with ``?`` placeholders,
that both databases run. What differs lives in those two: connecting, the column types of ``CREATE TABLE``, how a
transaction starts (SQLite's writer lock is the file's; PostgreSQL's an advisory lock, so writers on several
machines still take turns), and the size on disk.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


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


def first_line(exc: BaseException, last: bool = False) -> str:
    """The first (or last) line of an error's message, or its type's name."""
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return (lines[-1] if last else lines[0]).strip() if lines else type(exc).__name__
