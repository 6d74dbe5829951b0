"""👍 / 👎 under answers: stored with the question, the quotes, the chat and the voter; exported as eval questions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, private_chat, user
from test_cli import run
from test_hardening_bot import buttons, press

from index import InvalidSource, Library, Settings
from index.feedback import EVIDENCE_WORDS, evidence

ALICE = user(701, "Alice", "alice")
BOB = user(702, "Bob", "bob")
CHAT = private_chat(ALICE)
ARTICLE = (
    "Flood barriers hold in Dresden\n\n"
    "The flood barriers along the Elbe held overnight, the city's crisis team said on Sunday. "
    "About 1,200 residents were moved to shelters before the river peaked at 6.9 metres, a level not seen "
    "since 2013, according to the regional flood centre, which had warned of rising water since Thursday morning."
)


def _spans(lib: Library, question: str) -> tuple[tuple[int, int, int], ...]:
    answer = lib.ask(question)
    assert not answer.abstained
    return tuple((c.article_id, c.char_start, c.char_end) for c in answer.citations)


def test_votes_export_as_eval_questions(make_library: Callable[..., Library]) -> None:
    lib = make_library()
    lib.add_text(ARTICLE, key="dresden-1")
    cited = _spans(lib, "how many residents were moved to shelters?")
    lib.record_feedback("a1", "u1", "up", "how many residents were moved to shelters?", cited, chat=-100)
    lib.record_feedback("a2", "u1", "up", "how high did the river peak?", cited, chat=-100)
    lib.record_feedback("a2", "u1", "down", "how high did the river peak?", cited, chat=-100)  # changed mind
    rows = lib.feedback_questions()
    assert [(r["id"], r["feedback"]) for r in rows] == [("fb-1", "up"), ("fb-2", "down")]
    up, down = rows
    assert up["question"] == "how many residents were moved to shelters?" and up["chat"] == -100
    text = lib.get(cited[0][0]).text
    for given in up["answers"]:
        assert given["article_id"] == "dresden-1" and given["evidence"] in text
        assert len(re.findall(r"\w+", given["evidence"])) <= EVIDENCE_WORDS
    assert down["answers"] == [] and down["cited"] == up["answers"]  # what was quoted, for a reviewer
    with pytest.raises(InvalidSource, match="up or down"):
        lib.record_feedback("a3", "u1", "meh", "q", cited)
    lib.remove(cited[0][0])
    assert all(r["answers"] == [] for r in lib.feedback_questions())  # the removed article's quotes are gone


def test_evidence_is_cut_to_the_eval_formats_length_and_stays_a_substring() -> None:
    quote = "One, two; three " * 20
    cut = evidence(quote)
    assert quote.startswith(cut) and len(re.findall(r"\w+", cut)) == EVIDENCE_WORDS and cut.endswith("One")


def test_the_cli_exports_votes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Library.open(Settings(_env_file=None, data_dir=data)) as lib:  # type: ignore[call-arg]
        lib.add_text(ARTICLE, key="dresden-1")
    none = run(data, "feedback", "export")
    assert none.returncode == 0 and none.stdout == "" and none.stderr.startswith("no votes yet")
    with Library.open(Settings(_env_file=None, data_dir=data)) as lib:  # type: ignore[call-arg]
        lib.record_feedback("a1", "u1", "up", "how many residents were moved?", _spans(lib, "how many residents?"))
    out = tmp_path / "feedback.jsonl"
    result = run(data, "feedback", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 1 questions" in result.stdout and "(1 up, 0 down)" in result.stdout
    row = json.loads(out.read_text().splitlines()[0])
    assert row["kind"] == "feedback" and row["answers"][0]["article_id"] == "dresden-1"
    piped = run(data, "feedback", "export")
    assert json.loads(piped.stdout.splitlines()[0]) == row


async def test_feedback_buttons_under_an_answer_and_its_more_results(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    await telegram.say(CHAT, ALICE, "/add " + ARTICLE, "Added #1")
    for n, (town, moved) in enumerate([("Pirna", 300), ("Heidenau", 80), ("Meissen", 150), ("Riesa", 220)], 2):
        text = (
            f"{town} evacuates riverside streets\n\nIn {town}, {moved} residents were moved to shelters on Saturday "
            "as the Elbe rose, the mayor said. Schools in the district stayed closed on Monday while volunteers "
            "filled sandbags."
        )
        await telegram.say(CHAT, ALICE, "/add " + text, f"Added #{n}")
    answer = await telegram.say(CHAT, ALICE, "how many residents were moved to shelters?", "<b>Sources</b>")
    up, down = (b["callback_data"] for b in buttons(answer) if b["text"] in ("👍", "👎"))
    thanks = await press(telegram, ALICE, answer.result, up)
    assert "Thanks" in thanks.params["text"]
    await press(telegram, ALICE, answer.result, down)  # the same reader changes the vote
    forged = await press(telegram, ALICE, answer.result, up.rsplit(":", 1)[0] + ":" + "A" * 12)
    assert forged.params["text"] == "This button no longer works."

    more = next(b["callback_data"] for b in buttons(answer) if b["text"] == "More results")
    mark = len(telegram.calls)
    telegram.press(ALICE, answer.result, more)
    page = await telegram.wait_for(
        lambda c: c.method == "sendMessage" and "More results" in c.params["text"], after=mark
    )
    page_up = next(b["callback_data"] for b in buttons(page) if b["text"] == "👍")
    await press(telegram, ALICE, page.result, page_up)  # a vote on the second page is its own

    library = app.bot_data["state"].engine.library
    first, second = library.feedback_questions()
    assert (first["feedback"], second["feedback"]) == ("down", "up") and first["chat"] == CHAT["id"]
    assert first["question"] == second["question"] == "how many residents were moved to shelters?"
    assert all("residents were moved to shelters" in c["evidence"] for c in first["cited"])
    assert second["answers"] and all("Schools in the district" in c["evidence"] for c in second["answers"])
    assert telegram.errors() == []


async def test_a_flood_of_votes_is_rate_limited(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(rate_limit_questions=2)
    await telegram.say(CHAT, ALICE, "/add " + ARTICLE, "Added #1")
    answer = await telegram.say(CHAT, ALICE, "how many residents were moved to shelters?", "<b>Sources</b>")
    up = next(b["callback_data"] for b in buttons(answer) if b["text"] == "👍")
    assert "Thanks" in (await press(telegram, ALICE, answer.result, up)).params["text"]
    assert "Slow down" in (await press(telegram, ALICE, answer.result, up)).params["text"]
    assert telegram.errors() == []
