"""Auto-add through the fake Bot API: channel posts with an article's text or a link are added quietly, an edited
post updates its article, /autoadd turns it on and off, lists and undoes; groups opt in, administrators only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from conftest import StartBot
from fake_telegram import Call, FakeBotAPI, Json, group_chat, user
from support import LocalSite, Route, article_html

from bot.state import BotState
from index import ArticleInfo, Library

WIRE: Json = {"id": -1001234500, "type": "channel", "title": "Harwick Wire", "username": "harwickwire"}
NEWSROOM = group_chat(-100700, "Newsroom")
ADMIN = user(701, "Ada", "ada")
MEMBER = user(702, "Bob", "bob")
STORY = (
    "Harwick ferry service suspended after storm\n\n"
    "The ferry between Harwick and the Isle of Lune was suspended on Tuesday after the storm damaged the landing "
    "stage at the north quay, the port authority said. About 1,200 passengers a day use the crossing in winter. "
    "Engineers inspected the landing stage on Wednesday morning and found two cracked pontoons and a bent ramp. "
    "The port authority said repairs would take at least three weeks and cost about 450,000 pounds, paid from its "
    "reserve fund. A replacement bus and boat service will run from the south harbour twice a day in the meantime. "
    "Islanders said the suspension would hit the weekly market and the school run hardest."
)


def library_of(app: object) -> Library:
    st: BotState = app.bot_data["state"]  # type: ignore[attr-defined]
    return st.engine.library


async def until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    for _ in range(int(timeout * 10)):
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


def keyed(lib: Library, prefix: str) -> list[ArticleInfo]:
    return lib.list(key_prefix=prefix)


async def test_channel_posts_are_added_edited_switched_off_and_undone(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    app = await start_bot()
    lib = library_of(app)
    site.routes["/quay"] = Route(
        body=article_html("North quay reopens", ["The north quay of Harwick reopened on Friday after repairs."])
    )
    prefix = f"tg:{WIRE['id']}:"

    post = telegram.channel_post(WIRE, STORY)
    telegram.channel_post(WIRE, "Good morning, subscribers!")  # short, no link: not an article
    telegram.channel_post(WIRE, "Update: " + site.url("/quay"))
    await until(lambda: len(keyed(lib, prefix)) == 2)
    by_url = {a.url: a for a in keyed(lib, prefix)}  # posts are handled concurrently: either may be first
    story, linked = by_url[f"https://t.me/harwickwire/{post['message_id']}"], by_url[site.url("/quay")]
    assert (story.title, story.source) == ("Harwick ferry service suspended after storm", "Harwick Wire")
    assert story.url == f"https://t.me/harwickwire/{post['message_id']}" and story.published
    assert linked.url == site.url("/quay") and linked.title == "North quay reopens"

    # An edited post updates its article under the same number.
    telegram.channel_post(WIRE, STORY.replace("three weeks", "five weeks"), edit=post)
    await until(lambda: "five weeks" in lib.get(story.id).text)
    answer = lib.ask("How long will the landing stage repairs take?")
    assert not answer.abstained and any("five weeks" in c.quote for c in answer.citations)
    assert lib.count() == 2

    status = await _post_and_reply(telegram, "/autoadd", "Auto-add is on here")
    assert f"#{story.id} " in status and f"#{linked.id} " in status
    await _post_and_reply(telegram, "/autoadd off", "Auto-add is off here")
    telegram.channel_post(WIRE, STORY.replace("Harwick", "Lunemouth"))
    await _post_and_reply(telegram, f"/autoadd undo {linked.id}", f"Removed #{linked.id} «North quay reopens»")
    await _post_and_reply(telegram, "/autoadd undo 999", "#999 was not auto-added here")
    assert [a.id for a in lib.list()] == [story.id]  # the post made after "off" was not taken
    assert telegram.errors() == []


async def _post_and_reply(telegram: FakeBotAPI, text: str, expect: str) -> str:
    mark = len(telegram.calls)
    telegram.channel_post(WIRE, text)
    return str((await telegram.reply(WIRE["id"], expect, after=mark)).params["text"])


async def test_groups_opt_in_and_only_administrators_switch(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    app = await start_bot()
    lib = library_of(app)
    prefix = f"tg:{NEWSROOM['id']}:"

    telegram.send(NEWSROOM, MEMBER, STORY)  # off by default in groups: not taken
    await telegram.say(NEWSROOM, MEMBER, "/autoadd on", "Only this chat's administrators can change auto-add")
    await telegram.say(NEWSROOM, ADMIN, "/autoadd on", "Auto-add is on")
    telegram.send(NEWSROOM, MEMBER, STORY)
    await until(lambda: len(keyed(lib, prefix)) == 1)
    [taken] = keyed(lib, prefix)
    assert "Bob" in taken.added_by and lib.count() == 1
    mark = len(telegram.calls)
    telegram.send(NEWSROOM, MEMBER, "@DossierTestBot how much will the repairs cost?")
    answer = await telegram.reply(NEWSROOM["id"], "450,000 pounds", after=mark)
    assert "Sources" in answer.params["text"]
    await telegram.say(NEWSROOM, ADMIN, "/autoadd bogus", "/autoadd on · /autoadd off")
    await telegram.say(NEWSROOM, ADMIN, f"/autoadd undo {taken.id}", f"Removed #{taken.id}")
    assert lib.count() == 0

    # A post forwarded from a channel is the channel's, of the post's date, with its link: not the group's of today.
    origin = {"type": "channel", "date": 1_700_000_000, "chat": WIRE, "message_id": 41}
    telegram.send(NEWSROOM, MEMBER, STORY.replace("Harwick", "Lunemouth"), forward_origin=origin)
    await until(lambda: len(keyed(lib, prefix)) == 1)
    [forwarded] = keyed(lib, prefix)
    assert (forwarded.source, forwarded.published) == ("Harwick Wire", "2023-11-14")
    assert forwarded.url == "https://t.me/harwickwire/41"
    # From a person: the person is the source, and the post's place in this chat its link.
    person = {"type": "user", "date": 1_700_000_000, "sender_user": {"id": 9, "is_bot": False, "first_name": "Ines"}}
    sent = telegram.send(NEWSROOM, MEMBER, STORY.replace("Harwick", "Kendal"), forward_origin=person)
    await until(lambda: len(keyed(lib, prefix)) == 2)
    [by_person] = [a for a in keyed(lib, prefix) if a.id != forwarded.id]
    assert (by_person.source, by_person.published) == ("Ines", "2023-11-14")
    assert by_person.url == f"https://t.me/c/700/{sent['message_id']}"
    assert telegram.errors() == []


async def test_a_channel_posting_fast_loses_no_post(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot(rate_limit_adds=1)  # members are held to it; a channel's administrators are not
    lib = library_of(app)
    for place in ("Harwick", "Lunemouth", "Kendal Bridge"):
        telegram.channel_post(WIRE, STORY.replace("Harwick", place))
    await until(lambda: len(keyed(lib, f"tg:{WIRE['id']}:")) == 3)
    assert telegram.errors() == []


async def test_a_passage_button_under_an_answer_from_an_edited_post_says_it_changed(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    """An edit keeps the article's number with new text: the offsets a "Passage" button holds point elsewhere."""
    app = await start_bot()
    lib = library_of(app)
    post = telegram.channel_post(WIRE, STORY)
    await until(lambda: lib.count() == 1)
    chat = {"id": MEMBER["id"], "type": "private", "first_name": MEMBER["first_name"]}
    answer = await telegram.say(chat, MEMBER, "how long will the repairs take?", "<b>Sources</b>")
    [psg] = [b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"] for b in row][:1]
    shown = await _press(telegram, answer.result, psg, "sendMessage")
    assert "<b>The port authority said repairs would take at least three weeks" in shown.params["text"]

    telegram.channel_post(WIRE, STORY.replace("The ferry between", "UPDATE: corrected. The ferry between"), edit=post)
    await until(lambda: "corrected" in lib.get(1).text)
    changed = await _press(telegram, answer.result, psg, "answerCallbackQuery")
    assert changed.params["text"] == "That article has changed since this answer; ask again."
    # A button made before quotes carried their digest still opens its passage.
    st: BotState = app.bot_data["state"]
    article_id, start, end = psg.split(":")[1:4]
    earlier = st.buttons.make(f"psg:{article_id}:{start}:{end}", chat["id"])
    assert (await _press(telegram, answer.result, earlier, "sendMessage")).params["text"]
    assert telegram.errors() == []


async def _press(telegram: FakeBotAPI, message: Json, data: str, method: str) -> Call:
    mark = len(telegram.calls)
    telegram.press(MEMBER, message, data)
    return await telegram.wait_for(lambda c: c.method == method, after=mark)


async def test_a_post_edited_while_its_add_is_running_keeps_the_edit(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    lib = library_of(app)
    post = telegram.channel_post(WIRE, STORY)
    telegram.channel_post(WIRE, STORY.replace("three weeks", "five weeks"), edit=post)  # before the add is stored
    await until(lambda: lib.count() == 1 and "five weeks" in lib.get(lib.list()[0].id).text)
    assert lib.count() == 1
    assert telegram.errors() == []


async def test_an_undone_post_stays_removed_when_it_is_edited(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """An edit of a post without an article is taken (it may have become one): not when its article was removed."""
    app = await start_bot()
    lib = library_of(app)
    post = telegram.channel_post(WIRE, STORY)
    await until(lambda: lib.count() == 1)
    [taken] = lib.list()
    await _post_and_reply(telegram, f"/autoadd undo {taken.id}", f"Removed #{taken.id}")
    telegram.channel_post(WIRE, STORY.replace("three weeks", "five weeks"), edit=post)
    telegram.channel_post(WIRE, STORY.replace("Harwick", "Lunemouth"))  # a new post is still taken
    await until(lambda: lib.count() == 1 and "Lunemouth" in lib.list()[0].title)
    await asyncio.sleep(1.0)
    assert [a.title for a in lib.list()] == ["Lunemouth ferry service suspended after storm"]
    assert telegram.errors() == []
