"""The facade: ``Library.open(settings)`` and a dozen synchronous, thread-safe calls.

CPU-heavy calls (run them off an event loop): ``add_*``, ``ask``, ``search``, ``reindex``; the first
call that needs the model also loads it (a few seconds). The rest are quick SQLite reads or writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from index import feedback, language, migrate, pgvector_setup
from index.adding import DEFAULT_COLLECTION, Progress, ProgressFn
from index.answering import Answering
from index.asking import Asker
from index.conversations import Conversations
from index.cpus import cores
from index.embed_worker import WorkerEmbedder
from index.embedding import Embedder, build_embedder
from index.errors import DossierError, LibraryCorrupt, ModelMismatch, NoLibrary
from index.feeds import FeedBook
from index.fetch import SafeFetcher
from index.following import Following
from index.pgvectors import PgVectors
from index.reading import Reading
from index.rerank import Reranker
from index.settings import Settings
from index.store import Store, open_database
from index.upkeep import Upkeep
from index.vector_cache import VectorCache
from index.vectors import Searchable

__all__ = ["DEFAULT_COLLECTION", "Library", "Progress", "ProgressFn"]

T = TypeVar("T")


class Library(Answering, Reading, Following, Upkeep):
    """A Dossier library in one data directory (SQLite + FAISS or PostgreSQL). Its calls live by job: questions
    (``index.answering``), reading articles (``index.reading``), adding (``index.adding``), feeds
    (``index.following``), revising, removing and rebuilding (``index.upkeep``); opening and closing, readers' votes
    and chat settings here."""

    def __init__(self, settings: Settings, embedder: Embedder, store: Store, allow_model_change: bool) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.fetcher = SafeFetcher(
            settings.fetch_timeout, settings.fetch_max_bytes, settings.fetch_max_redirects, settings.fetch_allow_hosts
        )
        self._feeds = FeedBook(store)
        self.conversations = Conversations(store)  # a chat front end's state, shared by processes on one library
        schema = pgvector_setup.choose(store, settings.vector_search)
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
