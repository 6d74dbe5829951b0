"""The library's storage: articles, passages (with their vectors) and the keyword index, in SQLite or PostgreSQL
(``index.database``).

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import feedback, keywords, schema, vector_mirror
from index.database import Connection, Database, SqliteDatabase, first_line
from index.errors import DossierError, LibraryCorrupt
from index.feedback import Span
from index.question import Question
from index.store_writes import ARTICLE_COLUMNS, WriteTxn, article_info
from index.stored_vectors import unpack_sentences, unpack_vector
from index.types import ArticleInfo

NO_LIMIT = 1 << 62  # LIMIT that both databases take for "all rows"

# The last day a stored publication date can mean: "2024" ends on 2024-12-31, "2024-09" on 2024-09-31 (compared as
# text, which orders ISO dates).
_PUBLISHED_END = (
    "(CASE length(a.published) WHEN 4 THEN a.published || '-12-31' WHEN 7 THEN a.published || '-31' "
    "ELSE substr(a.published, 1, 10) END)"
)
ID_LIMIT = 2**63  # article ids are 64-bit integers in SQLite and PostgreSQL
_RECOVER = "restore it from a backup, or salvage it with `sqlite3 {path} .recover` and run `dossier reindex`"


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


class Store:
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
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE collection = ? AND ({' OR '.join(clauses)}) "
                "ORDER BY id LIMIT 1",
                params,
            ).fetchone()
        return None if row is None else article_info(row)

    def get_info(self, article_id: int) -> ArticleInfo | None:
        if not 0 < article_id < ID_LIMIT:
            return None  # no such id, and the database driver refuses to bind one past 64 bits
        with self.connection() as conn:
            row = conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else article_info(row)

    def get_text(self, article_id: int) -> tuple[str, str] | None:
        """(text, author) of an article."""
        if not 0 < article_id < ID_LIMIT:
            return None
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
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY id {'DESC' if newest_first else ''} LIMIT ? OFFSET ?"
        params.extend([NO_LIMIT if limit is None else limit, offset])
        with self.connection() as conn:
            return [article_info(r) for r in conn.execute(sql, params)]

    def count_articles(self, collection: str | None = None, upto: int | None = None) -> int:
        """Articles in the library, or in ``collection``, or with ids up to ``upto``."""
        with self.connection() as conn:
            if upto is not None:
                return int(conn.execute("SELECT COUNT(*) FROM articles WHERE id <= ?", (upto,)).fetchone()[0])
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
                rows = conn.execute("SELECT id FROM passages ORDER BY id").fetchall()
            else:
                rows = conn.execute(
                    "SELECT id FROM passages WHERE collection = ? ORDER BY id", (collection,)
                ).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def publication_ends(self, collection: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """For bounding searches by publication date: every passage's id and the last day its article's publication
        date can mean (an ISO date; '' when undated), the same for every article, and the newest publication date.
        Passages are matched to their articles here, not in a join: the join read every passage row (text and
        vectors, ~7 KB each: 8 s cold at 1M passages) where ``SELECT id, article_id`` reads only the index on
        ``article_id``, and the dates come from the index on (collection, published), not the articles' rows."""
        where, params = ("WHERE a.collection = ?", [collection]) if collection is not None else ("", [])
        with self.connection() as conn:
            articles = conn.execute(f"SELECT a.id, {_PUBLISHED_END} FROM articles a {where}", params).fetchall()
            passages = conn.execute("SELECT id, article_id FROM passages").fetchall()
            newest = conn.execute(
                "SELECT MAX(published) FROM articles WHERE published != ''"
                + (" AND collection = ?" if collection is not None else ""),
                params,
            ).fetchone()[0]
        article_ids = np.fromiter((r[0] for r in articles), dtype=np.int64, count=len(articles))
        article_ends = np.array([r[1] or "" for r in articles], dtype="U10")
        by_id = np.argsort(article_ids, kind="stable")  # unordered above: an ORDER BY made SQLite scan the table
        article_ids, article_ends = article_ids[by_id], article_ends[by_id]
        ids = np.fromiter((r[0] for r in passages), dtype=np.int64, count=len(passages))
        owners = np.fromiter((r[1] for r in passages), dtype=np.int64, count=len(passages))
        at = np.minimum(np.searchsorted(article_ids, owners), max(len(article_ids) - 1, 0))
        kept = (article_ids[at] == owners) if len(article_ids) else np.zeros(len(owners), dtype=bool)
        order = np.argsort(ids[kept], kind="stable")
        return ids[kept][order], article_ends[at[kept]][order], article_ends, str(newest or "")

    def passage_spans(self, article_id: int) -> list[tuple[int, int, int]]:
        """(passage id, char_start, char_end) of an article's passages, in text order."""
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT id, char_start, char_end FROM passages WHERE article_id = ? ORDER BY ord", (article_id,)
            ).fetchall()
        return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    def outlet_names(self) -> list[str]:
        """The outlets the library's articles name, their first 200 characters: a walk over their index, one
        step a name (a plain DISTINCT reads every article's row in PostgreSQL, which answers no query from an
        expression index alone)."""
        first = "substr(source, 1, 200)"
        with self.connection() as conn:
            rows = conn.execute(
                f"WITH RECURSIVE outlets(name) AS (SELECT (SELECT {first} FROM articles ORDER BY {first} LIMIT 1)"
                f" UNION ALL SELECT (SELECT {first} FROM articles WHERE {first} > outlets.name ORDER BY {first}"
                " LIMIT 1) FROM outlets WHERE outlets.name IS NOT NULL) SELECT name FROM outlets WHERE name IS NOT NULL"
            ).fetchall()
        return [str(r[0]) for r in rows]

    def outlet_passages(self, sources: Sequence[str], collection: str | None) -> tuple[np.ndarray, np.ndarray]:
        """The ids of the passages of these outlets' articles (``outlet_names``; in ``collection``), in order, and
        each one's article."""
        marks = ",".join("?" * len(sources))
        where, params = f"substr(a.source, 1, 200) IN ({marks})", [*sources]
        if collection is not None:
            where, params = f"{where} AND a.collection = ?", [*params, collection]
        with self.connection() as conn:
            rows = conn.execute(
                f"SELECT p.id, p.article_id FROM passages p JOIN articles a ON a.id = p.article_id WHERE {where}"
                " ORDER BY p.id",
                params,
            ).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ids, np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))

    def collections(self) -> list[str]:
        with self.connection() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT collection FROM articles ORDER BY collection")]

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
            chosen = keywords.chosen_terms(conn, question)
            return self._postings.search(conn, chosen, collection, limit) if chosen else []

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

    def indexed_passages(self) -> int:
        """Passages in the keyword index (as many as ``passage_count`` in a sound library)."""
        with self.connection() as conn:
            return self._postings.count(conn)

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
        with self.connection() as conn:
            return self.database.size_bytes(conn)
