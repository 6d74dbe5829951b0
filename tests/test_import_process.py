"""Adds embedded in the niced import process: the same vectors, nothing lost when it dies or the library closes,
no process left behind (the bot's side, a small add not queued behind a long import, is in test_bot_groups.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from support import synthetic_jsonl

from index import DossierError, Library, Progress
from index.embed_worker import NICENESS

LONG = "Long report\n\n" + " ".join(f"Sentence {i} about the dam at Kerinovo{i} and its spillway." for i in range(600))


def workers() -> list[int]:
    return [c.pid for c in multiprocessing.active_children() if c.pid]


def test_the_import_process_stores_what_this_process_would(make_library: Callable[..., Library]) -> None:
    here = make_library("here")
    there = make_library("there", import_process=True)
    rows = synthetic_jsonl(6).splitlines()
    assert not workers()
    assert here.add_jsonl(rows).passages == there.add_jsonl(rows).passages > 0
    (worker,) = workers()  # only the library with IMPORT_PROCESS started one
    assert os.getpriority(os.PRIO_PROCESS, worker) - os.getpriority(os.PRIO_PROCESS, 0) == NICENESS
    ids = here.store.passage_ids()
    assert np.array_equal(ids, there.store.passage_ids())
    np.testing.assert_allclose(here.store.vectors(ids.tolist(), 384), there.store.vectors(ids.tolist(), 384), atol=1e-6)
    for lib in (here, there):
        answer = lib.ask("How many tanks were destroyed around Orlavin5?", collection=None)
        assert not answer.abstained and "Orlavin5" in answer.citations[0].quote
    there.close()
    assert not workers()  # closing the library stops its import process


def _add_in_thread(lib: Library, text: str) -> tuple[threading.Thread, threading.Event, list[DossierError]]:
    """Start adding ``text``; the event is set once its first passages are embedded."""
    embedding = threading.Event()
    failures: list[DossierError] = []

    def progress(p: Progress) -> None:
        if p.stage == "embedding" and p.done > 0:
            embedding.set()

    def add() -> None:
        try:
            lib.add_text(text, title="Long", progress=progress)
        except DossierError as exc:
            failures.append(exc)

    thread = threading.Thread(target=add)
    thread.start()
    return thread, embedding, failures


def test_a_killed_import_process_loses_only_the_add_in_flight(make_library: Callable[..., Library]) -> None:
    lib = make_library(import_process=True)
    lib.add_text("The spillway at Velmora was repaired in March, the water authority said.", title="Before")
    before = (lib.count(), lib.store.passage_count())
    (first,) = workers()
    adding, embedding, failures = _add_in_thread(lib, LONG)
    assert embedding.wait(120)
    os.kill(first, signal.SIGKILL)
    adding.join(120)
    assert len(failures) == 1
    assert "\n" not in failures[0].message and "was not stored: run the add" in failures[0].message
    assert (lib.count(), lib.store.passage_count()) == before
    # The next add starts a new import process; questions work throughout.
    added = lib.add_text("The spillway at Droskav was closed for repairs, the council said.", title="After")
    assert not added.duplicate and lib.count() == before[0] + 1
    assert workers() and first not in workers()
    assert not lib.ask("Which spillway was closed for repairs?", collection=None).abstained


def test_closing_the_library_mid_import_is_one_line_and_stores_nothing(make_library: Callable[..., Library]) -> None:
    lib = make_library(import_process=True)
    adding, embedding, failures = _add_in_thread(lib, LONG)
    assert embedding.wait(120)
    lib.close()
    adding.join(120)
    assert len(failures) == 1 and "\n" not in failures[0].message
    assert not workers()
    with Library.open(lib.settings, embedder=lib.embedder) as reopened:
        assert reopened.count() == 0 and reopened.store.passage_count() == 0


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status  # a zombie has exited: only its exit status is left for a parent to collect


def test_the_import_process_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import multiprocessing, sys, time
        from pathlib import Path
        from index import Library, Settings
        if __name__ == "__main__":
            lib = Library.open(Settings(_env_file=None, data_dir=Path({str(tmp_path)!r}), import_process=True))
            lib.add_text("The ferry to Pelinor resumed on Monday, the port authority said.", title="Ferry")
            print(*[c.pid for c in multiprocessing.active_children()], flush=True)
            time.sleep(600)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    try:
        assert parent.stdout is not None
        (worker,) = map(int, parent.stdout.readline().split())
        parent.kill()
        parent.wait(30)
        deadline = time.monotonic() + 60
        while not _gone(worker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _gone(worker)
    finally:
        parent.kill()
