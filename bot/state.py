"""What the handlers share: settings, engine, caches, rate limits and button data (who may do what: ``bot.rights``).

State that must outlive an update (the question behind an answer's buttons, rate windows) lives in the library's
database (``Library.conversations``), so any replica serving the library can handle any update; what stays here
is per process: caches and the lanes that keep one user to one engine thread."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import re
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import cast

from telegram import Chat, Message, MessageOriginUser, Update, User
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.engine import Engine
from bot.pastes import Pastes
from bot.settings import BotSettings
from index import ADMITTED, DEFAULT_COLLECTION, Admission, ArticleInfo

Context = ContextTypes.DEFAULT_TYPE


ANONYMOUS_ADMIN_ID = 1087968824  # GroupAnonymousBot: the sender of every anonymous administrator's message
BUTTON_EXPIRED = "This button no longer works."


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``per_minute`` events per sender in any 60 seconds (0: no limit), counted in the library's database,
    so replicas serving one library share the count (when the database fails, events go through). Over the limit a
    sender is told once (``first_refusal``), then dropped silently until they may act again: a flood costs one
    reply, not one per message."""

    name: str
    per_minute: int

    async def check(self, engine: Engine, who: int) -> Admission:
        return await engine.small(ADMITTED, engine.library.conversations.admit, self.name, who, self.per_minute)


class Lanes:
    """One lane per user: a user's engine calls run one at a time, so a flood occupies one engine thread at most
    and other users' questions are not queued behind it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    def busy(self, key: int) -> bool:
        """A call of this user's runs or waits in its lane."""
        return key in self._locks

    @contextlib.asynccontextmanager
    async def lane(self, key: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Buttons:
    """Callback data bound to the chat (and, for some buttons, the user) it was made for.

    Each button's data ends with a short HMAC of (chat id, user id or 0, data) under a key derived from the bot
    token, so the data stays stateless (buttons keep working after a restart) yet a press carrying data made for
    another chat or user is refused without revealing anything."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"dossier-buttons\0" + secret.encode()).digest()

    def _sign(self, data: str, chat_id: int, user_id: int) -> str:
        mac = hmac.new(self._key, f"{chat_id}:{user_id}:{data}".encode(), hashlib.sha256).digest()[:8]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def make(self, data: str, chat_id: int, user_id: int = 0) -> str:
        """Callback data for a button in ``chat_id``; with ``user_id`` only that user may press it."""
        return f"{data}:{self._sign(data, chat_id, user_id)}"

    def open(
        self, data: str | None, prefix: str, count: int | tuple[int, ...], chat_id: int, user_id: int
    ) -> list[str] | None:
        """The ``count`` parts after ``prefix:`` when the data was made for this chat (and user, if bound to one);
        None when it is malformed, old or forged."""
        if not data or not data.startswith(f"{prefix}:"):
            return None
        body, _, mac = data.rpartition(":")
        given = mac.encode()  # bytes: compare_digest refuses str with non-ASCII characters (forged data may hold any)
        if not any(hmac.compare_digest(given, self._sign(body, chat_id, uid).encode()) for uid in (0, user_id)):
            return None
        return callback_args(body, prefix, count)


@dataclass
class BotState:
    """Long-lived objects, kept in ``bot_data['state']``."""

    settings: BotSettings
    engine: Engine
    questions: RateLimit
    adds: RateLimit
    buttons: Buttons
    admins: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)
    lanes: Lanes = field(default_factory=Lanes)
    add_lanes: Lanes = field(default_factory=Lanes)  # one add at a time per user: one user cannot fill the pool
    pastes: Pastes = field(default_factory=Pastes)
    on_ready: Callable[[], None] | None = None
    instance: str = field(default_factory=lambda: secrets.token_hex(8))  # this process, among replicas

    @classmethod
    def create(cls, settings: BotSettings, engine: Engine, on_ready: Callable[[], None] | None = None) -> BotState:
        return cls(
            settings,
            engine,
            RateLimit("questions", settings.rate_limit_questions),
            RateLimit("adds", settings.rate_limit_adds),
            Buttons(settings.telegram_bot_token.get_secret_value()),
            on_ready=on_ready,
        )

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


def from_this_bot(message: Message, bot_id: int) -> bool:
    """The bot wrote the message: sent it, a user posted its inline answer (via the bot), or forwarded one. It is
    never added: an answer added back would be cited as a second source agreeing with the first."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.id == bot_id
    if message.via_bot is not None and message.via_bot.id == bot_id:
        return True
    return origin is None and message.from_user is not None and message.from_user.id == bot_id


def number_arg(text: str) -> int | None:
    """A number a user typed ("12" or "#12"): ASCII digits only and at most 18 of them, so that "²" or a 20-digit id
    is a usage error rather than a crash in ``int`` or the database."""
    found = _NUMBER.fullmatch(text.strip())
    return int(found.group(1)) if found else None


_NUMBER = re.compile(r"#?([0-9]{1,18})")


async def payload_or_usage(message: Message, usage: str) -> str | None:
    """The command's argument text; when there is none, reply with ``usage`` and return None."""
    payload = command_payload(message)
    if not payload:
        await message.reply_text(usage)
        return None
    return payload


def sender_key(message: Message) -> int:
    """Whom a message counts against for rate limits: the user, or the chat an anonymous admin or channel posts as
    (every anonymous admin shares GroupAnonymousBot's user id)."""
    if message.sender_chat is not None:
        return message.sender_chat.id
    return message.from_user.id if message.from_user else message.chat.id


async def pressed(
    update: Update, context: Context, prefix: str, count: int | tuple[int, ...]
) -> tuple[list[str], Message] | None:
    """The arguments of a button press and the message under it, when the button was made for this chat (and this
    user, if bound to one); otherwise answers "This button no longer works." and returns None."""
    query = update.callback_query
    if query is None:
        return None
    message = query.message
    args = None
    if isinstance(message, Message):
        args = state(context).buttons.open(query.data, prefix, count, message.chat.id, query.from_user.id)
    if args is None or not isinstance(message, Message):
        await query.answer(BUTTON_EXPIRED)
        return None
    return args, message


def callback_args(data: str | None, prefix: str, count: int | tuple[int, ...]) -> list[str] | None:
    """The ``count`` parts (or one of the counts) after ``prefix:`` in callback data, or None when it is malformed
    (old or forged)."""
    if not data or not data.startswith(f"{prefix}:"):
        return None
    parts = data.split(":")[1:]
    counts = count if isinstance(count, tuple) else (count,)
    return parts if len(parts) in counts and all(parts) else None


def added_by(user: User | None, message: Message) -> str:
    """Who added, as stored with the article: 'Full Name (@handle, id 123)', or 'Chat title (chat id -100…)' when
    an anonymous administrator or a channel posted: such an add belongs to the chat it was made in."""
    if user is None or message.sender_chat is not None or user.id == ANONYMOUS_ADMIN_ID:
        chat = message.chat  # where it was made, also when a linked channel posted into a group
        return f"{chat.title or 'a channel'} (chat id {chat.id})"
    handle = f"@{user.username}, " if user.username else ""
    return f"{user.full_name} ({handle}id {user.id})"


def origin_of(chat: Chat) -> str:
    if chat.type == ChatType.PRIVATE:
        return f"Telegram private chat ({chat.id})"
    return f"Telegram {chat.type} «{chat.title or ''}» ({chat.id})"
