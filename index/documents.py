"""PDF (text layer) and Word (.docx) files to a clean ``Document``: text, and title, author and date from the
file's own metadata when it has them. pypdf and python-docx parse; the caps here bound what a hostile file can
cost (pages read, text kept, bytes a .docx may unpack to)."""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from datetime import datetime

import docx
import pypdf
import simplemma
from docx.opc.exceptions import OpcError
from pypdf.errors import PyPdfError

from index.errors import EmptyText, UnsupportedType
from index.language import detect, tokens

log = logging.getLogger(__name__)

MAX_PAGES = 2_000  # a PDF's pages read; past this, the rest is left out with a log line
MAX_TEXT_CHARS = 5_000_000  # text kept from one file, the same order as the largest text file accepted
MAX_UNPACKED = 200 * 1024 * 1024  # bytes a .docx may unpack to (a zip bomb stops here)
_MIN_TEXT_CHARS = 20  # a PDF with less text than this over all its pages is a scan or an image


def pdf_text(body: bytes, where: str) -> tuple[str, str, str, str]:
    """(text, title, author, published ISO date) of a PDF's text layer."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedType(f"{where} is a password-protected PDF; send an unprotected copy")
        pages: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or size > MAX_TEXT_CHARS:
                log.warning("%s: only the first %d pages were read", where, number)
                break
            text = unwrap(page.extract_text() or "")
            pages.append(text)
            size += len(text)
        meta = reader.metadata
        title = _title(meta.title) if meta else ""
        author = _clean(meta.author) if meta else ""
        published = _iso(meta.creation_date) if meta else ""
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:  # what a malformed file raises
        raise UnsupportedType(f"{where} is not a readable PDF ({exc})") from exc
    text = dehyphenate("\n\n".join(p.strip() for p in pages if p.strip()))
    if len(text) < _MIN_TEXT_CHARS:
        raise EmptyText(f"{where} has no text layer (a scan or images only); Dossier reads text, not pictures")
    return text[:MAX_TEXT_CHARS], title, author, published


_TERMINAL = tuple(".!?:;\"'”’»)…")
_FULL_LINE = 0.75  # a line at least this share of the page's usual width was wrapped, not ended


def unwrap(page: str) -> str:
    """Join the lines a PDF wrapped inside a paragraph: a line break stays where the line ends a sentence, or is
    short (a heading, the last line of a paragraph) and the next one starts with a capital. Linear in the page."""
    lines = [line.strip() for line in page.split("\n")]
    widths = sorted(len(line) for line in lines if line)
    if not widths:
        return ""
    usual = widths[len(widths) // 2]
    blocks: list[list[str]] = []  # each block: the pieces of one output line ([] for a blank line)
    width = 0  # characters in the last block
    for line in lines:
        last = blocks[-1] if blocks else []
        if not line:
            if last:
                blocks.append([])
            continue
        joins = last and not last[-1].endswith(_TERMINAL) and (not line[0].isupper() or width >= _FULL_LINE * usual)
        if joins:
            if _BROKEN.search(last[-1]) and line[:1].islower():  # "con-" + "firmed": decided by ``dehyphenate``
                last[-1] = last[-1][:-1] + _WRAPPED
                last.append(line)
            else:
                last.append(line if last[-1].endswith("-") else " " + line)
            width += len(line)
        else:
            blocks.append([line])
            width = len(line)
    return "\n".join("".join(block) for block in blocks).strip()


_WRAPPED = "\u00ad"  # a soft hyphen marks a word a line end broke, until ``dehyphenate`` decides
_BROKEN = re.compile(r"[^\W\d_]-$")
# Each from a word's start: unanchored, a search retried inside every long run of letters (quadratic).
_JOINED = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\u00ad([^\W\d_]+)")
_HYPHENED = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+")


def dehyphenate(text: str) -> str:
    """Each word a PDF broke at a line end ("con-" / "firmed") as the document writes it elsewhere ("confirmed", or
    "co-founder" with its hyphen); else without the hyphen where the English dictionary (simplemma) knows the word
    joined and not hyphened ("embezzlement"); else with it, as printed. Soft hyphens left from the text layer go."""
    if _WRAPPED not in text:
        return text
    plain = set(tokens(_JOINED.sub(" ", text)))
    hyphened = {w.casefold() for w in _HYPHENED.findall(text)}
    english = detect(text[:2000]) == "en"

    def joined(m: re.Match[str]) -> str:
        word, broken = m.group(1) + m.group(2), f"{m.group(1)}-{m.group(2)}"
        if word.casefold() in plain:
            return word
        if broken.casefold() in hyphened:
            return broken
        if english and simplemma.is_known(word.casefold(), lang="en"):
            return broken if simplemma.is_known(broken.casefold(), lang="en") else word
        return broken

    return _JOINED.sub(joined, text).replace(_WRAPPED, "")


def docx_text(body: bytes, where: str) -> tuple[str, str, str, str]:
    """(text, title, author, published ISO date) of a Word file: paragraphs, then table rows (cells joined)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise UnsupportedType(f"{where} unpacks to {unpacked:,} bytes, over the limit of {MAX_UNPACKED:,}")
        document = docx.Document(io.BytesIO(body))
        parts = [p.text.strip() for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))  # merged cells repeat
                parts.append(" | ".join(cells))
        props = document.core_properties
        title, author, published = _title(props.title), _clean(props.author), _iso(props.created)
    # What a damaged archive or XML part raises: zip, zlib, lxml (a SyntaxError) and python-docx's own errors.
    except (zipfile.BadZipFile, zlib.error, OpcError, KeyError, ValueError, SyntaxError, EOFError) as exc:
        raise UnsupportedType(f"{where} is not a readable Word (.docx) file ({exc})") from exc
    return "\n\n".join(p for p in parts if p)[:MAX_TEXT_CHARS], title, author, published


# Titles that name the file or nothing, as office software and PDF printers fill them in.
_PLACEHOLDER_TITLE = re.compile(r"(?i)^(?:untitled|microsoft \w+ - .*|.*\.(?:docx?|pdf|odt|rtf|txt|indd))$")


def _title(value: object) -> str:
    title = _clean(value)
    return "" if _PLACEHOLDER_TITLE.match(title) else title


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _iso(value: object) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else ""
