"""Feeds in a group through the fake Bot API: /follow by an administrator adds the latest entries at once, the
JobQueue poll adds new ones and tells the chat, /feeds and /unfollow are per chat, members are refused. Also the
JobQueue's heartbeat behind `dossier health`."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, group_chat, private_chat, user
from support import LocalSite, Route, article_html, rss

from bot.cli import main

NEWSROOM = group_chat(-100501, "Newsroom")
OTHER = group_chat(-100502, "Other desk")
ADMIN = user(601, "Ada", "ada")
MEMBER = user(602, "Bob", "bob")
FEED = "application/rss+xml"


def serve(site: LocalSite, paths: list[str], etag: str) -> None:
    for p in paths:
        site.routes[p] = Route(
            body=article_html(
                f"Harbour story {p[-1]}",
                [
                    f"Harbour story {p[-1]}: the harbour of Harwick reopened on day {p[-1]} after the storm.",
                    f"Repairs to pier {p[-1]} will cost about {p[-1]}00,000 pounds, the harbour master said.",
                ],
            )
        )
    entries = [{"title": f"Harbour story {p[-1]}", "link": site.url(p), "guid": p} for p in reversed(paths)]
    site.routes["/rss"] = Route(body=rss("Harwick Post", entries), content_type=FEED, headers={"ETag": etag})


async def test_follow_poll_digest_feeds_and_unfollow_in_a_group(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    telegram.admins[NEWSROOM["id"]] = {ADMIN["id"]}
    telegram.admins[OTHER["id"]] = {ADMIN["id"]}
    serve(site, ["/s1", "/s2"], '"one"')
    await start_bot(feed_poll_minutes=0.02)  # the JobQueue polls every 1.2 s

    await telegram.say(NEWSROOM, MEMBER, "/follow " + site.url("/rss"), "Only this chat's administrators")
    done = await telegram.say(NEWSROOM, ADMIN, "/follow " + site.url("/rss"), "2 new")
    assert done.params["text"] == "#1 Harwick Post: 2 new (#1, #2)"
    await telegram.say(NEWSROOM, ADMIN, "/follow " + site.url("/rss"), "already following that feed as #1")
    # The library is shared: the other desk joins the feed (polled once), and its digests go to both chats.
    joined = await telegram.say(OTHER, ADMIN, "/follow " + site.url("/rss"), "Following #1 Harwick Post here too")
    assert "announced in both" in joined.params["text"]
    await telegram.say(OTHER, ADMIN, "/follow " + site.url("/rss"), "already following that feed as #1")
    await telegram.say(NEWSROOM, ADMIN, "/follow " + site.url("/s1"), "is not an RSS or Atom feed")

    mark = len(telegram.calls)
    serve(site, ["/s1", "/s2", "/s3"], '"two"')
    news = await telegram.reply(NEWSROOM["id"], "1 new article from Harwick Post", after=mark)
    assert "#3 Harbour story 3" in news.params["text"]
    also = await telegram.reply(OTHER["id"], "1 new article from Harwick Post", after=mark)
    assert "#3 Harbour story 3" in also.params["text"]
    answer = await telegram.say(NEWSROOM, ADMIN, "/ask how much will repairs to pier 3 cost?", "<b>Sources</b>")
    assert "300,000 pounds" in answer.params["text"]

    listed = await telegram.say(NEWSROOM, MEMBER, "/feeds", "<b>Feeds</b>")
    assert f"#1 Harwick Post · {site.url('/rss')} · read 20" in listed.params["text"]
    await telegram.say(OTHER, ADMIN, "/feeds", "#1 Harwick Post")
    await telegram.say(NEWSROOM, MEMBER, "/unfollow 1", "Only this chat's administrators")
    await telegram.say(NEWSROOM, ADMIN, "/unfollow abc", "Which feed?")
    # The chat that followed first leaves: the other takes the feed over.
    await telegram.say(
        NEWSROOM, ADMIN, "/unfollow 1", "Unfollowed #1 Harwick Post. Its articles stay in the library. Other"
    )
    await telegram.say(NEWSROOM, ADMIN, "/feeds", "This chat follows no feeds")
    await telegram.say(NEWSROOM, ADMIN, "/unfollow 1", "This chat follows no feed #1")
    await telegram.say(OTHER, ADMIN, "/unfollow 1", "Unfollowed #1 Harwick Post. Its articles stay in the library.")
    await telegram.say(OTHER, ADMIN, "/feeds", "This chat follows no feeds")
    await telegram.say(NEWSROOM, ADMIN, "/sources", "Harbour story 3")
    assert telegram.errors() == []


async def test_following_counts_against_the_add_limit(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    serve(site, ["/s1"], '"one"')
    await start_bot(rate_limit_adds=1)
    me = user(603, "Cy", "cy")
    chat = private_chat(me)
    await telegram.say(chat, me, "/follow " + site.url("/rss"), "1 new")
    await telegram.say(chat, me, "/follow " + site.url("/rss") + "?again", "Slow down: too many additions")


async def test_the_running_bot_beats_and_dossier_health_reads_it(
    start_bot: StartBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = await start_bot()
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("heartbeat")  # after the start-up beat, one every 30 s
    assert job.job.trigger.interval.total_seconds() == 30
    beat = tmp_path / "data" / ".heartbeat"
    for _ in range(100):
        if beat.exists():
            break
        await asyncio.sleep(0.1)
    assert main(["--data-dir", str(tmp_path / "data"), "health"]) == 0
    assert capsys.readouterr().out.startswith("ok: the bot's last heartbeat was ")
    old = time.time() - 600
    os.utime(beat, (old, old))
    assert main(["--data-dir", str(tmp_path / "data"), "health"]) == 1
    assert "unhealthy: the bot's last heartbeat was 600 s ago" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "health"]) == 1
    assert "unhealthy: no heartbeat in" in capsys.readouterr().err


async def test_a_long_list_of_feeds_comes_in_several_messages(
    telegram: FakeBotAPI, start_bot: StartBot, site: LocalSite
) -> None:
    app = await start_bot()
    serve(site, ["/s1"], '"one"')
    library = app.bot_data["state"].engine.library
    me = user(604, "Di", "di")
    chat = private_chat(me)
    query = "&".join(f"topic{i}=harbour-storm-repairs" for i in range(5))
    for i in range(20):  # the most a chat may follow, each with a long search-style address
        library.follow(f"{site.url('/rss')}?feed={i}&{query}", chat=chat["id"])
    mark = len(telegram.calls)
    telegram.send(chat, me, "/feeds")
    await telegram.reply(chat["id"], "<b>Feeds</b>", after=mark)
    await asyncio.sleep(1.0)
    pages = telegram.texts(chat["id"], after=mark)
    assert len(pages) >= 2 and pages[0].startswith("<b>Feeds</b>\n#1 Harwick Post")
    assert sum(p.count("Harwick Post") for p in pages) == 20
    assert all(line.startswith(("#", "<b>Feeds")) for p in pages for line in p.split("\n"))  # whole lines
    assert telegram.errors() == []  # the fake API refuses a message over Telegram's length, as Telegram does
