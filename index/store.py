"""SQLite storage: articles, passages (with their vectors) and the FTS5 keyword index.

SQLite is the source of truth. Each article is written in one transaction together with its
passages, vectors and keyword rows, so it is either wholly present or absent. Every write bumps
``meta.generation`` so other connections know to refresh their in-memory FAISS copy, and keeps
``meta.vector_digest`` (see ``index.vectors.vector_digest``) so they can check that copy vector by vector.
Article and passage ids are AUTOINCREMENT: an id is never given to another article or passage.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index import feedback, feeds, keywords
from index.errors import ArticleNotFound, LibraryCorrupt, ModelSwitched
from index.feedback import Span
from index.question import Question
from index.types import ArticleInfo
from index.vectors import as_stored, pack_sentences, unpack_sentences, unpack_vector, vector_digest

SCHEMA_VERSION = 4  # 4: passage vectors in float16, sentence vectors in int8 (format 3: float32 and float16)
_MASK = (1 << 64) - 1

_ARTICLES_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    key TEXT,
    title TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    canonical_url TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    passage_count INTEGER NOT NULL,
    added_by_user INTEGER,
    added_in_chat INTEGER
)"""
# The last day a stored publication date can mean: "2024" ends on 2024-12-31, "2024-09" on 2024-09-31 (compared as
# text, which orders ISO dates).
_PUBLISHED_END = (
    "(CASE length(a.published) WHEN 4 THEN a.published || '-12-31' WHEN 7 THEN a.published || '-31' "
    "ELSE substr(a.published, 1, 10) END)"
)
_CHAT_SETTINGS = """
CREATE TABLE IF NOT EXISTS chat_settings (
    chat INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (chat, name)
)"""
_PASSAGES_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    collection TEXT NOT NULL,
    ord INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    sentence_spans BLOB NOT NULL,
    sentence_vectors BLOB NOT NULL,
    vector BLOB NOT NULL
)"""
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS articles_key ON articles(collection, key) WHERE key IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS articles_url ON articles(collection, canonical_url)
    WHERE canonical_url IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS articles_hash ON articles(collection, text_hash);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id);
"""
_V2_ARTICLE_COLUMNS = (
    "id, collection, key, title, source, author, published, url, canonical_url, text, text_hash, added_at,"
    " added_by, origin, passage_count"
)
_V2_PASSAGE_COLUMNS = "id, article_id, collection, ord, char_start, char_end, sentence_spans, sentence_vectors, vector"
_ARTICLE_COLUMNS = (
    "id, key, title, source, published, url, passage_count, added_at, collection, added_by, origin,"
    " added_by_user, added_in_chat"
)
_RECOVER = "restore it from a backup, or salvage it with `sqlite3 {path} .recover` and run `dossier reindex`"


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@dataclass(frozen=True, slots=True)
class NewArticle:
    """Everything needed to store one article."""

    collection: str
    key: str | None
    title: str
    source: str
    author: str
    published: str
    url: str
    canonical_url: str | None
    text: str
    text_hash: str
    added_by: str = ""
    origin: str = ""
    added_by_user: int | None = None
    added_in_chat: int | None = None


@dataclass(frozen=True, slots=True)
class NewPassage:
    """A passage of a new article with its vectors (float32, normalised)."""

    char_start: int
    char_end: int
    sentences: Sequence[tuple[int, int]]
    sentence_vectors: np.ndarray
    vector: np.ndarray


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage row joined with what answers need of its article."""

    id: int
    article_id: int
    char_start: int
    char_end: int
    sentences: np.ndarray  # (k, 2) int32 absolute offsets
    sentence_vectors: np.ndarray  # (k, dim) float32
    article_text: str


@dataclass(slots=True)
class WriteTxn:
    """An open write transaction; ``generation`` is set once it commits."""

    conn: sqlite3.Connection
    generation: int = -1


def _info(row: sqlite3.Row) -> ArticleInfo:
    return ArticleInfo(
        id=row["id"],
        key=row["key"],
        title=row["title"],
        source=row["source"],
        published=row["published"],
        url=row["url"],
        passages=row["passage_count"],
        added_at=row["added_at"],
        collection=row["collection"],
        added_by=row["added_by"],
        origin=row["origin"],
        added_by_user=row["added_by_user"],
        added_in_chat=row["added_in_chat"],
    )


class Store:
    """Thread-safe access to one SQLite database: one connection per thread, one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._lock_path = path.with_suffix(".lock")
        try:
            with self.connection() as conn:
                self._check_integrity(conn)
            with self.exclusive(), self.connection() as conn:
                version = self._create_or_migrate(conn)
                if str(version) == str(SCHEMA_VERSION):
                    keywords.ensure_current(conn)
                    feedback.ensure(conn)
                    feeds.ensure(conn)
                    conn.execute(_CHAT_SETTINGS)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise LibraryCorrupt(
                f"{path} is not a readable Dossier library ({exc}): {_RECOVER.format(path=path)}"
            ) from exc
        except LibraryCorrupt:
            self.close()
            raise
        if str(version) != str(SCHEMA_VERSION):
            self.close()
            raise LibraryCorrupt(
                f"{path} is in library format {version}, this version reads format {SCHEMA_VERSION}: "
                "re-import the articles into a new DATA_DIR"
            )

    def _check_integrity(self, conn: sqlite3.Connection) -> None:
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
        raise LibraryCorrupt(
            f"the library database {self.path} is damaged ({detail}): {_RECOVER.format(path=self.path)}"
        )

    def _create_or_migrate(self, conn: sqlite3.Connection) -> str:
        """Create a new library, or bring an older format up to date, in one transaction; returns the format."""
        conn.execute("PRAGMA foreign_keys=OFF")  # the migration rebuilds tables that reference each other
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = self._schema_version(conn)
                if version is None:
                    for statement in self._schema_statements():
                        conn.execute(statement)
                    Store.set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                    Store.set_meta(conn, "generation", "0")
                    Store.set_meta(conn, "vector_digest", "0")
                    version = str(SCHEMA_VERSION)
                elif version in ("2", "3"):
                    if version == "2":
                        self._migrate_from_2(conn)
                    self._migrate_from_3(conn)
                    Store.set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                    version = str(SCHEMA_VERSION)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        return version

    @staticmethod
    def _schema_version(conn: sqlite3.Connection) -> str | None:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _schema_statements() -> list[str]:
        return [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            _ARTICLES_TABLE.format(name="articles"),
            _PASSAGES_TABLE.format(name="passages"),
            *_statements(_INDEXES),
            *_statements(keywords.SCHEMA),
        ]

    @staticmethod
    def _migrate_from_2(conn: sqlite3.Connection) -> None:
        """Format 2 → 3: AUTOINCREMENT ids (the tables are rebuilt with the same ids, and the id counters start
        above the highest id in use), adder user and chat columns (the vector digest comes with format 4)."""
        conn.execute(_ARTICLES_TABLE.format(name="articles_v3"))
        conn.execute(f"INSERT INTO articles_v3 ({_V2_ARTICLE_COLUMNS}) SELECT {_V2_ARTICLE_COLUMNS} FROM articles")
        conn.execute("DROP TABLE articles")
        conn.execute("ALTER TABLE articles_v3 RENAME TO articles")
        conn.execute(_PASSAGES_TABLE.format(name="passages_v3"))
        conn.execute(f"INSERT INTO passages_v3 ({_V2_PASSAGE_COLUMNS}) SELECT {_V2_PASSAGE_COLUMNS} FROM passages")
        conn.execute("DROP TABLE passages")
        conn.execute("ALTER TABLE passages_v3 RENAME TO passages")
        for statement in _statements(_INDEXES):
            conn.execute(statement)

    @staticmethod
    def _migrate_from_3(conn: sqlite3.Connection) -> None:
        """Format 3 → 4: passage vectors from float32 to float16, sentence vectors from float16 to int8 with a scale
        each (half the room each); the vector digest recomputed from the converted vectors."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'dimension'").fetchone()
        dim = int(row[0]) if row else 0
        digest = 0
        rows = conn.execute("SELECT id, vector, sentence_vectors, length(sentence_spans) / 8 FROM passages")
        for pid, vector, sentences, count in rows.fetchall():
            if len(vector) != dim * 4 or len(sentences) != count * dim * 2:
                raise LibraryCorrupt(f"passage {pid}'s vectors are not {dim} numbers long: re-import the articles")
            kept = as_stored(np.frombuffer(vector, dtype=np.float32))
            old = np.frombuffer(sentences, dtype=np.float16).reshape(count, dim).astype(np.float32)
            conn.execute(
                "UPDATE passages SET vector = ?, sentence_vectors = ? WHERE id = ?",
                (kept.astype(np.float16).tobytes(), pack_sentences(old), pid),
            )
            digest = (digest + vector_digest(np.asarray([pid]), kept)) & _MASK
        Store.set_meta(conn, "vector_digest", str(digest))

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=True)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        yield conn

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """The library's single-writer lock, across threads and processes."""
        with self._write_lock, open(self._lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside it sees the same committed state of the library."""
        with self.connection() as conn:
            conn.execute("BEGIN")
            try:
                yield
            finally:
                conn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self) -> Iterator[WriteTxn]:
        """One transaction under the writer lock; bumps the generation, which ``txn.generation`` holds after."""
        with self.exclusive(), self.connection() as conn:
            txn = WriteTxn(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield txn
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
                txn.generation = int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- feedback ---------------------------------------------------------------------------

    def record_vote(
        self, answer: str, voter: str, verdict: str, question: str, cited: Sequence[Span], chat: int | None
    ) -> None:
        with self.exclusive(), self.connection() as conn:
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
        with self.exclusive(), self.connection() as conn:
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

    @staticmethod
    def _add_to_digest(conn: sqlite3.Connection, ids: Sequence[int], vectors: np.ndarray, sign: int) -> None:
        if not len(ids):
            return
        row = conn.execute("SELECT value FROM meta WHERE key = 'vector_digest'").fetchone()
        change = vector_digest(np.asarray(ids, dtype=np.int64), vectors)
        Store.set_meta(conn, "vector_digest", str((int(row[0] if row else 0) + sign * change) & _MASK))

    @staticmethod
    def _drop_passages(conn: sqlite3.Connection, article_id: int) -> list[int]:
        """Delete an article's passages with their keyword rows, keeping the vector digest; returns their ids."""
        rows = conn.execute("SELECT id, vector FROM passages WHERE article_id = ?", (article_id,)).fetchall()
        ids = [int(r[0]) for r in rows]
        if rows:
            vectors = np.stack([np.frombuffer(r[1], dtype=np.float16).astype(np.float32) for r in rows])
            Store._add_to_digest(conn, ids, vectors, -1)
        keywords.remove(conn, ids)
        conn.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        return ids

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value)
        )

    # -- articles ---------------------------------------------------------------------------
    def find_duplicate(
        self, collection: str, key: str | None, canonical_url: str | None, text_hash: str | None
    ) -> ArticleInfo | None:
        clauses, params = [], [collection]
        for column, value in (("key", key), ("canonical_url", canonical_url), ("text_hash", text_hash)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if not clauses:
            return None
        with self.connection() as conn:
            row = conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE collection = ? AND ({' OR '.join(clauses)}) "
                "ORDER BY id LIMIT 1",
                params,
            ).fetchone()
        return None if row is None else _info(row)

    @staticmethod
    def insert_article(
        conn: sqlite3.Connection, article: NewArticle, passages: Sequence[NewPassage]
    ) -> tuple[ArticleInfo, list[int]]:
        """Insert inside a ``write()`` transaction; returns the stored info and the new passage ids."""
        added_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cur = conn.execute(
            "INSERT INTO articles (collection, key, title, source, author, published, url, canonical_url, text,"
            " text_hash, added_at, added_by, origin, passage_count, added_by_user, added_in_chat)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.collection,
                article.key,
                article.title,
                article.source,
                article.author,
                article.published,
                article.url,
                article.canonical_url,
                article.text,
                article.text_hash,
                added_at,
                article.added_by,
                article.origin,
                len(passages),
                article.added_by_user,
                article.added_in_chat,
            ),
        )
        article_id = int(cur.lastrowid or 0)
        ids = Store._insert_passages(conn, article_id, article.collection, article.text, passages)
        row = conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _info(row), ids

    @staticmethod
    def _insert_passages(
        conn: sqlite3.Connection, article_id: int, collection: str, text: str, passages: Sequence[NewPassage]
    ) -> list[int]:
        ids: list[int] = []
        lang = keywords.article_language(text)
        for ord_, p in enumerate(passages):
            cur = conn.execute(
                "INSERT INTO passages (article_id, collection, ord, char_start, char_end, sentence_spans,"
                " sentence_vectors, vector) VALUES (?,?,?,?,?,?,?,?)",
                (
                    article_id,
                    collection,
                    ord_,
                    p.char_start,
                    p.char_end,
                    np.asarray(p.sentences, dtype=np.int32).tobytes(),
                    pack_sentences(p.sentence_vectors),
                    np.asarray(p.vector, dtype=np.float16).tobytes(),
                ),
            )
            pid = int(cur.lastrowid or 0)
            ids.append(pid)
            keywords.add(conn, pid, text[p.char_start : p.char_end], lang)
        if passages:
            vectors = as_stored(np.stack([np.asarray(p.vector) for p in passages]))
            Store._add_to_digest(conn, ids, vectors, +1)
        return ids

    @staticmethod
    def replace_if_unchanged(
        conn: sqlite3.Connection, article_id: int, embedded_text: str, passages: Sequence[NewPassage]
    ) -> bool:
        """A reindex's swap (it embeds outside the transaction): nothing changes when the article was removed or
        given another text meanwhile, since passages cut from one text would point into another."""
        row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or row[0] != embedded_text:
            return False
        Store.replace_passages(conn, article_id, passages)
        return True

    @staticmethod
    def replace_passages(conn: sqlite3.Connection, article_id: int, passages: Sequence[NewPassage]) -> list[int]:
        """Swap an article's passages inside a ``write()`` transaction; returns the new ids."""
        row = conn.execute("SELECT collection, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        Store._drop_passages(conn, article_id)
        ids = Store._insert_passages(conn, article_id, row[0], row[1], passages)
        conn.execute("UPDATE articles SET passage_count = ? WHERE id = ?", (len(ids), article_id))
        return ids

    @staticmethod
    def check_model(conn: sqlite3.Connection, model: str, unless_empty: bool = False) -> None:
        """Inside a ``write()`` transaction that stores vectors of ``model``: refuse them when another process has
        switched the library to another model (``dossier reindex``, or a first add) since this one opened it;
        ``unless_empty``: a library without passages may take any model."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
        if row is None or row[0] == model:
            return
        if unless_empty and conn.execute("SELECT 1 FROM passages LIMIT 1").fetchone() is None:
            return
        raise ModelSwitched(row[0], model)

    @staticmethod
    def revise_article(
        conn: sqlite3.Connection, article_id: int, text: str, title: str, text_hash: str, passages: Sequence[NewPassage]
    ) -> ArticleInfo:
        """New text (and title) for an article under the same id, inside a ``write()`` transaction."""
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            raise ArticleNotFound(article_id)  # removed while the new text was embedded
        conn.execute(
            "UPDATE articles SET text = ?, title = ?, text_hash = ? WHERE id = ?", (text, title, text_hash, article_id)
        )
        Store.replace_passages(conn, article_id, passages)
        return _info(conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone())

    @staticmethod
    def delete_article(conn: sqlite3.Connection, article_id: int) -> list[int]:
        """Delete inside a ``write()`` transaction; returns the removed passage ids."""
        ids = Store._drop_passages(conn, article_id)
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def get_info(self, article_id: int) -> ArticleInfo | None:
        with self.connection() as conn:
            row = conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else _info(row)

    def get_text(self, article_id: int) -> tuple[str, str] | None:
        """(text, author) of an article."""
        with self.connection() as conn:
            row = conn.execute("SELECT text, author FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def list_infos(
        self,
        collection: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        ids: Sequence[int] = (),
        key_prefix: str = "",
        newest_first: bool = False,
    ) -> list[ArticleInfo]:
        where: list[str] = []
        params: list[object] = []
        if collection is not None:
            where.append("collection = ?")
            params.append(collection)
        if key_prefix:
            where.append("substr(key, 1, ?) = ?")
            params.extend([len(key_prefix), key_prefix])
        if ids:
            where.append(f"id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY id {'DESC' if newest_first else ''} LIMIT ? OFFSET ?"
        params.extend([-1 if limit is None else limit, offset])
        with self.connection() as conn:
            return [_info(r) for r in conn.execute(sql, params)]

    def count_articles(self, collection: str | None = None) -> int:
        with self.connection() as conn:
            if collection is None:
                return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            return int(conn.execute("SELECT COUNT(*) FROM articles WHERE collection = ?", (collection,)).fetchone()[0])

    def article_of(self, passage_id: int) -> int | None:
        with self.connection() as conn:
            row = conn.execute("SELECT article_id FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return None if row is None else int(row[0])

    # -- passages ---------------------------------------------------------------------------
    def passage_ids(self, collection: str | None = None) -> np.ndarray:
        with self.connection() as conn:
            if collection is None:
                rows = conn.execute("SELECT id FROM passages").fetchall()
            else:
                rows = conn.execute("SELECT id FROM passages WHERE collection = ?", (collection,)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def publication_ends(self, collection: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """For bounding searches by publication date: every passage's id and the last day its article's publication
        date can mean (an ISO date; '' when undated), the same for every article, and the newest publication date."""
        where, params = ("WHERE a.collection = ?", [collection]) if collection is not None else ("", [])
        with self.connection() as conn:
            rows = conn.execute(
                f"SELECT p.id, {_PUBLISHED_END} FROM passages p JOIN articles a ON a.id = p.article_id {where} "
                "ORDER BY p.id",
                params,
            ).fetchall()
            articles = conn.execute(f"SELECT {_PUBLISHED_END} FROM articles a {where}", params).fetchall()
            newest = conn.execute(
                "SELECT MAX(published) FROM articles WHERE published != ''"
                + (" AND collection = ?" if collection is not None else ""),
                params,
            ).fetchone()[0]
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        ends = np.array([r[1] or "" for r in rows], dtype="U10")
        article_ends = np.array([r[0] or "" for r in articles], dtype="U10")
        return ids, ends, article_ends, str(newest or "")

    def passage_spans(self, article_id: int) -> list[tuple[int, int, int]]:
        """(passage id, char_start, char_end) of an article's passages, in text order."""
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT id, char_start, char_end FROM passages WHERE article_id = ? ORDER BY ord", (article_id,)
            ).fetchall()
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def collections(self) -> list[str]:
        with self.connection() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT collection FROM articles")]

    def vectors(self, ids: Sequence[int], dim: int) -> np.ndarray:
        out = np.zeros((len(ids), dim), dtype=np.float32)
        with self.connection() as conn:
            for start in range(0, len(ids), 500):
                chunk = [int(i) for i in ids[start : start + 500]]
                rows = conn.execute(
                    f"SELECT id, vector FROM passages WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                found = {r[0]: r[1] for r in rows}
                for k, pid in enumerate(chunk):
                    out[start + k] = unpack_vector(found[pid], dim)
        return out

    def passages(self, ids: Sequence[int], dim: int) -> dict[int, StoredPassage]:
        if not ids:
            return {}
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT p.id, p.article_id, p.char_start, p.char_end, p.sentence_spans, p.sentence_vectors, a.text"
                f" FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id IN ({','.join('?' * len(ids))})",
                [int(i) for i in ids],
            ).fetchall()
        return {
            r[0]: StoredPassage(
                id=r[0],
                article_id=r[1],
                char_start=r[2],
                char_end=r[3],
                sentences=np.frombuffer(r[4], dtype=np.int32).reshape(-1, 2),
                sentence_vectors=unpack_sentences(r[5], len(r[4]) // 8, dim),
                article_text=r[6],
            )
            for r in rows
        }

    def sentence_vectors(self, ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        """The sentence vectors of each passage (without the article text), for scoring candidates."""
        if not ids:
            return {}
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT id, sentence_vectors, length(sentence_spans) / 8 FROM passages"
                f" WHERE id IN ({','.join('?' * len(ids))})",
                [int(i) for i in ids],
            ).fetchall()
        return {r[0]: unpack_sentences(r[1], r[2], dim) for r in rows}

    def keyword_search(self, question: Question, collection: str | None, limit: int) -> list[tuple[int, float]]:
        """(passage id, bm25 score; higher is better) for the question's words."""
        with self.connection() as conn:
            match = keywords.match_expression(conn, question)
            return keywords.search(conn, match, collection, limit) if match else []

    def term_weights(self, question: Question, passages: int) -> tuple[float, ...]:
        """Inverse document frequency of each of the question's content terms in a library of ``passages``."""
        with self.connection() as conn:
            return keywords.term_weights(conn, question, passages)

    def unknown_names(self, question: Question) -> list[str]:
        """Words of the question's names that no passage contains, when it is asked in the library's words."""
        with self.connection() as conn:
            return keywords.unknown_names(conn, question)

    def absent_name_words(self, question: Question) -> list[str]:
        """Words of the question's names that no passage contains, in any language."""
        with self.connection() as conn:
            return keywords.absent_name_words(conn, question)

    def passage_count(self) -> int:
        with self.connection() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def article_texts(self, after_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, text) of articles with id > after_id, in id order, for reindexing page by page."""
        with self.connection() as conn:
            return [
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
                )
            ]

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += os.path.getsize(p)
        return total
