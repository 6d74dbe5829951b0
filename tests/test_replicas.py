"""Two `dossier serve` replicas in webhook mode on one PostgreSQL library, as behind a load balancer: updates
alternate between them, and every button, follow-up and rate limit works whichever replica gets it; a replica
killed mid-import leaves nothing half-stored, and the other replica handles the update it was handling."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
from fake_telegram import Call, FakeBotAPI, group_chat, private_chat, user
from postgres import Server
from support import synthetic_article
from test_bot_serve import EXAMPLES, bot_env, free_port, listening, script

from index import Library

pytestmark = [pytest.mark.slow, pytest.mark.postgresql_only]
ALICE = user(501, "Alice", "alice")
MEMBER = user(602, "Mark", "mark")
BOB = user(603, "Bob", "bob")
NEWSROOM = group_chat(-100500, "Newsroom")
QUESTION = "how many tanks did the unit have left?"
QUESTIONS_PER_MINUTE = 4
LEASE = 6  # seconds an update may go without its holder renewing (60 by default)


@dataclass
class Replica:
    port: int
    process: asyncio.subprocess.Process
    log: IO[bytes]

    @property
    def hook(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


async def start_replica(telegram: FakeBotAPI, data: Path, database_url: str) -> Replica:
    port = free_port()
    env = {
        **os.environ,
        **bot_env(telegram, data),
        "HF_HUB_OFFLINE": "1",
        "DATABASE_URL": database_url,
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": "",  # each derives the same one from the token
        "IMPORT_PROCESS": "false",
        "RATE_LIMIT_QUESTIONS": str(QUESTIONS_PER_MINUTE),
        "UPDATE_LEASE_SECONDS": str(LEASE),
        # A replica killed mid-import cannot remove its upload's temporary copy: keep it in the test's folder.
        "TMPDIR": str(data.parent / f"{data.name}-tmp"),
    }
    data.mkdir(parents=True)
    Path(env["TMPDIR"]).mkdir()
    log = open(data.parent / f"{data.name}.log", "wb")  # noqa: SIM115 - closed by the test
    process = await asyncio.create_subprocess_exec(
        script("dossier"), "serve", env=env, stdout=log, stderr=log, start_new_session=True
    )
    return Replica(port, process, log)


def long_article() -> str:
    """One article of ~100 passages: embedding it takes long enough to kill the replica in the middle."""
    paragraphs = [p for i in range(60) for p in str(synthetic_article(i)["text"]).split("\n\n")]
    return "Reports from sixty towns\n\n" + "\n\n".join(paragraphs)


def buttons(call: Call) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row}


async def test_two_webhook_replicas_serve_one_postgresql_library(
    telegram: FakeBotAPI, postgres_server: Server, make_library: Callable[..., Library], tmp_path: Path
) -> None:
    url = postgres_server.database()
    a, b = await asyncio.gather(
        start_replica(telegram, tmp_path / "a", url), start_replica(telegram, tmp_path / "b", url)
    )
    try:
        await asyncio.gather(listening(a.port, timeout=180), listening(b.port, timeout=180))
        hooks = [c for c in telegram.calls if c.method == "setWebhook"]
        secrets = {c.params["secret_token"] for c in hooks}
        assert len(hooks) == 2 and len(secrets) == 1, "replicas must register one secret, or one of them gets 403s"
        secret = secrets.pop()
        assert len(secret) >= 40 and telegram.token.split(":")[1] not in secret

        async with aiohttp.ClientSession() as http:

            async def deliver(replica: Replica, update: dict[str, Any]) -> None:
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
                async with http.post(replica.hook, json=update, headers=headers) as response:
                    assert response.status == 200

            async def say(
                replica: Replica, chat: dict[str, Any], sender: dict[str, Any], text: str | None, expect: str, **kw: Any
            ) -> Call:
                mark = len(telegram.calls)
                message = telegram.send(chat, sender, text, **kw)
                await deliver(replica, telegram.push({"message": message}))  # an update id of the fake's sequence
                return await telegram.reply(chat["id"], expect, after=mark, timeout=120)

            async def press(replica: Replica, sender: dict[str, Any], message: dict[str, Any], data: str) -> int:
                mark = len(telegram.calls)
                await deliver(replica, telegram.press(sender, message, data))
                return mark

            # Adds through either replica go into one library, ids from one sequence.
            for n, replica in enumerate((a, b, a), start=1):
                await say(replica, private_chat(ALICE), ALICE, "/add " + str(EXAMPLES[n - 1]["text"]), f"Added #{n} ")

            # B answers; A serves the answer's buttons and the follow-up: the question behind them is in the database.
            answer = await say(b, NEWSROOM, MEMBER, "/ask@DossierTestBot " + QUESTION, "<b>Sources</b>")
            keys = buttons(answer)
            mark = await press(a, MEMBER, answer.result, keys["More results"])
            more = await telegram.wait_for(
                lambda c: (
                    (c.method == "sendMessage" and "More results" in c.params["text"])
                    or (c.method == "answerCallbackQuery" and "text" in c.params)
                ),
                after=mark,
            )
            assert more.method == "sendMessage" or "No more results" in more.params.get("text", ""), more.params
            mark = await press(a, MEMBER, answer.result, keys["👍"])
            thanks = await telegram.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
            assert thanks.params.get("text", "").startswith("Thanks: noted"), thanks.params
            # Alone, "and who said so?" names nothing to look for; as a reply it follows up on B's question.
            follow = await say(a, NEWSROOM, MEMBER, "and who said so?", "<b>Sources</b>", reply_to=answer.result)
            assert "9 left" in follow.params["text"]

            # One rate window for a sender, whichever replica counts the question.
            chat = private_chat(BOB)
            for i in range(QUESTIONS_PER_MINUTE):
                await say((a, b)[i % 2], chat, BOB, "who released the call?", "<b>Sources</b>")
            await say(a, chat, BOB, "who released the call?", "Slow down: too many questions")

            # A dies (the whole process group, as when its machine goes) while embedding a long document. (A kill
            # while a bulk import writes is tests/test_crash.py's, on its `[postgresql]` leg.)
            document = telegram.add_file("towns.txt", long_article().encode())
            await say(a, private_chat(ALICE), ALICE, None, "Embedding", document=document)
            os.killpg(a.process.pid, signal.SIGKILL)
            await a.process.wait()
            killed = len(telegram.calls)
            library = make_library("check", database_url=url)
            assert library.count() == 3  # nothing of the document, not part of it

            # B goes on: it serves A's answer's buttons, and the document was stored not at all, not in part.
            mark = await press(b, ALICE, follow.result, buttons(follow)["More results"])
            pressed = await telegram.wait_for(
                lambda c: (
                    (c.method == "sendMessage" and "More results" in c.params["text"])
                    or (c.method == "answerCallbackQuery" and "text" in c.params)
                ),
                after=mark,
            )
            assert pressed.method == "sendMessage" or "No more results" in pressed.params.get("text", ""), pressed
            [vote] = library.store.votes()  # A's vote, with the quotes B's answer cited
            assert vote.verdict == "up" and vote.question == QUESTION and vote.cited
            # Once A's lease on the document's update has run out, B takes it over and adds the document: Alice
            # does not have to send it again. (Sent again, it is a duplicate.)
            added = await telegram.reply(private_chat(ALICE)["id"], "Added #4", after=killed, timeout=180)
            assert "Reports from sixty towns" in added.params["text"]
            again = await say(b, private_chat(ALICE), ALICE, None, "already in the library", document=document)
            assert "#4" in again.params["text"]
            town = str(synthetic_article(7)["title"]).rsplit(" ", 1)[-1]
            found = await say(b, private_chat(ALICE), ALICE, f"what was destroyed around {town}?", "<b>Sources</b>")
            assert town in found.params["text"]
            assert library.count() == 4 and library.stats().passages == sum(i.passages for i in library.list())

        b.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(b.process.wait(), 60) == 0
        assert telegram.errors() == []
    finally:
        for replica in (a, b):
            if replica.process.returncode is None:
                os.killpg(replica.process.pid, signal.SIGKILL)
                await replica.process.wait()
            replica.log.close()
