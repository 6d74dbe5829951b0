"""Keeping a library: an article revised or removed, every article re-embedded with another model, the library
copied into another database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index import extract, migrate
from index.adding import Progress, ProgressFn, quiet
from index.cleaning import normalized_hash
from index.database import POSTGRES_SCHEMES
from index.errors import ArticleNotFound, DossierError, InvalidSource, TooLarge
from index.ingest import Ingestor
from index.migrate import Migrated
from index.parts import Parts
from index.store import Store, open_database
from index.types import Article, ArticleInfo


class Upkeep(Parts):
    """The calls of ``Library`` that change stored articles in place or rebuild what is derived from them."""

    if TYPE_CHECKING:

        def get(self, article_id: int) -> Article: ...

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

    def reindex(self, progress: ProgressFn = quiet) -> int:
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
