"""Reading a fetched response: its type checked against what the fetch accepts, its body inflated and bounded in
size and time, whole or refused."""

from __future__ import annotations

import http.client
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from index.errors import FetchError, TooLarge, UnsupportedType


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched body: ``kind`` is 'html', 'text' or 'feed'; ``url`` is the final URL after redirects.
    ``etag`` and ``modified`` are the validators for the next conditional request; a page fetched with them that
    has not changed comes back with ``not_modified`` and no body."""

    url: str
    kind: str
    charset: str | None
    body: bytes
    etag: str = ""
    modified: str = ""
    not_modified: bool = False


def read_body(
    url: str, response: http.client.HTTPResponse, deadline: float, want: Want, max_bytes: int, timeout: float
) -> FetchedPage:
    """The response's body, read before ``deadline``: of a type ``want`` accepts, within ``min(max_bytes,
    want.max_bytes)`` once inflated, whole (not cut short by the server), with its charset and validators."""
    limit = min(max_bytes, want.max_bytes or max_bytes)
    content_type = (response.getheader("Content-Type") or "").lower()
    mime = content_type.split(";", 1)[0].strip()
    kind = want.types.get(mime)
    if kind is None:
        # A document Dossier reads as a file: the user can.
        hint = "; download it and add the file" if want.files and mime in FILE_TYPES else ""
        raise UnsupportedType(f"{url} is {mime or 'of unknown type'}, not {want.what}{hint}")
    charset = None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip() == "charset":
            charset = value.strip().strip('"') or None
    length = None if response.chunked else response.getheader("Content-Length")  # chunked overrides it
    if length and length.isdigit() and int(length) > limit:
        raise TooLarge(f"{url} is {int(length):,} bytes, over the limit of {limit:,} bytes")
    encoding = (response.getheader("Content-Encoding") or "identity").lower().strip()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise UnsupportedType(f"{url} uses the unsupported content encoding {encoding}")
    wbits = 31 if "gzip" in encoding else zlib.MAX_WBITS
    decoder = None if encoding == "identity" else zlib.decompressobj(wbits=wbits)
    body = bytearray()
    received = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {timeout:g} s reading {url}")
            chunk = response.read(65536)
            if not chunk:
                break
            received += len(chunk)
            if decoder is not None:
                chunk, decoder = _inflate(decoder, chunk, limit + 1 - len(body), wbits)
            body.extend(chunk)
            if len(body) > limit:
                raise TooLarge(f"{url} is larger than the limit of {limit:,} bytes")
    except TimeoutError as exc:
        raise FetchError(f"timed out after {timeout:g} s reading {url}") from exc
    except zlib.error as exc:
        raise FetchError(f"{url} sent a corrupt compressed body") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"connection to {url} failed while reading: {one_line(exc)}") from exc
    # http.client returns an empty read, not an error, when the server closes before its Content-Length: the
    # part would be stored as the whole article, and the page never fetched again (a duplicate by its URL).
    if length and length.isdigit() and received < int(length):
        raise FetchError(f"{url} closed the connection after {received:,} of its {int(length):,} bytes")
    if decoder is not None and not decoder.eof:
        raise FetchError(f"{url} sent a compressed body that ends early")
    return FetchedPage(url, kind, charset, bytes(body), *validators(response))


def one_line(said: object, longest: int = 200) -> str:
    """What a server said (a status line, a reason, an HTTP/0.9 body in an exception), as one short line."""
    return " ".join(str(said).split())[:longest]


def _inflate(decoder: Any, data: bytes, room: int, wbits: int) -> tuple[bytes, Any]:
    """Up to ``room`` bytes inflated from ``data``, and the decoder to go on with: a gzip body may hold several
    members one after the other (``cat a.gz b.gz``), each read in turn, as browsers and curl do; bytes after the
    last member that open none are ignored (padding)."""
    out = bytearray(decoder.decompress(data, room))
    while decoder.eof and decoder.unused_data[:2] == b"\x1f\x8b" and wbits == 31 and len(out) < room:
        rest = decoder.unused_data
        decoder = zlib.decompressobj(wbits=wbits)
        out += decoder.decompress(rest, room - len(out))
    return bytes(out), decoder


FILE_TYPES = frozenset({"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})


@dataclass(frozen=True, slots=True)
class Want:
    """What a fetch accepts: content types (to a kind), the Accept header, its name in errors, conditional headers."""

    types: dict[str, str]
    accept: str
    what: str
    conditional: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 0  # 0: the fetcher's own cap
    files: bool = False  # a PDF or Word file is refused with "download it and add the file"


def validators(response: http.client.HTTPResponse) -> tuple[str, str]:
    """ETag and Last-Modified, bounded: they are sent back verbatim in the next request's headers."""
    etag = (response.getheader("ETag") or "")[:200]
    modified = (response.getheader("Last-Modified") or "")[:100]
    return (etag, modified) if "\n" not in etag + modified and "\r" not in etag + modified else ("", "")
