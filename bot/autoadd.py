"""Auto-add: posts of a channel the bot administers, and messages of a group that turned it on, are added on their
own when they carry a link or an article's length of text; an edited post updates its article. ``/autoadd`` turns
it on or off, lists what it took, and undoes one."""

from __future__ import annotations

import functools
import logging
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from bot import activity
from bot.engine import Busy
from bot.reading import candidate, forward_origin
from bot.rendering import article_line, cap, error_text, esc
from bot.rights import is_chat_admin
from bot.state import Context, added_by, command_payload, from_this_bot, number_arg, origin_of, sender_key, state
from index import AddResult, ArticleInfo, DossierError

log = logging.getLogger(__name__)
SETTING = "autoadd"
REMOVED = "autoadd-removed:"  # + a post's message id: its article was removed, and an edit must not bring it back
LISTED = 10
USAGE = "/autoadd on · /autoadd off · /autoadd (what it added) · /autoadd undo 12"


def post_key(message: Message) -> str:
    """The article key of a post: the same post (edited, or sent again) always maps to it."""
    return f"tg:{message.chat.id}:{message.message_id}"


async def forget_post(context: Context, info: ArticleInfo) -> None:
    """After an auto-added article is removed (/autoadd undo, /remove): its post, edited later, is not taken again
    (an edit of a post without an article is otherwise taken, since an edit can turn a note into an article)."""
    chat, _, post = (info.key or "").removeprefix("tg:").partition(":")
    if (info.key or "").startswith("tg:") and chat.removeprefix("-").isdigit() and post.isdigit():
        st = state(context)
        await st.engine.write(st.engine.library.set_chat_setting, int(chat), REMOVED + post, "1")


async def enabled(context: Context, message: Message) -> bool:
    """On where the chat said so; otherwise on in channels (per ``AUTOADD_CHANNELS``) and off in groups."""
    st = state(context)
    chosen = await st.engine.read(st.engine.library.chat_setting, message.chat.id, SETTING)
    if chosen is not None:
        return chosen == "on"
    return message.chat.type == ChatType.CHANNEL and st.settings.autoadd_channels


async def take(update: Update, context: Context) -> bool:
    """Add the message when auto-add is on here and it offers an article; True when it was taken (even if the add
    failed: that is logged, the chat is not disturbed)."""
    message = update.effective_message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return False
    st = state(context)
    found = candidate(message, st.settings.autoadd_min_chars)
    if found is None or from_this_bot(message, context.bot.id):
        return False  # ordinary chatter costs no lookup; the bot's own answers are never added
    try:
        if not await enabled(context, message):
            return False
    except Busy:
        log.info("auto-add of post %s in chat %s skipped: the engine is busy", message.message_id, message.chat.id)
        return True
    if await st.engine.read(st.engine.library.chat_setting, message.chat.id, REMOVED + str(message.message_id)):
        return True  # someone removed its article: an edit does not bring it back
    # RATE_LIMIT_ADDS holds for group members, quietly. A channel's posts come from its administrators: none is
    # dropped (the chat's lane below still takes them one at a time, so other chats keep their add threads).
    if message.chat.type != ChatType.CHANNEL and not (await st.adds.check(st.engine, sender_key(message))).allowed:
        log.info("auto-add of post %s in chat %s skipped: over RATE_LIMIT_ADDS", message.message_id, message.chat.id)
        return True
    chat, library = message.chat, st.engine.library
    common: dict[str, Any] = {
        "key": post_key(message),
        "collection": st.collection(chat.id),
        "added_by": added_by(message.from_user, message),
        "origin": f"auto-add, {origin_of(chat)}",
        "added_by_user": message.from_user.id if message.from_user and message.sender_chat is None else None,
        "added_in_chat": chat.id,
    }

    # A post forwarded into the chat is the original outlet's, of its date: the chat only passed it on.
    source, url, published, _ = forward_origin(message)
    if not published:
        source, url, published = chat.title or "", message.link or "", message.date.date().isoformat()
    url = url or message.link or ""  # forwarded from a person: no post link of its own, the chat's then

    def job() -> AddResult:
        if found.text:
            return library.add_text(found.text, source=source, url=url, published=published, **common)
        return library.add_url(found.url, **common)

    async with st.add_lanes.lane(chat.id):
        try:
            result = await st.engine.write(job)
        except DossierError as exc:
            log.info("auto-add of post %s in chat %s failed: %s", message.message_id, chat.id, exc.message)
            activity.note(added="no", reason=type(exc).__name__)
            return True
    activity.note(added="duplicate" if result.duplicate else f"#{result.article.id}")
    return True


async def channel_post(update: Update, context: Context) -> None:
    """A new post in a channel the bot administers: added on its own when it carries a link or an article."""
    await take(update, context)


async def edited_post(update: Update, context: Context) -> None:
    """An edited post: the article auto-added from its text takes the new text (same number)."""
    message = update.effective_message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return
    st = state(context)
    found = candidate(message, st.settings.autoadd_min_chars)
    if found is None:
        return  # an edited chat message costs no lookup
    lookup = functools.partial(
        st.engine.read, st.engine.library.by_key, post_key(message), collection=st.collection(message.chat.id)
    )
    try:
        async with st.add_lanes.lane(message.chat.id):  # after this chat's add in flight (maybe the post's own)
            info = await lookup()
        if info is None:
            await take(update, context)  # an edit can turn a short note into an article
            # The post's first add may have been on its way meanwhile, and kept its text: the edit is applied below.
            info = await lookup() if found.text else None
    except Busy:
        log.info("edit of post %s in chat %s skipped: the engine is busy", message.message_id, message.chat.id)
        return
    if info is None or not found.text:
        return  # a link post keeps the page it linked to
    try:
        revised = await st.engine.write(st.engine.library.revise, info.id, found.text)
    except DossierError as exc:
        log.info("updating #%d from an edited post failed: %s", info.id, exc.message)
        return
    activity.note(added=f"#{revised.id} revised")


async def autoadd(update: Update, context: Context) -> None:
    """/autoadd on|off, /autoadd (what it added here), /autoadd undo N — administrators only."""
    message = update.effective_message
    if message is None:
        return
    if message.chat.type == ChatType.PRIVATE:
        await message.reply_text("Auto-add is for groups and channels; here, send a link or /add text.")
        return
    st = state(context)
    user = update.effective_user
    if not (user is not None and user.id in st.settings.admin_user_ids) and not await is_chat_admin(update, context):
        await message.reply_text("Only this chat's administrators can change auto-add.")
        return
    words = command_payload(message).lower().split()
    chat, library = message.chat, st.engine.library
    if words in (["on"], ["off"]):
        await st.engine.write(library.set_chat_setting, chat.id, SETTING, words[0])
        await message.reply_text(_switched(words[0] == "on", chat.type, st.settings.autoadd_min_chars))
    elif len(words) == 2 and words[0] == "undo" and (number := number_arg(words[1])) is not None:
        await _undo(message, context, number)
    elif not words:
        await message.reply_text(await _status(context, message))
    else:
        await message.reply_text(USAGE)


def _switched(on: bool, kind: str, min_chars: int) -> str:
    if not on:
        return "Auto-add is off here. Articles it added stay; /autoadd lists them."
    seen = (
        ""
        if kind == ChatType.CHANNEL
        else " (I see ordinary messages only as an administrator, or with privacy mode off in @BotFather)"
    )
    return (
        f"Auto-add is on: new posts with a link, or with at least {min_chars} characters of text, are added "
        f"quietly{seen}. /autoadd lists them; /autoadd undo 12 removes one."
    )


async def _status(context: Context, message: Message) -> str:
    st = state(context)
    on = await enabled(context, message)
    taken: list[ArticleInfo] = await st.engine.read(
        st.engine.library.list, key_prefix=f"tg:{message.chat.id}:", newest_first=True, limit=LISTED
    )
    head = f"Auto-add is {'on' if on else 'off'} here. {USAGE}"
    if not taken:
        return head + "\nNothing auto-added yet."
    return head + "\n<b>Latest auto-added</b>\n" + "\n".join(article_line(i) for i in taken)


async def _undo(message: Message, context: Context, article_id: int) -> None:
    st = state(context)
    try:
        info: ArticleInfo | None = (await st.engine.read(st.engine.library.get, article_id)).info
    except DossierError:
        info = None
    if info is None or not (info.key or "").startswith(f"tg:{message.chat.id}:"):
        await message.reply_text(f"#{article_id} was not auto-added here (see /autoadd).")
        return
    try:
        removed = await st.engine.write(st.engine.library.remove, article_id)
    except DossierError as exc:
        await message.reply_text(esc(error_text(exc.message)))
        return
    await forget_post(context, removed)
    await message.reply_text(f"Removed #{removed.id} «{esc(cap(removed.title))}».")
