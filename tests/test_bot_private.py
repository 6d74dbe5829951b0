"""The bot in a private chat, driven through the fake Bot API: add, ask, buttons, library commands, inline."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import Call, FakeBotAPI, private_chat, user
from support import LocalSite, Route, article_html, split_like_telegram, synthetic_jsonl

from bot.state import BotState

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
ALICE = user(501, "Alice", "alice")
CHAT = private_chat(ALICE)
ID = CHAT["id"]


def example(i: int) -> str:
    return str(EXAMPLES[i]["text"])


async def add_examples(telegram: FakeBotAPI, *which: int) -> None:
    for n, i in enumerate(which, start=1):
        await telegram.say(CHAT, ALICE, "/add " + example(i), f"Added #{n} ")


async def test_an_edited_question_is_asked_anew(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """A question whose typo is mended by editing it is answered again; so is an edited /ask."""
    await start_bot()
    await add_examples(telegram, 0)

    def answered(c: Call) -> bool:
        return c.method == "sendMessage" and c.params["chat_id"] == ID

    for typo, mended in (
        ("how many tnaks did the unit have left?", "how many tanks did the unit have left?"),
        ("/ask how many tnaks?", "/ask how many tanks?"),
    ):
        mark = len(telegram.calls)
        sent = telegram.send(CHAT, ALICE, typo)
        await telegram.wait_for(answered, after=mark)
        mark = len(telegram.calls)
        telegram.push({"edited_message": {**sent, "text": mended, "edit_date": sent["date"] + 1}})
        again = await telegram.wait_for(answered, after=mark)
        assert "<b>Sources</b>" in again.params["text"] and "9 left" in again.params["text"], again.params["text"]
    assert telegram.errors() == []


async def test_private_chat_adds_and_answers_with_citations(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot(import_process=True)  # the bot's default, as a user runs it
    await telegram.say(CHAT, ALICE, "/start", "answers questions about your team")
    added = await telegram.say(CHAT, ALICE, "/add " + example(0), "Added #1")
    assert added.method == "editMessageText"  # the progress message, edited into the result
    assert "«Sample: Intercepted call describes tank shortage» (" in added.params["text"]
    await telegram.say(CHAT, ALICE, "/add " + example(1), "Added #2")

    mark = len(telegram.calls)
    answer = await telegram.say(CHAT, ALICE, "how many tanks?", "<b>Sources</b>")
    text = answer.params["text"]
    assert answer.params["parse_mode"] == "HTML"
    assert answer.params["link_preview_options"] == {"is_disabled": True}
    assert "<blockquote>In an intercepted call released by a military intelligence service, a soldier told a " in text
    assert "18 tanks" in text
    assert re.search(r"\[1\] Sample: .+ · #\d", text) and re.search(r"\[2\] Sample: .+ · #\d", text)
    assert any(c.method == "sendChatAction" and c.params["action"] == "typing" for c in telegram.calls[mark:])
    buttons = [b for row in answer.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["Passage 1", "Passage 2", "More results", "👍", "👎"]

    # "Passage 1": the whole passage with the quote in bold.
    mark = len(telegram.calls)
    telegram.press(ALICE, answer.result, buttons[0]["callback_data"])
    passage = await telegram.wait_for(lambda c: c.method == "sendMessage" and "<b>" in c.params["text"], after=mark)
    assert "</b>" in passage.params["text"] and "Sample: " in passage.params["text"]
    await telegram.wait_for(lambda c: c.method == "answerCallbackQuery", after=mark)

    # "More results": the next, weaker quotes (or a short notice that there are none).
    mark = len(telegram.calls)
    telegram.press(ALICE, answer.result, next(b["callback_data"] for b in buttons if b["text"] == "More results"))
    more = await telegram.wait_for(
        lambda c: (
            (c.method == "sendMessage" and "More results" in c.params["text"])
            or (c.method == "answerCallbackQuery" and "No more" in c.params.get("text", ""))
        ),
        after=mark,
    )
    if more.method == "sendMessage":
        assert "<blockquote>" in more.params["text"]
    assert telegram.errors() == []


async def test_duplicates_failures_and_unrelated_questions(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    await start_bot()
    await add_examples(telegram, 0)
    await telegram.say(CHAT, ALICE, "/add " + example(0), "already in the library as #1")
    await telegram.say(CHAT, ALICE, "/add", "To add an article: /add https://link")
    await telegram.say(CHAT, ALICE, "/add    ", "To add an article")

    site.routes["/story"] = Route(body=article_html("Shelling hits the power station", ["Body sentence. " * 3]))
    await telegram.say(CHAT, ALICE, "/add " + site.url("/missing"), "Not added: ")
    failure = await telegram.say(CHAT, ALICE, "/add http://127.0.0.1:9/nothing-listens-here", "Not added: ")
    assert failure.params["text"].count("\n") == 0
    refused = await telegram.say(CHAT, ALICE, "/add http://169.254.169.254/latest/meta-data", "Not added: ")
    assert "169.254.169.254" in refused.params["text"] or "address" in refused.params["text"]

    nothing = await telegram.say(CHAT, ALICE, "what is the weather in Paris today?", "Not found")
    assert "/sources" in nothing.params["text"] and "<blockquote>" not in nothing.params["text"]
    assert "the one article" in nothing.params["text"]  # not "the 1 articles"
    assert telegram.errors() == []


async def test_a_lone_link_and_documents_are_added(telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite) -> None:
    await start_bot(max_file_bytes=5_000)
    body = "Drone strikes on the depot destroyed fuel trucks, the governor said. " * 4
    site.routes["/depot"] = Route(body=article_html("Depot burns after drone strikes", [body, body]))
    await telegram.say(CHAT, ALICE, site.url("/depot"), "Added #1 «Depot burns after drone strikes»")
    # A link with words after it is a question about it, not a link to fetch as written; /add takes its links.
    asked = await telegram.say(CHAT, ALICE, site.url("/depot") + " what burned at the depot?", "fuel trucks")
    assert "<b>Sources</b>" in asked.params["text"]
    site.routes["/pier"] = Route(body=article_html("Pier closed after storm", ["The storm closed the pier. " * 4]))
    await telegram.say(CHAT, ALICE, f"/add {site.url('/pier')} must read", "Added #2 «Pier closed after storm»")
    await telegram.say(CHAT, ALICE, f"/add {site.url('/depot')}\n{site.url('/pier')}", "already in the library as #2")
    await telegram.say(CHAT, ALICE, f"{site.url('/depot')}\n{site.url('/pier')}", "already in the library as #2")

    note = telegram.add_file(
        "brief.md", b"# Bridge repairs delayed\n\nEngineers said the bridge repairs would take six months."
    )
    await telegram.say(CHAT, ALICE, None, "Added #3 «Bridge repairs delayed»", document=note)

    sheet = telegram.add_file("report.xlsx", b"PK\x03\x04", "application/vnd.ms-excel")
    await telegram.say(CHAT, ALICE, None, "unsupported file type", document=sheet)
    big = telegram.add_file("huge.txt", b"Long text. " * 1000)
    too_large = await telegram.say(CHAT, ALICE, None, "larger than the limit of 5,000 bytes", document=big)
    assert too_large.params["text"].startswith("Not added")
    assert not any(
        c.method == "getFile" and c.params["file_id"] in (sheet["file_id"], big["file_id"]) for c in telegram.calls
    )

    answer = await telegram.say(CHAT, ALICE, "when will the bridge be repaired?", "<b>Sources</b>")
    assert "six months" in answer.params["text"]


async def test_a_forwarded_teaser_adds_the_story_it_links_to(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    """A post shorter than an article that links to one is read as auto-add reads a channel's post: the linked page
    is added, not the teaser. Before, "Council approves… Read the full story: <link>" was stored as the article."""
    await start_bot()
    story = "The council approved the Ashford bridge budget on Monday; construction will start in March, it said."
    site.routes["/story"] = Route(body=article_html("Ashford bridge budget approved", [story * 3]))
    site.routes["/hidden"] = Route(body=article_html("Ferry to stop in winter", [story.replace("bridge", "ferry") * 3]))
    channel = {"id": -1001234567891, "type": "channel", "title": "Ashford Herald", "username": "ashford_herald"}
    origin = {"type": "channel", "date": 1_700_000_000, "chat": channel, "message_id": 80}
    teaser = f"Council approves new Ashford bridge budget. Read the full story: {site.url('/story')}"
    await telegram.say(CHAT, ALICE, teaser, "Added #1 «Ashford bridge budget approved»", forward_origin=origin)
    # The link behind words ("Full story"), as Telegram gives it: a text_link entity.
    hidden = "Ferry news. Full story"
    link = {"type": "text_link", "offset": len(hidden) - 10, "length": 10, "url": site.url("/hidden")}
    origin = {**origin, "message_id": 81}
    await telegram.say(
        CHAT, ALICE, hidden, "Added #2 «Ferry to stop in winter»", forward_origin=origin, extra={"entities": [link]}
    )
    assert site.requests.count("/story") == 1 and site.requests.count("/hidden") == 1
    answer = await telegram.say(CHAT, ALICE, "when will construction start?", "<b>Sources</b>")
    assert "start in March" in answer.params["text"]


async def test_a_link_without_its_scheme_is_a_link(telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite) -> None:
    """Telegram marks "example.com/story" as a link as it does "https://…": alone in a message, or after /add, it
    is fetched (as https), not asked as a question nor stored as a text of a few words."""
    await start_bot()
    bare = site.url("/story").removeprefix("http://")
    marked = {"entities": [{"type": "url", "offset": 0, "length": len(bare)}]}
    fetched = await telegram.say(CHAT, ALICE, bare, "Not added", extra=marked)
    assert "TLS failed for 127.0.0.1" in fetched.params["text"]  # fetched as https (the local site speaks http)
    command = {"entities": [{"type": "bot_command", "offset": 0, "length": 4}, {**marked["entities"][0], "offset": 5}]}
    again = await telegram.say(CHAT, ALICE, f"/add {bare}", "Not added", extra=command)
    assert "TLS failed for 127.0.0.1" in again.params["text"]
    assert not [t for t in telegram.texts(CHAT["id"]) if "Not found" in t or "words" in t]


async def test_a_photo_or_voice_message_gets_a_line(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """A message with nothing the bot reads got no reply at all."""
    await start_bot()
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}]}
    await telegram.say(CHAT, ALICE, None, "I read only text", caption="how many tanks?", extra=photo)
    voice = {"voice": {"file_id": "v1", "file_unique_id": "uv1", "duration": 3}}
    await telegram.say(CHAT, ALICE, None, "I read only text", extra=voice)
    mark = len(telegram.calls)
    for _ in range(3):  # an album: one message a photo, one line for all
        telegram.send(CHAT, ALICE, None, extra={**photo, "media_group_id": "album-1"})
    await telegram.say(CHAT, ALICE, "/help", "answers questions")
    assert sum("I read only text" in t for t in telegram.texts(CHAT["id"], after=mark)) == 1
    assert telegram.errors() == []


def kerinovo() -> list[str]:
    """24 paragraphs of a made-up report, the last with a figure only it gives."""
    paragraphs = [
        " ".join(
            [
                f"Paragraph {i}: the river crossing at Kerinovo stayed closed on day {i} while engineers checked the "
                f"eastern span, and {100 + i} lorries waited on the northern bank for the ferry to resume."
            ]
            * 3
        )
        for i in range(1, 25)
    ]
    paragraphs[-1] += " The last convoy of 412 grain lorries crossed on Friday evening, the port authority said."
    return paragraphs


# A paste's parts are joined in the bot's memory; adds are stored on both legs elsewhere: on SQLite only, for CI's
# time.
@pytest.mark.sqlite_only
async def test_a_paste_telegram_split_into_messages_is_added_whole(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """A client sends a paste longer than 4,096 characters as several messages, only the first with /add: the
    whole text is added once its last part came (the parts were answered as questions). A part may start with "/"
    (not a command of the bot's); a forward, an /add or a message sent seconds later is none of its parts."""
    app = await start_bot()
    library = app.bot_data["state"].engine.library
    paragraphs = kerinovo()
    paragraphs[14] = "/r/kerinovo readers asked why the ferry was slow. " + paragraphs[14]  # opens a part
    whole = "\n\n".join(["Kerinovo crossing closed", *paragraphs])
    parts = split_like_telegram("/add " + whole)
    assert len(parts) >= 4 and any(p.startswith("/r/kerinovo") for p in parts)
    mark = len(telegram.calls)
    first = telegram.send(CHAT, ALICE, parts[0])
    for part in parts[1:]:
        telegram.send(CHAT, ALICE, part, extra={"date": first["date"] + 1})
    added = await telegram.reply(ID, f"from {len(parts)} messages (Telegram's app split the paste)", after=mark)
    assert added.params["text"].startswith("Added #1 «Kerinovo crossing closed»")
    texts = telegram.texts(ID, after=mark)
    assert not any("Sources" in t or "Not found" in t or "Unknown command" in t for t in texts), texts
    assert library.count() == 1 and library.get(1).text == whole  # every paragraph once, in order
    await telegram.say(CHAT, ALICE, "How many grain lorries crossed in the last convoy?", "412 grain lorries")
    # Pasted again: the same article, not a second copy of its first part.
    mark = len(telegram.calls)
    first = telegram.send(CHAT, ALICE, parts[0])
    for part in parts[1:]:
        telegram.send(CHAT, ALICE, part, extra={"date": first["date"]})
    await telegram.reply(ID, "already in the library as #1", after=mark)
    assert library.count() == 1
    # An edit of a part is not applied, nor asked.
    mark = len(telegram.calls)
    sent = telegram.messages[(ID, first["message_id"] + 1)]
    telegram.push({"edited_message": {**sent, "text": sent["text"] + " More.", "edit_date": sent["date"] + 1}})
    await telegram.reply(ID, "Edits of a pasted article are not applied", after=mark)

    # A long first part alone: an /add and a forward within its window are an add and a post of their own, a
    # question 7 s later is asked.
    mark = len(telegram.calls)
    lone = telegram.send(CHAT, ALICE, "/add Ferry timetable\n\n" + paragraphs[0].replace("river", "ferry") * 6)
    telegram.send(CHAT, ALICE, "/add Road works\n\n" + paragraphs[3].replace("river", "lane") * 2)
    channel = {"id": -1001234567893, "type": "channel", "title": "River Post", "username": "river_post"}
    origin = {"type": "channel", "date": 1_700_000_000, "chat": channel, "message_id": 5}
    forward = "Harbour news\n\n" + paragraphs[2].replace("river", "harbour") * 2
    telegram.send(CHAT, ALICE, forward, forward_origin=origin, extra={"date": lone["date"]})
    telegram.send(CHAT, ALICE, "how many lorries waited on day 3?", extra={"date": lone["date"] + 7})
    await telegram.reply(ID, "Sources", after=mark)
    for n in (2, 3, 4):
        await telegram.reply(ID, f"Added #{n} ", after=mark)
    assert {library.get(n).info.title for n in (2, 3, 4)} == {"Ferry timetable", "Road works", "Harbour news"}
    assert not any("messages (Telegram" in t for t in telegram.texts(ID, after=mark))
    assert telegram.errors() == []


async def test_a_split_paste_over_the_size_limit_is_refused_whole(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """A paste larger than MAX_FILE_BYTES is refused in one line, not added cut at the limit; its parts are not
    asked either."""
    await start_bot(max_file_bytes=9000)
    parts = split_like_telegram("/add " + "\n\n".join(["Kerinovo crossing closed", *kerinovo()]))
    assert len(parts) >= 4
    mark = len(telegram.calls)
    first = telegram.send(CHAT, ALICE, parts[0])
    for part in parts[1:]:
        telegram.send(CHAT, ALICE, part, extra={"date": first["date"]})
    await telegram.reply(ID, "Not added: the pasted text is larger than the limit of 9,000 bytes", after=mark)
    await telegram.say(CHAT, ALICE, "/help", "answers questions")
    assert not any("Sources" in t or "Not found" in t or "Added" in t for t in telegram.texts(ID, after=mark))


async def test_a_pasted_text_that_names_sites_is_a_text(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    """Telegram marks "Booking.com" and "cnmc.es" as links: in a pasted article they are words, not pages to fetch
    (an /add is links only when it is nothing but links, or when it opens with one written with its scheme)."""
    await start_bot()
    paste = (
        "Booking.com fined by Spanish regulator\n\nMadrid's competition authority fined Booking.com 413 million "
        "euros on Tuesday for abusing its dominant position, according to a ruling published on cnmc.es."
    )
    text = "/add " + paste
    marks = [{"type": "bot_command", "offset": 0, "length": 4}]
    for word in ("Booking.com", "cnmc.es"):
        marks.append({"type": "url", "offset": text.index(word), "length": len(word)})
    await telegram.say(
        CHAT, ALICE, text, "Added #1 «Booking.com fined by Spanish regulator»", extra={"entities": marks}
    )


async def test_a_short_post_with_no_article_link_is_stored_as_it_is(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    """A link to the channel itself ("Subscribe") is no article; a link that is no page (an image) is not added, and
    the post's own text is, with its source."""
    await start_bot()
    channel = {"id": -1001234567892, "type": "channel", "title": "Frontline Monitor", "username": "frontline_mon"}
    origin = {"type": "channel", "date": 1_700_000_000, "chat": channel, "message_id": 90}
    flash = "Convoy hit near the border crossing overnight, officials said.\n\nSubscribe"
    link = {"type": "text_link", "offset": len(flash) - 9, "length": 9, "url": "https://t.me/frontline_mon"}
    await telegram.say(
        CHAT, ALICE, flash, "Added #1 «Convoy hit near the border", forward_origin=origin, extra={"entities": [link]}
    )
    site.routes["/photo.jpg"] = Route(body=b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    teaser = f"Floodgates opened at Rivna on Monday as the river rose. Photo: {site.url('/photo.jpg')}"
    origin = {**origin, "message_id": 91}
    added = await telegram.say(CHAT, ALICE, teaser, "Added #2 «Floodgates opened", forward_origin=origin)
    assert "Telegram allows" not in added.params["text"]
    shown = await telegram.say(CHAT, ALICE, "/source 2", "<b>#2 ")
    assert "Outlet: Frontline Monitor" in shown.params["text"]


async def test_forwarded_channel_post_keeps_its_source(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    channel = {"id": -1001234567890, "type": "channel", "title": "Frontline Monitor", "username": "frontline_mon"}
    origin = {"type": "channel", "date": 1_700_000_000, "chat": channel, "message_id": 77}
    post = "Convoy hit near the border\n\nA supply convoy of 12 trucks was hit near the border crossing overnight."
    await telegram.say(CHAT, ALICE, post, "Added #1 «Convoy hit near the border»", forward_origin=origin)
    shown = await telegram.say(CHAT, ALICE, "/source 1", "<b>#1 Convoy hit near the border</b>")
    text = shown.params["text"]
    assert "Outlet: Frontline Monitor" in text and "https://t.me/frontline_mon/77" in text
    assert "Alice (@alice, id 501)" in text and "forwarded from channel «Frontline Monitor»" in text
    assert "Published: 2023-11-14" in text

    # A post that carries a file keeps its source as well.
    report = "Floodgates opened at Rivna\n\nEngineers opened the Rivna floodgates on Monday as the river rose."
    document = telegram.add_file("report.txt", report.encode())
    origin = {**origin, "message_id": 78}
    await telegram.say(CHAT, ALICE, None, "Added #2", document=document, forward_origin=origin)
    text = (await telegram.say(CHAT, ALICE, "/source 2", "<b>#2 ")).params["text"]
    assert "Outlet: Frontline Monitor" in text and "https://t.me/frontline_mon/78" in text
    assert "Published: 2023-11-14" in text and "forwarded from channel «Frontline Monitor»" in text


async def test_library_commands(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    app = await start_bot()
    library = app.bot_data["state"].engine.library
    library.add_jsonl(synthetic_jsonl(12).splitlines(), added_by="import")
    first = await telegram.say(CHAT, ALICE, "/sources", "12 articles, page 1/2")
    assert first.params["text"].count("\n#") == 10
    (next_button,) = [b for row in first.params["reply_markup"]["inline_keyboard"] for b in row]
    telegram.press(ALICE, first.result, next_button["callback_data"])
    second = await telegram.reply(ID, "page 2/2")
    assert second.method == "editMessageText" and second.params["text"].count("\n#") == 2

    found = await telegram.say(CHAT, ALICE, "/find Velmora0", "<b>Found")
    assert "Heavy fighting reported near Velmora0" in found.params["text"]
    await telegram.say(CHAT, ALICE, "/find zzzqqq", "No article contains zzzqqq")
    # Words the index does not keep are not words no article has.
    await telegram.say(
        CHAT, ALICE, "/find a & b", "nothing to look up in «a &amp; b»: one-letter and very common words"
    )
    await telegram.say(CHAT, ALICE, "/find R&D", "No article contains R&amp;D")  # one word, which no article has
    await telegram.say(CHAT, ALICE, "/stats", "12 articles")
    await telegram.say(CHAT, ALICE, "/source abc", "Which article?")
    await telegram.say(CHAT, ALICE, "/source 99", "#99")

    # Removing: only the person who added it or an admin; a confirmation button first.
    await telegram.say(CHAT, ALICE, "/remove 3", "Only the person who added it or an administrator")
    await telegram.say(
        CHAT, ALICE, "/add Fresh report\n\nA new report on the front near Velmora0 with 3 tanks.", "Added #13"
    )
    confirm = await telegram.say(CHAT, ALICE, "/remove 13", "Remove #13 «Fresh report»?")
    remove, cancel = confirm.params["reply_markup"]["inline_keyboard"][0]
    telegram.press(ALICE, confirm.result, cancel["callback_data"])
    await telegram.reply(ID, "Kept.")
    telegram.press(ALICE, confirm.result, remove["callback_data"])
    await telegram.reply(ID, "Removed #13 «Fresh report».")
    assert library.count() == 12
    telegram.press(ALICE, confirm.result, remove["callback_data"])  # pressed again on the old message
    await telegram.wait_for(lambda c: c.method == "answerCallbackQuery" and c.params.get("text") == "Already removed.")
    await telegram.say(CHAT, ALICE, "/frobnicate", "Unknown command /frobnicate")
    assert telegram.errors() == []


async def test_inline_mode_answers_with_cited_quotes(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    await start_bot()
    await add_examples(telegram, 0, 1)
    telegram.inline(ALICE, "how many tanks were lost?")
    call = await telegram.wait_for(lambda c: c.method == "answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    assert all(r["type"] == "article" for r in results)
    message = results[0]["input_message_content"]["message_text"]
    assert message.startswith("<blockquote>") and "· #" in message
    assert any("tanks" in r["title"] for r in results)

    telegram.inline(ALICE, "banana bread recipe with walnuts")
    empty = await telegram.wait_for(lambda c: c.method == "answerInlineQuery", after=telegram.calls.index(call) + 1)
    assert empty.params["results"] == [] and empty.params["button"]["text"] == "Not found in 2 articles"
    assert telegram.errors() == []


async def test_flood_limits_rate_limits_and_optional_calls(telegram: FakeBotAPI, start_bot: StartBot) -> None:
    telegram.failures["setMyCommands"] = [{"ok": False, "error_code": 400, "description": "Bad Request: nope"}]
    retry = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1"}
    telegram.failures["sendMessage"] = [{**retry, "parameters": {"retry_after": 1}}]
    telegram.failures["sendChatAction"] = [{"ok": False, "error_code": 400, "description": "Bad Request: chat"}]
    app = await start_bot(rate_limit_questions=2)
    assert isinstance(app.bot_data["state"], BotState)
    # The first sendMessage gets 429 (flood limit): it is retried after retry_after.
    await telegram.say(CHAT, ALICE, "/help", "answers questions about your team")
    await add_examples(telegram, 0)
    # "typing…" fails for the first question (an optional call): the answer still comes.
    await telegram.say(CHAT, ALICE, "how many tanks are left?", "<b>Sources</b>")
    telegram.send(CHAT, ALICE, "was the call authentic?")
    await telegram.say(CHAT, ALICE, "who released the call?", "Slow down: too many questions")
    assert [c.method for c in telegram.errors()] == ["setMyCommands", "sendMessage", "sendChatAction"]


async def test_every_handled_update_logs_one_info_line(
    telegram: FakeBotAPI, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    await start_bot()
    with caplog.at_level(logging.INFO, logger="bot.activity"):
        await add_examples(telegram, 0)
        await telegram.say(CHAT, ALICE, "how many tanks?", "<b>Sources</b>")
        await telegram.say(CHAT, ALICE, "what is the weather in Paris?", "Not found")
        await telegram.say(CHAT, ALICE, "/stats", "1 article,")
        await telegram.say(CHAT, ALICE, "/add " + example(0), "already in the library")
        for _ in range(100):  # the line is written once the handler has returned, just after its reply
            lines = [r.getMessage() for r in caplog.records if r.name == "bot.activity"]
            if len(lines) == 5:
                break
            await asyncio.sleep(0.05)
    chat = f"chat={CHAT['id']}"
    assert len(lines) == 5 and all(line.startswith(f"update {chat} kind=") for line in lines)
    # One line each; a line is written after its reply, so a quick command's may come before a question's.
    patterns = (
        r"kind=command /add .*added=#1",
        r"kind=text ms=\d+ abstained=False citations=[1-9]",
        r"kind=text ms=\d+ abstained=True citations=0",
        r"kind=command /stats",
        r"kind=command /add .*added=duplicate",
    )
    assert all(sum(bool(re.search(p, line)) for line in lines) == 1 for p in patterns), lines
