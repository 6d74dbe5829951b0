"""The library's tables and formats: the schema a new library is created with, the tables that came after format 4
(created where missing), and the SQLite migrations from formats 2 and 3. ``Store`` runs them under its lock."""

from __future__ import annotations

import numpy as np

from index import conversations, feedback, feeds, keywords
from index.backfills import hashes_current, languages_current, rehash
from index.cleaning import HASH_VERSION
from index.database import Connection, Database
from index.errors import LibraryCorrupt
from index.keywords import Postings
from index.store_writes import MASK, set_meta
from index.stored_vectors import as_stored, pack_sentences, vector_digest

SCHEMA_VERSION = 4  # 4: passage vectors in float16, sentence vectors in int8 (format 3: float32 and float16)

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
    vector BLOB NOT NULL,
    lang TEXT NOT NULL DEFAULT ''
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


def statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def create_or_migrate(conn: Connection, database: Database, postings: Postings) -> str:
    """In the caller's write transaction: create a new library, or bring an older format up to date (SQLite); the
    tables that came after format 4 and the keyword rows' current layout are made where missing. Returns the
    format found or made."""
    version = _version(conn, database)
    if version is None:
        for statement in _schema(database, postings):
            conn.execute(statement)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        set_meta(conn, "generation", "0")
        set_meta(conn, "vector_digest", "0")
        set_meta(conn, "text_hash_version", HASH_VERSION)
        version = str(SCHEMA_VERSION)
    elif version in ("2", "3") and database.kind == "sqlite":
        if version == "2":
            _migrate_from_2(conn)
        _migrate_from_3(conn)
        set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        version = str(SCHEMA_VERSION)
    if version == str(SCHEMA_VERSION):
        for statement in _added_tables(database, postings):
            conn.execute(statement)
        if not keywords.is_current(conn, postings):
            keywords.rebuild(conn, postings)
            set_meta(conn, "keyword_analyzer", postings.version)
        if not hashes_current(conn):
            rehash(conn)
        if not languages_current(conn):  # filled after, a page a transaction (``Store.fill_languages``)
            _add_language_column(conn, database)
    return version


def _version(conn: Connection, database: Database) -> str | None:
    if not database.has_table(conn, "meta"):
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else str(row[0])


def _schema(database: Database, postings: Postings) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        database.table(_ARTICLES_TABLE.format(name="articles")),
        database.table(_PASSAGES_TABLE.format(name="passages")),
        *statements(_INDEXES),
        *statements(postings.schema),
    ]


def _added_tables(database: Database, postings: Postings) -> list[str]:
    """Tables and indexes that came after format 4, and those of the keyword rows' current layout (created where
    missing; a library of an earlier layout is then re-indexed, ``keywords.rebuild``)."""
    added = (
        *statements(feedback.SCHEMA),
        *statements(feeds.SCHEMA),
        _CHAT_SETTINGS,
        *statements(conversations.SCHEMA),
        # Publication dates without reading the articles' rows (each about a page of text: 40 s cold at 340,000
        # articles); built at the first open of an older library.
        "CREATE INDEX IF NOT EXISTS articles_published ON articles(collection, published)",
        # The outlets' names without reading the articles' rows (``Store.outlet_names``). Only their first
        # characters: PostgreSQL's B-tree holds no entry over ~2.7 kB, and a source can be longer.
        "CREATE INDEX IF NOT EXISTS articles_outlet ON articles(substr(source, 1, 200))",
    )
    return [database.table(statement) for statement in added] + statements(postings.schema)


def _add_language_column(conn: Connection, database: Database) -> None:
    """The passages' language column, in a library made before it (their languages are then filled in)."""
    if database.kind == "sqlite":
        if "lang" not in {row[1] for row in conn.execute("PRAGMA table_info(passages)").fetchall()}:
            conn.execute("ALTER TABLE passages ADD COLUMN lang TEXT NOT NULL DEFAULT ''")
    else:
        conn.execute("ALTER TABLE passages ADD COLUMN IF NOT EXISTS lang TEXT NOT NULL DEFAULT ''")


def _migrate_from_2(conn: Connection) -> None:
    """Format 2 → 3 (SQLite): AUTOINCREMENT ids (the tables are rebuilt with the same ids, and the id counters
    start above the highest id in use), adder user and chat columns (the vector digest comes with format 4)."""
    conn.execute(_ARTICLES_TABLE.format(name="articles_v3"))
    conn.execute(f"INSERT INTO articles_v3 ({_V2_ARTICLE_COLUMNS}) SELECT {_V2_ARTICLE_COLUMNS} FROM articles")
    conn.execute("DROP TABLE articles")
    conn.execute("ALTER TABLE articles_v3 RENAME TO articles")
    conn.execute(_PASSAGES_TABLE.format(name="passages_v3"))
    conn.execute(f"INSERT INTO passages_v3 ({_V2_PASSAGE_COLUMNS}) SELECT {_V2_PASSAGE_COLUMNS} FROM passages")
    conn.execute("DROP TABLE passages")
    conn.execute("ALTER TABLE passages_v3 RENAME TO passages")
    for statement in statements(_INDEXES):
        conn.execute(statement)


def _migrate_from_3(conn: Connection) -> None:
    """Format 3 → 4 (SQLite): passage vectors from float32 to float16, sentence vectors from float16 to int8
    with a scale each (half the room each); the vector digest recomputed from the converted vectors."""
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
        digest = (digest + vector_digest(np.asarray([pid]), kept)) & MASK
    set_meta(conn, "vector_digest", str(digest))
