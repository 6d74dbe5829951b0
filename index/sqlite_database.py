"""A library's database in SQLite: one file in the data directory, checked for damage before it is used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.database import Connection, Database
from index.errors import LibraryCorrupt

LIBRARY_FILE = "library.sqlite3"  # in the data directory, beside the FAISS cache
PAGE_SIZE = 16384  # bytes per page of a new SQLite library (see ``SqliteDatabase.connect``)


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
