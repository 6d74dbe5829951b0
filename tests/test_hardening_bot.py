"""Regression tests for the bot-side defects of issue 11, through the real Application and the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import Call, FakeBotAPI, group_chat, parse_html, private_chat, user, utf16_len
from support import LocalSite, Route, article_html, synthetic_jsonl
from telegram import InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from bot.settings import BotSettings
from index import Library, Settings
from index.cli import invalid_settings_message
from index.embedding import Embedder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
ALICE = user(501, "Alice", "alice")
BOB = user(502, "Bob", "bob")
CAROL = user(503, "Carol", "carol")
MEMBER = user(602, "Mark", "mark")
OTHER = user(603, "Nina", "nina")
NEWSROOM = group_chat(-100500, "Newsroom")
DESK = group_chat(-100600, "Night desk")
QUESTION = "how many tanks did the unit have left?"
EXPIRED = "This button no longer works."


def example(i: int) -> str:
    return str(EXAMPLES[i]["text"])


def buttons(call: Call) -> list[dict[str, str]]:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def settle(telegram: FakeBotAPI, chat: dict[str, object], sender: dict[str, object]) -> None:
    """Wait until the bot has handled what was sent before: /help is answered after a short quiet period."""
    await telegram.say(chat, sender, "/help", "answers questions about your team")
    await asyncio.sleep(1.0)


async def press(telegram: FakeBotAPI, sender: dict[str, object], message: dict[str, object], data: str) -> Call:
    """Press a button and return the bot's answerCallbackQuery for that press."""
    update = telegram.press(sender, message, data)
    query_id = update["callback_query"]["id"]
    return await telegram.wait_for(
        lambda c: c.method == "answerCallbackQuery" and str(c.params.get("callback_query_id")) == query_id
    )


# -- 7. forged callbacks ------------------------------------------------------------------------------------------
async def test_buttons_are_bound_to_their_chat_and_user(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot(library_scope="per_chat", add_policy="everyone")
    library = app.bot_data["state"].engine.library
    await telegram.say(NEWSROOM, MEMBER, "/add " + example(0), "Added #1")
    answer = await telegram.say(NEWSROOM, MEMBER, "/ask " + QUESTION, "<b>Sources</b>")
    more = next(b["callback_data"] for b in buttons(answer) if b["text"] == "More results")
    passage = next(b["callback_data"] for b in buttons(answer) if b["text"].startswith("Passage"))
    library.add_jsonl(synthetic_jsonl(12).splitlines(), added_by="import", collection=f"chat:{NEWSROOM['id']}")
    listing = await telegram.say(NEWSROOM, MEMBER, "/sources", "page 1/2")
    (next_page,) = buttons(listing)
    confirm = await telegram.say(NEWSROOM, MEMBER, "/remove 1", "Remove #1")
    remove, cancel = buttons(confirm)

    # The same data pressed under a message of another chat: refused, and nothing of the Newsroom is shown.
    desk_message = telegram.send(DESK, MEMBER, "hello")
    mark = len(telegram.calls)
    for data in (more, passage, next_page["callback_data"]):
        refused = await press(telegram, MEMBER, desk_message, data)
        assert refused.params.get("text") == EXPIRED
    for data in (remove["callback_data"], cancel["callback_data"]):
        refused = await press(telegram, MEMBER, desk_message, data)
        assert refused.params.get("text") == EXPIRED
    await asyncio.sleep(0.5)
    sent = [c for c in telegram.calls[mark:] if c.method in ("sendMessage", "editMessageText")]
    assert sent == []
    assert library.count() == 13

    # The remove confirmation is bound to the user who asked for it, even in the same chat.
    refused = await press(telegram, OTHER, confirm.result, remove["callback_data"])
    assert refused.params.get("text") == EXPIRED
    refused = await press(telegram, OTHER, confirm.result, cancel["callback_data"])
    assert refused.params.get("text") == EXPIRED
    assert library.count() == 13
    # Hand-made data (the old unsigned format, or a guess) is refused too.
    forged = ("more:abc:1", "psg:1:0:10", "src:2", "rm:1", "rm:cancel", remove["callback_data"] + "x")
    for data in (*forged, remove["callback_data"][:-1] + "¬"):  # non-ASCII: found by the fuzz test
        refused = await press(telegram, MEMBER, confirm.result, data)
        assert refused.params.get("text") == EXPIRED

    # In their own chat, by the right user, every button still works.
    await press(telegram, MEMBER, answer.result, passage)
    await press(telegram, MEMBER, listing.result, next_page["callback_data"])
    await telegram.reply(NEWSROOM["id"], "page 2/2")
    await press(telegram, MEMBER, confirm.result, remove["callback_data"])
    await telegram.reply(NEWSROOM["id"], "Removed #1")
    assert library.count() == 12
    assert telegram.errors() == []


# -- soak finding: a flood of questions beyond what the machine answers --------------------------------------------
async def test_a_question_that_waits_too_long_gets_busy_not_a_late_answer(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    # 0.05 s of patience: with answers in ~10-30 ms, 0.3 s let a fast machine answer all 30 before any waited long.
    await start_bot(rate_limit_questions=0, engine_threads=1, question_wait=0.05)
    alice = private_chat(ALICE)
    await telegram.say(alice, ALICE, "/add " + example(0), "Added #1")
    mark = len(telegram.calls)
    chats = [private_chat(user(700 + i, f"Reader {i}", f"reader{i}")) for i in range(30)]
    for i, chat in enumerate(chats):
        telegram.send(chat, user(700 + i, f"Reader {i}", f"reader{i}"), f"{QUESTION} ({i})")
    inline_mark = len(telegram.calls)
    for i in range(10):  # inline queries queue behind them: no message to reply to, so the answer says it
        telegram.inline(user(800 + i, f"Inline {i}", f"inline{i}"), f"{QUESTION} [{i}]")

    def replied(chat_id: int) -> str:
        return next((t for t in telegram.texts(chat_id, after=mark) if "<b>Sources</b>" in t or "Busy" in t), "")

    async def all_replied() -> list[str]:
        while not all(replied(int(c["id"])) for c in chats):
            await asyncio.sleep(0.2)
        return [replied(int(c["id"])) for c in chats]

    replies = await asyncio.wait_for(all_replied(), timeout=300)
    busy = [r for r in replies if "Busy" in r]
    # One thread, 0.05 s of patience: the first questions are answered, the ones queued behind them are told at once.
    assert busy and len(busy) < len(replies), replies
    assert all(r.startswith("Busy: too many questions at once") for r in busy)
    inline: list[Call] = []
    while len(inline) < 10:
        await telegram.wait_for(lambda c: c.method == "answerInlineQuery", after=inline_mark, timeout=120)
        inline = [c for c in telegram.calls[inline_mark:] if c.method == "answerInlineQuery"]
        await asyncio.sleep(0.1)
    assert all(c.params["results"] or "Busy" in c.params.get("button", {}).get("text", "") for c in inline)
    assert telegram.errors() == []


# -- 8. rate limits ------------------------------------------------------------------------------------------------
async def test_a_flood_gets_one_notice_and_every_path_counts(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(rate_limit_questions=2)
    alice = private_chat(ALICE)
    await telegram.say(alice, ALICE, "/add " + example(0), "Added #1")

    # A flood of 40 questions: two answers, one "Slow down", the rest dropped before any engine work.
    mark = len(telegram.calls)
    for i in range(40):
        telegram.send(alice, ALICE, f"{QUESTION} ({i})")
    bob = private_chat(BOB)
    await telegram.say(bob, BOB, QUESTION, "<b>Sources</b>")  # a bystander is answered meanwhile
    first = await telegram.reply(alice["id"], "<b>Sources</b>", after=mark)
    await telegram.reply(alice["id"], "<b>Sources</b>", after=telegram.calls.index(first) + 1)
    await settle(telegram, alice, ALICE)
    texts = telegram.texts(alice["id"], after=mark)
    assert sum("Slow down" in t for t in texts) == 1, texts
    assert sum("<b>Sources</b>" in t for t in texts) == 2
    typing = [c for c in telegram.calls[mark:] if c.method == "sendChatAction" and c.params["chat_id"] == alice["id"]]
    assert len(typing) == 2  # the engine ran for the two allowed questions only

    # "More results" presses count against the same limit.
    carol = private_chat(CAROL)
    answer = await telegram.say(carol, CAROL, QUESTION, "<b>Sources</b>")
    more = next(b["callback_data"] for b in buttons(answer) if b["text"] == "More results")
    replies = [await press(telegram, CAROL, answer.result, more) for _ in range(4)]
    slow = [r for r in replies if "Slow down" in str(r.params.get("text", ""))]
    assert len(slow) == 3, [r.params for r in replies]

    # So do "Passage" presses, each of which posts a message in the chat.
    erin = user(505, "Erin", "erin")
    answer = await telegram.say(private_chat(erin), erin, QUESTION, "<b>Sources</b>")
    passage = next(b["callback_data"] for b in buttons(answer) if b["text"].startswith("Passage"))
    mark = len(telegram.calls)
    replies = [await press(telegram, erin, answer.result, passage) for _ in range(4)]
    # The question took one of the two in the window: one passage is shown, three presses are refused.
    assert sum("Slow down" in str(r.params.get("text", "")) for r in replies) == 3, [r.params for r in replies]
    shown = [c for c in telegram.calls[mark:] if c.method == "sendMessage" and c.params["chat_id"] == erin["id"]]
    assert len(shown) == 1

    # Inline queries too: over the limit the answer is empty, with no engine work.
    dave = user(504, "Dave", "dave")
    mark = len(telegram.calls)
    for i in range(5):
        telegram.inline(dave, f"{QUESTION} {i}")
    inline: list[Call] = []
    while len(inline) < 5:
        await telegram.wait_for(lambda c: c.method == "answerInlineQuery", after=mark)
        inline = [c for c in telegram.calls[mark:] if c.method == "answerInlineQuery"]
        await asyncio.sleep(0.1)
    assert sum(bool(c.params["results"]) for c in inline) == 2
    assert sum("Slow down" in c.params.get("button", {}).get("text", "") for c in inline) == 3
    assert telegram.errors() == []


BRIDGE = "Engineers said the bridge repairs near Kerinovo{i} would take six months, the council said on Monday."


async def test_a_flood_of_files_is_dropped_before_download(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(rate_limit_adds=1)
    chat = private_chat(ALICE)
    files = [telegram.add_file(f"note{i}.txt", (f"Note {i}\n\n" + BRIDGE.format(i=i)).encode()) for i in range(10)]
    mark = len(telegram.calls)
    for note in files:
        telegram.send(chat, ALICE, None, document=note)
    await telegram.reply(chat["id"], "Added #1", after=mark)
    await settle(telegram, chat, ALICE)
    texts = telegram.texts(chat["id"], after=mark)
    assert sum("Slow down" in t for t in texts) == 1, texts
    assert len([c for c in telegram.calls[mark:] if c.method == "getFile"]) == 1


# -- 11. replies over 4,096 characters -----------------------------------------------------------------------------
# About rendering, no database code: on SQLite only, for CI's time.
@pytest.mark.sqlite_only
async def test_long_titles_and_errors_never_break_a_reply(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    app = await start_bot(add_policy="everyone")
    chat = private_chat(ALICE)
    title = "Tanks " + "very long title word " * 250  # about 5,000 characters in <title>, og:title and <h1>
    body = "The regional command said 14 tanks were destroyed near Kerinovo during the night, officials said. "
    site.routes["/long"] = Route(body=article_html(title, [body * 3, body * 2]))
    added = await telegram.say(chat, ALICE, "/add " + site.url("/long"), "Added #1")
    assert "…" in added.params["text"]
    await telegram.say(chat, ALICE, "/source 1", "<b>#1 ")
    await telegram.say(chat, ALICE, "/sources", "1 article,")
    await telegram.say(chat, ALICE, "/find Kerinovo", "<b>Found 1")
    await telegram.say(chat, ALICE, "/find " + "Q" * 4000, "No article contains")
    answer = await telegram.say(chat, ALICE, "how many tanks were destroyed near Kerinovo?", "<b>Sources</b>")
    await press(telegram, ALICE, answer.result, buttons(answer)[0]["callback_data"])
    await telegram.say(chat, ALICE, "/" + "x" * 4000, "Unknown command")

    # A long error ("Not added: …" names the URL) and a long file name.
    await telegram.say(chat, ALICE, "/add " + site.url("/missing-" + "y" * 4000), "Not added: ")
    odd = telegram.add_file("z" * 4000 + ".odt", b"PK\x03\x04", "application/vnd.oasis.opendocument.text")
    await telegram.say(chat, ALICE, None, "unsupported file type", document=odd)

    # A whole article that is one very long sentence: its inline result is trimmed within Telegram's limits.
    library = app.bot_data["state"].engine.library
    sentence = "Kerinovo tanks " + ", ".join(f"convoy {i} of the armoured brigade moved west" for i in range(400))
    library.add_text(f"Convoys on the move\n\n{sentence}.", added_by="import")
    telegram.inline(ALICE, "armoured brigade convoy moved west Kerinovo")
    inline = await telegram.wait_for(lambda c: c.method == "answerInlineQuery")
    assert inline.params["results"]
    for result in inline.params["results"]:
        assert utf16_len(parse_html(result["input_message_content"]["message_text"])) <= 4096
        assert len(result["title"]) <= 200 and len(result["description"]) <= 200

    confirm = await telegram.say(chat, ALICE, "/remove 1", "Remove #1")
    await press(telegram, ALICE, confirm.result, buttons(confirm)[0]["callback_data"])
    await telegram.reply(chat["id"], "Removed #1")
    long_texts = [t for t in telegram.texts(chat["id"]) if utf16_len(parse_html(t)) > 4096]
    assert long_texts == []
    assert telegram.errors() == []
    assert not [t for t in telegram.texts(chat["id"]) if "went wrong" in t]


async def test_the_fake_api_rejects_what_telegram_rejects(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    bot = app.bot
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(ALICE["id"], "x" * 4097)
    big = InlineQueryResultArticle(id="1", title="t", input_message_content=InputTextMessageContent("x" * 4097))
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_inline_query("1", [big])
    wide = InlineQueryResultArticle(id="1", title="t" * 600, input_message_content=InputTextMessageContent("x"))
    with pytest.raises(BadRequest, match=r"(?i)result_title_invalid"):
        await bot.answer_inline_query("1", [wide])


# -- 12. long non-ASCII file names ---------------------------------------------------------------------------------
async def test_a_long_non_ascii_file_name_is_added(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    chat = private_chat(ALICE)
    text = b"Bridge repairs delayed\n\nEngineers said the bridge repairs near Kerinovo would take six months."
    for i, name in enumerate(["Звіт про ремонт мосту " * 20 + ".txt", "../../etc/passwd.md", "a\\b/c:d*?.TXT"]):
        note = telegram.add_file(name, text + f" Note {i}.".encode())
        await telegram.say(chat, ALICE, None, f"Added #{i + 1} «Bridge repairs delayed»", document=note)
    rejected = telegram.add_file("Звіт " * 60 + ".exe", b"MZ")
    await telegram.say(chat, ALICE, None, "unsupported file type", document=rejected)
    assert not [t for t in telegram.texts(chat["id"]) if "went wrong" in t]
    assert telegram.errors() == []


# -- 13. numbers typed as arguments -----------------------------------------------------------------------------------
async def test_odd_numbers_in_commands_get_their_usage_line(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    chat = private_chat(ALICE)
    await telegram.say(chat, ALICE, "/add " + str(EXAMPLES[0]["text"]), "Added #1")
    for command in ("/source ²", "/remove ²", "/source ١", "/unfollow ²", "/autoadd undo ²"):
        await telegram.say(chat, ALICE, command, "")  # "²".isdigit() is true, int("²") fails
    await telegram.say(chat, ALICE, "/source 99999999999999999999", "")  # past SQLite's integers
    await telegram.say(chat, ALICE, "/source #999999999999999999", "no article #999999999999999999")
    await telegram.say(chat, ALICE, "/sources ²", "page 1/1")
    assert not [t for t in telegram.texts(chat["id"]) if "went wrong" in t]
    assert telegram.errors() == []


# -- 14. id lists ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [("601 602", [601, 602]), ("601,602", [601, 602]), ("601, 602  603", [601, 602, 603]), ("", []), (" 7 ", [7])],
)
def test_id_lists_accept_commas_and_spaces(monkeypatch: pytest.MonkeyPatch, value: str, expected: list[int]) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", value)
    monkeypatch.setenv("ALLOWED_CHAT_IDS", value.replace("6", "-1006"))
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.admin_user_ids == expected
    assert settings.allowed_chat_ids == [int(str(i).replace("6", "-1006")) for i in expected]


@pytest.mark.parametrize("value", ["601;602", "601 x", "@olena", "601,,602", "6.5", "0x10"])
def test_other_id_lists_are_refused_in_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    for name in ("ADMIN_USER_IDS", "ALLOWED_CHAT_IDS"):
        monkeypatch.delenv("ADMIN_USER_IDS", raising=False)
        monkeypatch.delenv("ALLOWED_CHAT_IDS", raising=False)
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError) as caught:
            BotSettings(_env_file=None)  # type: ignore[call-arg]
        message = invalid_settings_message(caught.value)  # type: ignore[arg-type]
        assert name in message and "\n" not in message


# -- 16. start-up errors of `dossier serve` --------------------------------------------------------------------------
def _script(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


async def _serve(env: dict[str, str], cwd: Path, telegram: FakeBotAPI | None = None) -> tuple[int, str]:
    """Run `dossier serve` until it exits; with ``telegram``, stop it with SIGTERM once it has started."""
    full = {**os.environ, "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "INFO", **env}
    full.pop("WEBHOOK_URL", None)
    process = await asyncio.create_subprocess_exec(
        _script("dossier"), "serve", env=full, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        finished = asyncio.ensure_future(process.communicate())
        if telegram is not None:
            mark = len(telegram.calls)
            started = asyncio.ensure_future(telegram.wait_for(lambda c: c.method == "setMyCommands", 180, mark))
            await asyncio.wait([finished, started], return_when=asyncio.FIRST_COMPLETED)
            if started.done() and not started.exception():
                process.send_signal(signal.SIGTERM)
            started.cancel()
        _, err = await asyncio.wait_for(finished, 180)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode is not None
    return process.returncode, err.decode()


@pytest.mark.slow
async def test_serve_start_up_errors_are_one_line(
    telegram: FakeBotAPI, tmp_path: Path, embedder: Embedder, on_postgres: bool
) -> None:
    data = tmp_path / "data"
    base = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.url, "DATA_DIR": str(data)}
    with Library.open(Settings(_env_file=None, data_dir=data), embedder=embedder) as library:  # type: ignore[call-arg]
        library.add_text(example(0), added_by="test")
    cases = {
        "wrong token": {**base, "TELEGRAM_BOT_TOKEN": "999:wrong"},
        "unreachable API": {**base, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"},
        "bad admin ids": {**base, "ADMIN_USER_IDS": "601 x"},
    }
    for case, env in cases.items():
        code, err = await _serve(env, tmp_path)
        assert code != 0 and len(err.strip().splitlines()) == 1 and err.startswith("error: "), (case, err)

    # A damaged vector cache and a damaged database: one line each, never a traceback.
    (data / "vectors.faiss").write_bytes(os.urandom(3000))
    code, err = await _serve(base, tmp_path, telegram)
    if code != 0:  # or the engine rebuilds the cache, and the bot starts (and was stopped with SIGTERM)
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    if on_postgres:  # a server that is not there
        base["DATABASE_URL"] = "postgresql://dossier@127.0.0.1:9/library?connect_timeout=2"
    else:
        database = data / "library.sqlite3"
        database.write_bytes(bytes(8192) + database.read_bytes()[8192:])
    code, err = await _serve(base, tmp_path)
    assert code != 0 and len(err.strip().splitlines()) == 1 and err.startswith("error: "), err


# -- 13. anonymous administrators of different groups ----------------------------------------------------------------
ANONYMOUS = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


async def test_anonymous_admins_own_what_they_add_per_chat(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.admins[NEWSROOM["id"]] = {MEMBER["id"]}
    app = await start_bot()  # shared scope: every chat sees every article
    library = app.bot_data["state"].engine.library
    anonymous_in = {chat["id"]: {"sender_chat": chat} for chat in (NEWSROOM, DESK)}
    await telegram.say(NEWSROOM, ANONYMOUS, "/add " + example(0), "Added #1", extra=anonymous_in[NEWSROOM["id"]])
    shown = await telegram.say(DESK, ANONYMOUS, "/source 1", "<b>#1 ", extra=anonymous_in[DESK["id"]])
    assert "Newsroom (chat id -100500)" in shown.params["text"]

    # An anonymous administrator of another group shares the user id, not the ownership.
    await telegram.say(DESK, ANONYMOUS, "/remove 1", "Only the person who added it", extra=anonymous_in[DESK["id"]])
    assert library.count() == 1
    # In the group it was added in, the anonymous administrators (and the named ones) may remove it.
    confirm = await telegram.say(NEWSROOM, ANONYMOUS, "/remove 1", "Remove #1", extra=anonymous_in[NEWSROOM["id"]])
    refused = await press(telegram, OTHER, confirm.result, buttons(confirm)[0]["callback_data"])  # not an admin
    assert refused.params.get("text") == "You may not remove this article."
    await press(telegram, MEMBER, confirm.result, buttons(confirm)[0]["callback_data"])  # an administrator there
    await telegram.reply(NEWSROOM["id"], "Removed #1")
    assert library.count() == 0


async def test_anonymous_adds_from_before_belong_to_their_chat(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    library = app.bot_data["state"].engine.library
    origin = "Telegram supergroup «Newsroom» (-100500)"  # stored by earlier versions for an anonymous add
    library.add_text(example(0), added_by="Group (@GroupAnonymousBot, id 1087968824)", origin=origin)
    await telegram.say(DESK, ANONYMOUS, "/remove 1", "Only the person who added it", extra={"sender_chat": DESK})
    await telegram.say(NEWSROOM, ANONYMOUS, "/remove 1", "Remove #1", extra={"sender_chat": NEWSROOM})


async def test_without_its_conversation_state_the_bot_still_answers(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """When the database fails on conversation state (here its tables are gone), answers still go out; only what
    needed the state says so."""
    app = await start_bot(rate_limit_questions=2)
    await telegram.say(private_chat(ALICE), ALICE, "/add " + example(0), "Added #1")
    library: Library = app.bot_data["state"].engine.library
    with library.store.connection() as conn:
        for table in ("remembered_pages", "remembered", "rate_windows"):
            conn.execute(f"DROP TABLE {table}")
    for _ in range(3):  # over the limit of 2: the limit cannot be counted, so it lets questions through
        answer = await telegram.say(private_chat(ALICE), ALICE, QUESTION, "<b>Sources</b>")
    more = next(
        b["callback_data"]
        for row in answer.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "More results"
    )
    mark = len(telegram.calls)
    telegram.press(ALICE, answer.result, more)
    told = await telegram.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert told.params["text"] == "This answer is too old; please ask again."
    assert not any("Sorry" in str(c.params.get("text", "")) for c in telegram.calls)


# -- messages deleted in the chat -----------------------------------------------------------------------------------
async def test_a_deleted_question_or_status_message_loses_nothing(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """Telegram refuses a reply to a message deleted meanwhile (a question or an /add a cleaning bot removed) and an
    edit of a deleted status message. Before, the answer failed, the fallback "Sorry, something went wrong" too, and
    an /add whose message was deleted was not made (its "Extracting…" reply failed first)."""
    await start_bot(add_policy="everyone")
    await settle(telegram, NEWSROOM, ALICE)
    asked = telegram.send(NEWSROOM, BOB, "/ask " + QUESTION)
    telegram.delete(NEWSROOM["id"], asked["message_id"])
    answer = await telegram.reply(NEWSROOM["id"], "Not found")  # the library is empty: the answer still arrives
    assert "reply_to_message" not in answer.result
    mark = len(telegram.calls)
    added = telegram.send(NEWSROOM, ALICE, "/add " + example(0))
    telegram.delete(NEWSROOM["id"], added["message_id"])
    await telegram.reply(NEWSROOM["id"], "Added #1", after=mark)
    # The status message deleted: the result comes in a new message.
    telegram.vanish = lambda text: text.startswith("Extracting")
    await telegram.say(NEWSROOM, ALICE, "/add " + example(1), "Added #2")
    telegram.vanish = None
    assert not [t for t in telegram.texts(NEWSROOM["id"]) if "went wrong" in t]
    assert [c.result["error"] for c in telegram.errors()] == ["Bad Request: message to edit not found"]


async def test_find_lists_every_match_it_counts(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """ "Found 20" with long titles and outlets listed 18: the first message was sent, the rest dropped."""
    app = await start_bot(add_policy="everyone")
    library = app.bot_data["state"].engine.library
    chat = private_chat(ALICE)
    rows = [
        {
            "id": f"k{i}",
            "title": f"Kerinovo report {i} " + "with a very long headline about the river crossing " * 3,
            "source": "The Very Long Named Regional Outlet Of Kerinovo And Surroundings",
            "published": "2024-01-01",
            "text": f"Officials said {i + 3} bridges near Kerinovo were closed on Monday after the river rose.",
        }
        for i in range(20)
    ]
    library.add_jsonl([json.dumps(r).encode() for r in rows], added_by="import")
    mark = len(telegram.calls)
    await telegram.say(chat, ALICE, "/find Kerinovo", "<b>Found 20")
    await settle(telegram, chat, ALICE)
    listed = "\n".join(t for t in telegram.texts(chat["id"], after=mark) if "Kerinovo report" in t)
    assert all(f"Kerinovo report {i} " in listed for i in range(20)), listed
    assert telegram.errors() == []
