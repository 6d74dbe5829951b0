"""Fuzzing the bot with Hypothesis: random and mutated real Telegram updates through the real Application.

Every update goes through ``Application.process_update`` of the bot started against the fake Bot API. After each
one: no exception other than a user-facing ``DossierError`` reached the error handler, Telegram rejected nothing the
bot sent (bad HTML, too long, bad button data...), and the library is whole (every article readable, with its
passages counted)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, entities_for, group_chat, private_chat, user
from hypothesis import given
from hypothesis import strategies as st
from support import fuzz_settings
from telegram import Update
from telegram.ext import Application

from index import DossierError, Library

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
EXAMPLE_COUNT = 150
ANONYMOUS = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
USERS = [user(501, "Alice", "alice"), user(502, "Bob"), user(601, "Olena", "olena"), ANONYMOUS]
CHATS = [
    private_chat(USERS[0]),
    private_chat(USERS[1]),
    group_chat(-100500, "Newsroom"),
    group_chat(-100600, "Night desk", "group"),
    {"id": -1009, "type": "channel", "title": "Some channel"},
]
COMMANDS = ["/ask", "/add", "/source", "/remove", "/sources", "/find", "/stats", "/help", "/start", "/nope"]
WORDS = ["tanks", "1", "#1", "-5", "99999999999999999999", "call", "<b>", "&amp;", "\x00", "🚀", "@DossierTestBot", ""]

texts = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda command, suffix, words: f"{command}{suffix} {' '.join(words)}",
        st.sampled_from(COMMANDS),
        st.sampled_from(["", "@DossierTestBot", "@OtherBot"]),
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=20)), max_size=6),
    ),
    st.sampled_from(["how many tanks did the unit have left?", "who released the call?", "http://127.0.0.1:9/x"]),
)
file_names = st.one_of(
    st.text(min_size=1, max_size=300).map(lambda s: s + ".txt"),
    st.sampled_from(["../../x.md", "a/b.html", ".txt", "x.TXT", "Звіт " * 80 + ".md", "noext", "x.pdf"]),
)


# Many groups, so the bot's own flood control (20 messages a minute per group) never slows the run down.
chats = st.one_of(
    st.sampled_from(CHATS),
    st.builds(
        lambda i, kind: group_chat(-100_000 - i, f"Group {i}", kind),
        st.integers(1, 500),
        st.sampled_from(["group", "supergroup"]),
    ),
)


@st.composite
def message_updates(draw: st.DrawFn, telegram: FakeBotAPI) -> dict[str, Any]:
    chat = draw(chats)
    sender = draw(st.sampled_from([*USERS, None]))
    message: dict[str, Any] = {"message_id": draw(st.integers(1, 10**6)), "date": 1, "chat": chat}
    if sender is not None:
        message["from"] = sender
    if sender is ANONYMOUS or (sender is None and chat["type"] != "private"):
        message["sender_chat"] = chat
    kind = draw(st.sampled_from(["text", "text", "text", "document", "caption", "forward", "empty"]))
    if kind in ("text", "forward"):
        text = draw(texts)
        message["text"] = text
        if draw(st.booleans()):
            message["entities"] = entities_for(text)
        elif draw(st.booleans()):  # entities that do not fit the text
            offset, length = draw(st.integers(-3, 400)), draw(st.integers(0, 400))
            message["entities"] = [
                {"type": draw(st.sampled_from(["bot_command", "mention"])), "offset": offset, "length": length}
            ]
    if kind == "forward":
        message["forward_origin"] = {"type": "channel", "date": 1, "chat": CHATS[4], "message_id": 7}
    if kind in ("document", "caption"):
        content = draw(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
        document = telegram.add_file(draw(file_names), content)
        if draw(st.booleans()):
            document["file_size"] = draw(st.integers(0, 10**9))
        message["document"] = document
        message["caption"] = draw(st.sampled_from(["/add", "/add@DossierTestBot", "", "look"]))
    if draw(st.booleans()):
        message["reply_to_message"] = {
            "message_id": draw(st.integers(1, 5000)),
            "date": 1,
            "chat": chat,
            "from": draw(st.sampled_from([telegram.bot, *USERS])),
            "text": draw(texts) or "x",
        }
    return {draw(st.sampled_from(["message", "message", "edited_message", "channel_post"])): message}


def real_callback_data(telegram: FakeBotAPI) -> list[str]:
    """The data of every button the bot has sent so far (read once, after the seed conversation: Hypothesis needs
    strategies that do not change between examples)."""
    found = []
    for call in telegram.calls:
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            found += [b["callback_data"] for b in row if "callback_data" in b]
    return found or ["more:x:1:AAAAAAAAAAA"]


@st.composite
def callback_updates(draw: st.DrawFn, buttons: list[str]) -> dict[str, Any]:
    real = draw(st.sampled_from(buttons))
    data = draw(
        st.one_of(
            st.just(real),
            st.builds(lambda i, c: real[:i] + c + real[i + 1 :], st.integers(0, len(real)), st.characters()),
            st.builds(lambda i: real[:i], st.integers(0, len(real))),
            st.text(max_size=64),
        )
    )
    chat = draw(chats)
    message = {"message_id": draw(st.integers(1, 5000)), "date": draw(st.sampled_from([0, 1])), "chat": chat}
    query: dict[str, Any] = {
        "id": str(draw(st.integers(1, 10**9))),
        "from": draw(st.sampled_from(USERS)),
        "chat_instance": "ci",
    }
    if draw(st.integers(0, 9)):
        query["message"] = message
    else:
        query["inline_message_id"] = "im1"
    query["data"] = data
    return {"callback_query": query}


@st.composite
def inline_updates(draw: st.DrawFn) -> dict[str, Any]:
    query = {"id": str(draw(st.integers(1, 10**9))), "from": draw(st.sampled_from(USERS)), "query": draw(texts)[:256]}
    query["offset"] = draw(st.sampled_from(["", "5", "x"]))
    return {"inline_query": query}


def mutate(update: dict[str, Any], path: list[str], value: Any) -> dict[str, Any]:
    """``update`` with the field at ``path`` (keys into nested dicts) replaced by ``value`` or deleted (None)."""
    changed = copy.deepcopy(update)
    node = changed
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            return changed
        node = node[key]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return changed


def paths(node: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[list[str]]:
    found: list[list[str]] = []
    for key, value in node.items():
        found.append([*prefix, key])
        if isinstance(value, dict):
            found += paths(value, (*prefix, key))
    return found


# Fields Telegram always sends: a mutation changes their value but never leaves them out.
REQUIRED = {"id", "from", "chat", "date", "message_id", "query", "offset", "chat_instance", "type", "first_name"}
REQUIRED |= {"is_bot", "file_id", "file_unique_id", "title", "message", "edited_message", "channel_post"}
REQUIRED |= {"callback_query", "inline_query"}


def same_type(value: Any, required: bool) -> st.SearchStrategy[Any]:
    """Another value of the type Telegram sends in that field (or None: an optional field is left out)."""
    left_out = st.nothing() if required else st.none()
    if isinstance(value, bool):
        return st.one_of(left_out, st.booleans())
    if isinstance(value, int):
        return st.one_of(left_out, st.integers(-(2**52), 2**52))
    if isinstance(value, str):
        return st.one_of(left_out, st.text(max_size=80), st.just(""))
    return left_out if not required else st.just(value)


@st.composite
def updates(draw: st.DrawFn, telegram: FakeBotAPI, buttons: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["message", "message", "message", "callback", "callback", "inline"]))
    if kind == "message":
        update = draw(message_updates(telegram))
    else:
        update = draw(callback_updates(buttons) if kind == "callback" else inline_updates())
    for _ in range(draw(st.integers(0, 3))):  # mutate: fields replaced by other values of their type, or left out
        path = draw(st.sampled_from(paths(update)))
        node: Any = update
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        update = mutate(update, path, draw(same_type(node, path[-1] in REQUIRED)))
    return {"update_id": draw(st.integers(1, 2**31)), **update}


def check_library(library: Library) -> None:
    """Nothing half-stored: every listed article can be read and has passages; the counts agree."""
    infos = library.list()
    stats = library.stats()
    assert stats.articles == len(infos) == library.count()
    assert all(info.passages > 0 for info in infos)
    assert sum(info.passages for info in infos) == stats.passages
    for info in infos:
        assert library.get(info.id).info.id == info.id


Fuzzed = tuple[FakeBotAPI, Application, list[BaseException], list[str]]  # type: ignore[type-arg]
COUNTS: dict[str, int] = {}


@pytest.fixture
async def fuzzed_bot(telegram: FakeBotAPI, start_bot: StartBot) -> AsyncIterator[Fuzzed]:
    """The bot with two articles, a few real answers (so there are real buttons to mutate) and an error recorder;
    afterwards, prints how many updates of each kind were run."""
    telegram.admins[-100500] = {601}
    app = await start_bot(admin_user_ids=[601], rate_limit_questions=0, rate_limit_adds=0)
    library = app.bot_data["state"].engine.library
    for article in EXAMPLES[:2]:
        library.add_text(article["text"], added_by="fuzz")
    alice = CHATS[0]
    await telegram.say(alice, USERS[0], "how many tanks did the unit have left?", "<b>Sources</b>")
    await telegram.say(alice, USERS[0], "/sources", "article")
    await telegram.say(alice, USERS[0], "/add Fuzz seed\n\nA seed article about 7 tanks near Kerinovo.", "Added #3")
    await telegram.say(alice, USERS[0], "/remove 3", "Remove #3")
    crashes: list[BaseException] = []

    async def record(update: object, context: Any) -> None:
        """Collect what reached the error handler, except the user-facing errors the bot answers with."""
        if context.error is not None and not isinstance(context.error, DossierError):
            crashes.append(context.error)

    app.add_error_handler(record)
    COUNTS.clear()
    yield telegram, app, crashes, real_callback_data(telegram)
    print("\nfuzzed updates:", json.dumps(COUNTS, sort_keys=True), "total", sum(COUNTS.values()))


@pytest.mark.slow
@fuzz_settings(EXAMPLE_COUNT)
@given(data=st.data())
async def test_random_and_mutated_updates(fuzzed_bot: Fuzzed, data: st.DataObject) -> None:
    telegram, app, crashes, buttons = fuzzed_bot
    raw = data.draw(updates(telegram, buttons))
    kind = next((k for k in raw if k != "update_id"), "none")
    try:
        update = Update.de_json(raw, app.bot)
    except Exception:  # Telegram never sends such an update; python-telegram-bot refuses to parse it
        COUNTS["unparsable"] = COUNTS.get("unparsable", 0) + 1
        return
    COUNTS[kind] = COUNTS.get(kind, 0) + 1
    mark = len(telegram.calls)
    await app.process_update(update)
    assert crashes == [], crashes
    rejected = [
        (c.method, c.result) for c in telegram.calls[mark:] if isinstance(c.result, dict) and "error" in c.result
    ]
    assert rejected == []
    check_library(app.bot_data["state"].engine.library)
