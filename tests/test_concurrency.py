"""Readers and a writer in threads of one process, and two processes on one data directory."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from support import synthetic_article, synthetic_jsonl
from test_cli import run

from index import Library
from index.embedding import Embedder
from index.library import Progress


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


def test_an_import_embeds_on_its_threads_and_a_question_meanwhile_on_one(
    make_library: Callable[..., Library], embedder: Embedder
) -> None:
    import torch

    lib = make_library(import_threads=2)
    importing: list[int] = []
    asking: list[int] = []

    def question() -> None:
        embedder.embed_queries(["how many drones were destroyed?"])
        asking.append(torch.get_num_threads())

    def progress(p: Progress) -> None:
        if p.stage == "embedding":
            importing.append(torch.get_num_threads())
            if not asking:  # a question thread that starts while the import runs
                other = threading.Thread(target=question)
                other.start()
                other.join()

    lib.add_jsonl(synthetic_jsonl(2).splitlines(), progress=progress)
    assert importing and set(importing) == {2}
    assert asking == [1]
    assert lib.ask("how many tanks were destroyed around Velmora0?").citations
    assert torch.get_num_threads() == 1  # the importing thread asks on one thread too
