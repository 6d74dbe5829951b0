"""The ingestion pipeline: chunk documents, embed their passages in large batches, store them whole."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from index import extract
from index.chunking import Chunk, chunk_text
from index.cleaning import clean_text, normalized_hash
from index.cpus import use_threads
from index.embedding import BatchProgress, Embedder
from index.errors import DossierError, InvalidSource, KeyTaken, TooLarge
from index.extract import Document
from index.store import Store
from index.store_writes import NewArticle, NewPassage
from index.stored_vectors import as_stored
from index.types import ArticleInfo, BulkFailure
from index.urls import canonical_url, is_url


@dataclass(frozen=True, slots=True)
class Pending:
    """A document on its way in, with where it came from (for messages) and who added it."""

    document: Document
    where: str
    collection: str
    key: str | None = None
    added_by: str = ""
    origin: str = ""
    added_by_user: int | None = None
    added_in_chat: int | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A chunked document, ready to embed."""

    pending: Pending
    chunks: list[Chunk]
    text_hash: str
    canonical: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one pending document."""

    where: str
    info: ArticleInfo | None = None
    duplicate: bool = False
    failure: BulkFailure | None = None


# A callback told after each stored batch: (outcomes of the batch, new passage ids, their vectors).
Stored = Callable[[list[Outcome], np.ndarray, np.ndarray], None]


class Ingestor:
    """Turns ``Pending`` documents into stored articles, batch by batch."""

    def __init__(
        self, store: Store, embedder: Embedder, max_tokens: int, batch_passages: int = 256, threads: int = 0
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.max_tokens = max_tokens
        self.batch_passages = batch_passages  # large batches keep the model busy
        self.threads = threads  # torch threads for embedding in this thread; 0: leave them (the import process)

    def prepare(self, pending: Pending) -> Prepared | ArticleInfo:
        """Chunk a document, or return the article it duplicates."""
        doc = pending.document
        text_hash = normalized_hash(doc.text)
        canonical = canonical_url(doc.url) if doc.url else None
        existing = self._duplicated(pending, canonical, text_hash)
        if existing is not None:
            return existing
        chunks = chunk_text(doc.text, self.embedder.count_tokens, self.max_tokens)
        return Prepared(pending, chunks, text_hash, canonical)

    def _duplicated(self, pending: Pending, canonical: str | None, text_hash: str) -> ArticleInfo | None:
        """The article this one duplicates (same id, URL or text); ``KeyTaken`` when only its id is another's."""
        existing = self.store.find_duplicate(pending.collection, pending.key, canonical, text_hash)
        if existing is None or pending.key is None or existing.key != pending.key:
            return existing
        if self.store.find_duplicate(pending.collection, None, canonical, text_hash) is None and not self._same_text(
            existing.id, text_hash
        ):
            raise KeyTaken(
                f"id {pending.key!r} is already #{existing.id} «{existing.title[:60]}» with another text: not "
                f"added (remove #{existing.id} first to replace it)"
            )
        return existing

    def _same_text(self, article_id: int, text_hash: str) -> bool:
        """The stored article reads as this text once cleaned as texts are today: one stored before a change to the
        cleaning (soft hyphens kept) is the same article, not another text under its id."""
        stored = self.store.get_text(article_id)
        return stored is not None and normalized_hash(clean_text(stored[0])) == text_hash

    def run(
        self, items: Iterable[Pending | BulkFailure], on_stored: Stored, on_embedded: BatchProgress | None = None
    ) -> None:
        """Prepare, embed and store everything, calling ``on_stored`` after each committed batch and
        ``on_embedded`` after each model batch."""
        for batch, early in self._batches(items):
            if batch:
                outcomes, ids, vectors = self._store_batch(batch, on_embedded)
                on_stored(early + outcomes, ids, vectors)
            else:
                on_stored(early, np.zeros(0, np.int64), np.zeros((0, 0), np.float32))

    def _batches(self, items: Iterable[Pending | BulkFailure]) -> Iterator[tuple[list[Prepared], list[Outcome]]]:
        batch: list[Prepared] = []
        early: list[Outcome] = []
        size = 0
        for item in items:
            if isinstance(item, BulkFailure):
                early.append(Outcome(item.where, failure=item))
                continue
            try:
                prepared = self.prepare(item)
            except DossierError as exc:
                early.append(Outcome(item.where, failure=BulkFailure(item.where, f"{item.where}: {exc.message}")))
                continue
            if isinstance(prepared, ArticleInfo):
                early.append(Outcome(item.where, info=prepared, duplicate=True))
                continue
            batch.append(prepared)
            size += len(prepared.chunks)
            if size >= self.batch_passages:
                yield batch, early
                batch, early, size = [], [], 0
        if batch or early:
            yield batch, early

    def chunk(self, text: str) -> list[Chunk]:
        return chunk_text(text, self.embedder.count_tokens, self.max_tokens)

    def embed(
        self, docs: list[tuple[str, list[Chunk]]], progress: BatchProgress | None = None
    ) -> list[list[NewPassage]]:
        """Embed the chunks of several texts in one batch; the passages of each text, in order."""
        texts, spans = [], []
        for text, chunks in docs:
            for c in chunks:
                texts.append(text[c.start : c.end])
                spans.append([(s - c.start, e - c.start) for s, e in c.sentences])
        if self.threads:
            use_threads(self.threads)
        vectors = self.embedder.embed_passages(texts, spans, progress)
        out: list[list[NewPassage]] = []
        row = 0
        for _, chunks in docs:
            out.append(
                [
                    NewPassage(
                        c.start, c.end, c.sentences, vectors.sentences[row + k], as_stored(vectors.passages[row + k])
                    )
                    for k, c in enumerate(chunks)
                ]
            )
            row += len(chunks)
        return out

    def _store_batch(
        self, batch: list[Prepared], on_embedded: BatchProgress | None
    ) -> tuple[list[Outcome], np.ndarray, np.ndarray]:
        embedded = self.embed([(prep.pending.document.text, prep.chunks) for prep in batch], on_embedded)

        outcomes: list[Outcome] = []
        new_ids: list[int] = []
        new_vectors: list[np.ndarray] = []
        with self.store.write() as txn:
            txn.check_model(self.embedder.name)
            for prep, passages in zip(batch, embedded, strict=True):
                p = prep.pending
                try:
                    existing = self._duplicated(p, prep.canonical, prep.text_hash)
                except KeyTaken as exc:
                    outcomes.append(Outcome(p.where, failure=BulkFailure(p.where, f"{p.where}: {exc.message}")))
                    continue
                if existing is not None:  # added by another writer (or earlier in this batch) since prepare()
                    outcomes.append(Outcome(p.where, info=existing, duplicate=True))
                    continue
                txn.conn.execute("SAVEPOINT article")
                try:
                    info, ids = txn.insert_article(_new_article(prep), passages)
                except self.store.integrity_errors as exc:  # a constraint the checks above missed: skip this one
                    txn.conn.execute("ROLLBACK TO article")
                    txn.conn.execute("RELEASE article")
                    message = f"{p.where}: could not be stored ({exc})"
                    outcomes.append(Outcome(p.where, failure=BulkFailure(p.where, message)))
                    continue
                txn.conn.execute("RELEASE article")
                outcomes.append(Outcome(p.where, info=info))
                new_ids.extend(ids)
                new_vectors.extend(np.asarray(x.vector, dtype=np.float32) for x in passages)
        dim = embedded[0][0].vector.shape[0] if embedded and embedded[0] else 0
        matrix = np.stack(new_vectors) if new_vectors else np.zeros((0, dim), np.float32)
        return outcomes, np.asarray(new_ids, dtype=np.int64), matrix


def _new_article(prep: Prepared) -> NewArticle:
    p, doc = prep.pending, prep.pending.document
    return NewArticle(
        collection=p.collection,
        key=p.key,
        title=doc.title,
        source=doc.source,
        author=doc.author,
        published=doc.published,
        url=doc.url,
        canonical_url=prep.canonical,
        text=doc.text,
        text_hash=prep.text_hash,
        added_by=p.added_by,
        origin=p.origin,
        added_by_user=p.added_by_user,
        added_in_chat=p.added_in_chat,
    )


def _field(row: dict[str, object], name: str) -> str:
    """A text field of a JSONL row ('' when absent); it must be a string or number of valid Unicode."""
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidSource(f'"{name}" must be a string')
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidSource(f'"{name}" holds an invalid character (a lone surrogate)') from exc
    return text


def _parse_row(line: str | bytes, number: int, max_bytes: int) -> tuple[Document, str | None]:
    """The document and key of one JSONL line; raises ``DossierError`` saying what is wrong with it."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidSource(f"not valid UTF-8 (byte {exc.start + 1})") from exc
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidSource("not valid JSON") from exc
    if not isinstance(row, dict):
        raise InvalidSource("not a JSON object")
    if not isinstance(row.get("text", ""), str):  # a title or an id may be a number; an article's text is words
        raise InvalidSource('"text" must be a string')
    text = _field(row, "text")
    if not text.strip():
        raise InvalidSource("no text")
    if len(text.encode("utf-8")) > max_bytes:
        raise TooLarge(f"the text is larger than the limit of {max_bytes:,} bytes")
    key = None if row.get("id") is None else _field(row, "id").strip()
    if key == "":
        raise InvalidSource('"id" is empty: give each article its own id, or leave "id" out')
    if key is not None and any(c < " " or c == "\x7f" for c in key):
        raise InvalidSource('"id" holds a line break or control character: it is shown on one line everywhere')
    url = _field(row, "url").strip()
    if url and not is_url(url):
        raise InvalidSource(f'"url" is not an http(s) URL: {url[:200]}')
    if url:
        canonical_url(url)  # raises InvalidSource for a bad port or host
    doc = extract.from_text(
        text,
        title=_field(row, "title"),
        source=_field(row, "source"),
        published=_field(row, "published"),
        url=url,
        where="this line",  # the failure names the line already
    )
    return doc, key


def parse_jsonl(
    lines: Iterable[str | bytes], collection: str, added_by: str, max_bytes: int
) -> Iterator[Pending | BulkFailure]:
    """One pending article per JSON line (text, or bytes decoded as UTF-8), or a one-line failure naming the
    line; a bad line never stops the lines after it."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            doc, key = _parse_row(line, number, max_bytes)
        except DossierError as exc:
            yield BulkFailure(where, f"{where}: {exc.message}")
            continue
        yield Pending(doc, where, collection, key, added_by, "jsonl")
