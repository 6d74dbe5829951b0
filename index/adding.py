"""Adding articles to a library: plain text, HTML, files and uploads, URLs fetched safely, JSON lines; each is
extracted, checked for duplicates, chunked, embedded and stored with its vectors (``Library``'s add calls)."""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from index import extract, iso_dates, raw_text
from index.errors import DossierError, TooLarge
from index.fetch import SafeFetcher
from index.ingest import Ingestor, Outcome, Pending, parse_jsonl
from index.parts import Parts
from index.types import AddResult, BulkFailure, BulkReport
from index.urls import canonical_url

DEFAULT_COLLECTION = "default"
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


def quiet(_: Progress) -> None:
    return None


class Adding(Parts):
    """The add calls of ``Library``."""

    fetcher: SafeFetcher

    def _ingest(self, items: Iterable[Pending | BulkFailure], progress: ProgressFn, total: int = 0) -> BulkReport:
        self._vectors.ensure(self.embedder.dim)
        report = BulkReport()
        done = 0
        # Failures are reported in input order: a source refused when stored (an id taken by another text) is known
        # after later ones that could not be read at all.
        position: dict[str, int] = {}

        def numbered() -> Iterator[Pending | BulkFailure]:
            for n, item in enumerate(items):
                position.setdefault(item.where, n)
                yield item

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
            ingestor.run(numbered(), stored, lambda n, of: progress(Progress("embedding", n, of, report.passages)))
        report.failures.sort(key=lambda f: position.get(f.where, len(position)))
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
        progress: ProgressFn = quiet,
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
        progress: ProgressFn = quiet,
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
        progress: ProgressFn = quiet,
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
        progress: ProgressFn = quiet,
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
        progress: ProgressFn = quiet,
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
            doc = extract.from_html(_declared(page.body, page.charset), url=page.url, where=page.url)
        else:
            doc = extract.from_text(raw_text.decode(page.body, page.charset), url=page.url, where=page.url)
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
        progress: ProgressFn = quiet,
    ) -> BulkReport:
        """Import one article per JSON line: {"id"?, "url"?, "title"?, "source"?, "published"?, "text"}. Lines may
        be bytes (decoded as UTF-8 one by one). Each article is stored whole; a bad line is reported (with its
        number) and skipped; re-running the same file skips what is already in. CPU-heavy."""
        return self._ingest(parse_jsonl(lines, collection, added_by, self.settings.max_file_bytes), progress, total)


def _declared(body: bytes, charset: str | None) -> str | bytes:
    """A page's HTML as text in the charset its HTTP header declares, which takes precedence over the page's own
    (a latin-1 page read by trafilatura's guess came out "Grčve" for "Grève"); the bytes, for trafilatura to read
    its meta tag or guess, where the header declares none or one the bytes are not written in. As browsers do
    (WHATWG Encoding), a byte-order mark wins over the header, and latin-1 and ASCII are read as Windows-1252. Unlike
    them, a body that is valid UTF-8 with other than ASCII is read as UTF-8 under any single-byte declaration, as
    files are (``raw_text.decode``): nearly any bytes decode as Windows-1252 or 1251, so the header cannot be checked
    against them, a server's default charset is often wrong for a UTF-8 page, and latin-1 text is almost never valid
    UTF-8 ("GrÃ¨ve" for a UTF-8 page served as iso-8859-1; a Russian one served as windows-1251 was refused)."""
    if body.startswith(codecs.BOM_UTF8):
        return body.decode("utf-8-sig", errors="replace")
    if body[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return body.decode("utf-16", errors="replace")
    try:
        codec = codecs.lookup((charset or "").strip()).name if (charset or "").strip() else ""
    except LookupError:
        return body
    if not codec or (codec.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:4096]):
        return body  # none, or a UTF-8 page declared UTF-16 (no byte-order mark, no NUL): nonsense as UTF-16
    if not codec.startswith("utf") and not body.isascii():
        with contextlib.suppress(UnicodeDecodeError):
            return body.decode("utf-8")
    try:
        return body.decode("cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec)
    except (UnicodeError, LookupError):  # a wrong declaration ("undefined"), or no text encoding ("base64", "bz2")
        return body


def _with_fallbacks(doc: extract.Document, source: str, published: str) -> extract.Document:
    """The document with ``source`` and ``published`` (read as a date, ``iso_dates.iso_date``) where it has none."""
    return replace(
        doc,
        source=doc.source or source,
        published=doc.published or (iso_dates.iso_date(published) if published else ""),
    )
