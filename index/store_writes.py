"""Writes to a library, inside one transaction under the writer lock (``Store.write``).

An article is written together with its passages, vectors and keyword rows, so it is either wholly present or
absent. Each write keeps ``meta.vector_digest`` (see ``index.stored_vectors.vector_digest``) so the processes holding an
in-memory FAISS copy can check it vector by vector, and, in PostgreSQL, the pgvector mirror where there is one.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from index import keywords, vector_mirror
from index.database import Connection
from index.errors import ArticleNotFound, DossierError, ModelSwitched
from index.stored_vectors import as_stored, pack_sentences, vector_digest
from index.types import ArticleInfo

MASK = (1 << 64) - 1
log = logging.getLogger(__name__)
# Every column of a stored article and passage, as ``copy_in`` takes them.
ARTICLE_ROW = (
    "id, collection, key, title, source, author, published, url, canonical_url, text, text_hash, added_at,"
    " added_by, origin, passage_count, added_by_user, added_in_chat"
)
PASSAGE_ROW = "id, article_id, collection, ord, char_start, char_end, sentence_spans, sentence_vectors, vector, lang"
ARTICLE_COLUMNS = (
    "id, key, title, source, published, url, passage_count, added_at, collection, added_by, origin,"
    " added_by_user, added_in_chat"
)


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


def article_info(row: Any) -> ArticleInfo:
    """An article row selected with ``ARTICLE_COLUMNS`` (whose names are ``ArticleInfo``'s, but for passages)."""
    return ArticleInfo(**{f.name: row[_COLUMN_OF.get(f.name, f.name)] for f in dataclasses.fields(ArticleInfo)})


_COLUMN_OF = {"passages": "passage_count"}


def marks(columns: str) -> str:
    """One ``?`` for each of the comma-separated columns."""
    return ",".join("?" * len(columns.split(",")))


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


class WriteTxn:
    """An open write transaction; ``generation`` is set once it commits."""

    def __init__(self, conn: Connection, postings: keywords.Postings, vector_type: str | None = None) -> None:
        """``vector_type``: pgvector's type when the library mirrors its vectors there (``index.vector_mirror``)."""
        self.conn = conn
        self.generation = -1
        self._postings = postings
        self._vector_type = vector_type
        self._term_changes: Counter[str] = Counter()  # passages gained or lost per term, counted at the end

    def count_terms(self) -> None:
        """Bring ``term_df`` up to date with this transaction's keyword rows (``Store.write`` calls it last)."""
        keywords.count_terms(self.conn, self._term_changes)
        self._term_changes.clear()

    def set_meta(self, key: str, value: str) -> None:
        set_meta(self.conn, key, value)

    def check_model(self, model: str, unless_empty: bool = False) -> None:
        """Refuse vectors of ``model`` when another process has switched the library to another model
        (``dossier reindex``, or a first add) since this one opened it; ``unless_empty``: a library without
        passages may take any model."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'embedding_model'").fetchone()
        if row is None or row[0] == model:
            return
        if unless_empty and self.conn.execute("SELECT 1 FROM passages LIMIT 1").fetchone() is None:
            return
        raise ModelSwitched(row[0], model)

    def claim_model(self, model: str, dim: int) -> None:
        """The first add: the library's vectors are ``model``'s, of ``dim`` dimensions (unless another process's
        first add came first with another model)."""
        self.check_model(model, unless_empty=True)
        self.set_meta("embedding_model", model)
        self.set_meta("dimension", str(dim))

    def insert_article(self, article: NewArticle, passages: Sequence[NewPassage]) -> tuple[ArticleInfo, list[int]]:
        """Returns the stored info and the new passage ids."""
        added_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        row = self.conn.execute(
            "INSERT INTO articles (collection, key, title, source, author, published, url, canonical_url, text,"
            " text_hash, added_at, added_by, origin, passage_count, added_by_user, added_in_chat)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
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
        ).fetchone()
        article_id = int(row[0])
        ids = self._insert_passages(article_id, article.collection, article.text, passages)
        return self._info(article_id), ids

    def replace_if_unchanged(self, article_id: int, embedded_text: str, passages: Sequence[NewPassage]) -> bool:
        """A reindex's swap (it embeds outside the transaction): nothing changes when the article was removed or
        given another text meanwhile, since passages cut from one text would point into another."""
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or row[0] != embedded_text:
            return False
        self.replace_passages(article_id, passages)
        return True

    def replace_passages(self, article_id: int, passages: Sequence[NewPassage]) -> list[int]:
        """Swap an article's passages; returns the new ids."""
        row = self.conn.execute("SELECT collection, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        self._drop_passages(article_id)
        ids = self._insert_passages(article_id, row[0], row[1], passages)
        self.conn.execute("UPDATE articles SET passage_count = ? WHERE id = ?", (len(ids), article_id))
        return ids

    def revise_article(
        self, article_id: int, text: str, title: str, text_hash: str, passages: Sequence[NewPassage]
    ) -> ArticleInfo:
        """New text (and title) for an article under the same id."""
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            raise ArticleNotFound(article_id)  # removed while the new text was embedded
        self.conn.execute(
            "UPDATE articles SET text = ?, title = ?, text_hash = ? WHERE id = ?", (text, title, text_hash, article_id)
        )
        self.replace_passages(article_id, passages)
        return self._info(article_id)

    def move_chat(self, old: int, new: int, collections: tuple[str, str] | None) -> int:
        """What belongs to chat ``old`` now belongs to ``new``: its settings, feeds and adds, and (``collections``,
        old and new name) its articles and feeds. Returns the articles moved. When both collections hold articles
        nothing is moved: two libraries are not merged."""
        moved = 0
        if collections is not None and collections[0] != collections[1]:
            before, after = collections
            has = "SELECT 1 FROM articles WHERE collection = ? LIMIT 1"
            if self.conn.execute(has, (before,)).fetchone() and self.conn.execute(has, (after,)).fetchone():
                raise DossierError(f"the collection {after!r} holds articles already: nothing was moved")
            moved = self.conn.execute(
                "UPDATE articles SET collection = ? WHERE collection = ?", (after, before)
            ).rowcount
            self.conn.execute("UPDATE passages SET collection = ? WHERE collection = ?", (after, before))
            # A feed both follow stays the new collection's (its entries taken are its own).
            self.conn.execute(
                "DELETE FROM feeds WHERE collection = ? AND url IN (SELECT url FROM feeds WHERE collection = ?)",
                (before, after),
            )
            self.conn.execute("UPDATE feeds SET collection = ? WHERE collection = ?", (after, before))
        # A setting the new chat made already is its own: the old chat's same setting is dropped.
        self.conn.execute(
            "DELETE FROM chat_settings WHERE chat = ? AND name IN (SELECT name FROM chat_settings WHERE chat = ?)",
            (old, new),
        )
        self.conn.execute("UPDATE chat_settings SET chat = ? WHERE chat = ?", (new, old))
        self.conn.execute("UPDATE feeds SET chat = ? WHERE chat = ?", (new, old))
        self.conn.execute("UPDATE articles SET added_in_chat = ? WHERE added_in_chat = ?", (new, old))
        return moved

    def delete_article(self, article_id: int) -> list[int]:
        """Returns the removed passage ids."""
        ids = self._drop_passages(article_id)
        self.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def copy_in(self, articles: Sequence[tuple[Any, ...]], passages: Sequence[tuple[Any, ...]]) -> None:
        """Rows of another library as they are stored, ids included (``ARTICLE_ROW`` and ``PASSAGE_ROW`` columns;
        ``index.migrate``); the keyword rows are made here, from each passage's text."""
        self.conn.executemany(f"INSERT INTO articles ({ARTICLE_ROW}) VALUES ({marks(ARTICLE_ROW)})", articles)
        self.conn.executemany(f"INSERT INTO passages ({PASSAGE_ROW}) VALUES ({marks(PASSAGE_ROW)})", passages)
        texts = {int(a[0]): str(a[9]) for a in articles}
        languages = {article_id: keywords.article_language(text) for article_id, text in texts.items()}
        spans = [(int(p[0]), texts[int(p[1])][p[4] : p[5]], languages[int(p[1])]) for p in passages]
        self._term_changes.update(keywords.add(self.conn, self._postings, spans))
        if passages:
            vectors = np.stack([np.frombuffer(p[8], dtype=np.float16).astype(np.float32) for p in passages])
            self._add_vectors([int(p[0]) for p in passages], vectors)

    def _info(self, article_id: int) -> ArticleInfo:
        return article_info(
            self.conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        )

    def _insert_passages(
        self, article_id: int, collection: str, text: str, passages: Sequence[NewPassage]
    ) -> list[int]:
        ids: list[int] = []
        lang = keywords.article_language(text)
        for ord_, p in enumerate(passages):
            row = self.conn.execute(
                "INSERT INTO passages (article_id, collection, ord, char_start, char_end, sentence_spans,"
                " sentence_vectors, vector, lang) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    article_id,
                    collection,
                    ord_,
                    p.char_start,
                    p.char_end,
                    np.asarray(p.sentences, dtype=np.int32).tobytes(),
                    pack_sentences(p.sentence_vectors),
                    np.asarray(p.vector, dtype=np.float16).tobytes(),
                    lang,
                ),
            ).fetchone()
            ids.append(int(row[0]))
        spans = [(pid, text[p.char_start : p.char_end], lang) for pid, p in zip(ids, passages, strict=True)]
        changes = keywords.add(self.conn, self._postings, spans)
        if passages:
            self._add_vectors(ids, as_stored(np.stack([np.asarray(p.vector) for p in passages])))
        # Counted once all its rows are in (the pgvector mirror's too): an article refused on the way (rolled back
        # to its savepoint) counts no terms.
        self._term_changes.update(changes)
        return ids

    def reset_mirror(self, dim: int) -> None:
        """Before a reindex: the pgvector mirror made ready for vectors of ``dim`` dimensions."""
        vector_mirror.reset(self.conn, self._vector_type, dim)

    def _add_vectors(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        self._add_to_digest(ids, vectors, +1)
        if self._vector_type is not None:
            vector_mirror.mirror(self.conn, self._vector_type, ids, vectors)

    def _drop_passages(self, article_id: int) -> list[int]:
        """Delete an article's passages with their keyword rows, keeping the vector digest; returns their ids."""
        rows = self.conn.execute("SELECT id, vector FROM passages WHERE article_id = ?", (article_id,)).fetchall()
        ids = [int(r[0]) for r in rows]
        if rows:
            vectors = np.stack([np.frombuffer(r[1], dtype=np.float16).astype(np.float32) for r in rows])
            self._add_to_digest(ids, vectors, -1)
        self._term_changes.subtract(keywords.remove(self.conn, self._postings, ids))
        self.conn.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
        return ids

    def _add_to_digest(self, ids: Sequence[int], vectors: np.ndarray, sign: int) -> None:
        if not len(ids):
            return
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'vector_digest'").fetchone()
        change = vector_digest(np.asarray(ids, dtype=np.int64), vectors)
        self.set_meta("vector_digest", str((int(row[0] if row else 0) + sign * change) & MASK))
