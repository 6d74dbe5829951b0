"""The facade: ``Library.open(settings)`` and a dozen synchronous, thread-safe calls.

CPU-heavy calls (run them off an event loop): ``add_*``, ``ask``, ``search``, ``reindex``; the first
call that needs the model also loads it (a few seconds). The rest are quick SQLite reads or writes.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import numpy as np

from index import abstention, evidence_rank, extract, feedback, language, migrate, periods, pgvectors
from index.asking import Asker
from index.cleaning import normalized_hash
from index.conversations import Conversations
from index.database import POSTGRES_SCHEMES, open_database
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
    TooLarge,
)
from index.feeds import MIN_ENTRY_TEXT, Entry, Feed, FeedBook, PollResult, parse_feed, poll_feed
from index.fetch import SafeFetcher
from index.ingest import Ingestor, Outcome, Pending, parse_jsonl
from index.migrate import Migrated
from index.pgvectors import PgVectors
from index.question import analyse
from index.rerank import Reranker
from index.settings import Settings
from index.store import Store
from index.types import AddResult, Answer, Article, ArticleInfo, BulkFailure, BulkReport, PassageHit, Stats
from index.urls import canonical_url, is_url
from index.vector_cache import VectorCache
from index.vectors import Searchable

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_COLLECTION = "default"
# The longest question: a Telegram message's limit. Every step of an answer reads the whole question (a 160 KB one
# took 3.2 s); a longer text is an article to add, not a question.
MAX_QUESTION_CHARS = 4096
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Progress:
    """A step of an add. ``stage`` is 'fetching', 'extracting', 'embedding' (``done`` of ``total`` passages of
    the current batch embedded) or 'stored' (``done`` of ``total`` sources handled, ``added`` of them new,
    ``passages`` stored)."""

    stage: str
    done: int = 0
    total: int = 0
    passages: int = 0
    added: int = 0


ProgressFn = Callable[[Progress], None]


def _quiet(_: Progress) -> None:
    return None


class Library:
    """A Dossier library in one data directory (SQLite + FAISS)."""

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

    # -- adding -----------------------------------------------------------------------------------
    def _ingest(self, items: Iterable[Pending | BulkFailure], progress: ProgressFn, total: int = 0) -> BulkReport:
        self._vectors.ensure(self.embedder.dim)
        report = BulkReport()
        done = 0

        def stored(outcomes: list[Outcome], ids: np.ndarray, vecs: np.ndarray) -> None:
            nonlocal done
            self._vectors.add(ids, vecs)
            for o in outcomes:
                if o.failure is not None:
                    report.failures.append(o.failure)
                elif o.duplicate and o.info is not None:
                    report.duplicates.append(o.info)
                elif o.info is not None:
                    report.added.append(o.info)
                    report.passages += o.info.passages
            done += len(outcomes)
            progress(Progress("stored", done, total, report.passages, len(report.added)))

        ingestor = Ingestor(
            self.store,
            self._importer,
            self.settings.max_passage_tokens,
            self.settings.ingest_batch_passages,
            self._import_threads,
        )
        with self._vectors.writing():
            ingestor.run(items, stored, lambda n, of: progress(Progress("embedding", n, of, report.passages)))
        return report

    def _add_one(
        self,
        doc: extract.Document,
        where: str,
        collection: str,
        key: str | None,
        added_by: str,
        origin: str,
        progress: ProgressFn,
        adder: tuple[int | None, int | None] = (None, None),
    ) -> AddResult:
        pending = Pending(doc, where, collection, key, added_by, origin, adder[0], adder[1])
        report = self._ingest([pending], progress, 1)
        if report.failures:
            raise DossierError(report.failures[0].message)
        if report.duplicates:
            return AddResult(report.duplicates[0], duplicate=True)
        return AddResult(report.added[0])

    def add_text(
        self,
        text: str,
        *,
        title: str = "",
        source: str = "",
        published: str = "",
        url: str = "",
        key: str | None = None,
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        origin: str = "",
        progress: ProgressFn = _quiet,
        added_by_user: int | None = None,
        added_in_chat: int | None = None,
    ) -> AddResult:
        """Add plain text (first line is the title when it looks like one). CPU-heavy."""
        if len(text.encode("utf-8", errors="replace")) > self.settings.max_file_bytes:
            raise TooLarge(f"the text is larger than the limit of {self.settings.max_file_bytes:,} bytes")
        # A lone surrogate (bytes that were no UTF-8, read with surrogateescape) cannot be stored or tokenised.
        text = _SURROGATE.sub("\ufffd", text)
        if url.strip():
            canonical_url(url)  # a malformed URL is refused before any work
        progress(Progress("extracting"))
        doc = extract.from_text(text, title=title, source=source, published=published, url=url)
        return self._add_one(doc, "text", collection, key, added_by, origin, progress, (added_by_user, added_in_chat))

    def add_html(
        self,
        html: str | bytes,
        *,
        url: str = "",
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        origin: str = "",
        progress: ProgressFn = _quiet,
        added_by_user: int | None = None,
        added_in_chat: int | None = None,
        source: str = "",
        published: str = "",
    ) -> AddResult:
        """Add an HTML page (main text and metadata through trafilatura); ``source`` and ``published`` stand in
        where the page gives none. CPU-heavy."""
        size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8", errors="replace"))
        if size > self.settings.max_file_bytes:
            raise TooLarge(f"the page is larger than the limit of {self.settings.max_file_bytes:,} bytes")
        if url.strip():
            canonical_url(url)  # a malformed URL is refused before any work
        progress(Progress("extracting"))
        doc = _with_fallbacks(extract.from_html(html, url=url), source, published)
        return self._add_one(
            doc, url or "html", collection, None, added_by, origin, progress, (added_by_user, added_in_chat)
        )

    def add_file(
        self,
        path: Path,
        *,
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        origin: str = "",
        progress: ProgressFn = _quiet,
        added_by_user: int | None = None,
        added_in_chat: int | None = None,
        source: str = "",
        published: str = "",
    ) -> AddResult:
        """Add a .txt, .md, .html, .pdf (text layer) or .docx file; ``source`` and ``published`` stand in where the
        file gives none. CPU-heavy."""
        progress(Progress("extracting"))
        doc = _with_fallbacks(extract.from_file(path, self.settings.max_file_bytes), source, published)
        return self._add_one(
            doc, str(path), collection, None, added_by, origin, progress, (added_by_user, added_in_chat)
        )

    def add_file_content(
        self,
        content: bytes,
        name: str,
        *,
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        origin: str = "",
        progress: ProgressFn = _quiet,
        added_by_user: int | None = None,
        added_in_chat: int | None = None,
        source: str = "",
        url: str = "",
        published: str = "",
    ) -> AddResult:
        """Add a file received as bytes (an upload), typed by ``name``'s extension as ``add_file``'s are; nothing is
        written to disk but the library. ``source``, ``url`` and ``published`` stand in where the file gives none
        (a file forwarded from a channel: the channel, its post's link, the post's date). CPU-heavy."""
        progress(Progress("extracting"))
        name = " ".join(name.split()) or "upload"  # it names the file in one-line messages
        doc = extract.from_file_content(bytes(content), name, self.settings.max_file_bytes)
        doc = replace(_with_fallbacks(doc, source, published), url=doc.url or url)
        return self._add_one(doc, name, collection, None, added_by, origin, progress, (added_by_user, added_in_chat))

    def add_url(
        self,
        url: str,
        *,
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        origin: str = "",
        progress: ProgressFn = _quiet,
        added_by_user: int | None = None,
        added_in_chat: int | None = None,
        published: str = "",
        key: str | None = None,
        source: str = "",
    ) -> AddResult:
        """Fetch a URL safely and add the article; ``published`` is the date and ``source`` the outlet when the page
        gives none (a feed's). Network-bound, then CPU-heavy."""
        url = url.strip()
        existing = self.store.find_duplicate(collection, None, canonical_url(url), None) if url else None
        if existing is not None:
            return AddResult(existing, duplicate=True)
        progress(Progress("fetching"))
        page = self.fetcher.fetch(url)
        progress(Progress("extracting"))
        if page.kind == "html":
            # A page declared UTF-16 or UTF-32 is NUL bytes to the binary check: read as text first.
            wide = (page.charset or "").lower().replace("_", "-").startswith(("utf-16", "utf-32")) and (
                page.body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in page.body[:4096]
            )  # a UTF-8 page declared UTF-16 would decode to nonsense
            body = extract.decode(page.body, page.charset) if wide else page.body
            doc = extract.from_html(body, url=page.url, where=page.url)
        else:
            doc = extract.from_text(extract.decode(page.body, page.charset), url=page.url, where=page.url)
        if page.url != url:
            existing = self.store.find_duplicate(collection, None, canonical_url(page.url), None)
            if existing is not None:
                return AddResult(existing, duplicate=True)
        if published and not doc.published:
            doc = replace(doc, published=published)
        hosts = {extract.site_of(page.url), urlsplit(page.url).netloc.removeprefix("www.")}
        if source and doc.source.removeprefix("www.") in {"", *hosts}:  # the page named no outlet: its host stood in
            doc = replace(doc, source=source)
        return self._add_one(doc, url, collection, key, added_by, origin, progress, (added_by_user, added_in_chat))

    def add_jsonl(
        self,
        lines: Iterable[str | bytes],
        *,
        collection: str = DEFAULT_COLLECTION,
        added_by: str = "",
        total: int = 0,
        progress: ProgressFn = _quiet,
    ) -> BulkReport:
        """Import one article per JSON line: {"id"?, "url"?, "title"?, "source"?, "published"?, "text"}. Lines may
        be bytes (decoded as UTF-8 one by one). Each article is stored whole; a bad line is reported (with its
        number) and skipped; re-running the same file skips what is already in. CPU-heavy."""
        return self._ingest(parse_jsonl(lines, collection, added_by, self.settings.max_file_bytes), progress, total)

    # -- feeds ------------------------------------------------------------------------------------
    def follow(
        self, url: str, *, collection: str = DEFAULT_COLLECTION, added_by: str = "", chat: int | None = None
    ) -> Feed:
        """Follow an RSS or Atom feed: fetched once now to check it is one; ``poll`` adds its entries."""
        url = url.strip()
        if not is_url(url):
            raise InvalidSource(f"not a feed address (http or https): {url[:200]}")
        title, _ = parse_feed(self.fetcher.fetch_feed(url, max_bytes=self.settings.feed_max_bytes).body, url)
        return self._feeds.add(url, collection, title or url, chat, added_by)

    def feeds(self, chat: int | None = None) -> list[Feed]:
        """The followed feeds (those followed from ``chat``, when given), in the order they were followed."""
        return self._feeds.followed(chat)

    def feed(self, feed_id: int) -> Feed:
        return self._feeds.get(feed_id)

    def unfollow(self, feed_id: int, chat: int | None = None) -> Feed:
        """Stop following feed ``feed_id``: from ``chat`` only when other chats follow it too, else altogether (its
        articles stay)."""
        return self._feeds.remove(feed_id, chat)

    def poll(self, feed_ids: Sequence[int] | None = None) -> list[PollResult]:
        """Poll the feeds (all, or ``feed_ids``): each is fetched conditionally and its new entries added, oldest
        first, at most ``FEED_MAX_ITEMS`` per feed. Network-bound, then CPU-heavy."""
        chosen = [self._feeds.get(i) for i in feed_ids] if feed_ids is not None else self._feeds.followed()
        caps = self.settings.feed_max_items, self.settings.feed_max_bytes
        return [poll_feed(feed, self.fetcher, self._feeds, self._add_entry, *caps) for feed in chosen]

    def _add_entry(self, entry: Entry, feed: Feed) -> AddResult:
        """An entry's linked page; its own text when the link fails and the feed carries the whole article (under
        the link only when it is on the feed's own host: a feed must not claim another outlet's address)."""
        who = f"feed #{feed.id} ({feed.title})"
        try:
            if not entry.link:
                raise InvalidSource("the entry has no link")
            return self.add_url(
                entry.link,
                collection=feed.collection,
                added_by=who,
                origin=feed.url,
                published=entry.published,
                source=feed.title if feed.title != feed.url else "",
            )
        except DossierError:
            if len(entry.text) < MIN_ENTRY_TEXT:
                raise
            own = bool(entry.link) and urlsplit(entry.link).hostname == urlsplit(feed.url).hostname
            return self.add_text(
                entry.text,
                title=entry.title,
                published=entry.published,
                url=entry.link if own else "",
                collection=feed.collection,
                added_by=who,
                origin=feed.url if own else f"{feed.url} (entry {entry.link[:500]})",
            )

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
        when = periods.find(question, today or datetime.now(UTC).date())
        if when.since is not None:
            since = when.since.isoformat()
            scope, searched, newest = self._since(scope, collection, since)
            if not searched:
                return Answer(question, True, abstention.too_old(since, newest), [], [], 0, period=when.label)
        if exclude:
            sql_collection, allowed = scope
            ids = allowed if allowed is not None else self.store.passage_ids(collection)
            dropped = np.array([p for a in exclude for p, _, _ in self.store.passage_spans(a)], dtype=np.int64)
            scope = (sql_collection, np.setdiff1d(ids, dropped))
            searched -= len(set(exclude))
        return self._asker.ask(question, vectors, scope, searched, k, page, dense_weight, keyword_weight, when)

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

    def revise(self, article_id: int, text: str, *, title: str = "") -> ArticleInfo:
        """New text for an article (an edited post), re-chunked and re-embedded under the same number; the same text
        again changes nothing (an edit of a post's formatting). CPU-heavy."""
        current = self.get(article_id)
        if len(text.encode("utf-8", errors="replace")) > self.settings.max_file_bytes:
            raise TooLarge(f"the text is larger than the limit of {self.settings.max_file_bytes:,} bytes")
        doc = extract.from_text(text, title=title)
        if doc.text == current.text and doc.title == current.info.title:
            return current.info
        self._vectors.ensure(self.embedder.dim)
        ingestor = Ingestor(self.store, self._importer, self.settings.max_passage_tokens, threads=self._import_threads)
        [passages] = ingestor.embed([(doc.text, ingestor.chunk(doc.text))])
        with self._vectors.writing(save=False):
            try:
                with self.store.write() as txn:
                    txn.check_model(self.embedder.name)
                    info = txn.revise_article(article_id, doc.text, doc.title, normalized_hash(doc.text), passages)
            except self.store.integrity_errors as exc:  # the new text is word for word another article's
                raise InvalidSource(
                    f"the new text of #{article_id} is already in the library as another article"
                ) from exc
        self._vectors.sync()
        self._vectors.save()
        return info

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

    def remove(self, article_id: int) -> ArticleInfo:
        """Delete an article with its passages, vectors and keyword rows. Quick."""
        info = self.store.get_info(article_id)
        if info is None:
            raise ArticleNotFound(article_id)
        self._vectors.current()  # loaded first (FAISS), so that the removal reaches it
        with self._vectors.writing():
            with self.store.write() as txn:
                ids = txn.delete_article(article_id)
            self._vectors.remove(np.asarray(ids, dtype=np.int64))
        return info

    def reindex(self, progress: ProgressFn = _quiet) -> int:
        """Re-chunk and re-embed every article with the configured model; rebuilds FAISS. CPU-heavy."""
        with self.store.reindexing():
            return self._reindex(progress)

    def _reindex(self, progress: ProgressFn) -> int:
        dim = self.embedder.dim
        # A reindex cut short goes on after the last page it stored, when it is the same model and passage size
        # (at 340,000 articles it is hours of work); another one starts over.
        plan = f"{self.embedder.name} {dim} {self.settings.max_passage_tokens}"
        resume = self.store.meta("reindex_incomplete") == "1" and self.store.meta("reindex_plan") == plan
        after = int(self.store.meta("reindex_after") or 0) if resume else 0
        with self.store.write() as txn:
            txn.set_meta("embedding_model", self.embedder.name)
            txn.set_meta("dimension", str(dim))
            txn.set_meta("reindex_incomplete", "1")
            txn.set_meta("reindex_plan", plan)
            txn.set_meta("reindex_after", str(after))
            if not resume:  # whichever searches: a process with VECTOR_SEARCH=faiss keeps the mirror too
                txn.reset_mirror(dim)
        ingestor = Ingestor(self.store, self._importer, self.settings.max_passage_tokens, threads=self._import_threads)
        total, done, passages = self.store.count_articles(), self.store.count_articles(upto=after), 0
        while page := self.store.article_texts(after, 16):
            embedded = ingestor.embed([(text, ingestor.chunk(text)) for _, text in page])
            with self.store.write() as txn:
                for (article_id, text), new in zip(page, embedded, strict=True):
                    # One revised or removed while this page was embedded is left as the edit made it: a revision
                    # holds passages of this model already (the library's model was switched before the first page).
                    if txn.replace_if_unchanged(article_id, text, new):
                        passages += len(new)
                txn.set_meta("reindex_after", str(page[-1][0]))
            after = page[-1][0]
            done += len(page)
            progress(Progress("stored", done, total, passages, done))
        with self.store.write() as txn:
            txn.set_meta("reindex_incomplete", "0")
        self._vectors.rebuild(dim)
        return self.store.passage_count()

    def migrate_to(
        self, target: str, progress: Callable[[int, int], None] = lambda done, total: None, batch: int = migrate.BATCH
    ) -> Migrated:
        """Copy this library into another database: a PostgreSQL URL, or a folder for SQLite; run again after an
        interruption to finish (``index.migrate``). Quick: nothing is re-embedded."""
        url = target if target.startswith(POSTGRES_SCHEMES) else ""
        folder = self.settings.data_dir if url else Path(target).expanduser()
        database = open_database(folder, url, setting="--to")
        if url:
            same = url == self.settings.database_url and not self.settings.database_schema
        else:
            same = not self.settings.database_url and folder.resolve() == self.settings.data_dir.resolve()
        if same:
            raise InvalidSource("that is where the library is already: give another database or folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DossierError(f"cannot use the folder {folder}: {exc.strerror}") from exc
        store = Store(database, folder)
        try:
            return migrate.migrate(self.store, store, progress, batch)
        finally:
            store.close()

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


def _with_fallbacks(doc: extract.Document, source: str, published: str) -> extract.Document:
    """The document with ``source`` and ``published`` (read as a date, ``extract.iso_date``) where it has none."""
    return replace(
        doc, source=doc.source or source, published=doc.published or (extract.iso_date(published) if published else "")
    )
