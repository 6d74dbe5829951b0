"""Who may do what, where: add, remove, administer; anonymous senders and the chats their adds belong to."""

from __future__ import annotations

import re
import time

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.state import ANONYMOUS_ADMIN_ID, Context, sender_key, state
from index import ArticleInfo

_USER_ID = re.compile(r"(?<!chat )\bid (\d+)\)$")
_CHAT_ID = re.compile(r"\(chat id (-?\d+)\)$")
_ORIGIN_CHAT = re.compile(r"\((-?\d+)\)$")
_ADMIN_TTL = 60.0


def owner_chat(info: ArticleInfo) -> int | None:
    """The chat an anonymous add belongs to (an anonymous administrator or a channel posted it), else None.

    Read from the stored display strings; adds made before this rule carry GroupAnonymousBot's user id, and their
    origin names the chat they were made in."""
    found = _CHAT_ID.search(info.added_by)
    if found:
        return int(found.group(1))
    user = _USER_ID.search(info.added_by)
    if user and int(user.group(1)) == ANONYMOUS_ADMIN_ID:
        origin = _ORIGIN_CHAT.search(info.origin)
        return int(origin.group(1)) if origin else None
    return None


def is_anonymous(update: Update) -> bool:
    """The sender is hidden behind the chat (anonymous administrator, channel) or GroupAnonymousBot."""
    user, message = update.effective_user, update.effective_message
    if user is None or user.id == ANONYMOUS_ADMIN_ID:
        return True
    return update.callback_query is None and message is not None and message.sender_chat is not None


async def is_chat_admin(update: Update, context: Context) -> bool:
    """The sender administers the chat (asked with getChatMember, remembered for a minute)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator posts as the group itself
    if user is None:
        return False
    st = state(context)
    cached = st.admins.get((chat.id, user.id))
    if cached and cached[0] > time.monotonic():
        return cached[1]
    member = await context.bot.get_chat_member(chat.id, user.id)
    admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
    st.admins[(chat.id, user.id)] = (time.monotonic() + _ADMIN_TTL, admin)
    return admin


async def may_add(update: Update, context: Context) -> bool:
    """Global admins anywhere; anyone in a private chat; in groups, admins or everyone per ADD_POLICY."""
    st = state(context)
    chat, user = update.effective_chat, update.effective_user
    if user is not None and user.id in st.settings.admin_user_ids:
        return True
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE or st.settings.add_policy == "everyone":
        return True
    return await is_chat_admin(update, context)


MIGRATED_FROM = "migrated_from"  # chat setting: the id a group had before it became a supergroup


async def _same_chat(context: Context, owner: int, chat_id: int) -> bool:
    """``owner`` is this chat, or the id it had before it was upgraded to a supergroup."""
    if owner == chat_id:
        return True
    engine = state(context).engine
    return await engine.small(None, engine.library.chat_setting, chat_id, MIGRATED_FROM) == str(owner)


async def may_remove(update: Update, context: Context, info: ArticleInfo) -> bool:
    """Global admins; whoever added the article; for an anonymous add, the administrators of the chat it was made
    in; in per_chat scope, whoever may add to that chat. Anonymous senders never match by user id (every anonymous
    administrator of every group shares GroupAnonymousBot's id)."""
    st = state(context)
    user, chat = update.effective_user, update.effective_chat
    if user is not None and user.id in st.settings.admin_user_ids:
        return True
    match = _USER_ID.search(info.added_by)
    if user is not None and not is_anonymous(update) and match and int(match.group(1)) == user.id:
        return True
    owner = owner_chat(info)
    if (
        chat is not None
        and owner is not None
        and await _same_chat(context, owner, chat.id)
        and await is_chat_admin(update, context)
    ):
        return True
    if chat is not None and st.settings.library_scope == "per_chat" and info.collection == st.collection(chat.id):
        return await may_add(update, context)
    return False


async def admitted_to_add(update: Update, context: Context) -> bool:
    """The sender may add here and is within RATE_LIMIT_ADDS (told "Slow down" once a window, then dropped)."""
    message = update.effective_message
    if message is None:
        return False
    if not await may_add(update, context):
        await message.reply_text("Only this chat's administrators can add articles here.")
        return False
    st = state(context)
    admission = await st.adds.check(st.engine, sender_key(message))
    if admission.first_refusal:
        await message.reply_text(f"Slow down: too many additions. Try again in {admission.wait:.0f} s.")
    return admission.allowed
