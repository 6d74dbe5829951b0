"""RSS and Atom feeds in the chat: /follow, /feeds, /unfollow, and the scheduled poll that adds new entries and tells
each chat what its feeds brought."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import TelegramError

from bot import activity
from bot.rendering import cap, esc, pack
from bot.rights import may_add
from bot.state import Context, added_by, number_arg, payload_or_usage, sender_key, state
from index import DossierError, Feed, PollResult, poll_summary

log = logging.getLogger(__name__)
DIGEST_TITLES = 10  # articles named in a digest; the rest are counted
POLL_LEASE = 0.9  # of the interval: a round's lease ends before this process's next round starts
POLL_HOLD = 3600.0  # seconds a poll may take before another process may start one (the holder died mid-poll)
MAX_FEEDS_PER_CHAT = 20  # each is fetched at every poll, in the threads that adds use


async def follow(update: Update, context: Context) -> None:
    """/follow URL — follow a feed for this chat and add its latest entries now."""
    message = update.effective_message
    if message is None:
        return
    url = await payload_or_usage(message, "Which feed? e.g. /follow https://example.com/rss (RSS or Atom)")
    if url is None:
        return
    if not await may_add(update, context):
        await message.reply_text("Only this chat's administrators can follow feeds here.")
        return
    st, chat = state(context), message.chat
    admission = await st.adds.check(st.engine, sender_key(message))  # a feed brings articles: it counts as an add
    if not admission.allowed:
        if admission.first_refusal:
            await message.reply_text(f"Slow down: too many additions. Try again in {admission.wait:.0f} s.")
        return
    library = st.engine.library
    if len(await st.engine.read(library.feeds, chat.id)) >= MAX_FEEDS_PER_CHAT:
        await message.reply_text(f"This chat follows {MAX_FEEDS_PER_CHAT} feeds already; /unfollow one first.")
        return
    feed = await st.engine.write(
        library.follow,
        url,
        collection=st.collection(chat.id),
        added_by=added_by(message.from_user, message),
        chat=chat.id,
    )
    if feed.chat != chat.id:  # another chat of this library follows it: one poll, its digests now here too
        await message.reply_text(
            f"Following #{feed.id} {esc(cap(feed.title))} here too: another chat follows it already, so its "
            "articles come in once and new ones are announced in both."
        )
        return
    status = await message.reply_text(f"Following #{feed.id} {esc(cap(feed.title))}. Adding its latest entries…")
    async with st.add_lanes.lane(sender_key(message)):
        [result] = await st.engine.write(library.poll, [feed.id])
    activity.note(added=len(result.added))
    await status.edit_text(esc(poll_summary(result)))


async def feeds(update: Update, context: Context) -> None:
    """/feeds — the feeds this chat follows, with when each was last read."""
    message = update.effective_message
    if message is None:
        return
    st = state(context)
    followed = await st.engine.read(st.engine.library.feeds, message.chat.id)
    if not followed:
        await message.reply_text("This chat follows no feeds. Add one: /follow https://example.com/rss")
        return
    # Up to MAX_FEEDS_PER_CHAT lines of titles, links and errors: more than one message holds.
    for page in pack(["<b>Feeds</b>", *(_feed_line(f) for f in followed)], separator="\n"):
        await message.reply_text(page)


def _feed_line(feed: Feed) -> str:
    state_ = f"read {feed.polled_at[:16].replace('T', ' ')} UTC" if feed.polled_at else "not read yet"
    if feed.last_error:
        state_ += f" — last error: {cap(feed.last_error, 200)}"
    return f"#{feed.id} {esc(cap(feed.title))} · {esc(cap(feed.url, 200))} · {esc(state_)}"


async def unfollow(update: Update, context: Context) -> None:
    """/unfollow N — stop following feed N (its articles stay)."""
    message = update.effective_message
    if message is None:
        return
    arg = await payload_or_usage(message, "Which feed? e.g. /unfollow 2 (numbers are in /feeds)")
    if arg is None:
        return
    number = number_arg(arg)
    if number is None:
        await message.reply_text("Which feed? e.g. /unfollow 2 (numbers are in /feeds)")
        return
    if not await may_add(update, context):
        await message.reply_text("Only this chat's administrators can unfollow feeds here.")
        return
    st = state(context)
    try:
        feed = await st.engine.read(st.engine.library.feed, number)
    except DossierError:
        feed = None
    if feed is None or message.chat.id not in feed.chats:
        await message.reply_text(f"This chat follows no feed #{number} (see /feeds).")
        return
    await st.engine.write(st.engine.library.unfollow, feed.id, message.chat.id)
    others = " Other chats still follow it." if len(feed.chats) > 1 else ""
    await message.reply_text(f"Unfollowed #{feed.id} {esc(cap(feed.title))}. Its articles stay in the library.{others}")


async def poll_feeds(context: Context) -> None:
    """The scheduled poll (JobQueue): add every feed's new entries, then tell each chat what arrived."""
    st = state(context)
    library = st.engine.library
    # Replicas serving one library each run this schedule: the lease gives each round to one of them.
    every = st.settings.feed_poll_minutes * 60
    started = time.monotonic()
    # Held for the whole poll (however long it takes), then until this round ends.
    if not await st.engine.small(False, library.conversations.lease, "poll feeds", st.instance, every + POLL_HOLD):
        log.info("feed poll skipped: another process serving this library polls this round")
        return
    try:
        results = await st.engine.write(library.poll)
    finally:
        rest = POLL_LEASE * every - (time.monotonic() - started)
        await st.engine.small(False, library.conversations.lease, "poll feeds", st.instance, rest)
    for result in results:
        if result.error:
            log.info("feed #%d not read: %s", result.feed.id, result.error)
        if not (result.added or result.failures) or not st.settings.feed_digest:
            continue
        for chat in result.feed.chats:
            try:
                await context.bot.send_message(chat, digest(result))
            except TelegramError as exc:
                log.warning("could not send the digest of feed #%d to chat %s: %s", result.feed.id, chat, exc)


def digest(result: PollResult) -> str:
    """'3 new articles from Lune Valley News: #12 Title · #13 Title · #14 Title'."""
    added = result.added
    count = f"{len(added)} new article{'s' if len(added) != 1 else ''}"
    names = [f"#{a.id} {esc(cap(a.title, 80))}" for a in added[:DIGEST_TITLES]]
    more = f" · and {len(added) - DIGEST_TITLES} more" if len(added) > DIGEST_TITLES else ""
    failed = [f"not added: {esc(cap(line, 200))}" for line in result.failures[:DIGEST_TITLES]]
    return f"<b>{count} from {esc(cap(result.feed.title))}</b>\n" + "\n".join(names + failed) + more
