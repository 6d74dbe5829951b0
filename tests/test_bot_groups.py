"""The bot in groups: what it answers and ignores, who may add, per-chat libraries, allowed chats."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, group_chat, private_chat, user
from support import split_like_telegram

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
ADMIN = user(601, "Olena", "olena")
MEMBER = user(602, "Mark", "mark")
NEWSROOM = group_chat(-100500, "Newsroom")
DESK = group_chat(-100600, "Night desk")
QUESTION = "how many tanks did the unit have left?"


def example(i: int) -> str:
    return str(EXAMPLES[i]["text"])


async def quiet_for(telegram: FakeBotAPI, chat_id: int, seconds: float = 1.5) -> None:
    """Assert the bot sends nothing to the chat for a while."""
    mark = len(telegram.calls)
    await asyncio.sleep(seconds)
    sent = [c for c in telegram.calls[mark:] if int(c.params.get("chat_id", 0) or 0) == chat_id]
    assert sent == [], sent


async def test_group_conversation(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    chat = NEWSROOM["id"]
    # Members may not add under the default ADD_POLICY=admins; administrators may (checked with getChatMember).
    await telegram.say(NEWSROOM, MEMBER, "/add " + example(0), "Only this chat's administrators can add")
    await telegram.say(NEWSROOM, ADMIN, "/add@DossierTestBot " + example(0), "Added #1")
    assert {c.params["user_id"] for c in telegram.calls if c.method == "getChatMember"} == {MEMBER["id"], ADMIN["id"]}
    # /add as a reply adds the replied-to message.
    pasted = telegram.send(NEWSROOM, MEMBER, example(1))
    await telegram.say(NEWSROOM, ADMIN, "/add", "Added #2", reply_to=pasted)

    # Chatter, other bots' commands and edits are ignored.
    telegram.send(NEWSROOM, MEMBER, "anyone seen the tank numbers today?")
    telegram.send(NEWSROOM, MEMBER, "/ask@SomeOtherBot " + QUESTION)
    await quiet_for(telegram, chat)

    answer = await telegram.say(NEWSROOM, MEMBER, "/ask@DossierTestBot " + QUESTION, "<b>Sources</b>")
    assert answer.params["reply_parameters"]["message_id"]  # answered as a reply to the question
    assert "40 tanks but had probably 9 left" in answer.params["text"]
    mention = await telegram.say(NEWSROOM, MEMBER, "@DossierTestBot who released the call?", "<b>Sources</b>")
    assert "military intelligence service" in mention.params["text"]
    assert "@DossierTestBot" not in mention.params["text"]

    # A reply to the bot's answer is a follow-up in that thread, answered as a reply.
    follow = await telegram.say(NEWSROOM, MEMBER, "was it authentic?", "<b>Sources</b>", reply_to=answer.result)
    assert "independently verified" in follow.params["text"]
    assert follow.params["reply_parameters"]["message_id"]
    await telegram.say(NEWSROOM, MEMBER, "/ask", "Ask something after the command")
    assert telegram.errors() == []


async def test_only_replies_to_answers_are_questions_and_answers_are_never_added(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    added = await telegram.say(NEWSROOM, ADMIN, "/add " + example(0), "Added #1")
    # A reply to the bot's status messages is chatter, not a question ("Not found …" under "Added #1").
    telegram.send(NEWSROOM, MEMBER, "great, thanks!", reply_to=added.result)
    await quiet_for(telegram, NEWSROOM["id"])
    # A reply to a "not found" is a follow-up, as a reply to an answer is.
    missing = await telegram.say(NEWSROOM, MEMBER, "/ask what did the mayor of Lviv say?", "Not found")
    await telegram.say(
        NEWSROOM, MEMBER, "and how many tanks did the unit have left?", "<b>Sources</b>", reply_to=missing.result
    )
    # The bot's own answer, added back, would be cited as a second source agreeing with the first.
    answer = await telegram.say(NEWSROOM, MEMBER, "/ask " + QUESTION, "<b>Sources</b>")
    await telegram.say(NEWSROOM, ADMIN, "/add", "Not added: that message is mine", reply_to=answer.result)
    origin = {
        "type": "user",
        "date": 1700000000,
        "sender_user": {k: telegram.bot[k] for k in ("id", "is_bot", "first_name")},
    }
    forwarded = telegram.send(NEWSROOM, MEMBER, answer.params["text"], forward_origin=origin)
    await telegram.say(NEWSROOM, ADMIN, "/add", "Not added: that message is mine", reply_to=forwarded)
    # Its inline answer, posted by a member "via" the bot, is its own too.
    me = {k: telegram.bot[k] for k in ("id", "is_bot", "first_name", "username")}
    posted = telegram.send(NEWSROOM, MEMBER, answer.params["text"], extra={"via_bot": me})
    await telegram.say(NEWSROOM, ADMIN, "/add", "Not added: that message is mine", reply_to=posted)
    await telegram.say(NEWSROOM, ADMIN, "/sources", "1 article,")
    # In a forum topic every message replies to the topic's opening: a bare /add there is a bare /add.
    root = telegram.send(NEWSROOM, ADMIN, None, extra={"forum_topic_created": {"name": "Desk", "icon_color": 7322096}})
    topic = {"message_thread_id": root["message_id"], "is_topic_message": True}
    await telegram.say(NEWSROOM, ADMIN, "/add", "To add an article: /add https://link", reply_to=root, extra=topic)
    # An answer the bot no longer remembers (a month old) is still one: its text or buttons say so.
    old = telegram.send(NEWSROOM, me, "Not found: nothing in the 1 articles searched answers this question.")
    await telegram.say(NEWSROOM, MEMBER, "how many tanks did the unit have left?", "<b>Sources</b>", reply_to=old)
    assert telegram.errors() == []


async def test_a_split_paste_is_added_whole_in_a_group(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """In a group (where the bot reads every message) an administrator's split paste is added whole; a member's
    message in between is no part of it, and the parts of a member's refused paste are dropped without a word.
    Where the bot reads only commands, a paste as long as a message may be says the rest did not reach it."""
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    telegram.bot["can_read_all_group_messages"] = True  # privacy mode off (read once, at start)
    app = await start_bot()
    chat = NEWSROOM["id"]
    body = "\n\n".join(f"Hall {i} of the Ostrava depot flooded on Tuesday, its manager said. " * 9 for i in range(15))
    parts = split_like_telegram("/add Ostrava depot flooded\n\n" + body + "\n\nThe last hall dried out on Friday.")
    assert len(parts) == 3
    mark = len(telegram.calls)
    first = telegram.send(NEWSROOM, ADMIN, parts[0])
    telegram.send(NEWSROOM, MEMBER, "coffee anyone?", extra={"date": first["date"]})
    for part in parts[1:]:
        telegram.send(NEWSROOM, ADMIN, part, extra={"date": first["date"]})
    await telegram.reply(chat, "from 3 messages", after=mark)
    article = app.bot_data["state"].engine.library.get(1)
    assert article.text.endswith("The last hall dried out on Friday.") and "coffee" not in article.text
    mark = len(telegram.calls)
    refused = telegram.send(NEWSROOM, MEMBER, parts[0].replace("Ostrava", "Opava"))
    telegram.send(NEWSROOM, MEMBER, parts[1], extra={"date": refused["date"]})
    await telegram.reply(chat, "Only this chat's administrators can add", after=mark)
    await quiet_for(telegram, chat)
    assert telegram.errors() == []


# What the bot reads of a paste in a group, no database code of its own: on SQLite only, for CI's time.
@pytest.mark.sqlite_only
async def test_a_full_paste_where_the_bot_reads_only_commands(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """With privacy mode on (the default) and not an administrator, the bot never sees the parts after an /add."""
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    text = "/add Ostrava depot flooded\n\n" + "Hall 3 of the Ostrava depot flooded on Tuesday, its manager said. " * 80
    added = await telegram.say(NEWSROOM, ADMIN, text[:4090], "Added #1")
    assert "the rest did not reach me" in added.params["text"]
    telegram.admins[NEWSROOM["id"]].add(telegram.bot["id"])  # an administrator bot reads every message
    added = await telegram.say(NEWSROOM, ADMIN, text[:4090].replace("Hall 3", "Hall 4"), "Added #2")
    assert "did not reach me" not in added.params["text"]


async def test_add_policy_everyone_and_global_admins(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(admin_user_ids=[MEMBER["id"]])
    await telegram.say(DESK, MEMBER, "/add " + example(0), "Added #1")  # a global admin, not a chat admin
    assert not any(c.method == "getChatMember" for c in telegram.calls)
    outsider = user(777, "Eve")
    await telegram.say(DESK, outsider, "/add " + example(1), "Only this chat's administrators")
    # A global admin may remove what someone else added; an ordinary member may not.
    await telegram.say(DESK, outsider, "/remove 1", "Only the person who added it or an administrator")
    await telegram.say(DESK, MEMBER, "/remove 1", "Remove #1")


async def test_add_policy_everyone(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(add_policy="everyone")
    await telegram.say(DESK, MEMBER, "/add " + example(0), "Added #1")
    note = telegram.add_file("brief.txt", b"Bridge repairs delayed\n\nEngineers said the repairs take six months.")
    telegram.send(DESK, MEMBER, None, document=note)  # no /add caption: ignored in groups
    await quiet_for(telegram, DESK["id"], 1.0)
    await telegram.say(DESK, MEMBER, None, "Added #2 «Bridge repairs delayed»", document=note, caption="/add")


async def test_per_chat_libraries_do_not_leak(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(library_scope="per_chat", add_policy="everyone")
    await telegram.say(NEWSROOM, MEMBER, "/add " + example(0), "Added #1")
    alice = user(501, "Alice", "alice")
    await telegram.say(private_chat(alice), alice, "/add " + example(1), "Added #2")

    inside = await telegram.say(NEWSROOM, MEMBER, "/ask " + QUESTION, "<b>Sources</b>")
    assert "#1" in inside.params["text"] and "#2" not in inside.params["text"]
    outside = await telegram.say(DESK, MEMBER, "/ask " + QUESTION, "Not found")
    assert "0 articles" in outside.params["text"] or "no articles" in outside.params["text"]
    await telegram.say(DESK, MEMBER, "/sources", "The library is empty")
    await telegram.say(DESK, MEMBER, "/source 1", "#1")
    assert not any("Intercepted" in t for t in telegram.texts(DESK["id"]))
    await telegram.say(DESK, MEMBER, "/find tanks", "No article contains tanks")

    # A "Passage" button pressed in another chat shows nothing of this chat's article.
    buttons = [b for row in inside.params["reply_markup"]["inline_keyboard"] for b in row]
    desk_message = telegram.send(DESK, MEMBER, "hello")
    mark = len(telegram.calls)
    telegram.press(MEMBER, desk_message, buttons[0]["callback_data"])
    denied = await telegram.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert denied.params["text"] == "This button no longer works."

    # Inline mode searches the user's own (private chat) collection (only the ministry's figures are there).
    telegram.inline(alice, "how many tanks were lost?")
    inline = await telegram.wait_for(lambda c: c.method == "answerInlineQuery")
    assert inline.params["is_personal"] is True
    assert all("#2" in r["input_message_content"]["message_text"] for r in inline.params["results"])
    assert inline.params["results"]


async def test_other_chats_are_ignored_when_allowed_chats_are_set(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(allowed_chat_ids=[NEWSROOM["id"]], add_policy="everyone")
    telegram.send(DESK, MEMBER, "/add " + example(0))
    telegram.send(DESK, MEMBER, "/start")
    await quiet_for(telegram, DESK["id"])
    await telegram.say(NEWSROOM, MEMBER, "/start", "answers questions")
    # Inline results Telegram could hand to another user typing the same query are personal.
    for who in (MEMBER, user(999, "Eve", "eve")):
        mark = len(telegram.calls)
        telegram.inline(who, QUESTION)
        call = await telegram.wait_for(lambda c: c.method == "answerInlineQuery", after=mark)
        assert call.params["is_personal"] is True


async def test_an_edited_mention_is_answered_again(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """A question to the bot whose typo is mended by editing it is answered again; an edited message that asks
    nothing stays unanswered."""
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    await telegram.say(NEWSROOM, ADMIN, "/add " + example(0), "Added #1")
    mark = len(telegram.calls)
    typo = telegram.send(NEWSROOM, MEMBER, "@DossierTestBot how many tnaks did the unit have left?")
    await telegram.wait_for(lambda c: c.method == "sendMessage" and c.params["chat_id"] == NEWSROOM["id"], after=mark)
    mark = len(telegram.calls)
    chatter = telegram.send(NEWSROOM, MEMBER, "lunch at noon?")
    telegram.push({"edited_message": {**chatter, "text": "lunch at one?", "edit_date": chatter["date"] + 1}})
    mended = {**typo, "text": "@DossierTestBot " + QUESTION, "edit_date": typo["date"] + 1}
    telegram.push({"edited_message": mended})
    again = await telegram.wait_for(lambda c: "<b>Sources</b>" in c.params.get("text", ""), after=mark)
    assert again.params["reply_parameters"]["message_id"] == typo["message_id"]
    await asyncio.sleep(0.5)
    sent = [c for c in telegram.calls[mark:] if c.method == "sendMessage"]
    assert sent == [again], [c.params.get("text", "")[:60] for c in sent]
    assert telegram.errors() == []


async def test_odd_updates_never_stop_the_bot(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    alice = user(501, "Alice", "alice")
    private = private_chat(alice)
    await telegram.say(private, alice, "/add " + example(0), "Added #1")
    sticker = {
        "file_id": "s1",
        "file_unique_id": "us1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    photo = [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}]
    channel = {"id": -1009, "type": "channel", "title": "Some channel"}
    telegram.send(private, alice, None, extra={"sticker": sticker})
    telegram.send(private, alice, None, extra={"photo": photo, "caption": "look"})
    telegram.send(private, alice, "how many tanks?", edited=True)
    telegram.send(private, alice, "   ")
    telegram.send(private, alice, "x" * 4096)
    telegram.send(private, alice, "\u202e\u200b🚀 Ω≈ç√ ‮ \x00 tanks?")
    telegram.send(private, alice, "<b>not html</b> & more & tanks?")
    telegram.send(NEWSROOM, None, "/ask tanks", extra={"sender_chat": NEWSROOM})  # anonymous admin
    telegram.push({"channel_post": {"message_id": 1, "date": 1, "chat": channel, "text": "/ask tanks"}})
    telegram.send(NEWSROOM, ADMIN, "/unknown@DossierTestBot")
    for data in ("psg:999:0:10", "psg:1:x:y", "more:expired:1", "more:bad", "src:zz", "rm:abc", "junk", ""):
        telegram.press(alice, {"message_id": 1, "date": 1, "chat": private, "text": "old"}, data)
    await telegram.say(private, alice, "how many tanks did the unit have left?", "<b>Sources</b>")
    await asyncio.sleep(1)
    sorry = [t for t in telegram.texts(private["id"]) + telegram.texts(NEWSROOM["id"]) if "went wrong" in t]
    assert sorry == []
    assert telegram.errors() == []
    answers = [c for c in telegram.calls if c.method == "answerCallbackQuery"]
    assert len(answers) >= 7 and all(c.params.get("text") for c in answers)


async def test_a_long_import_does_not_stall_questions_or_adds_elsewhere(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    await start_bot(add_policy="everyone", import_process=True)  # the bot's default
    await telegram.say(NEWSROOM, MEMBER, "/add " + example(0), "Added #1")
    long_text = "Long report on the front\n\n" + " ".join(
        f"Paragraph {i}: shelling near the village of Kerinovo{i} damaged {i} houses." for i in range(350)
    )
    report = telegram.add_file("report.txt", long_text.encode())
    await telegram.say(DESK, MEMBER, None, "…", document=report, caption="/add")  # the import is under way
    answer = await telegram.say(NEWSROOM, MEMBER, "/ask " + QUESTION, "<b>Sources</b>")
    # Another user's small add is embedded between two slices of the long import, not after it; the importer's
    # own next add waits for the first (one add at a time per user, so one user cannot hold every add thread).
    await telegram.say(NEWSROOM, MEMBER, "/add " + example(2), "Waiting for your previous add…")
    small = await telegram.say(NEWSROOM, ADMIN, "/add " + example(1), "Added #")
    done = await telegram.reply(DESK["id"], "«Long report on the front»", timeout=400)
    assert telegram.calls.index(answer) < telegram.calls.index(small) < telegram.calls.index(done)


async def test_a_follow_up_stays_within_the_question_limit(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    await start_bot()
    await telegram.say(NEWSROOM, ADMIN, "/add " + example(0), "Added #1")
    long_question = (QUESTION + " ") * 75  # 2,925 characters, answered
    answer = await telegram.say(NEWSROOM, MEMBER, "/ask " + long_question, "<b>Sources</b>")
    # Asked with the question it replies to, the follow-up would pass the 4,096 characters a question may have:
    # it is answered on its own ("Not found"), not refused as too long.
    follow_up = "what about the weather in Paris? " * 40
    reply = await telegram.say(NEWSROOM, MEMBER, follow_up, "Not found", reply_to=answer.result)
    assert "characters long" not in reply.params["text"]
    assert telegram.errors() == []


async def test_a_group_upgraded_to_a_supergroup_keeps_its_library(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """Telegram gives an upgraded group a new id and says so in a service message in each chat."""
    old, new = group_chat(-4001, "Newsroom", kind="group"), group_chat(-1004001, "Newsroom")
    telegram.admins[old["id"]] = telegram.admins[new["id"]] = {ADMIN["id"]}
    app = await start_bot(library_scope="per_chat")
    library = app.bot_data["state"].engine.library
    await telegram.say(old, ADMIN, "/add " + example(0), "Added #1")
    await telegram.say(old, ADMIN, "/autoadd on", "Auto-add is on")
    telegram.send(old, ADMIN, None, extra={"migrate_to_chat_id": new["id"]})
    telegram.send(new, ADMIN, None, extra={"migrate_from_chat_id": old["id"]})  # the second finds nothing left
    for _ in range(100):
        if library.count(collection=f"chat:{new['id']}") == 1:
            break
        await asyncio.sleep(0.05)
    await telegram.say(new, ADMIN, "/sources", "1 article,")
    await telegram.say(new, ADMIN, "/autoadd", "Auto-add is on")
    await telegram.say(new, MEMBER, "@DossierTestBot " + QUESTION, "40 tanks")
    assert library.count(collection=f"chat:{old['id']}") == 0
    assert telegram.errors() == []


async def test_anonymous_adds_of_an_upgraded_group_stay_its_administrators(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    old, new = group_chat(-4002, "Desk", kind="group"), group_chat(-1004002, "Desk")
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    app = await start_bot()  # shared scope: only the chat an anonymous add was made in owns it
    library = app.bot_data["state"].engine.library
    await telegram.say(old, anonymous, "/add " + example(0), "Added #1", extra={"sender_chat": old})
    telegram.send(old, ADMIN, None, extra={"migrate_to_chat_id": new["id"]})
    for _ in range(100):
        if library.chat_setting(new["id"], "migrated_from") == str(old["id"]):
            break
        await asyncio.sleep(0.05)
    await telegram.say(new, anonymous, "/remove 1", "Remove #1", extra={"sender_chat": new})
    await telegram.say(DESK, anonymous, "/remove 1", "Only the person who added it", extra={"sender_chat": DESK})
