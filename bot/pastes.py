"""A paste Telegram's app split: a text longer than a message may be is sent as several messages, one right after
another, and only the first carries ``/add``. The parts are collected and the whole text is added once.

Telegram Desktop cuts a long text at its best break after half of the 4,096 characters a message may hold (a blank
line over a line end over a sentence's end over a space; the last of the best kind), so any message of at least half
that length may have a next part; the app sends the parts at once, so each comes within seconds of the one before (a
message's date is the server's, in whole seconds). A plain message from the sender, in that chat and thread, dated
within ``JOIN_SECONDS`` of the latest part is a part; a later one is a message of its own (a question). The parts
are joined in the order of their message ids, with the break each cut dropped put back (``breaks``).

The pastes are this process's: with several replicas behind a load balancer, a part may reach another one."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Message

_LINE_ENDS = re.compile(r"\n+")
MESSAGE_LIMIT = 4096  # UTF-16 units Telegram allows in a message's text
SPLIT_FROM = MESSAGE_LIMIT // 2  # Telegram Desktop looks for a break only after half of the limit
JOIN_SECONDS = 5  # between the latest part's date and the next one's: the app sends them at once
MAX_SECONDS = 60  # a paste takes parts for this long at most: a stream of long messages cannot hold it open
LAST_PART_GRACE = (
    0.5  # seconds a paste still takes parts after its short last one (a webhook may deliver them out of order)
)
REMEMBERED_PARTS = (
    4096  # the latest added pastes' parts, by message, so that an edit of one is not taken for a question
)


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def may_go_on(text: str) -> bool:
    """A message this long may be a part of a split paste with another after it."""
    return units(text) >= SPLIT_FROM


def cut_at(text: str, limit: int = MESSAGE_LIMIT) -> int | None:
    """Where Telegram Desktop cuts ``text`` to send its first part (the text before that index is sent, the break
    there is dropped), or None when it fits in one message. The best break after half the limit wins, the last of
    its kind: a blank line, a line end, a space after a sentence's end, after ",:;", any space, after punctuation,
    anywhere."""
    half, good, level, counted = limit // 2, 0, 0, 0
    for i, ch in enumerate(text):
        if counted > half:
            before = text[i - 1]
            if ch in "\n\r":
                kind = 15 if text[i + 1 : i + 2] in ("\n", "\r") else 13
            elif ch.isspace():
                kind = 10 if before in ".?!" else 8 if before in ",:;" else 6
            else:
                kind = 4 if before.isspace() or unicodedata.category(before)[0] == "P" else 2
            if kind >= level:
                good, level = i, kind
        if counted >= limit:
            return good
        counted += 2 if ord(ch) > 0xFFFF else 1
    return None


def breaks(parts: list[str]) -> list[str]:
    """The break the app dropped at each cut between consecutive ``parts`` (as sent; the first with its command): one
    that, put back, makes Desktop cut there again. Where several do (the window the cut was chosen in holds no other
    line end), a paragraph's end (the parts' own kind: a blank line or a line end) when the text around the cut would
    otherwise make a paragraph half as long again as the parts' average one, else a space (nothing first where the
    part has no space past half: a cut inside a word, or a text written without spaces). Where none does (another
    app's cut), a space."""
    blank = sum(p.count("\n\n") for p in parts)
    lines = sum(p.count("\n") for p in parts) - 2 * blank
    style = ["\n", "\n\n"] if lines > blank else ["\n\n", "\n"] if blank else []
    paragraph = sum(map(len, parts)) / max(1, sum(len(_LINE_ENDS.findall(p)) for p in parts))
    out: list[str] = []
    lead = ""  # a cut's break opens the rest of the text the next cut is made in
    for sent, following in itertools.pairwise(parts):
        merged = len(sent.rsplit("\n", 1)[-1]) + 1 + len(following.split("\n", 1)[0])  # what a space would make
        words = [" ", ""] if any(c.isspace() for c in sent[SPLIT_FROM:]) else ["", " "]
        order = [*style, *words] if style and merged > 1.5 * paragraph else [*words, *style]
        at = len(lead) + len(sent)
        found = next((b for b in [*order, "\n\n", "\n"] if cut_at(lead + sent + b + following) == at), " ")
        out.append(found)
        lead = found
    return out


@dataclass
class Paste:
    """One split paste: its parts by message id, and when the latest came (by Telegram's date and this loop's clock)."""

    key: tuple[int, int, int]
    first: int  # the /add's message id
    text: str  # the /add's text without its command
    first_date: datetime
    limit: int  # bytes: a paste past them is refused (its parts are no longer kept)
    parts: dict[int, str] = field(default_factory=dict)  # message id → text as sent (the /add's with its command)
    last_date: datetime | None = None
    arrived: float = 0.0
    size: int = 0
    too_large: bool = False
    ended: asyncio.Event = field(default_factory=asyncio.Event)  # a part short enough to be the last came
    closed: bool = False

    @property
    def count(self) -> int:
        return len(self.parts)

    @property
    def whole(self) -> str:
        """The text of the parts joined (the first without its command)."""
        ordered = [self.parts[i] for i in sorted(self.parts)]
        joined = [self.text]
        for gap, part in zip(breaks(ordered), ordered[1:], strict=True):
            joined += [gap, part]
        return "".join(joined)

    @property
    def cut_short(self) -> bool:
        """Parts came, but no short last one: more may have come too late."""
        return self.count > 1 and not self.ended.is_set()


class Pastes:
    """The pastes of this process that take parts, by (chat, thread, sender). A part is taken when its update is
    handled, before its handler awaits anything."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, int, int], Paste] = {}
        self._joined: OrderedDict[tuple[int, int], None] = OrderedDict()

    def begin(self, message: Message, sender: int, text: str, limit: int) -> Paste | None:
        """A paste after ``/add`` (``text``: without the command): the paste its parts join when the message may
        go on, else None. ``limit``: the most bytes an article may have."""
        self._forget_before(message.date)
        sent = message.text or ""
        if not may_go_on(sent):
            return None
        key = _key(message, sender)
        paste = Paste(key, message.message_id, text, message.date, limit)
        self._add(paste, message.message_id, message.date, sent)
        self._open[key] = paste
        return paste

    def takes(self, message: Message, sender: int, commands: frozenset[str]) -> bool:
        """The message is a part of the sender's open paste there: plain new text (no forward, no edit, no command
        of this bot's ``commands``: a line of an article may start with "/"), after the /add, dated within
        ``JOIN_SECONDS`` of the latest part and ``MAX_SECONDS`` of the /add."""
        paste = self._open.get(_key(message, sender))
        text = message.text or ""
        if paste is None or paste.closed or not text.strip() or message.forward_origin or message.edit_date:
            return False
        if text.split(None, 1)[0].split("@", 1)[0].casefold() in commands or message.message_id <= paste.first:
            return False
        latest = paste.last_date or paste.first_date
        return (message.date - latest).total_seconds() <= JOIN_SECONDS and (
            0 <= (message.date - paste.first_date).total_seconds() <= MAX_SECONDS
        )

    def take(self, message: Message, sender: int) -> None:
        """Add the message (which ``takes`` accepted) to its paste; a message too short to go on is its last."""
        paste = self._open.get(_key(message, sender))
        if paste is not None and not paste.closed:  # nothing is awaited between the check and this: it is open
            self._add(paste, message.message_id, message.date, message.text or "")

    @staticmethod
    def _add(paste: Paste, message_id: int, date: datetime, text: str) -> None:
        paste.size += len(text.encode("utf-8", errors="replace"))
        paste.too_large = paste.too_large or paste.size > paste.limit
        paste.parts[message_id] = "" if paste.too_large else text  # past the limit nothing more is kept
        paste.last_date = max(date, paste.last_date or date)
        paste.arrived = asyncio.get_running_loop().time()
        if not may_go_on(text):
            paste.ended.set()

    async def complete(self, paste: Paste) -> Paste:
        """The paste once no more parts can come: its short last part came (and ``LAST_PART_GRACE``), or
        ``JOIN_SECONDS`` and a second for the dates' rounding passed since the latest; it takes none after."""
        loop = asyncio.get_running_loop()
        while not paste.closed and not paste.ended.is_set():
            left = paste.arrived + JOIN_SECONDS + 1 - loop.time()
            if left <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(paste.ended.wait(), left)
        if not paste.closed and paste.ended.is_set() and paste.count > 1:
            await asyncio.sleep(LAST_PART_GRACE)
        paste.closed = True
        if self._open.get(paste.key) is paste:
            del self._open[paste.key]
        return paste

    def end(self, paste: Paste) -> None:
        """No part can reach this paste (the bot does not read the chat's other messages)."""
        paste.closed = True
        paste.ended.set()

    def added(self, paste: Paste) -> None:
        """The paste was added: an edit of one of its parts is answered as such."""
        for message_id in paste.parts:
            self._joined[(paste.key[0], message_id)] = None
        while len(self._joined) > REMEMBERED_PARTS:
            self._joined.popitem(last=False)

    def was_part(self, message: Message) -> bool:
        """The message is one of the latest added pastes' parts (its edit is no question)."""
        return (message.chat.id, message.message_id) in self._joined

    def _forget_before(self, now: datetime) -> None:
        """Pastes no part can join any more are dropped (each new paste clears them: they stay few)."""
        for key, paste in list(self._open.items()):
            if paste.closed or (now - (paste.last_date or paste.first_date)).total_seconds() > JOIN_SECONDS + 1:
                del self._open[key]


def _key(message: Message, sender: int) -> tuple[int, int, int]:
    return (message.chat.id, message.message_thread_id or 0, sender)
