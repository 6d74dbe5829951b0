"""What the handlers share (settings, engine, caches) and the rules on who may do what, where."""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import cast

from telegram import Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.engine import Engine
from bot.settings import BotSettings
from index import DEFAULT_COLLECTION, ArticleInfo

Context = ContextTypes.DEFAULT_TYPE
_USER_ID = re.compile(r"\bid (\d+)\)$")
_ADMIN_TTL = 60.0


class RateLimiter:
    """At most ``per_minute`` events per key in any 60-second window (0: no limit)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._events: dict[int, deque[float]] = {}

    def wait(self, key: int, now: float | None = None) -> float:
        """Seconds until ``key`` may act again; 0 means go ahead (and the event is counted)."""
        if not self.per_minute:
            return 0.0
        now = time.monotonic() if now is None else now
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - 60:
            events.popleft()
        if len(events) >= self.per_minute:
            return events[0] + 60 - now
        events.append(now)
        return 0.0


class Recent(OrderedDict[str, tuple[str, str | None]]):
    """The last questions answered (key → (question, collection)), for "More" buttons and follow-ups."""

    def __init__(self, size: int = 2000) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: str, question: str, collection: str | None) -> None:
        self[key] = (question, collection)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


@dataclass
class BotState:
    """Long-lived objects, kept in ``bot_data['state']``."""

    settings: BotSettings
    engine: Engine
    questions: RateLimiter
    adds: RateLimiter
    recent: Recent = field(default_factory=Recent)
    admins: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: BotSettings, engine: Engine) -> BotState:
        return cls(settings, engine, RateLimiter(settings.rate_limit_questions), RateLimiter(settings.rate_limit_adds))

    def collection(self, chat_id: int) -> str:
        """The collection a chat adds to and asks (its own one in per_chat scope)."""
        return f"chat:{chat_id}" if self.settings.library_scope == "per_chat" else DEFAULT_COLLECTION

    def visible(self, info: ArticleInfo, chat_id: int) -> bool:
        return self.settings.library_scope == "shared" or info.collection == self.collection(chat_id)

    def allowed_chat(self, chat_id: int) -> bool:
        allowed = self.settings.allowed_chat_ids
        return not allowed or chat_id in allowed


def state(context: Context) -> BotState:
    return cast(BotState, context.bot_data["state"])


def command_payload(message: Message) -> str:
    """What follows the command: '/ask@Bot what happened?' → 'what happened?' (line breaks kept)."""
    text = message.text or message.caption or ""
    if not text.startswith("/"):
        return text.strip()
    parts = text.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


async def payload_or_usage(message: Message, usage: str) -> str | None:
    """The command's argument text; when there is none, reply with ``usage`` and return None."""
    payload = command_payload(message)
    if not payload:
        await message.reply_text(usage)
        return None
    return payload


def callback_args(data: str | None, prefix: str, count: int) -> list[str] | None:
    """The ``count`` parts after ``prefix:`` in callback data, or None when it is malformed (old or forged)."""
    if not data or not data.startswith(f"{prefix}:"):
        return None
    parts = data.split(":")[1:]
    return parts if len(parts) == count and all(parts) else None


def added_by(user: User | None, message: Message) -> str:
    """Who added, as stored with the article: 'Full Name (@handle, id 123)'."""
    if user is None:
        chat = message.sender_chat or message.chat
        return f"{chat.title or 'a channel'} (chat id {chat.id})"
    handle = f"@{user.username}, " if user.username else ""
    return f"{user.full_name} ({handle}id {user.id})"


def origin_of(chat: Chat) -> str:
    if chat.type == ChatType.PRIVATE:
        return f"Telegram private chat ({chat.id})"
    return f"Telegram {chat.type} «{chat.title or ''}» ({chat.id})"


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


async def may_remove(update: Update, context: Context, info: ArticleInfo) -> bool:
    """Global admins; whoever added the article; in per_chat scope, whoever may add to that chat."""
    st = state(context)
    user, chat = update.effective_user, update.effective_chat
    if user is not None and user.id in st.settings.admin_user_ids:
        return True
    match = _USER_ID.search(info.added_by)
    if user is not None and match and int(match.group(1)) == user.id:
        return True
    if chat is not None and st.settings.library_scope == "per_chat" and info.collection == st.collection(chat.id):
        return await may_add(update, context)
    return False
