"""The handlers of a paste Telegram's app split (``bot.pastes``): its next parts, edits of its parts."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import filters

from bot.pastes import Pastes
from bot.state import Context, sender_key, state

log = logging.getLogger(__name__)


async def paste_part(update: Update, context: Context) -> None:
    """The next part of a paste Telegram's app split: joined to it (its /add adds the whole)."""
    message = update.effective_message
    if message is not None:
        state(context).pastes.take(message, sender_key(message))


async def edited_part(update: Update, context: Context) -> None:
    """An edit of a part of a pasted article: not applied (it is no question either)."""
    message = update.effective_message
    if message is not None:
        await message.reply_text("Edits of a pasted article are not applied: /remove it and add it again.")


class PasteParts(filters.MessageFilter):
    """A message that is the next part of its sender's split paste (``Pastes.takes``); with ``edited``, an edited
    message that was one."""

    def __init__(self, pastes: Pastes, commands: Iterable[str], edited: bool = False) -> None:
        super().__init__(name="PasteParts")
        self.pastes, self.commands, self.edited = pastes, frozenset(f"/{c}" for c in commands), edited

    def filter(self, message: Message) -> bool:
        if self.edited:
            return self.pastes.was_part(message)
        return self.pastes.takes(message, sender_key(message), self.commands)


async def reads_group(context: Context, chat_id: int) -> bool:
    """The bot reads every message of the group: its privacy mode is off, or it administers the group."""
    if context.bot.can_read_all_group_messages:
        return True
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
    except TelegramError as exc:
        log.info("could not tell whether the bot administers chat %s: %s", chat_id, exc)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
