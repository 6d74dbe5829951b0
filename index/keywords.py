"""The keyword index: FTS5 over analysed passage text, with a document-frequency table.

A passage is indexed as the Snowball stems of its words in its article's language, plus each word as written
where it differs from its stem (``Analyzer.index_terms``): a question looks up its own stems and words, so an
English question still finds "Paiporta" in a Spanish article. A question searches its rarest terms first and
stops before the postings it would score pass a budget: bm25 costs time in proportion to the rows that match.
When the analysis changes (``ANALYZER_VERSION``), the index is rebuilt from the stored text at open; no vector
is recomputed.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Sequence

from index.language import analyzer, detect, tokens
from index.periods import is_month
from index.question import Question

log = logging.getLogger(__name__)

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS term_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""
ANALYZER_VERSION = "snowball-1"
POSTINGS_BUDGET = 4000
MAX_TERMS = 8
NAME_PREFIX = 5  # a name matches an indexed word sharing its first letters (inflections, plurals: "Shaheds")


def article_language(text: str) -> str:
    return detect(text[:2000])


def add(conn: sqlite3.Connection, passage_id: int, text: str, lang: str) -> None:
    """Index one passage of an article in ``lang`` (inside the caller's transaction)."""
    terms = analyzer(lang).index_terms(text)
    conn.execute("INSERT INTO passages_fts (rowid, text) VALUES (?, ?)", (passage_id, " ".join(terms)))
    conn.executemany(
        "INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
        [(t,) for t in set(terms)],
    )


def remove(conn: sqlite3.Connection, passage_ids: Sequence[int]) -> None:
    """Drop passages from the index (inside the caller's transaction)."""
    touched: set[str] = set()
    for pid in passage_ids:
        row = conn.execute("SELECT text FROM passages_fts WHERE rowid = ?", (pid,)).fetchone()
        if row is None:
            continue
        terms = set(str(row[0]).split())
        touched |= terms
        conn.executemany("UPDATE term_df SET df = df - 1 WHERE term = ?", [(t,) for t in terms])
        conn.execute("DELETE FROM passages_fts WHERE rowid = ?", (pid,))
    conn.executemany("DELETE FROM term_df WHERE term = ? AND df <= 0", [(t,) for t in touched])


def ensure_current(conn: sqlite3.Connection) -> None:
    """Rebuild the keyword rows from the stored text when they were made by another analysis (in one
    transaction: readers see the old index or the new one)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'keyword_analyzer'").fetchone()
    if row is not None and row[0] == ANALYZER_VERSION:
        return
    count = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM passages_fts")
        conn.execute("DELETE FROM term_df")
        for article_id, text in conn.execute("SELECT id, text FROM articles").fetchall():
            lang = article_language(text)
            spans = conn.execute("SELECT id, char_start, char_end FROM passages WHERE article_id = ?", (article_id,))
            for pid, start, end in spans.fetchall():
                add(conn, pid, text[start:end], lang)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('keyword_analyzer', ?)", (ANALYZER_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if count:
        log.info("keyword index rebuilt for analyzer %s (%d passages)", ANALYZER_VERSION, count)


def _lookup_terms(q: Question) -> list[str]:
    return list(dict.fromkeys(t for term in q.terms for t in (q.stem(term), term)))


def match_expression(conn: sqlite3.Connection, q: Question) -> str | None:
    """An FTS5 MATCH expression ORing the question's rarest terms within the postings budget."""
    terms = _lookup_terms(q)
    if not terms:
        return None
    rows = conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(terms))})", terms).fetchall()
    chosen: list[str] = []
    postings = 0
    for term, df in sorted(rows, key=lambda r: r[1]):
        if postings + df > POSTINGS_BUDGET or len(chosen) >= MAX_TERMS:
            break
        chosen.append(term)
        postings += df
    if not chosen:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in chosen)


def search(conn: sqlite3.Connection, match: str, collection: str | None, limit: int) -> list[tuple[int, float]]:
    """(passage id, bm25 score; higher is better), best first; ``collection=None`` searches everything."""
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


def term_weights(conn: sqlite3.Connection, q: Question, passages: int) -> tuple[float, ...]:
    """Inverse document frequency of each of the question's terms (by its stem or word, whichever is commoner):
    how much finding that term says about a passage. A term no passage has weighs the most."""
    forms = _lookup_terms(q)
    if not forms:
        return ()
    df = dict(conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(forms))})", forms))
    return tuple(math.log((passages + 1) / (max(df.get(t, 0), df.get(q.stem(t), 0)) + 1)) + 1.0 for t in q.terms)


def _known(conn: sqlite3.Connection, word: str, stem: str) -> bool:
    """The library has the word, its stem, or (for longer words) a word sharing its first letters."""
    if conn.execute("SELECT 1 FROM term_df WHERE term IN (?, ?) LIMIT 1", (word, stem)).fetchone():
        return True
    if len(word) <= NAME_PREFIX:
        return False
    prefix = word[:NAME_PREFIX]
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (
        conn.execute("SELECT 1 FROM term_df WHERE term >= ? AND term < ? LIMIT 1", (prefix, upper)).fetchone()
        is not None
    )


def unknown_names(conn: sqlite3.Connection, q: Question) -> list[str]:
    """Words of the question's names that no passage mentions in any form ("Kerch", "Vuhledar"): a library that
    never mentions them cannot answer. Only for questions mostly in the library's own words, so a question in
    another language or script (answered through a multilingual model) is never refused this way."""
    absent = absent_name_words(conn, q)
    if not absent:
        return []
    folded = {w.casefold() for w in _name_words(q)}
    # Function words count too: they tell whether the question is in the library's language at all.
    others = [t for t in dict.fromkeys(tokens(q.text)) if t not in folded]
    if not others or sum(_known(conn, t, q.stem(t)) for t in others) < len(others) / 2:
        return []
    return absent


def absent_name_words(conn: sqlite3.Connection, q: Question) -> list[str]:
    """Words of the question's names (four letters or more) that no passage has in any form, whatever the
    question's language. Month names are time, not names: "in March 2024" bounds the search by date
    (``index.periods``), articles need not say "March"."""
    return [w for w in _name_words(q) if not _known(conn, w.casefold(), q.stem(w))]


def _name_words(q: Question) -> list[str]:
    return list(dict.fromkeys(w for n in q.names for w in n.split() if len(w) >= 4 and not is_month(w)))
