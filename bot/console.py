"""``dossier chat``: talk to the bot in a terminal, through the same handlers as in Telegram.

The Application is the real one (``build_application``); only its connection to Telegram is replaced by
``LocalBotAPI``, an in-process stand-in that answers the bot's Bot API calls and keeps the messages it sends. What
you type becomes an update in a private chat (or, with ``group:``, in a group where you are an administrator),
and the bot's messages are printed as text with their buttons numbered for ``press N``.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

Json = dict[str, Any]
ME: Json = {"id": 1001, "is_bot": False, "first_name": "You", "username": "you"}
GROUP: Json = {"id": -1001, "type": "supergroup", "title": "Newsroom"}
BOT: Json = {"id": 1, "is_bot": True, "first_name": "Dossier", "username": "DossierBot"}
HELP = """Type a question, a link or /add + text (a pasted block of lines is one message; piped input: end each
message with a line holding only "."). Also:
  group: TEXT     send TEXT in the group "Newsroom" (you are its administrator)
  reply: TEXT     in the group, reply to the bot's last message there
  inline: QUERY   an inline query (@bot QUERY)
  press N         press button N under the bot's last message with buttons
  file: PATH      send a .txt/.md/.html/.pdf/.docx file
  quit            stop (Ctrl-D too)"""
_TAG = re.compile(r"<[^>]+>")
_QUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.S)


class LocalBotAPI(BaseRequest):
    """Answers the Bot API methods the bot uses, in process; ``on_message`` sees every message it sends or edits."""

    def __init__(self, on_message: Callable[[Json], None]) -> None:
        self.on_message = on_message
        self.messages: dict[tuple[int, int], Json] = {}
        self.files: dict[str, bytes] = {}
        self.inline: list[Json] = []
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.files.get(url.rsplit("/", 1)[-1], b"")
        params: Json = dict(request_data.parameters) if request_data is not None else {}
        call = getattr(self, "_" + url.rsplit("/", 1)[-1], None)
        result = call(params) if call is not None else True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _getMe(self, params: Json) -> Json:
        return {**BOT, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

    def _getChatMember(self, params: Json) -> Json:
        if int(params["user_id"]) != ME["id"]:
            return {"status": "member", "user": ME}
        rights = (
            "can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
            "can_restrict_members can_promote_members can_change_info can_invite_users can_post_stories "
            "can_edit_stories can_delete_stories"
        ).split()
        return {"status": "administrator", "user": ME, **{r: r != "is_anonymous" for r in rights}}

    def _getFile(self, params: Json) -> Json:
        return {"file_id": params["file_id"], "file_unique_id": params["file_id"], "file_path": params["file_id"]}

    def _answerCallbackQuery(self, params: Json) -> bool:
        if params.get("text"):
            self.on_message({"chat": {"id": 0}, "html": html.escape(str(params["text"])), "toast": True})
        return True

    def _answerInlineQuery(self, params: Json) -> bool:
        self.inline = list(params.get("results") or [])
        return True

    def _sendMessage(self, params: Json) -> Json:
        chat_id = int(params["chat_id"])
        chat = GROUP if chat_id == GROUP["id"] else {"id": chat_id, "type": "private", "first_name": "You"}
        message: Json = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT}
        return self._store(message, params)

    def _editMessageText(self, params: Json) -> Json:
        message = self.messages[(int(params["chat_id"]), int(params["message_id"]))]
        message.pop("reply_markup", None)
        return self._store(message, params)

    def _store(self, message: Json, params: Json) -> Json:
        message["text"] = html.unescape(_TAG.sub("", str(params.get("text", ""))))
        message["html"] = str(params.get("text", ""))
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(message["chat"]["id"], message["message_id"])] = message
        self.on_message(message)
        return {k: v for k, v in message.items() if k != "html"}


def as_text(message: Json) -> str:
    """A sent message as a terminal shows it: quotes marked with ▍, buttons numbered."""
    body = _QUOTE.sub(lambda m: "▍" + m.group(1).replace("\n", "\n▍"), message["html"])
    lines = [html.unescape(_TAG.sub("", body))]
    buttons = [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
    if buttons:
        lines.append("buttons: " + "  ".join(f"⟨{i} {b['text']}⟩" for i, b in enumerate(buttons, start=1)))
    return "\n".join(lines)


class Console:
    """Drives a started Application with typed messages; ``out`` receives the bot's messages as text."""

    def __init__(self, app: Application, api: LocalBotAPI, out: TextIO) -> None:
        self.app, self.api, self.out = app, api, out
        self._updates = itertools.count(1)
        self._ids = itertools.count(10_000)
        self.last_with_buttons: Json | None = None
        self.last_in_group: Json | None = None

    def shown(self, message: Json) -> None:
        if message.get("reply_markup"):
            self.last_with_buttons = message
        if message["chat"]["id"] == GROUP["id"]:
            self.last_in_group = message
        where = "bot (group)" if message["chat"]["id"] == GROUP["id"] else "bot"
        if message.get("toast"):
            where = "bot (pop-up)"
        self.out.write(f"{where}: " + as_text(message).replace("\n", "\n     ") + "\n")
        self.out.flush()

    async def say(self, line: str) -> bool:
        """Handle one typed message; False when the user wants to stop."""
        text = line.strip()
        if text in ("quit", "exit"):
            return False
        if text in ("help", "?"):
            self.out.write(HELP + "\n")
        elif text.startswith("press "):
            await self._press(text[6:].strip())
        elif text.startswith("inline:"):
            await self._update({"inline_query": {"id": "1", "from": ME, "query": text[7:].strip(), "offset": ""}})
            for result in self.api.inline:
                self.out.write(f"inline: {result.get('title', '')} — {result.get('description', '')}\n")
        elif text.startswith("file:"):
            await self._file(Path(text[5:].strip()).expanduser())
        elif text.startswith("group:"):
            await self._message(GROUP, text[6:].strip())
        elif text.startswith("reply:"):
            await self._message(GROUP, text[6:].strip(), reply_to=self.last_in_group)
        elif text:
            await self._message({"id": ME["id"], "type": "private", "first_name": "You"}, line.strip("\n"))
        return True

    async def _message(self, chat: Json, text: str, reply_to: Json | None = None, **extra: Any) -> None:
        message: Json = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": ME, **extra}
        if text:
            message["text"] = text
            command = re.match(r"/\w+(@\w+)?", text)
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        if reply_to is not None:
            message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "html"}
        await self._update({"message": message})

    async def _file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.out.write(f"cannot read {path}: {exc.strerror}\n")
            return
        file_id = f"f{next(self._ids)}"
        self.api.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": path.name, "file_size": len(data)}
        await self._message({"id": ME["id"], "type": "private", "first_name": "You"}, "", document=document)

    async def _press(self, which: str) -> None:
        message = self.last_with_buttons
        buttons = [b for row in (message or {}).get("reply_markup", {}).get("inline_keyboard", []) for b in row]
        if message is None or not re.fullmatch(r"[0-9]{1,3}", which) or not 1 <= int(which) <= len(buttons):
            self.out.write(f"no button {which} (the last message with buttons has {len(buttons)})\n")
            return
        shown = {k: v for k, v in message.items() if k != "html"}
        query = {"id": str(next(self._ids)), "from": ME, "chat_instance": "1", "message": shown}
        await self._update({"callback_query": {**query, "data": buttons[int(which) - 1]["callback_data"]}})

    async def _update(self, payload: Json) -> None:
        update = Update.de_json({"update_id": next(self._updates), **payload}, self.app.bot)
        await self.app.process_update(update)


def read_messages(stdin: TextIO) -> list[str] | None:
    """The next message: a line, or every line of a paste (lines that arrive together); None at the end of input.
    From a file or pipe, a message is every line up to a line holding only "." (articles have blank lines)."""
    first = stdin.readline()
    if not first:
        return None
    lines = [first]
    if stdin.isatty():
        while select.select([stdin], [], [], 0.05)[0]:
            more = stdin.readline()
            if not more:
                break
            lines.append(more)
    else:
        if first.strip() == ".":
            return [""]
        while (more := stdin.readline()) and more.strip() != ".":
            lines.append(more)
    return lines


async def run(app: Application, api: LocalBotAPI, console: Console, stdin: TextIO) -> None:
    """Start the Application without polling, then feed it what is typed until quit or end of input."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    try:
        console.out.write(HELP + "\n")
        while True:
            lines = await asyncio.to_thread(read_messages, stdin)
            if lines is None or not await console.say("".join(lines).rstrip("\n")):
                break
    finally:
        await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def attach(out: TextIO) -> tuple[LocalBotAPI, Callable[[Application], Console]]:
    """The local Bot API and a maker of the Console that prints its messages to ``out``."""
    consoles: list[Console] = []
    api = LocalBotAPI(lambda message: consoles[0].shown(message) if consoles else None)

    def make(app: Application) -> Console:
        consoles.append(Console(app, api, out))
        return consoles[0]

    return api, make


def main_loop(
    app_factory: Callable[[LocalBotAPI], Application],
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    """Build the Application on a local Bot API and run the conversation (handlers answer before the next line)."""
    api, make = attach(out)
    app = app_factory(api)
    asyncio.run(run(app, api, make(app), stdin))
