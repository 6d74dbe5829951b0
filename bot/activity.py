"""One INFO line per handled update: chat, kind, latency and, for questions, whether the bot abstained and how
many citations it gave. Operators see activity without DEBUG logging.

The line is written by ``LoggingApplication.process_update`` when every handler of the update has finished (the
handlers block, so that is when the reply has been sent); handlers add what they learnt with ``note``. A context
variable carries the notes: each update is processed in its own task, so concurrent updates never mix them.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import Application

from index import Answer

log = logging.getLogger(__name__)

_NOTES: ContextVar[dict[str, object] | None] = ContextVar("dossier_update_notes", default=None)


def note(**fields: object) -> None:
    """Add fields to the current update's log line (no-op outside an update)."""
    notes = _NOTES.get()
    if notes is not None:
        notes.update(fields)


def answered(answer: Answer) -> None:
    note(abstained=answer.abstained, citations=len(answer.citations))


def kind_of(update: Update) -> str:
    """What the update is, in a word or two: "command /ask", "text", "document", "button", "inline"…"""
    if update.callback_query is not None:
        return "button"
    if update.inline_query is not None:
        return "inline"
    message = update.effective_message
    if message is None:
        return "other"
    if message.document is not None:
        return "document"
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return "command " + text.split(maxsplit=1)[0].split("@", 1)[0][:32]
    if message.forward_origin is not None:
        return "forward"
    return "text" if message.text else "other"


class LoggingApplication(Application[Any, Any, Any, Any, Any, Any]):
    """python-telegram-bot's ``Application`` with the per-update log line."""

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        notes: dict[str, object] = {}
        token = _NOTES.set(notes)
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            _NOTES.reset(token)
            chat = update.effective_chat
            extra = " ".join(f"{k}={v}" for k, v in notes.items())
            log.info(
                "update chat=%s kind=%s ms=%.0f%s",
                chat.id if chat else "-",
                kind_of(update),
                (time.perf_counter() - started) * 1000,
                " " + extra if extra else "",
            )
