"""One status message that is edited as an add goes: fetching → extracting → embedding n/N → result."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from telegram import Message
from telegram.error import BadRequest, TelegramError

from bot.rendering import esc, progress_text
from index import Progress

log = logging.getLogger(__name__)
EDIT_EVERY = 1.0  # seconds; Telegram throttles frequent edits of one message


class ProgressMessage:
    """Receives ``Progress`` from the engine's thread and edits the status message from the event loop."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self._shown = message.text or ""
        self._latest = self._shown
        self._task: asyncio.Task[None] | None = None
        self._embedding_since: float | None = None
        self._gone = False  # the status message was deleted

    def __call__(self, progress: Progress) -> None:
        """Called in the engine's thread; only records the latest text (a single assignment is atomic)."""
        if progress.stage == "embedding" and self._embedding_since is None:
            self._embedding_since = time.monotonic()  # the rate counts from here: fetching is not embedding
        since = self._embedding_since
        self._latest = progress_text(progress, time.monotonic() - since if since is not None else 0.0)

    async def __aenter__(self) -> ProgressMessage:
        self._task = asyncio.create_task(self._follow())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(EDIT_EVERY)
            if self._latest != self._shown:
                await self._edit(self._latest)

    async def finish(self, html: str) -> None:
        """The final text (the result or the error), replacing the progress."""
        if self._task is not None:
            self._task.cancel()
        await self._edit(html, plain=False)

    async def _edit(self, text: str, plain: bool = True) -> None:
        self._shown = text
        body = esc(text) if plain else text
        if self._gone:
            if not plain:
                await self._send_anew(body)
            return
        try:
            await self.message.edit_text(body)
        except BadRequest as exc:
            reason = str(exc).lower()
            if "not modified" in reason:
                return
            if "not found" not in reason:
                raise
            # The user deleted the status message: the progress has nowhere to go, the result goes in a new one.
            self._gone = True
            if not plain:
                await self._send_anew(body)
        except TelegramError as exc:
            if not plain:
                raise
            log.warning("progress edit failed: %s", exc)

    async def _send_anew(self, body: str) -> None:
        """The result in a new message where the status was: under what it answers (in its forum topic too), or
        in the same thread."""
        target = self.message.reply_to_message
        if target is not None:
            await target.reply_text(body)
        else:
            await self.message.reply_text(body, do_quote=False)
