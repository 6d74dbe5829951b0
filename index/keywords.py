"""The keyword index: analysed passage text scored by bm25, with a document-frequency table. In SQLite the
postings are an FTS5 table; in PostgreSQL, plain tables scored by the same formula in SQL.

A passage is indexed as the Snowball stems of its words in its article's language, plus each word as written
where it differs from its stem, a word with diacritics also without them, and a word of another script also in
Latin letters (``Analyzer.index_terms``): a question looks up its own stems and words, so an English question still
finds "Paiporta" in a Spanish article and "Sudzha" in a Ukrainian one. A
question searches its rarest terms first and stops before the postings it would score pass a budget: bm25 costs
time in proportion to the rows that match (``index.keyword_terms``).
When the analysis changes (``ANALYZER_VERSION``) or the rows' layout (``Postings.version``), the index is rebuilt
from the stored text at open; no vector is recomputed.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from index.database import Connection
from index.language import analyzer, detect

log = logging.getLogger(__name__)

# The postings: SQLite's own FTS5 table, or (PostgreSQL) plain tables scored with the same bm25 in SQL.
# "&" is a letter to it, as to ``language.TOKEN``: "AT&T" is one term, not the stop word "at" and a "t".
FTS5_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, "
    "tokenize = 'unicode61 remove_diacritics 0 tokenchars ''&''')"
)
FTS5_SCHEMA = f"""
{FTS5_TABLE};
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""
# In PostgreSQL, one row per passage holds its distinct terms, found through a GIN index, and apart the few that
# occur more than once with their counts (the rest occur once): finding a count reads that short list. A row per
# (term, passage) with its B-tree took ~12.2 KB a passage, two thirds of the database; this takes ~2.1 KB (11.7k
# benchmark passages), and bm25 over ~3,800 matching passages ~12 ms against ~20 (30k synthetic ones, same scores).
TABLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS term_df (term TEXT COLLATE "C" PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS keyword_passages (
    passage_id BIGINT PRIMARY KEY, length INTEGER NOT NULL, terms TEXT[] COLLATE "C" NOT NULL,
    repeated TEXT[] COLLATE "C" NOT NULL, repeated_tfs INTEGER[] NOT NULL
);
CREATE INDEX IF NOT EXISTS keyword_passages_terms ON keyword_passages USING gin (terms);
CREATE TABLE IF NOT EXISTS keyword_totals (one INTEGER PRIMARY KEY CHECK (one = 1), docs BIGINT NOT NULL,
    tokens BIGINT NOT NULL);
"""
EARLIER_TABLES = "DROP TABLE IF EXISTS keyword_postings, keyword_docs"  # a row per (term, passage), until 2026-12
ANALYZER_VERSION = "snowball-7"  # what the terms are; a library's keyword index is rebuilt when it changes
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's bm25() constants


LANGUAGE_SAMPLE = 2000  # the characters of an article its language is read from


def article_language(text: str) -> str:
    return detect(text[:LANGUAGE_SAMPLE])


class Postings(Protocol):
    """Where the analysed passages are kept and scored."""

    schema: str
    version: str  # the library's ``keyword_analyzer`` when its rows are of this kind and analysis

    def insert(self, conn: Connection, docs: Sequence[tuple[int, list[str]]]) -> None:
        """Index passages' terms ((passage id, terms) each); ``term_df`` is counted apart (``count_terms``)."""

    def delete(self, conn: Connection, passage_ids: Sequence[int]) -> Counter[str]:
        """Drop passages (those not indexed are skipped); how many of them held each term."""

    def clear(self, conn: Connection) -> None: ...

    def count(self, conn: Connection) -> int:
        """Passages indexed."""

    def search(
        self, conn: Connection, chosen: list[tuple[str, int]], collection: str | None, limit: int
    ) -> list[tuple[int, float]]:
        """(passage id, bm25 score; higher is better), best first, for passages with any of the chosen (term, df)."""


class Fts5Postings:
    schema = FTS5_SCHEMA
    version = ANALYZER_VERSION

    def insert(self, conn: Connection, docs: Sequence[tuple[int, list[str]]]) -> None:
        conn.executemany("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", [(p, " ".join(t)) for p, t in docs])

    def delete(self, conn: Connection, passage_ids: Sequence[int]) -> Counter[str]:
        held: Counter[str] = Counter()
        for pid in passage_ids:
            row = conn.execute("SELECT text FROM passages_fts WHERE rowid = ?", (pid,)).fetchone()
            if row is None:
                continue
            held.update(set(str(row[0]).split()))
            conn.execute("DELETE FROM passages_fts WHERE rowid = ?", (pid,))
        return held

    def clear(self, conn: Connection) -> None:
        # Made anew: a table keeps the tokenizer it was created with (before "&" was a letter to it).
        conn.execute("DROP TABLE IF EXISTS passages_fts")
        conn.execute(FTS5_TABLE)

    def count(self, conn: Connection) -> int:
        return int(conn.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0])

    def search(
        self, conn: Connection, chosen: list[tuple[str, int]], collection: str | None, limit: int
    ) -> list[tuple[int, float]]:
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t, _ in chosen)
        if collection is None:
            rows = conn.execute(
                "SELECT rowid, bm25(passages_fts) AS s FROM passages_fts WHERE passages_fts MATCH ? ORDER BY s LIMIT ?",
                (match, limit),
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT f.rowid, bm25(passages_fts) AS s FROM passages_fts f JOIN passages p ON p.id = f.rowid"
                " WHERE passages_fts MATCH ? AND p.collection = ? ORDER BY s LIMIT ?",
                (match, collection, limit),
            ).fetchall()
        return [(int(r[0]), -float(r[1])) for r in rows]


class TablePostings:
    """Postings in plain tables, scored as FTS5's bm25() scores them: the same idf (floored at 1e-6), term
    frequencies and passage lengths over the average, so both databases rank passages alike."""

    schema = TABLE_SCHEMA
    version = ANALYZER_VERSION + "/passage-rows"

    def insert(self, conn: Connection, docs: Sequence[tuple[int, list[str]]]) -> None:
        if not docs:
            return
        rows = []
        for passage_id, words in docs:
            counts = Counter(words)
            repeated = {t: n for t, n in counts.items() if n > 1}
            rows.append((passage_id, len(words), list(counts), list(repeated), list(repeated.values())))
        conn.executemany(
            "INSERT INTO keyword_passages (passage_id, length, terms, repeated, repeated_tfs) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        self._add_totals(conn, len(docs), sum(r[1] for r in rows))

    def delete(self, conn: Connection, passage_ids: Sequence[int]) -> Counter[str]:
        ids = [int(i) for i in passage_ids]
        rows = conn.execute(
            "DELETE FROM keyword_passages WHERE passage_id = ANY(?::bigint[]) RETURNING length, terms", (ids,)
        ).fetchall()
        if rows:
            self._add_totals(conn, -len(rows), -sum(int(r[0]) for r in rows))
        return Counter(str(t) for r in rows for t in r[1])

    def clear(self, conn: Connection) -> None:
        conn.execute(EARLIER_TABLES)
        conn.execute("DELETE FROM keyword_passages")
        conn.execute("DELETE FROM keyword_totals")

    def count(self, conn: Connection) -> int:
        return self._totals(conn)[0]

    @staticmethod
    def _add_totals(conn: Connection, docs: int, tokens: int) -> None:
        conn.execute(
            "INSERT INTO keyword_totals (one, docs, tokens) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET"
            " docs = keyword_totals.docs + excluded.docs, tokens = keyword_totals.tokens + excluded.tokens",
            (docs, tokens),
        )

    @staticmethod
    def _totals(conn: Connection) -> tuple[int, int]:
        """Passages indexed and their terms, kept with every write: counting them at each question would read
        every row of ``keyword_passages``."""
        row = conn.execute("SELECT docs, tokens FROM keyword_totals").fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def search(
        self, conn: Connection, chosen: list[tuple[str, int]], collection: str | None, limit: int
    ) -> list[tuple[int, float]]:
        docs, tokens_ = self._totals(conn)
        if not docs:
            return []
        idf = [max(math.log((docs - df + 0.5) / (df + 0.5)), 1e-6) for _, df in chosen]
        scope, params = "", []
        if collection is not None:
            scope, params = "JOIN passages p ON p.id = k.passage_id AND p.collection = ?", [collection]
        # Each chosen term finds its passages through the GIN index (a nested loop over the terms), then its count
        # among the passage's repeated terms, once per row: OFFSET 0 keeps the planner from copying the lookup
        # into each use of the count (twice the time).
        rows = conn.execute(
            "SELECT k.passage_id, SUM(w.idf * c.tf * ? / (c.tf + ? * (1 - ? + ? * k.length / ?))) AS s"
            " FROM unnest(?::text[], ?::float8[]) AS w(term, idf)"
            " JOIN keyword_passages k ON k.terms @> ARRAY[w.term]"
            " CROSS JOIN LATERAL (SELECT COALESCE(k.repeated_tfs[array_position(k.repeated, w.term)], 1) AS tf"
            " OFFSET 0) AS c "
            f"{scope} GROUP BY k.passage_id ORDER BY s DESC, k.passage_id LIMIT ?",
            [BM25_K1 + 1, BM25_K1, BM25_B, BM25_B, tokens_ / docs, [t for t, _ in chosen], idf, *params, limit],
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]


def postings(kind: str) -> Postings:
    return Fts5Postings() if kind == "sqlite" else TablePostings()


def add(conn: Connection, index: Postings, passages: Sequence[tuple[int, str, str]]) -> Counter[str]:
    """Index passages ((id, text, language) each) in one batch, inside the caller's transaction; returns how many
    of them hold each term, for ``count_terms``."""
    docs = [(pid, analyzer(lang).index_terms(text)) for pid, text, lang in passages]
    index.insert(conn, docs)
    return Counter(term for _, words in docs for term in set(words))


def count_terms(conn: Connection, changes: Counter[str]) -> None:
    """Add ``changes`` (passages gained or, negative, lost per term) to ``term_df``, once per write transaction:
    an upsert per term and article (or passage) rewrote the rows of common words thousands of times in one
    transaction, which made them the slowest part of a PostgreSQL import."""
    changed = [(term, n) for term, n in changes.items() if n]
    conn.executemany(
        "INSERT INTO term_df (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df",
        changed,
    )
    conn.executemany("DELETE FROM term_df WHERE term = ? AND df <= 0", [(t,) for t, n in changed if n < 0])


def remove(conn: Connection, index: Postings, passage_ids: Sequence[int]) -> Counter[str]:
    """Drop passages from the index (inside the caller's transaction); how many of them held each term."""
    return index.delete(conn, passage_ids)


def is_current(conn: Connection, index: Postings) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'keyword_analyzer'").fetchone()
    return row is not None and row[0] == index.version


def rebuild(conn: Connection, index: Postings) -> int:
    """Rebuild the keyword rows from the stored text (inside the caller's write transaction, so readers see the
    old index or the new one) after the analysis changed; returns the passages indexed. The caller then records
    ``index.version`` as the library's ``keyword_analyzer``."""
    index.clear(conn)
    conn.execute("DELETE FROM term_df")
    total = int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])
    if total:  # minutes for a large library, once: said first, since a command or the bot waits on it
        log.warning("rebuilding the keyword index of %d passages for analyzer %s (once)", total, index.version)
    count, last = 0, 0
    df: Counter[str] = Counter()
    while articles := conn.execute(
        "SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, REBUILD_PAGE)
    ).fetchall():
        for article_id, text in articles:
            lang = article_language(text)
            spans = conn.execute("SELECT id, char_start, char_end FROM passages WHERE article_id = ?", (article_id,))
            batch = [(pid, text[start:end], lang) for pid, start, end in spans.fetchall()]
            df.update(add(conn, index, batch))
            count += len(batch)
        last = int(articles[-1][0])
    count_terms(conn, df)
    if count:
        log.info("keyword index rebuilt for analyzer %s (%d passages)", index.version, count)
    return count


REBUILD_PAGE = 500  # articles read at a time by ``rebuild`` (their texts are held in memory)
