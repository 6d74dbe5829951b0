"""From raw input (HTML, plain text, a file) to a clean ``Document`` ready for chunking."""

from __future__ import annotations

import codecs
import contextlib
import datetime
import email.utils
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from index.cleaning import clean_text, fallback_title, source_hint, split_title
from index.errors import EmptyText, InvalidSource, TooLarge, UnsupportedType

MIN_WORDS = 8
# A web page's text needs one line of this many plain words (letters only, as "said," or "don't"): a directory
# listing, a file index or a table of links has none (its lines are names, dates, sizes, a server banner), while
# the shortest news item has a sentence.
PROSE_LINE_WORDS = 6
_INNER_MARKS = "'’-"  # inside a plain word ("don't", "well-known")
_WRAPPING = frozenset({"Ps", "Pe", "Pi", "Pf", "Pd"})  # brackets, quotation marks, dashes
_CLAUSE_MARKS = frozenset(".,;:!?…¿¡\"'·।॥。、，！？；：،؛؟")
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese): every two of their
# characters count as a word (for the shortest article and for a line of running text).
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f]")
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


_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def refuse_binary(data: str | bytes, where: str) -> None:
    """Raise ``UnsupportedType`` for content that is not text: a NUL, a known file signature, or control
    characters in more than 1% of it (random bytes have about 12%)."""
    if isinstance(data, bytes):
        binary = b"\x00" in data or data.startswith(_MAGIC)
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    else:
        binary = "\x00" in data
        controls = _CONTROL_CHARS.subn("", data)[1]
    if binary or (controls >= 4 and controls * 100 > len(data)):
        raise UnsupportedType(f"{where} is binary data (an image or another file), not text")


def decode(body: bytes, charset: str | None = None) -> str:
    """Bytes to text: the declared charset, else UTF-8 (with BOM), else Windows-1252. Text that is mostly valid
    UTF-8 (more valid non-ASCII characters than bad bytes) stays UTF-8, with U+FFFD for its few bad bytes,
    rather than becoming Windows-1252 mojibake."""
    if charset:
        try:
            return body.decode(charset)
        except (UnicodeError, LookupError):  # "undefined" and "punycode" raise a bare UnicodeError
            pass  # a wrong or unknown declaration: decide from the bytes
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    declared_utf8 = (charset or "").strip().lower().replace("_", "-") in ("utf-8", "utf8")
    if declared_utf8 or non_ascii > bad:  # Windows-1252 text almost never holds a valid UTF-8 sequence
        return text
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return text


def site_of(url: str) -> str:
    """The host of a URL without "www.", as a last-resort outlet name."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def _require_prose(text: str, where: str) -> None:
    words = len(re.findall(r"\w+", text)) + len(_UNSPACED.findall(text)) // 2
    if words < MIN_WORDS:
        counted = f"{words} word" + ("" if words == 1 else "s")
        raise EmptyText(f"no article text found in {where}: {counted}, an article needs at least {MIN_WORDS}")


def _plain_words(line: str) -> int:
    return sum(1 for token in line.split() if _is_plain_word(token)) + len(_UNSPACED.findall(line)) // 2


def _around_words(ch: str) -> bool:
    return unicodedata.category(ch) in _WRAPPING or ch in _CLAUSE_MARKS


def _is_plain_word(token: str) -> bool:
    """Letters and the marks of any script ("मौत", "„Wir"), quotes, brackets, dashes and clause marks around it,
    "'’-" inside; no digit, no "/" or "." inside (a file name, a date, a size, an address), no "/", "#" or "@" in
    front (a path, a tag, a handle)."""
    start, end = 0, len(token)
    while start < end and _around_words(token[start]):
        start += 1
    while end > start and _around_words(token[end - 1]):
        end -= 1
    core = token[start:end]
    return (
        bool(core)
        and core[0] not in _INNER_MARKS
        and core[-1] not in _INNER_MARKS
        and all(unicodedata.category(ch)[0] in "LM" or ch in _INNER_MARKS for ch in core)
    )


_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:[Tt ][\d:.]+(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?")
# Year first, then month and day however written ("2024-3-5", "2024/03/12", "20240312", "2024-03-12 10:00 UTC"):
# only "03/12/2024" reads two ways.
_YEAR_FIRST = re.compile(r"((?:1[89]|2\d)\d\d)(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d\d)(\d\d))(?!\d)")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_WRITTEN_DATES = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y")
_WRITTEN_MONTHS = ("%B %Y", "%b %Y")


def iso_date(value: str) -> str:
    """A publication date as ISO 8601: as given when it is ISO already, else its day ("2024-03-12") or month
    ("2024-12"); read from year-first dates however separated, e-mail / RSS dates and dates with an English month
    name; "" for none. Dates are compared as ISO strings (what a question's period searches), so a date that reads
    two ways ("03/12/2024": March or December?) or none is refused, not stored."""
    value = " ".join(value.split())
    if not value:
        return ""
    # Why a date written year first is none ("day is out of range for month" for 2024-02-30), where it is the
    # reason: the advice to write it year first would be no help.
    unreal: ValueError | None = None
    if _ISO.fullmatch(value):
        try:
            datetime.datetime.fromisoformat({4: value + "-01-01", 7: value + "-01"}.get(len(value), value.upper()))
            return value
        except ValueError as exc:
            unreal = exc
    if found := _YEAR_FIRST.match(value):
        year, _, month, day, compact_month, compact_day = found.groups()
        try:
            return datetime.date(int(year), int(month or compact_month), int(day or compact_day)).isoformat()
        except ValueError as exc:
            unreal = exc
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    written = _ORDINAL.sub("", _WEEKDAY.sub("", value)).replace(".", "").replace("Sept ", "Sep ")
    for form in _WRITTEN_DATES:
        with contextlib.suppress(ValueError):
            return datetime.datetime.strptime(written, form).date().isoformat()
    for form in _WRITTEN_MONTHS:
        with contextlib.suppress(ValueError):
            return datetime.datetime.strptime(written, form).strftime("%Y-%m")
    if unreal is not None:
        raise InvalidSource(f'"{value[:40]}" is not a date Dossier can read as published: {unreal}')
    raise InvalidSource(f'"{value[:40]}" is not a date Dossier can read as published: write it {_as_iso(value)}')


def _as_iso(value: str) -> str:
    """How to write a date Dossier could not read: the ISO forms a day-month-year or month-day-year date may mean
    ("03/12/2025": 2025-12-03 or 2025-03-12), else the form itself."""
    found = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\s*", value)
    meant: list[str] = []
    if found:
        first, second, year = (int(x) for x in found.groups())
        for month, day in ((second, first), (first, second)):
            with contextlib.suppress(ValueError):
                meant.append(datetime.date(year, month, day).isoformat())
    if meant:
        return " or ".join(f"as {d}" for d in dict.fromkeys(meant))
    return "year first, as 2024-03-12"


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
    _require_prose(text, where)
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
    _require_prose(text, where)
    if not any(_plain_words(line) >= PROSE_LINE_WORDS for line in text.splitlines()):
        raise EmptyText(f"no running text in {where}: it reads as a list of links, files or figures, not an article")
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
    body = _utf8(body)
    refuse_binary(body, name)
    if kind == "html":
        return from_html(body, where=name)
    text = decode(body)
    if file_suffix(name) in (".md", ".markdown"):
        prose = markdown_to_text(text)
        return from_text(prose, title=_heading_title(text, prose), where=name)
    return from_text(text, where=name)


def _heading_title(markdown: str, prose: str) -> str:
    """The title of a Markdown file that opens with a heading ("# Floods"), however short: marked as a heading, it
    is one ("Floods The council said that 37 parks…" was the title a one-word heading got). '' otherwise."""
    first = next((line.strip() for line in _front_matter_title(markdown).splitlines() if line.strip()), "")
    if not re.match(r"#{1,6}\s+\S", first):
        return ""
    return _one_line(next((line for line in prose.splitlines() if line.strip()), ""))


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


def _utf8(body: bytes) -> bytes:
    """A UTF-16 file with its byte-order mark (Windows Notepad's "Unicode") as UTF-8; other bytes as they are. Its
    every other byte is a NUL, which would otherwise read as binary data."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return body.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return body
    return body


def _from_document(body: bytes, kind: str, where: str) -> Document:
    signature, name = _SIGNATURES[kind]
    if not body.lstrip()[:1024].startswith(signature):
        raise UnsupportedType(f"{where} is not {name} (its content does not start like one)")
    from index import documents  # pypdf and python-docx load when a document comes, not at every start

    read = documents.pdf_text if kind == "pdf" else documents.docx_text
    text, title, author, published = read(body, where)
    doc = from_text(text, title=title, published=published, where=where)
    return replace(doc, author=author) if author else doc


# Every rule stops at the next delimiter of its kind, so no rule rescans the rest of the text from each
# opening mark: the whole conversion is linear in the size of the input.
_LINK_TARGET = r"\([^()]*(?:\([^()]*\)[^()]*)*\)"  # one level of parentheses, as in Wikipedia URLs
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.MULTILINE)
_MD_RULES = [
    (re.compile(r"!\[[^\[\]]*\]" + _LINK_TARGET), ""),  # images
    (re.compile(r"\[([^\[\]]+)\]" + _LINK_TARGET), r"\1"),  # links keep their text
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # rules
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
]


def _heading_text(match: re.Match[str]) -> str:
    return match.group(1).rstrip(" \t#")


def _drop_code_blocks(markdown: str) -> str:
    """Remove fenced code blocks (a line opening with ``` up to the next line that is only ```), in one pass."""
    lines = markdown.split("\n")
    closers = [i for i, line in enumerate(lines) if line.startswith("```") and not line[3:].strip(" \t")]
    kept: list[str] = []
    i, next_closer = 0, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            while next_closer < len(closers) and closers[next_closer] <= i:
                next_closer += 1
            if next_closer < len(closers):
                kept.append("")
                i = closers[next_closer] + 1
                continue
        kept.append(line)
        i += 1
    return "\n".join(kept)


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.{0,4000}?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^[A-Za-z_][\w-]*:(?:[ \t]|$)", re.MULTILINE)
_TITLE_FIELD = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def _front_matter_title(markdown: str) -> str:
    """The text without its front matter ("---\ntitle: …\n---"), its title (unquoted) on the first line."""
    found = _FRONT_MATTER.match(markdown)
    if found is None or not _FIELD.search(found.group(1)):  # "---" rules around a section are no front matter
        return markdown
    title = _TITLE_FIELD.search(found.group(1))
    rest = markdown[found.end() :]
    return f"{title.group(1).strip(chr(34) + chr(39))}\n\n{rest}" if title else rest


def markdown_to_text(markdown: str) -> str:
    """Markdown to plain prose: headings, emphasis, links, images and code fences reduced to their text; a YAML
    front matter block dropped, its ``title:`` kept as the first line (where a title is looked for)."""
    markdown = _front_matter_title(markdown)
    markdown = _drop_code_blocks(markdown)
    for pattern, replacement in _MD_RULES[:2]:
        markdown = pattern.sub(replacement, markdown)
    markdown = _HEADING.sub(_heading_text, markdown)
    for pattern, replacement in _MD_RULES[2:]:
        markdown = pattern.sub(replacement, markdown)
    return markdown
