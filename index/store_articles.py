"""The store's reads of articles: by id, key or duplicate, listed page by page, counted, their collections and the
outlets they name (one of the parts ``Store`` is made of, beside ``index.store_passages``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.database import Connection
from index.store_writes import ARTICLE_COLUMNS, article_info
from index.types import ArticleInfo

NO_LIMIT = 1 << 62  # LIMIT that both databases take for "all rows"
ID_LIMIT = 2**63  # article ids are 64-bit integers in SQLite and PostgreSQL


class ArticleReads:
    """The article reads of ``Store``."""

    if TYPE_CHECKING:

        def connection(self) -> contextlib.AbstractContextManager[Connection]: ...

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

    def collections(self) -> list[str]:
        with self.connection() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT collection FROM articles ORDER BY collection")]

    def article_texts(self, after_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, text) of articles with id > after_id, in id order, for reindexing page by page."""
        with self.connection() as conn:
            return [
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
                )
            ]

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
