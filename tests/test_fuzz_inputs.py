"""Fuzzing article inputs with Hypothesis through the real ``Library`` facade and the real bundled model.

Inputs: plain text (``add_text``), HTML (``add_html``), .txt/.md/.html files (``add_file``) and JSONL lines
(``add_jsonl``), random or mutated from the bundled examples: invalid UTF-8, NULs and control characters, long
lines, unbalanced markdown fences, deeply nested HTML, random Unicode. Every call either succeeds or raises a
``DossierError`` with a one-line message; after every example the library is whole. The kinds run are recorded as
Hypothesis events: ``pytest tests/test_fuzz_inputs.py --hypothesis-show-statistics`` shows them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from support import fuzz_settings

from index import AddResult, BulkReport, DossierError, Library, Settings
from index.embedding import Embedder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
EXAMPLE_COUNT = 25  # in CI; the closing note of issue 11 reports a longer run (the same test with more examples)
MAX_FILE_BYTES = 8_000  # small, so that over-size inputs are refused cheaply (no embedding of huge texts)
KINDS = ["text", "html", "file.txt", "file.md", "file.html", "jsonl"]

# Pieces that have broken text handling somewhere: fences, NULs, control and format characters, surrogate-free
# astral characters, BOMs, CR line ends, HTML-looking text.
ODD_PIECES = [
    "```",
    "```python\n",
    "\n```\n",
    "~~~",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\r",
    "\r\n",
    "\n\n",
    "🚀",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "e\u0301",
    "<b>",
    "&amp;",
    "[link](http://x/(y)",
    "![img](",
    "**",
    "# ",
    "> ",
    "Mr. ",
    "...",
    "?!",
    "\t",
]


def _mutate(text: str, cuts: list[tuple[int, str]]) -> str:
    """``text`` with each (position, piece) inserted (positions taken modulo the length)."""
    for position, piece in cuts:
        at = position % (len(text) + 1)
        text = text[:at] + piece + text[at:]
    return text


pieces = st.one_of(st.sampled_from(ODD_PIECES), st.text(max_size=12))
mutated_articles = st.builds(
    _mutate,
    st.sampled_from([e["text"] for e in EXAMPLES]),
    st.lists(st.tuples(st.integers(0, 10**6), pieces), max_size=8),
)
long_lines = st.builds(
    lambda word, n, prose: prose + " " + word * n,
    st.sampled_from(["x", "word ", "```", "Zz. ", "\u00e9", "<i>", "# "]),
    st.integers(200, 3_000),
    st.sampled_from([e["text"][:400] for e in EXAMPLES]),
)
fences = st.builds(
    lambda opened, prose: "\n".join(["Title of a note", "", *(["```"] * opened), prose, "``` trailing"]),
    st.integers(1, 400),
    st.sampled_from([e["text"][:600] for e in EXAMPLES]),
)
texts = st.one_of(st.text(max_size=600), mutated_articles, long_lines, fences)


def _nested(tag: str, depth: int, body: str, closed: bool) -> str:
    return f"<{tag}>" * depth + body + (f"</{tag}>" * depth if closed else "")


html_pages = st.one_of(
    st.builds(
        lambda title, body: f"<html><head><title>{title}</title></head><body><article><p>{body}</p></article></body>",
        st.text(max_size=200),
        texts,
    ),
    st.builds(
        lambda tag, depth, body, closed: _nested(tag, depth, f"<p>{body}</p>", closed),
        st.sampled_from(["div", "span", "b", "table", "ul", "p"]),
        st.integers(10, 3_000),
        mutated_articles,
        st.booleans(),
    ),
    st.text(max_size=400).map(lambda t: f"<html><body><p>{t}"),
    st.text(max_size=400),
)


def _encoded(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8", errors="surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", errors="replace")
    if how == "latin-1":
        return text.encode("latin-1", errors="replace")
    return text.encode("utf-16", errors="replace")


def _corrupt(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    for position, piece in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + piece + data[at:]
    return data


bad_bytes = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\x89PNG", b"\xfe\xff", b"\x80\x80"])
raw_bytes = st.one_of(
    st.binary(max_size=500),
    st.builds(
        _corrupt,
        st.builds(
            _encoded, st.one_of(texts, html_pages), st.sampled_from(["utf-8", "utf-8", "bom", "latin-1", "utf-16"])
        ),
        st.lists(st.tuples(st.integers(0, 10**6), bad_bytes), max_size=4),
    ),
)


def _row(base: dict[str, object], changes: dict[str, object], dropped: list[str]) -> dict[str, object]:
    row = {**base, **changes}
    for name in dropped:
        row.pop(name, None)
    return row


json_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), st.lists(st.integers(), max_size=3)
)
rows = st.builds(
    _row,
    st.sampled_from(EXAMPLES),
    st.dictionaries(
        st.sampled_from(["id", "url", "title", "source", "published", "text"]),
        st.one_of(
            json_values,
            texts,
            st.sampled_from(["", " ", "http://example.com:99999/", "http://[::1", "ftp://x/", "https://example.com/a"]),
        ),
        max_size=3,
    ),
    st.lists(st.sampled_from(["id", "url", "title", "text"]), max_size=2),
)
jsonl_lines = st.one_of(
    rows.map(lambda r: json.dumps(r, ensure_ascii=False)),
    rows.map(lambda r: json.dumps(r).encode()),
    st.builds(
        _corrupt,
        rows.map(lambda r: json.dumps(r, ensure_ascii=False).encode()),
        st.lists(st.tuples(st.integers(0, 10**6), bad_bytes), min_size=1, max_size=3),
    ),
    st.integers(1, 5_000).map(lambda depth: "[" * depth + "]" * depth),
    st.sampled_from(["", "   ", "{}", "[]", "null", '"text"', '{"text": "\\u0000 NUL \\ud800"}', "{not json"]),
    st.text(max_size=200),
    st.binary(max_size=200),
)


@dataclass
class Ledger:
    """What the library accepted in one example: ids of the articles added (new ones, not duplicates)."""

    added: set[int] = field(default_factory=set)


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "\r" not in message


def record_result(ledger: Ledger, result: AddResult) -> None:
    """A successful add: a new id the first time, an id added earlier when it is a duplicate."""
    if result.duplicate:
        assert result.article.id in ledger.added
    else:
        assert result.article.id not in ledger.added
        ledger.added.add(result.article.id)


def record_report(ledger: Ledger, report: BulkReport) -> None:
    """A JSONL import: every failure is one line naming its line; the added articles are new."""
    for failure in report.failures:
        assert one_line(failure.message), failure.message
        assert failure.message.startswith("line "), failure.message
    for info in report.added:
        assert info.id not in ledger.added
        ledger.added.add(info.id)
    assert all(info.id in ledger.added for info in report.duplicates)
    assert report.passages == sum(info.passages for info in report.added)


def check_library(library: Library, ledger: Ledger) -> None:
    """Nothing half-stored: every article has exactly the passages it claims, no NUL is stored, the counts agree
    with what was added, and questions still work."""
    infos = library.list()
    assert {info.id for info in infos} == ledger.added
    assert library.count() == len(ledger.added)
    for info in infos:
        spans = library.store.passage_spans(info.id)
        assert info.passages == len(spans) > 0
        article = library.get(info.id)
        assert "\x00" not in article.text
        assert all(0 <= start < end <= len(article.text) for _, start, end in spans)
    stats = library.stats()
    assert stats.passages == sum(info.passages for info in infos) == len(library.store.passage_ids())
    answer = library.ask("test question")
    assert answer.question == "test question"


Call = Callable[[Library], AddResult | BulkReport]


def draw_call(data: st.DataObject, kind: str, folder: Path) -> Call:
    """Draw an input of ``kind``; the call that feeds it to the facade (a file is written once, now)."""
    if kind == "text":
        text = data.draw(texts)
        title = data.draw(st.sampled_from(["", "A title", "x\ny " * 50]))
        return lambda library: library.add_text(text, title=title)
    if kind == "html":
        page = data.draw(st.one_of(html_pages, raw_bytes))
        return lambda library: library.add_html(page)
    if kind == "jsonl":
        lines = data.draw(st.lists(jsonl_lines, min_size=1, max_size=6))
        return lambda library: library.add_jsonl(lines)
    content = data.draw(st.one_of(raw_bytes, texts.map(str.encode), html_pages.map(str.encode)))
    path = folder / f"input-{len(list(folder.iterdir()))}{kind.removeprefix('file')}"
    path.write_bytes(content)
    return lambda library: library.add_file(path)


def run_call(library: Library, ledger: Ledger, kind: str, call: Call) -> None:
    """One add: it succeeds (and is recorded) or raises a ``DossierError`` with a one-line message."""
    try:
        outcome = call(library)
    except DossierError as exc:
        assert one_line(exc.message), repr(exc.message)
        event(f"{kind}: refused ({type(exc).__name__})")
        return
    if isinstance(outcome, BulkReport):
        record_report(ledger, outcome)
        event(f"{kind}: {'some' if outcome.added else 'no'} lines added")
        event(f"{kind}: {'some' if outcome.failures else 'no'} lines refused")
    else:
        record_result(ledger, outcome)
        event(f"{kind}: {'duplicate' if outcome.duplicate else 'added'}")


@pytest.mark.slow
@fuzz_settings(EXAMPLE_COUNT)
@given(data=st.data())
def test_random_and_mutated_inputs(
    embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
    fresh_database_url: Callable[[], str],
    data: st.DataObject,
) -> None:
    """One or two adds into a fresh library (an input may be given twice, to exercise duplicates)."""
    folder = tmp_path_factory.mktemp("fuzz")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=folder / "lib", max_file_bytes=MAX_FILE_BYTES, database_url=fresh_database_url()
    )
    ledger = Ledger()
    calls: list[tuple[str, Call]] = []
    with Library.open(settings, embedder=embedder) as library:
        for _ in range(data.draw(st.integers(1, 2))):
            if calls and data.draw(st.integers(0, 3)) == 0:
                kind, call = calls[-1]
            else:
                kind = data.draw(st.sampled_from(KINDS))
                call = draw_call(data, kind, folder)
            calls.append((kind, call))
            run_call(library, ledger, kind, call)
            check_library(library, ledger)
