"""A paste Telegram's app split: a text longer than a message may be is sent as several messages, one right after
another, and only the first carries ``/add``. The parts are collected and the whole text is added once.

Telegram Desktop cuts a long text at its best break after half of the 4,096 characters a message may hold (a blank
line over a line end over a sentence's end over a space), so any message of at least half that length may have a
next part; the app sends the parts at once, so each comes within seconds of the one before (a message's date is the
server's, in whole seconds). A plain message from the sender, in that chat and thread, within ``JOIN_SECONDS`` of
such a part is its next part; a later one is a message of its own (a question)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Message

MESSAGE_LIMIT = 4096  # UTF-16 units Telegram allows in a message's text
SPLIT_FROM = MESSAGE_LIMIT // 2  # Telegram Desktop looks for a break only after half of the limit
JOIN_SECONDS = 5  # between a part's date and the next one's: the app sends them at once, a typed reply takes longer
MAX_SECONDS = 60  # a paste takes parts for this long at most: a stream of long messages cannot hold it open
REMEMBERED_PARTS = 4096  # the latest parts joined, by message, so that an edit of one is not taken for a question
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def may_go_on(text: str) -> bool:
    """A message this long may be a part of a split paste with another after it."""
    return units(text) >= SPLIT_FROM


def separator(message_text: str) -> str:
    """What the app cut at after a message of a split paste (``message_text``, as sent): the highest kind of break
    in the half it searched, since a higher kind wins wherever it is (a blank line, else a line end, else a space),
    and nothing where that half has no break (cut where the message was full, inside a word)."""
    searched = message_text[SPLIT_FROM:]
    if "\n\n" in searched:
        return "\n\n"
    if "\n" in searched:
        return "\n"
    return " " if " " in searched or message_text.endswith(_SENTENCE_END) else ""


@dataclass
class Paste:
    """One split paste: its text so far and when its latest part came (by Telegram's date and this loop's clock)."""

    key: tuple[int, int, int]
    pieces: list[str]  # the parts and the breaks between them (joined once: a long stream is not copied over again)
    first: datetime
    last: datetime
    last_message: str  # the latest part as sent, for the break it was cut at
    arrived: float  # the loop's time the latest part was taken
    limit: int  # bytes: past them the text is no longer kept (the add refuses it as too large)
    parts: int = 1
    size: int = 0  # bytes so far
    too_large: bool = False
    message_ids: list[int] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)  # a part short enough to be the last came

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class Pastes:
    """The pastes of this process that take parts, by (chat, thread, sender). A part is taken when its update is
    handled, before its handler awaits anything: in the order Telegram sent them."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, int, int], Paste] = {}
        self._joined: OrderedDict[tuple[int, int], None] = OrderedDict()

    def begin(self, message: Message, sender: int, text: str, limit: int) -> Paste | None:
        """A paste after ``/add`` (``text``: without the command): the paste its parts join when the message may
        go on, else None. ``limit``: the most bytes an article may have."""
        self._forget_before(message.date)
        if not may_go_on(message.text or ""):
            return None
        key = _key(message, sender)
        loop = asyncio.get_running_loop()
        paste = Paste(
            key, [text], message.date, message.date, message.text or "", loop.time(), limit, size=_bytes(text)
        )
        paste.message_ids.append(message.message_id)
        self._open[key] = paste
        return paste

    def takes(self, message: Message, sender: int, commands: frozenset[str]) -> bool:
        """The message is the next part of the sender's open paste there: plain new text (no forward, no edit, no
        command of this bot's ``commands``: a line of an article may start with "/"), dated within
        ``JOIN_SECONDS`` of the latest part and ``MAX_SECONDS`` of the first."""
        paste = self._open.get(_key(message, sender))
        text = message.text or ""
        if paste is None or paste.ended.is_set() or not text.strip() or message.forward_origin or message.edit_date:
            return False
        if text.split(None, 1)[0].split("@", 1)[0].casefold() in commands:
            return False
        after = (message.date - paste.last).total_seconds()
        return 0 <= after <= JOIN_SECONDS and (message.date - paste.first).total_seconds() <= MAX_SECONDS

    def take(self, message: Message, sender: int) -> None:
        """Join the message (which ``takes`` accepted) to its paste; a message too short to go on is its last."""
        paste = self._open[_key(message, sender)]
        text = message.text or ""
        if not paste.too_large:  # past the limit the add is refused: no more is kept
            paste.pieces += [separator(paste.last_message), text]
            paste.size += _bytes(text) + 2
            paste.too_large = paste.size > paste.limit
        paste.parts += 1
        paste.last, paste.last_message = message.date, text
        paste.arrived = asyncio.get_running_loop().time()
        paste.message_ids.append(message.message_id)
        if not may_go_on(text):
            paste.ended.set()

    async def complete(self, paste: Paste) -> Paste:
        """The paste once no more parts can come: its last part came, or ``JOIN_SECONDS`` (and a second for the
        dates' rounding) passed since the latest; it takes none after."""
        loop = asyncio.get_running_loop()
        while not paste.ended.is_set():
            left = paste.arrived + JOIN_SECONDS + 1 - loop.time()
            if left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(paste.ended.wait(), left)
        paste.ended.set()
        if self._open.get(paste.key) is paste:
            del self._open[paste.key]
        if paste.parts > 1:
            for message_id in paste.message_ids:
                self._joined[(paste.key[0], message_id)] = None
            while len(self._joined) > REMEMBERED_PARTS:
                self._joined.popitem(last=False)
        return paste

    def was_part(self, message: Message) -> bool:
        """The message is one of the latest pastes' parts (its edit is no question)."""
        return (message.chat.id, message.message_id) in self._joined

    def _forget_before(self, now: datetime) -> None:
        """Pastes no part can join any more are dropped (each new paste clears them: they stay few)."""
        for key, paste in list(self._open.items()):
            if (now - paste.last).total_seconds() > JOIN_SECONDS or paste.ended.is_set():
                del self._open[key]


def _key(message: Message, sender: int) -> tuple[int, int, int]:
    return (message.chat.id, message.message_thread_id or 0, sender)


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", errors="replace"))
