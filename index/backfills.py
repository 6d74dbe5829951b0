"""What a library made by an earlier version lacks, computed once when it is opened (inside the opening write
transaction), a page of articles at a time: duplicate hashes of a newer ``normalized_hash``, the passages'
languages."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from index import keywords
from index.cleaning import HASH_VERSION, normalized_hash
from index.database import Connection
from index.store_writes import set_meta

log = logging.getLogger(__name__)
PAGE = 500  # articles read at a time (their texts are held in memory)
LANGUAGES = "passage_languages"  # meta: the last article whose passages have their language, or DONE
DONE = "done"


def hashes_current(conn: Connection) -> bool:
    """Whether the stored duplicate hashes are ``normalized_hash``'s of this version."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'text_hash_version'").fetchone()
    return row is not None and row[0] == HASH_VERSION


def rehash(conn: Connection) -> int:
    """Recompute every article's duplicate hash after ``normalized_hash`` changed; returns how many. A newer hash
    only tells apart texts the older one folded together, so no two articles come to share one, not even midway."""
    count = 0
    for rows in _pages(conn, "recomputing the duplicate hashes of %d articles (once)"):
        conn.executemany("UPDATE articles SET text_hash = ? WHERE id = ?", [(normalized_hash(t), i) for i, t in rows])
        count += len(rows)
    set_meta(conn, "text_hash_version", HASH_VERSION)
    if count:
        log.info("duplicate hashes of %d articles recomputed (version %s)", count, HASH_VERSION)
    return count


def languages_current(conn: Connection) -> bool:
    """Whether every passage has its language (``fill_languages`` done)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LANGUAGES,)).fetchone()
    return row is not None and row[0] == DONE


def fill_languages(conn: Connection) -> bool:
    """One page of the passages' languages, each passage its article's (``keywords.article_language``), in a
    library made before passages had one, after the last article done (kept in meta); True once all are. Each page
    is its own transaction (``Store.fill_languages``): an interrupted fill goes on where it stopped, and readers of
    another process wait for a page at most."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LANGUAGES,)).fetchone()
    if row is not None and row[0] == DONE:
        return True
    last = int(row[0]) if row is not None and row[0].isdigit() else 0
    # Only the opening the language is read from: a page of whole articles of megabytes each is not held in memory.
    page = "SELECT id, substr(text, 1, ?) FROM articles WHERE id > ? ORDER BY id LIMIT ?"
    rows = conn.execute(page, (keywords.LANGUAGE_SAMPLE, last, PAGE)).fetchall()
    if not rows:
        set_meta(conn, LANGUAGES, DONE)
        return True
    if not last:
        total = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        log.warning("storing the language of %d articles' passages (once)", total)
    languages = [(keywords.article_language(text), article_id) for article_id, text in rows]
    conn.executemany("UPDATE passages SET lang = ? WHERE article_id = ?", languages)
    set_meta(conn, LANGUAGES, str(rows[-1][0]))
    return False


def _pages(conn: Connection, warning: str) -> Iterator[list[tuple[int, str]]]:
    """Every article's (id, text), ``PAGE`` at a time in id order, after ``warning`` with their count."""
    total = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    if total:
        log.warning(warning, total)
    last, page = 0, "SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?"
    while rows := conn.execute(page, (last, PAGE)).fetchall():
        yield [(int(i), str(t)) for i, t in rows]
        last = int(rows[-1][0])
