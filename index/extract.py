"""From raw input (HTML, plain text, a file) to a clean ``Document`` ready for chunking: the entry points for text,
a web page, a file on disk and an uploaded file's bytes, each checked (``index.raw_text``), titled, dated
(``index.iso_dates``) and credited to its outlet; a file's type by its extension."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from index.cleaning import clean_text, fallback_title, source_hint, split_title
from index.errors import EmptyText, InvalidSource, TooLarge, UnsupportedType
from index.iso_dates import iso_date
from index.markdown_text import heading_title, markdown_to_text
from index.raw_text import decode, refuse_binary, require_prose, require_running_text, utf16_as_utf8

FILE_SUFFIXES = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
_SIGNATURES = {"pdf": (b"%PDF", "a PDF"), "docx": (b"PK\x03\x04", "a Word (.docx) file")}


@dataclass(frozen=True, slots=True)
class Document:
    """Clean article text with its metadata; ``text`` is what gets stored and quoted."""

    text: str
    title: str
    source: str = ""
    author: str = ""
    published: str = ""
    url: str = ""


def site_of(url: str) -> str:
    """The host of a URL without "www.", as a last-resort outlet name."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def _one_line(value: str) -> str:
    """A title or outlet given with the text, as one line: no line breaks, tabs or control characters (a NUL or a
    newline in a JSONL title broke every listing it was in)."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in value).split())


def from_text(
    raw: str, *, title: str = "", source: str = "", published: str = "", url: str = "", where: str = "the text"
) -> Document:
    """Plain text: chrome lines dropped; the first line is the title when it looks like one."""
    published = iso_date(published)
    refuse_binary(raw, where)
    text = clean_text(raw)
    require_prose(text, where)
    detected, text = split_title(text)
    return Document(
        text=text,
        title=_one_line(title) or detected or fallback_title(text),
        source=_one_line(source) or source_hint(raw) or site_of(url),
        published=published.strip(),
        url=url.strip(),
    )


def from_html(html: str | bytes, *, url: str = "", where: str = "the page") -> Document:
    """HTML through trafilatura: main text plus title, site name, author and date."""
    import trafilatura

    refuse_binary(html, where)
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
        )
    except Exception as exc:  # trafilatura raises lxml and value errors of many kinds on broken input
        raise EmptyText(f"could not read {where} as an article: {exc}") from exc
    if doc is None or isinstance(doc, dict) or not doc.text:
        raise EmptyText(f"no article text found in {where}")
    text = clean_text(str(doc.text))
    require_prose(text, where)
    require_running_text(text, where)
    title = (doc.title or "").strip()
    if not title:
        detected, text = split_title(text)
        title = detected or fallback_title(text)
    return Document(
        text=text,
        title=title,
        source=(doc.sitename or "").strip() or site_of(url),
        author=(doc.author or "").strip(),
        published=(doc.date or "").strip(),
        url=url,
    )


def from_file(path: Path, max_bytes: int) -> Document:
    """A .txt, .md, .html, .pdf or .docx file from disk."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InvalidSource(f"no such file: {path}") from exc
    except OSError as exc:
        raise InvalidSource(f"cannot read {path}: {exc.strerror}") from exc
    if not path.is_file():
        raise InvalidSource(f"not a file: {path}")
    _file_kind(path.name)
    if size > max_bytes:
        raise TooLarge(f"{path.name} is {size:,} bytes, over the limit of {max_bytes:,} bytes")
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InvalidSource(f"cannot read {path}: {exc.strerror}") from exc
    return from_file_content(body, path.name, max_bytes)


def from_file_content(body: bytes, name: str, max_bytes: int) -> Document:
    """A file's bytes, as received (an upload): ``name``'s extension says its type, and messages name it."""
    kind = _file_kind(name)
    if len(body) > max_bytes:
        raise TooLarge(f"{name} is {len(body):,} bytes, over the limit of {max_bytes:,} bytes")
    if kind in _SIGNATURES:
        return _from_document(body, kind, name)
    body = utf16_as_utf8(body)
    refuse_binary(body, name)
    if kind == "html":
        return from_html(body, where=name)
    text = decode(body)
    if file_suffix(name) in (".md", ".markdown"):
        prose = markdown_to_text(text)
        return from_text(prose, title=heading_title(text, prose), where=name)
    return from_text(text, where=name)


def file_suffix(name: str) -> str:
    """The lower-case extension of a file name ('' when it has none), read as text, never as a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if 0 <= dot < len(base) - 1 else ""


def _file_kind(name: str) -> str:
    kind = FILE_SUFFIXES.get(file_suffix(name))
    if kind is None:
        raise UnsupportedType(f"{name}: unsupported file type; use {', '.join(sorted(FILE_SUFFIXES))}")
    return kind


def _from_document(body: bytes, kind: str, where: str) -> Document:
    signature, name = _SIGNATURES[kind]
    if not body.lstrip()[:1024].startswith(signature):
        raise UnsupportedType(f"{where} is not {name} (its content does not start like one)")
    from index import documents  # pypdf and python-docx load when a document comes, not at every start

    read = documents.pdf_text if kind == "pdf" else documents.docx_text
    text, title, author, published = read(body, where)
    doc = from_text(text, title=title, published=published, where=where)
    return replace(doc, author=author) if author else doc
