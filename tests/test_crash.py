"""SIGKILL in the middle of a bulk import leaves only whole articles, and a re-run completes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import synthetic_article, synthetic_jsonl
from test_cli import dossier_cmd, run

from index import Library
from index.chunking import chunk_text

pytestmark = pytest.mark.slow
N = 50


def test_sigkill_mid_import_then_resume(tmp_path: Path, make_library: Callable[..., Library]) -> None:
    data = tmp_path / "lib"
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text(synthetic_jsonl(N))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(data), "INGEST_BATCH_PASSAGES": "6"}
    proc = subprocess.Popen(
        [*dossier_cmd(), "add", "--jsonl", str(jsonl)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    for line in proc.stderr:  # plain progress lines: "read 12/50 articles, stored 12, 40 passages, 3.1 passages/s…"
        if line.startswith("read ") and int(line.split()[1].split("/")[0]) >= 10:
            assert "passages/s, about " in line and line.rstrip().endswith(" left"), line
            break
        assert time.monotonic() < deadline
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    lib = make_library("lib")
    listed = lib.list()
    assert 10 <= len(listed) < N, "the kill landed in the middle of the import"
    assert lib.stats().passages == sum(a.passages for a in listed)
    assert lib.store.indexed_passages() == lib.stats().passages  # keyword rows: none missing, none left over
    per_article = {a.id: len(lib.store.passage_spans(a.id)) for a in listed}
    for article in listed:
        expected = len(chunk_text(lib.get(article.id).text, lib.embedder.count_tokens, 200))
        assert article.passages == per_article[article.id] == expected
        town = synthetic_article(int(article.key.split("-")[1]))["title"].split()[-1]  # type: ignore[union-attr]
        answer = lib.ask(f"What was destroyed around {town} during the week?")
        assert answer.citations and answer.citations[0].key == article.key
    lib.close()

    resumed = run(data, "add", "--jsonl", str(jsonl))
    assert resumed.returncode == 0, resumed.stderr
    assert f"added {N - len(listed)} articles" in resumed.stdout
    assert f"{len(listed)} already in the library" in resumed.stdout
    lib = make_library("lib")
    keys = [a.key for a in lib.list()]
    assert sorted(keys) == sorted(f"syn-{i:03d}" for i in range(N))  # type: ignore[type-var]
