"""The progress `dossier add` prints for one long source (a file of thousands of passages)."""

from __future__ import annotations

import pytest

from index.add_cli import passage_printer
from index.library import Progress


def test_a_long_single_add_reports_the_passages_embedded(capsys: pytest.CaptureFixture[str]) -> None:
    """A 9 MB text file is minutes of embedding: it was added without a word until done."""
    update, close = passage_printer(quiet=0.0)
    update(Progress("extracting"))
    for done in (32, 64, 96):
        update(Progress("embedding", done, 96))
    close()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and lines[0].startswith("embedded 32/96 passages, about ") and lines[0].endswith(" left")
    assert lines[-1] == "embedded 96/96 passages"


def test_a_quick_add_prints_no_progress(capsys: pytest.CaptureFixture[str]) -> None:
    update, close = passage_printer()
    for done in (32, 64):
        update(Progress("embedding", done, 64))
    close()
    assert capsys.readouterr().err == ""
