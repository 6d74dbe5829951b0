"""The article calls of ``Library``: look articles up by their words, key or number, list and count them, show a
quote in its passage, and the library's collections and size."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from index.adding import DEFAULT_COLLECTION
from index.errors import ArticleNotFound, NothingToFind
from index.parts import Parts
from index.question import analyse
from index.types import Article, ArticleInfo, PassageHit, Stats

T = TypeVar("T")


class Reading(Parts):
    """The calls of ``Library`` that read its articles."""

    if TYPE_CHECKING:

        def _cached(self, key: str, compute: Callable[[], T]) -> T: ...

    def find(self, words: str, *, collection: str | None = DEFAULT_COLLECTION, limit: int = 20) -> list[ArticleInfo]:
        """Articles whose text matches the words (keyword lookup, best first); ``NothingToFind`` when the index
        keeps none of them, rather than an empty list that would say no article has them. Quick."""
        q = analyse(words)
        if not q.terms:
            raise NothingToFind(
                f"nothing to look up in «{' '.join(words.split())[:100]}»: one-letter and very common words are not "
                "indexed"
            )
        article_ids: list[int] = []
        for pid, _ in self.store.keyword_search(q, collection, limit * 5):
            aid = self.store.article_of(pid)
            if aid is not None and aid not in article_ids:
                article_ids.append(aid)
        infos = {i.id: i for i in self.store.list_infos(ids=article_ids[:limit])}
        return [infos[a] for a in article_ids[:limit] if a in infos]

    def passage(self, article_id: int, char_start: int, char_end: int) -> PassageHit:
        """The stored passage around a quote (widened to cover the whole quote), for showing it in context."""
        info = self.store.get_info(article_id)
        found = self.store.get_text(article_id)
        if info is None or found is None:
            raise ArticleNotFound(article_id)
        text = found[0]
        spans = self.store.passage_spans(article_id)
        overlap = [(min(e, char_end) - max(s, char_start), pid, s, e) for pid, s, e in spans]
        best = max(overlap, default=(0, 0, char_start, char_end))
        pid, start, end = best[1], min(best[2], char_start), max(best[3], char_end)
        start, end = max(0, start), min(len(text), end)
        return PassageHit(pid, article_id, info.key, info.title, text[start:end], 0.0, start, end)

    def list(
        self,
        *,
        collection: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        key_prefix: str = "",
        newest_first: bool = False,
    ) -> list[ArticleInfo]:
        """Articles in id order (``newest_first``: the reverse), those whose key starts with ``key_prefix`` when
        given. Quick."""
        return self.store.list_infos(collection, limit, offset, key_prefix=key_prefix, newest_first=newest_first)

    def by_key(self, key: str, *, collection: str = DEFAULT_COLLECTION) -> ArticleInfo | None:
        return self.store.find_duplicate(collection, key, None, None)

    def count(self, *, collection: str | None = None) -> int:
        return self.store.count_articles(collection)

    def get(self, article_id: int) -> Article:
        """One article with its text. Quick."""
        info = self.store.get_info(article_id)
        found = self.store.get_text(article_id)
        if info is None or found is None:
            raise ArticleNotFound(article_id)
        return Article(info, found[0], found[1])

    def collections(self) -> tuple[str, ...]:
        """The names of the collections that hold articles, sorted."""
        return tuple(self._cached("collections", self.store.collections))

    def stats(self) -> Stats:
        index_bytes = self._vectors.file_bytes()
        return Stats(
            articles=self.store.count_articles(),
            passages=self.store.passage_count(),
            collections=len(self.store.collections()),
            embedding_model=self.store.meta("embedding_model") or self.embedder.name,
            dimension=int(self.store.meta("dimension") or 0) or self.embedder.dim,  # an empty library: the model's
            db_bytes=self.store.size_bytes(),
            index_bytes=index_bytes,
        )
