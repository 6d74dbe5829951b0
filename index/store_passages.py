"""The store's reads of passages: their ids, spans, vectors and sentences, the publication dates that bound a
search, an outlet's passages, and the keyword index (one of the parts ``Store`` is made of, beside
``index.store_articles``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index import keyword_terms, keywords
from index.database import Connection
from index.question import Question
from index.stored_vectors import unpack_sentences, unpack_vector

# The last day a stored publication date can mean: "2024" ends on 2024-12-31, "2024-09" on 2024-09-31 (compared as
# text, which orders ISO dates).
_PUBLISHED_END = (
    "(CASE length(a.published) WHEN 4 THEN a.published || '-12-31' WHEN 7 THEN a.published || '-31' "
    "ELSE substr(a.published, 1, 10) END)"
)


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


class PassageReads:
    """The passage and keyword reads of ``Store``."""

    _postings: keywords.Postings

    if TYPE_CHECKING:

        def connection(self) -> contextlib.AbstractContextManager[Connection]: ...

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

    def sentence_vectors(self, ids: Sequence[int], dim: int) -> dict[int, tuple[np.ndarray, str]]:
        """The sentence vectors and the language of each passage (without the article text), for scoring
        candidates."""
        if not ids:
            return {}
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT id, sentence_vectors, length(sentence_spans) / 8, lang FROM passages"
                f" WHERE id IN ({','.join('?' * len(ids))})",
                [int(i) for i in ids],
            ).fetchall()
        return {r[0]: (unpack_sentences(r[1], r[2], dim), r[3]) for r in rows}

    def passage_count(self) -> int:
        with self.connection() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])

    def keyword_search(self, question: Question, collection: str | None, limit: int) -> list[tuple[int, float]]:
        """(passage id, bm25 score; higher is better) for the question's words."""
        with self.connection() as conn:
            chosen = keyword_terms.chosen_terms(conn, question)
            return self._postings.search(conn, chosen, collection, limit) if chosen else []

    def term_weights(self, question: Question, passages: int) -> tuple[float, ...]:
        """Inverse document frequency of each of the question's content terms in a library of ``passages``."""
        with self.connection() as conn:
            return keyword_terms.term_weights(conn, question, passages)

    def unknown_names(self, question: Question) -> list[str]:
        """Words of the question's names that no passage contains, when it is asked in the library's words."""
        with self.connection() as conn:
            return keyword_terms.unknown_names(conn, question)

    def absent_name_words(self, question: Question) -> list[str]:
        """Words of the question's names that no passage contains, in any language."""
        with self.connection() as conn:
            return keyword_terms.absent_name_words(conn, question)

    def indexed_passages(self) -> int:
        """Passages in the keyword index (as many as ``passage_count`` in a sound library)."""
        with self.connection() as conn:
            return self._postings.count(conn)
