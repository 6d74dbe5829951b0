"""PDF and Word files: from the library, the CLI and the chat, with their metadata; scans, locked, broken and
oversized files each get one line."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, private_chat, user
from hypothesis import given
from hypothesis import strategies as st
from support import fuzz_settings, make_docx, make_pdf
from test_cli import run

from index import DossierError, EmptyText, Library, UnsupportedType, documents
from index.documents import unwrap

ALICE = user(601, "Alice", "alice")
CHAT = private_chat(ALICE)

REPORT = [
    "Flood damage report",
    "",
    "The river rose 2.4 metres overnight and flooded",
    "the old town, the mayor said on Tuesday. About",
    "340 homes were damaged and 1,200 residents were",
    "moved to shelters.",
    "",
    "Insured losses were estimated at 85 million euros",
    "by the regional insurers' association.",
]
INFO = {"Title": "Flood damage in the old town", "Author": "Regional office", "CreationDate": "D:20240312090000Z"}


def test_a_pdf_is_added_with_its_metadata_and_quoted_verbatim(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([REPORT, ["Repairs to the bridge will take six months, engineers said."]], INFO))
    result = library.add_file(path)
    article = library.get(result.article.id)
    assert (article.info.title, article.author, article.info.published) == (
        "Flood damage in the old town",
        "Regional office",
        "2024-03-12",
    )
    # Lines the PDF wrapped inside a sentence are joined; both pages are read.
    assert "1,200 residents were moved to shelters." in article.text
    assert "six months" in article.text
    answer = library.ask("how many residents were moved to shelters?")
    assert not answer.abstained
    assert any("1,200 residents" in c.quote for c in answer.citations)
    for c in answer.citations:
        assert library.get(c.article_id).text[c.char_start : c.char_end] == c.quote


def test_a_word_file_is_added_with_its_paragraphs_tables_and_properties(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "ruling.docx"
    created = datetime.datetime(2024, 5, 6, 10, 0, tzinfo=datetime.UTC)
    path.write_bytes(
        make_docx(
            ["Court fines Acme", "The court fined Acme 3 million euros on Monday for misleading its customers."],
            [["Party", "Fine"], ["Acme Logistics", "3 million euros"]],
            title="Ruling on Acme",
            author="Court desk",
            created=created,
        )
    )
    article = library.get(library.add_file(path).article.id)
    assert (article.info.title, article.author, article.info.published) == (
        "Ruling on Acme",
        "Court desk",
        "2024-05-06",
    )
    assert "Acme Logistics | 3 million euros" in article.text
    assert not library.ask("how much was Acme fined?").abstained


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (lambda: make_pdf([[]]), EmptyText, "has no text layer"),
        (lambda: make_pdf([REPORT], encrypt="secret"), UnsupportedType, "password-protected"),
        (lambda: make_pdf([REPORT])[:200], UnsupportedType, "not a readable PDF"),
        (lambda: b"<html><body>not a pdf</body></html>", UnsupportedType, "is not a PDF"),
    ],
    ids=["scan", "password", "truncated", "html-named-pdf"],
)
def test_unreadable_pdfs_get_one_line_and_nothing_is_stored(
    library: Library, tmp_path: Path, content: Callable[[], bytes], error: type[Exception], message: str
) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(content())
    with pytest.raises(error, match=message) as caught:
        library.add_file(path)
    assert "\n" not in str(caught.value)
    assert library.stats().articles == 0


def test_broken_and_oversized_word_files_get_one_line(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnsupportedType, match="not a readable Word"):
        library.add_file(broken)
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(make_docx(["Word " * 20_000]))  # unpacks to far more than it weighs
    monkeypatch.setattr(documents, "MAX_UNPACKED", 50_000)
    with pytest.raises(UnsupportedType, match="unpacks to"):
        library.add_file(bomb)
    assert library.stats().articles == 0


def test_unwrapping_keeps_headings_and_sentence_ends() -> None:
    text = unwrap("Results\nTurnout was 61 per cent, up\nfrom 55. The count\nended at midnight.\nNext steps\n")
    assert text == "Results\nTurnout was 61 per cent, up from 55. The count ended at midnight.\nNext steps"


def test_a_word_broken_at_a_line_end_is_written_as_the_document_and_the_dictionary_write_it() -> None:
    """ "con-" / "firmed" was stored and quoted as "con-firmed": a quote must read as the article reads."""
    page = (
        "The court officials con-\nfirmed on Friday that the former mayor was guilty of embez-\nzlement and that "
        "her well-\nknown co-\nfounder, a co-founder of the firm, would testify in the long-\nterm inquiry into "
        "the finances.\n"
    )
    assert documents.dehyphenate(unwrap(page)) == (
        "The court officials confirmed on Friday that the former mayor was guilty of embezzlement and that her "
        "well-known co-founder, a co-founder of the firm, would testify in the long-term inquiry into the finances."
    )
    # Another language has no dictionary here: the document's own spelling, else the hyphen as printed.
    assert documents.dehyphenate(unwrap("Die Stadt mel-\ndete am Freitag, dass die Stadt meldete.\n")).startswith(
        "Die Stadt meldete am Freitag"
    )


def test_a_soft_hyphen_is_no_part_of_the_stored_text(library: Library) -> None:
    library.add_text("Repairs begin\n\nCrews began re\u00adpairing the old bridge on Monday, the council said.")
    [article] = library.list()
    assert "repairing the old bridge" in library.store.get_text(article.id)[0]


# About reading PDF and Word files, no database code: on SQLite only, for CI's time.
@pytest.mark.sqlite_only
def test_the_cli_adds_pdf_and_docx(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(make_pdf([REPORT], INFO))
    (tmp_path / "ruling.docx").write_bytes(make_docx(["Court fines Acme", "The court fined Acme 3 million euros."]))
    result = run(tmp_path / "data", "add", str(tmp_path / "report.pdf"), str(tmp_path / "ruling.docx"))
    assert result.returncode == 0, result.stderr
    assert "Flood damage in the old town" in result.stdout and "Court fines Acme" in result.stdout


async def test_a_pdf_sent_in_the_chat_is_added(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    pdf = telegram.add_file("report.pdf", make_pdf([REPORT], INFO), "application/pdf")
    await telegram.say(CHAT, ALICE, None, "Added #1 «Flood damage in the old town»", document=pdf)
    scan = telegram.add_file("scan.pdf", make_pdf([[]]), "application/pdf")
    refused = await telegram.say(CHAT, ALICE, None, "has no text layer", document=scan)
    assert refused.params["text"].startswith("Not added")
    answer = await telegram.say(CHAT, ALICE, "what were the insured losses?", "<b>Sources</b>")
    assert "85 million euros" in answer.params["text"]
    assert telegram.errors() == []


_PDF = make_pdf([REPORT, ["Repairs will take six months."]], INFO)
_DOCX = make_docx(["Court fines Acme", "The court fined Acme 3 million euros."], [["Party", "Fine"]], title="Ruling")


@fuzz_settings(300)
@given(
    kind=st.sampled_from(["pdf", "docx"]),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 40), st.binary(max_size=20)), max_size=8
    ),
)
def test_damaged_files_only_ever_raise_one_line_errors(kind: str, edits: list[tuple[float, int, bytes]]) -> None:
    data = bytearray(_PDF if kind == "pdf" else _DOCX)
    for where, cut, insert in edits:
        at = int(where * len(data))
        data[at : at + cut] = insert
    read = documents.pdf_text if kind == "pdf" else documents.docx_text
    try:
        read(bytes(data), "damaged")
    except DossierError as exc:
        assert "\n" not in str(exc)


def test_a_utf16_text_file_with_its_byte_order_mark_is_text(library: Library, tmp_path: Path) -> None:
    """Windows Notepad's "Unicode": every other byte a NUL, which alone would read as binary data."""
    text = "Мост відкрито\n\nThe bridge over the Lune reopened on Monday after repairs that cost 2 million pounds."
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
        path.write_bytes(bom + text.replace("Monday", f"Monday ({encoding})").encode(encoding))
        result = library.add_file(path)
        assert result.article.title == "Мост відкрито" and not result.duplicate, result
        assert f"Monday ({encoding}) after repairs" in library.get(result.article.id).text
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 40)  # a BOM before bytes that are no UTF-16: still refused
    with pytest.raises(UnsupportedType, match="binary data"):
        library.add_file(nul)
