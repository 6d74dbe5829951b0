"""Raw input made text and checked to be an article's: bytes decoded (the declared charset, UTF-8, Windows-1252, a
UTF-16 file by its byte-order mark), binary data refused, and text refused that has too few words for an article or,
from a web page, no line of running prose (a directory listing, a table of links)."""

from __future__ import annotations

import codecs
import re
import unicodedata

from index.errors import EmptyText, UnsupportedType

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


def utf16_as_utf8(body: bytes) -> bytes:
    """A UTF-16 file with its byte-order mark (Windows Notepad's "Unicode") as UTF-8; other bytes as they are. Its
    every other byte is a NUL, which would otherwise read as binary data."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return body.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return body
    return body


def require_prose(text: str, where: str) -> None:
    """Raise ``EmptyText`` for text of fewer than ``MIN_WORDS`` words: too little for an article."""
    words = len(re.findall(r"\w+", text)) + len(_UNSPACED.findall(text)) // 2
    if words < MIN_WORDS:
        counted = f"{words} word" + ("" if words == 1 else "s")
        raise EmptyText(f"no article text found in {where}: {counted}, an article needs at least {MIN_WORDS}")


def require_running_text(text: str, where: str) -> None:
    """Raise ``EmptyText`` for a page's text without one line of ``PROSE_LINE_WORDS`` plain words."""
    if not any(_plain_words(line) >= PROSE_LINE_WORDS for line in text.splitlines()):
        raise EmptyText(f"no running text in {where}: it reads as a list of links, files or figures, not an article")


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
