"""A paste Telegram's app split: a text longer than a message may be is sent as several messages, one right after
another, and only the first carries ``/add``. The parts that follow are joined to the article the first added.

Telegram Desktop cuts a long text at its best break (a blank line, a line end, a sentence's end, a space) after half
of the 4,096 characters a message may hold, so any part of at least half that length may have a next one; the app
sends the parts at once, so the next comes within seconds (its date is the server's, in whole seconds). A message
from the sender, in that chat, within ``JOIN_SECONDS`` of such a part is its next part; a later one is a message of
its own (a question)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

from telegram import Message

MESSAGE_LIMIT = 4096  # UTF-16 units Telegram allows in a message's text
SPLIT_FROM = MESSAGE_LIMIT // 2  # Telegram Desktop looks for a break only after half of the limit
JOIN_SECONDS = 3  # between a part's date and the next one's: the app sends them at once, a reply takes longer
MAX_PARTS = 25  # about 100,000 characters; each part re-embeds the article so far
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _full(message: Message) -> bool:
    return units(message.text or "") >= MESSAGE_LIMIT


def may_go_on(message: Message) -> bool:
    """The message is long enough to be a part of a split paste with another after it."""
    return units(message.text or "") >= SPLIT_FROM


def joined(text: str, part: str, full: bool) -> str:
    """The text with its next part. The app dropped the whitespace it cut at: a cut after a sentence is read as a
    paragraph's end, one inside a sentence as a space; a ``full`` message (as long as Telegram allows) was cut
    where it was full, inside a word as likely as not, and is joined as is."""
    if full:
        return text + part
    return text + ("\n\n" if _SENTENCE_END.search(text) else " ") + part


@dataclass
class _Paste:
    text: str  # the parts so far, joined (the first without its /add)
    last: datetime  # the date of the latest part
    full: bool  # the latest part is as long as a message may be
    parts: int
    settled: asyncio.Future[int | None]  # the article once the latest part is in it (None: the paste was not added)


@dataclass(frozen=True, slots=True)
class Part:
    """A message taken as the next part of a paste: the paste's text with it, its number, the outcome of the part
    before it (the article, or None) to wait for, and its own to set."""

    text: str
    number: int
    previous: asyncio.Future[int | None]
    done: asyncio.Future[int | None]


class Pastes:
    """The pastes of this process that may go on, by (chat, sender). Parts are taken when their update is handled,
    before the handler waits for anything: in the order Telegram sent them."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, int], _Paste] = {}

    def begin(self, message: Message, sender: int, text: str) -> asyncio.Future[int | None] | None:
        """A paste after ``/add`` (``text`` without the command): when its message may go on, the future to settle
        with the article it added (None when it was not added)."""
        self._forget_before(message.date)
        if not may_go_on(message):
            return None
        settled: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._open[(message.chat.id, sender)] = _Paste(text, message.date, _full(message), 1, settled)
        return settled

    def part(self, message: Message, sender: int) -> Part | None:
        """The message as the next part of the sender's paste in its chat, or None when it is none: no paste is
        open there, it came too late, it is no plain new text (a command, a forward, an edit), or the paste has
        ``MAX_PARTS`` already."""
        key = (message.chat.id, sender)
        paste = self._open.get(key)
        if paste is None:
            return None
        if not _plain(message):
            return None
        if not 0 <= (message.date - paste.last).total_seconds() <= JOIN_SECONDS or paste.parts >= MAX_PARTS:
            del self._open[key]
            return None
        previous = paste.settled
        paste.text = joined(paste.text, message.text or "", paste.full)
        paste.parts += 1
        paste.last = message.date
        paste.full = _full(message)
        paste.settled = asyncio.get_running_loop().create_future()
        if not may_go_on(message):
            del self._open[key]  # a short part is the last
        return Part(paste.text, paste.parts, previous, paste.settled)

    def _forget_before(self, now: datetime) -> None:
        """Pastes that can take no more parts are dropped (each new paste clears them: they stay few)."""
        for key, paste in list(self._open.items()):
            if (now - paste.last).total_seconds() > JOIN_SECONDS:
                del self._open[key]


def _plain(message: Message) -> bool:
    """A new text message of its own: no command, forward or edit (the parts of a split paste are none of these)."""
    text = message.text or ""
    return bool(text.strip()) and not text.startswith("/") and message.forward_origin is None and not message.edit_date
