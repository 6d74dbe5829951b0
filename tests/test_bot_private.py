"""The bot in a private chat, driven through the fake Bot API: add, ask, buttons, library commands."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import StartBot
from fake_telegram import FakeBotAPI, private_chat, user

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
ALICE = user(501, "Alice", "alice")


def pasted(example: dict[str, str]) -> str:
    return example["text"]


async def test_private_chat_adds_and_answers_with_citations(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    chat = private_chat(ALICE)
    telegram.send(chat, ALICE, "/start")
    await telegram.reply(chat["id"], "answers questions about your team")
    telegram.send(chat, ALICE, "/add " + pasted(EXAMPLES[0]))
    added = await telegram.reply(chat["id"], "Added #1")
    assert "Intercepted call describes tank shortage" in added.params["text"]
    telegram.send(chat, ALICE, "/add " + pasted(EXAMPLES[1]))
    await telegram.reply(chat["id"], "Added #2")
    mark = len(telegram.calls)
    telegram.send(chat, ALICE, "how many tanks were lost?")
    answer = await telegram.reply(chat["id"], "<b>Sources</b>", after=mark)
    print(answer.params["text"])
    assert telegram.errors() == []
