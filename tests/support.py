"""Test support: paths to ../shared, synthetic articles, a local web server, HTML pages."""

from __future__ import annotations

import gzip
import http.server
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import hypothesis
import numpy as np
import pytest

from index.library import Library
from index.stored_vectors import unpack_sentences, unpack_vector

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
DEV = SHARED / "eval" / "dev"
GENERAL = SHARED / "eval" / "general"
needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not beside this checkout")

TOWNS = ["Velmora", "Droskav", "Pelinor", "Brakuvo", "Tesmark", "Orlavin", "Kuzerin", "Montrask", "Yelgavo", "Sarnikov"]
THINGS = ["tanks", "artillery pieces", "drones", "armoured vehicles", "trucks"]


def synthetic_article(i: int) -> dict[str, str]:
    """Article ``i``: a fictional town name with a number, so exactly one article answers about it."""
    town = f"{TOWNS[i % len(TOWNS)]}{i}"
    thing = THINGS[i % len(THINGS)]
    count = 11 + 7 * i
    text = (
        f"Fighting near {town} intensified on Tuesday, local officials said.\n\n"
        f"The regional command reported that {count} {thing} were destroyed around {town} during the week. "
        f"Residents of {town} described long queues for water and bread as shelling continued into the night. "
        f"A spokesperson for the garrison said the figures could not be independently verified.\n\n"
        f"Engineers began repairing the bridge that links {town} with the neighbouring district, "
        f"a project the council said would take at least {i % 9 + 2} months."
    )
    return {
        "id": f"syn-{i:03d}",
        "url": f"https://news.example.org/{town.lower()}?utm_source=feed",
        "title": f"Heavy fighting reported near {town}",
        "source": "Example Wire",
        "published": f"2024-03-{i % 28 + 1:02d}",
        "text": text,
    }


def synthetic_jsonl(n: int) -> str:
    return "\n".join(json.dumps(synthetic_article(i)) for i in range(n)) + "\n"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    length: int | None = None  # the Content-Length announced, when not the body's (a server that stops short)


class LocalSite:
    """A real HTTP server on 127.0.0.1 serving scripted routes; records the paths it was asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.conditional: list[str] = []  # the If-None-Match header of each request that sent one
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                route = site.routes.get(self.path.split("?", 1)[0], Route(404, b"not found", "text/plain"))
                asked = self.headers.get("If-None-Match")
                if asked:
                    site.conditional.append(asked)
                if asked and asked == route.headers.get("ETag"):
                    self.send_response(304)
                    self.send_header("ETag", asked)
                    self.end_headers()
                    return
                body = gzip.compress(route.body) if route.gzip else route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body) if route.length is None else route.length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def article_html(
    title: str, paragraphs: list[str], site_name: str = "Example Times", date: str = "2024-02-03"
) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title} - {site_name}</title>"
        f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site_name}">'
        f'<meta property="article:published_time" content="{date}"></head><body>'
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Sign up for our newsletter. Subscribe now.</footer></body></html>"
    ).encode()


def fuzz_settings(examples: int) -> hypothesis.settings:
    """The fuzz tests' Hypothesis settings: a fixed sequence of examples (a CI failure replays), no deadline (the
    real model and Application are slow per example), fixtures shared across examples on purpose."""
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            hypothesis.HealthCheck.function_scoped_fixture,
            hypothesis.HealthCheck.too_slow,
            hypothesis.HealthCheck.data_too_large,
        ],
        derandomize=True,
    )


def make_pdf(pages: list[list[str]], info: dict[str, str] | None = None, encrypt: str = "") -> bytes:
    """A real PDF written by hand: one Helvetica text line per entry, one page per list (an empty list: a page with
    no text layer, as a scan has); ``info``: the document information dictionary (/Title, /Author, /CreationDate)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # the page tree is filled in below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(b"(" + escaped.encode("cp1252") + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops) if lines else b"q Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (font, content)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    trailer_extra = b""
    if info:
        entries = b" ".join(b"/%s (%s)" % (k.encode(), v.encode("cp1252")) for k, v in info.items())
        objects.append(b"<< " + entries + b" >>")
        trailer_extra = b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    if not encrypt:
        return bytes(out)
    import io

    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(bytes(out))))
    writer.encrypt(encrypt, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]] = (), **properties: object) -> bytes:  # type: ignore[assignment]
    """A real .docx written with python-docx; ``properties``: core properties (title, author, created)."""
    import io

    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for name, value in properties.items():
        setattr(document.core_properties, name, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 feed; each item: title, link, and optional guid, date (RFC 822), description, content."""
    parts = []
    for item in items:
        extra = "".join(
            f"<{tag}>{escape(item[key])}</{tag}>"
            for key, tag in (("guid", "guid"), ("date", "pubDate"), ("description", "description"))
            if key in item
        )
        if "content" in item:
            extra += f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
        parts.append(f"<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>{extra}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link><description>news</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def to_format_3(db: Path) -> None:
    """Rewrite a library's vectors as releases before library format 4 stored them: passage vectors in float32,
    sentence vectors in float16 (the schema version is left to the caller)."""
    conn = sqlite3.connect(db, isolation_level=None)
    dim = int(conn.execute("SELECT value FROM meta WHERE key = 'dimension'").fetchone()[0])
    conn.execute("BEGIN")
    rows = conn.execute("SELECT id, vector, sentence_vectors, length(sentence_spans) / 8 FROM passages").fetchall()
    for pid, vector, sentences, count in rows:
        conn.execute(
            "UPDATE passages SET vector = ?, sentence_vectors = ? WHERE id = ?",
            (
                unpack_vector(vector, dim).tobytes(),
                unpack_sentences(sentences, count, dim).astype(np.float16).tobytes(),
                pid,
            ),
        )
    conn.execute("COMMIT")
    conn.close()


def clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Unit vectors around 50 topics, like passages of a news library."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    x = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def near(vectors: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Questions: about as close to their best passage as real ones are (cosine about 0.8)."""
    rng = np.random.default_rng(seed)
    q = vectors[rng.integers(0, len(vectors), n)] + rng.normal(0, 0.09, (n, vectors.shape[1]))
    return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def wire(library: Library, key: str, text: str, published: str) -> None:
    """An article of a wire service, dated."""
    library.add_text(text, key=key, source="Wire", published=published)


def assert_answers(library: Library, question: str, words: str) -> None:
    """The question is answered, its first quote holding ``words``."""
    answer = library.ask(question)
    assert not answer.abstained and words in answer.citations[0].quote, (question, answer.answer)


def assert_refuses(library: Library, question: str, reason: str) -> None:
    """The question is refused for ``reason`` (part of the refusal)."""
    answer = library.ask(question)
    assert answer.abstained and reason in answer.answer, (question, answer.answer)


def split_like_telegram(text: str, limit: int = 4096) -> list[str]:
    """The parts Telegram Desktop sends a text longer than a message in (BMP text): in the rest of the text from
    past half of the limit to the limit itself, the last blank line, else the last line end, else the last space after
    ".?!", after ",:;", any space, the last character after punctuation, else the limit; the break there is dropped
    (what follows it opens the rest), each part sent trimmed."""
    breaks = [
        lambda w, at: w[at] == "\n" and w[at + 1 : at + 2] == "\n",
        lambda w, at: w[at] == "\n",
        lambda w, at: w[at] == " " and w[at - 1] in ".?!",
        lambda w, at: w[at] == " " and w[at - 1] in ",:;",
        lambda w, at: w[at] == " ",
        lambda w, at: not w[at - 1].isalnum(),
    ]
    parts = []
    while len(text) > limit:
        window = range(limit, limit // 2, -1)  # positions past half, the last first
        cut = next((at for found in breaks for at in window if found(text, at)), limit)
        parts.append(text[:cut].strip())
        text = text[cut:]
    return [*parts, text.strip()]
