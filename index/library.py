"""The facade: ``Library.open(settings)`` and a dozen synchronous, thread-safe calls.

CPU-heavy calls (run them off an event loop): ``add_*``, ``ask``, ``search``, ``reindex``; the first
call that needs the model also loads it (a few seconds). The rest are quick SQLite reads or writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

import numpy as np

from index import abstention, evidence_rank, feedback, language, migrate, outlets, periods, pgvectors
from index.adding import DEFAULT_COLLECTION, Progress, ProgressFn
from index.asking import Asker
from index.conversations import Conversations
from index.database import open_database
from index.embed_worker import WorkerEmbedder
from index.embedding import Embedder, build_embedder, cores
from index.errors import (
    ArticleNotFound,
    DossierError,
    InvalidSource,
    LibraryCorrupt,
    ModelMismatch,
    NoLibrary,
    NothingToFind,
)
from index.feeds import FeedBook
from index.fetch import SafeFetcher
from index.following import Following
from index.pgvectors import PgVectors
from index.question import analyse
from index.rerank import Reranker
from index.settings import Settings
from index.store import Store
from index.types import Answer, Article, ArticleInfo, PassageHit, Stats
from index.upkeep import Upkeep
from index.vector_cache import VectorCache
from index.vectors import Searchable

__all__ = ["DEFAULT_COLLECTION", "MAX_QUESTION_CHARS", "Library", "Progress", "ProgressFn"]

T = TypeVar("T")
# The longest question: a Telegram message's limit. Every step of an answer reads the whole question (a 160 KB one
# took 3.2 s); a longer text is an article to add, not a question.
MAX_QUESTION_CHARS = 4096
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class Library(Following, Upkeep):
    """A Dossier library in one data directory (SQLite + FAISS or PostgreSQL). Its calls live by job: adding
    (``index.adding``), feeds (``index.following``), revising, removing and rebuilding (``index.upkeep``); reading
    and answering here."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store, allow_model_change: bool) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.fetcher = SafeFetcher(
            settings.fetch_timeout, settings.fetch_max_bytes, settings.fetch_max_redirects, settings.fetch_allow_hosts
        )
        self._feeds = FeedBook(store)
        self.conversations = Conversations(store)  # a chat front end's state, shared by processes on one library
        schema = pgvectors.choose(store, settings.vector_search)
        self._vectors: VectorCache | PgVectors = (
            PgVectors(store, embedder.name, schema, settings.pgvector_ann_threshold)
            if schema is not None
            else VectorCache(store, settings.data_dir / "vectors.faiss", embedder.name, settings.vector_ann_threshold)
        )
        self._derived: dict[str, tuple[int, Any]] = {}
        reranker = Reranker(settings.rerank_model, settings.embedding_device) if settings.rerank_model else None
        self._asker = Asker(store, embedder, settings, reranker)
        self._importer: Embedder | WorkerEmbedder = (
            WorkerEmbedder(
                embedder,
                settings.embedding_device,
                settings.embedding_batch_size,
                settings.import_threads,
                settings.embedding_runtime,
            )
            if settings.import_process
            else embedder
        )
        # In-process imports embed on IMPORT_THREADS threads (the import process sets its own).
        self._import_threads = 0 if settings.import_process else settings.import_threads or cores()
        stored = store.meta("embedding_model")
        if store.meta(migrate.INCOMPLETE) == "1":
            raise LibraryCorrupt(
                "a copy into this library (dossier migrate) was cut short: run the same `dossier migrate` again to "
                "finish it"
            )
        if store.meta("reindex_incomplete") == "1" and not allow_model_change:
            if store.reindex_running():
                raise ModelMismatch("a reindex of this library is running: it can be used again when it finishes")
            raise ModelMismatch("a reindex was interrupted: run `dossier reindex` again to finish it")
        if stored and stored != embedder.name and store.passage_count() and not allow_model_change:
            raise ModelMismatch(
                f"this library was built with the embedding model {stored!r}, but EMBEDDING_MODEL is "
                f"{embedder.name!r}: run `dossier reindex` to rebuild it, or set EMBEDDING_MODEL={stored}"
            )

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        allow_model_change: bool = False,
        create: bool = True,
    ) -> Library:
        """Open (or, with ``create``, create) the library in ``settings.data_dir`` (or ``settings.database_url``);
        repairs the FAISS cache if it lags. Without ``create``, where there is no library ``NoLibrary`` is raised
        and nothing is created."""
        database = open_database(settings.data_dir, settings.database_url, settings.database_schema)
        try:
            if not create and not database.exists():
                raise NoLibrary(*(("that database", "DATABASE_URL") if settings.database_url else (settings.data_dir,)))
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a folder this user may not read, or a file where the folder should be
            raise DossierError(f"cannot use the data directory {settings.data_dir}: {exc.strerror}") from exc
        store = Store(database, settings.data_dir)
        try:
            emb = embedder or build_embedder(
                settings.embedding_model,
                settings.embedding_device,
                settings.embedding_batch_size,
                settings.embedding_runtime,
            )
            return cls(settings, emb, store, allow_model_change)
        except BaseException:
            store.close()
            raise

    def close(self) -> None:
        """Write the FAISS cache if it changed; stop the import process."""
        if isinstance(self._importer, WorkerEmbedder):
            self._importer.close()
        self._vectors.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self, wait: bool = False) -> None:
        """Load the model, the language identifier and the vector index now rather than on the first question.
        CPU-heavy. ``wait``: until pgvector's HNSW index is built too (otherwise built in the background)."""
        self.embedder.embed_queries(["warm-up"])
        language.load()
        vectors = self._vectors.current()
        if vectors is not None:
            vectors.prepare(wait)  # past the threshold: the approximate index (about a minute at 1M passages)

    def vector_index(self) -> Searchable | None:
        """The passage vector search questions go through (FAISS, or pgvector in PostgreSQL); None while the library
        holds no vectors. For benchmarks and diagnostics: ``search(query, k)`` gives (ids, cosine scores)."""
        return self._vectors.current()

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from SQLite, recomputed only when the library's generation changes."""
        generation = self._vectors.generation
        hit = self._derived.get(key)
        if hit is not None and hit[0] == generation and generation >= 0:
            return cast(T, hit[1])
        value = compute()
        self._derived[key] = (generation, value)
        return value

    def _scope(self, collection: str | None) -> tuple[str | None, np.ndarray | None]:
        """What a search must filter on: (collection for SQL, passage ids for FAISS); (None, None) when the
        collection is the whole library, which is the common case and the fast path."""
        if collection is None:
            return None, None
        collections = self._cached("collections", self.store.collections)
        if collections == [collection]:
            return None, None
        return collection, self._cached(f"ids:{collection}", lambda: self.store.passage_ids(collection))

    # -- reading ----------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        collection: str | None = DEFAULT_COLLECTION,
        k: int = 10,
        page: int = 0,
        dense_weight: float = 1.0,
        keyword_weight: float = 1.0,
        exclude: Collection[int] = (),
        today: date | None = None,
    ) -> Answer:
        """Answer with verbatim quotes and numbered citations, or abstain. ``page`` > 0 gives the next, weaker
        quotes not shown on earlier pages ("more results"); ``exclude``: article ids left out of the search (how
        ``dossier eval`` asks a question without its answering articles). A question set in time ("in March 2024",
        "last week", relative to ``today``) searches the articles published since then and the undated ones.
        CPU-heavy (query embedding)."""
        question = _question(question)
        vectors = self._vectors.current()
        searched = self._cached(f"count:{collection}", lambda: self.store.count_articles(collection))
        if vectors is None or not searched:
            # A collection can be empty in a library that is not ("dossier ask --collection other …").
            return Answer(question, True, "Not found: there are no articles to search here (searched 0).", [], [], 0)
        scope = self._scope(collection)
        pointed = self._pointed(question, collection)
        asked = pointed.text if pointed is not None else question
        if pointed is not None:
            outlet_ids, outlet_articles = self._outlet_passages(pointed.sources, collection)
            scope = (scope[0], outlet_ids)
        when = periods.find(asked, today or datetime.now(UTC).date())
        if when.since is not None:
            since = when.since.isoformat()
            scope, searched, newest = self._since(scope, collection, since)
            if pointed is not None:
                searched = _articles_in(scope, outlet_ids, outlet_articles)
            if not searched:
                message = (
                    abstention.outlet_too_old(pointed.label, since)
                    if pointed is not None
                    else abstention.too_old(since, newest)
                )
                label = pointed.label if pointed is not None else ""
                return Answer(question, True, message, [], [], 0, period=when.label, outlet=label)
        if exclude:
            sql_collection, allowed = scope
            ids = allowed if allowed is not None else self.store.passage_ids(collection)
            dropped = np.array([p for a in exclude for p, _, _ in self.store.passage_spans(a)], dtype=np.int64)
            scope = (sql_collection, np.setdiff1d(ids, dropped))
            searched -= len(set(exclude))
        if pointed is not None:
            searched = _articles_in(scope, outlet_ids, outlet_articles)
        answer = self._asker.ask(asked, vectors, scope, searched, k, page, dense_weight, keyword_weight, when)
        return replace(answer, question=question, outlet=pointed.label) if pointed is not None else answer

    def _pointed(self, question: str, collection: str | None) -> outlets.Pointed | None:
        """The outlets of the library the question points at as its source (``index.outlets``), or None; also
        where one of them has no article in ``collection`` (an outlet of another chat is a name as any other)."""
        lang = language.detect(question)
        phrases = outlets.source_phrases(question, lang)
        if not phrases:
            return None
        known = self._cached("outlets", lambda: outlets.Outlets(self.store.outlet_names()))
        pointed = known.pointed(question, lang, phrases)
        if pointed is None or not all(len(self._outlet_passages(o, collection)[0]) for o in pointed.outlets):
            return None
        return pointed

    def _outlet_passages(self, sources: Sequence[str], collection: str | None) -> tuple[np.ndarray, np.ndarray]:
        """The passages of the sources' articles (in ``collection``), in order, and each one's article; cached by
        source, so that what is kept grows with the library's outlets, not with the sets of them asked about."""
        parts = [self._source_passages(s, collection) for s in sorted(set(sources))]
        if len(parts) == 1:
            return parts[0]
        ids, articles = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        order = np.argsort(ids, kind="stable")
        return ids[order], articles[order]

    def _source_passages(self, source: str, collection: str | None) -> tuple[np.ndarray, np.ndarray]:
        return self._cached(f"outlet:{collection}:{source}", lambda: self.store.outlet_passages([source], collection))

    def evidence_features(
        self, question: str, *, collection: str | None = DEFAULT_COLLECTION, today: date | None = None
    ) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
        """The candidate sentences the evidence ranker scores when ``question`` is asked (same scope in time, same
        re-ranking): (article id, start, end), their features (``index.evidence_rank.FEATURES``) and whether each
        is short. ``dossier eval --fit-ranker`` fits the ranker on them."""
        question = _question(question)
        vectors = self._vectors.current()
        scope = self._scope(collection)
        when = periods.find(question, today or datetime.now(UTC).date())
        if vectors is not None and when.since is not None:
            scope, searched, _ = self._since(scope, collection, when.since.isoformat())
            vectors = vectors if searched else None
        if vectors is None:
            return [], np.zeros((0, len(evidence_rank.FEATURES))), np.zeros(0, dtype=bool)
        return self._asker.evidence_features(question, vectors, scope, when)

    def _since(
        self, scope: tuple[str | None, np.ndarray | None], collection: str | None, since: str
    ) -> tuple[tuple[str | None, np.ndarray | None], int, str]:
        """``scope`` narrowed to the passages of articles published since ``since`` (and undated ones); how many
        articles that leaves, and the newest publication date."""
        ids, ends, article_ends, newest = self._cached(
            f"dates:{collection}", lambda: self.store.publication_ends(collection)
        )
        # Dates compare as ISO strings; an undated article is never excluded by a date.
        within = (ends == "") | (ends >= since)
        searched = int(((article_ends == "") | (article_ends >= since)).sum())
        allowed = scope[1]
        if within.all():  # the period leaves out nothing: the scope stays as it was (None: the fast path)
            return scope, searched, newest
        ids = ids[within]
        return (scope[0], ids if allowed is None else np.intersect1d(allowed, ids)), searched, newest

    def search(self, question: str, *, collection: str | None = DEFAULT_COLLECTION, k: int = 10) -> list[PassageHit]:
        """Ranked passages only. CPU-heavy."""
        return self.ask(question, collection=collection, k=k).passages

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

    def record_feedback(
        self,
        answer: str,
        voter: str,
        verdict: str,
        question: str,
        cited: Sequence[tuple[int, int, int]],
        chat: int | None = None,
    ) -> None:
        """A reader's "up" or "down" on an answer (``answer``: the caller's reference for it; ``cited``: the quotes'
        article id, start and end). Voting again on the same answer changes the vote. Quick."""
        self.store.record_vote(answer, voter, verdict, question, cited, chat)

    def feedback_questions(self) -> list[dict[str, Any]]:
        """Every vote as a line of the eval question format (``dossier feedback export``)."""

        def quote(span: tuple[int, int, int]) -> tuple[str, str] | None:
            article_id, start, end = span
            info, found = self.store.get_info(article_id), self.store.get_text(article_id)
            if info is None or found is None:
                return None
            return info.key or f"#{article_id}", found[0][start:end]

        return [feedback.as_eval_question(v, quote) for v in self.store.votes()]

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

    def chat_setting(self, chat: int, name: str) -> str | None:
        """A chat's stored choice (``/autoadd on``), or None when it never made one."""
        return self.store.chat_setting(chat, name)

    def set_chat_setting(self, chat: int, name: str, value: str) -> None:
        self.store.set_chat_setting(chat, name, value)

    def move_chat(self, old: int, new: int, collections: tuple[str, str] | None = None) -> int:
        """A chat changed its id (a Telegram group upgraded to a supergroup): its settings, feeds and adds follow
        it, and with ``collections`` (old name, new name) its articles. Returns the articles moved. Quick."""
        with self.store.write() as txn:
            return txn.move_chat(old, new, collections)

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


def _articles_in(scope: tuple[str | None, np.ndarray | None], ids: np.ndarray, articles: np.ndarray) -> int:
    """How many of the articles (one per passage id) a scope's passages are of."""
    return len(np.unique(articles if scope[1] is None else articles[np.isin(ids, scope[1])]))


def _question(text: str) -> str:
    """The question with its runs of white space made one space and its characters composed (NFC, as articles are
    stored); refused when empty or longer than a message."""
    question = " ".join(unicodedata.normalize("NFC", text).split())
    if not question:
        raise InvalidSource("the question is empty")
    if _NOT_TEXT.search(question):  # bytes that were no UTF-8 (read with surrogateescape), or a NUL: no question
        raise InvalidSource("the question is not text (it holds binary bytes)")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidSource(
            f"the question is {len(question):,} characters long; ask in at most {MAX_QUESTION_CHARS:,} "
            "(to search a text, add it as an article)"
        )
    return question
