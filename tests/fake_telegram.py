"""A fake Telegram Bot API server on 127.0.0.1 (aiohttp) for driving the real bot in tests.

It speaks the Bot API's JSON (field names and types as Telegram sends them), keeps the messages it has
seen or sent, validates what the bot sends the way Telegram does (HTML parse errors, 4096-character
limit, also for inline results; callback data size, "message is not modified"), and records every call for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

Json = dict[str, Any]
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
}
INLINE_TITLE_LIMIT = 512  # characters of an inline result's title or description (a conservative fake limit)
INLINE_ANSWER_BYTES = 256 * 1024  # the whole answerInlineQuery result list (a conservative fake limit)
_JSON_KEYS = {"chat_id", "message_id", "user_id", "offset", "limit", "timeout", "cache_time", "is_personal"}


class BadRequest(Exception):
    pass


@dataclass
class Call:
    method: str
    params: Json
    result: Any = None


class _TelegramHTML(html.parser.HTMLParser):
    """Parses Telegram's HTML subset into plain text, failing like Telegram on what it would reject."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise BadRequest(f'Bad Request: can\'t parse entities: unsupported start tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            raise BadRequest("Bad Request: can't parse entities: a tag without href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise BadRequest(f'Bad Request: can\'t parse entities: unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(source: str) -> str:
    parser = _TelegramHTML()
    if re.search(r"&(?!lt;|gt;|amp;|quot;|#\d+;|#x[0-9a-fA-F]+;)", source):
        raise BadRequest("Bad Request: can't parse entities: unsupported HTML entity")
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise BadRequest(f'Bad Request: can\'t parse entities: unclosed tag "{parser.stack[-1]}"')
    return "".join(parser.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities_for(text: str) -> list[Json]:
    """bot_command at the start, @mentions and http(s) links, with offsets in UTF-16 code units as Telegram gives
    them."""
    found: list[Json] = []
    for m in re.finditer(r"(?:^/[A-Za-z0-9_]+(?:@\w+)?)|(?<![\w@])@\w{3,}|https?://[^\s<>\"]+", text):
        first = m.group(0)[0]
        kind = "bot_command" if first == "/" else "mention" if first == "@" else "url"
        found.append({"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return found


def user(user_id: int, first_name: str, username: str | None = None) -> Json:
    out: Json = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
    if username:
        out["username"] = username
    return out


def private_chat(u: Json) -> Json:
    chat = {"id": u["id"], "type": "private", "first_name": u["first_name"]}
    if "username" in u:
        chat["username"] = u["username"]
    return chat


def group_chat(chat_id: int, title: str, kind: str = "supergroup") -> Json:
    return {"id": chat_id, "type": kind, "title": title}


class FakeBotAPI:
    """The server. ``url`` is what TELEGRAM_API_BASE_URL is set to."""

    def __init__(self, token: str = "123456:TEST-token", username: str = "DossierTestBot") -> None:
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Dossier",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], Json] = {}
        # Messages of the bot a user deletes as soon as they arrive (those whose text this is true of).
        self.vanish: Callable[[str], bool] | None = None
        self.files: dict[str, tuple[str, bytes]] = {}
        self.admins: dict[int, set[int]] = {}
        self.failures: dict[str, list[Json]] = {}
        self._updates: list[Json] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.on_call: Callable[[Call], None] | None = None  # the interactive console prints calls with it

    # -- server ------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        for path, data in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=data)
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        body: Json
        queued = self.failures.get(method)
        handler = getattr(self, f"_{method}", None)
        if queued:
            body = queued.pop(0)
        elif handler is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
        else:
            try:
                result = await handler(params) if method == "getUpdates" else handler(params)
                body = {"ok": True, "result": result}
            except BadRequest as exc:
                body = {"ok": False, "error_code": 400, "description": str(exc)}
        call.result = body["result"] if body["ok"] else {"error": body["description"]}
        if method != "getUpdates":
            self.calls.append(call)
            self._changed.set()
            if self.on_call is not None:
                self.on_call(call)
        return web.json_response(body, status=200 if body["ok"] else body["error_code"])

    @staticmethod
    async def _params(request: web.Request) -> Json:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        out: Json = {}
        for key, value in form.items():
            if not isinstance(value, str):
                continue
            if key in _JSON_KEYS or value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            out[key] = value
        return out

    # -- Bot API methods ---------------------------------------------------------------------
    def _getMe(self, params: Json) -> Json:
        return self.bot

    def _deleteWebhook(self, params: Json) -> bool:
        return True

    def _setWebhook(self, params: Json) -> bool:
        return True

    def _getWebhookInfo(self, params: Json) -> Json:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _setMyCommands(self, params: Json) -> bool:
        for command in params.get("commands", []):
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or not command["description"]:
                raise BadRequest("Bad Request: BOT_COMMAND_INVALID")
        return True

    def _sendChatAction(self, params: Json) -> bool:
        return True

    def _answerCallbackQuery(self, params: Json) -> bool:
        if len(params.get("text", "")) > 200:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        return True

    def _answerInlineQuery(self, params: Json) -> bool:
        results = params.get("results", [])
        ids = [r["id"] for r in results]
        if len(results) > 50 or len(set(ids)) != len(ids) or any(len(i.encode()) > 64 for i in ids):
            raise BadRequest("Bad Request: RESULT_ID_INVALID")
        for r in results:
            content = r["input_message_content"]
            text = str(content.get("message_text", ""))
            plain = parse_html(text) if content.get("parse_mode") == "HTML" else text
            if not plain.strip() or utf16_len(plain) > 4096:
                raise BadRequest("Bad Request: MESSAGE_TOO_LONG" if plain.strip() else "Bad Request: MESSAGE_EMPTY")
            # Telegram documents no limit here; these are conservative ones that keep the result list small.
            if utf16_len(str(r.get("title", ""))) > INLINE_TITLE_LIMIT:
                raise BadRequest("Bad Request: RESULT_TITLE_INVALID")
            if utf16_len(str(r.get("description", ""))) > INLINE_TITLE_LIMIT:
                raise BadRequest("Bad Request: RESULT_DESCRIPTION_INVALID")
        if len(json.dumps(results, ensure_ascii=False).encode()) > INLINE_ANSWER_BYTES:
            raise BadRequest("Bad Request: RESULTS_TOO_MUCH")
        return True

    def _getChatMember(self, params: Json) -> Json:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        member = user(user_id, f"user{user_id}")
        if user_id not in self.admins.get(chat_id, set()):
            return {"status": "member", "user": member}
        rights = (
            "can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
            "can_restrict_members can_promote_members can_change_info can_invite_users can_post_stories "
            "can_edit_stories can_delete_stories"
        ).split()
        return {"status": "administrator", "user": member, **{r: r != "is_anonymous" for r in rights}}

    def _getFile(self, params: Json) -> Json:
        file_id = params["file_id"]
        if file_id not in self.files:
            raise BadRequest("Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path}

    def _check_text(self, params: Json) -> str:
        text = str(params.get("text", ""))
        plain = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if not plain.strip():
            raise BadRequest("Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise BadRequest("Bad Request: message is too long")
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
        return plain

    def _sendMessage(self, params: Json) -> Json:
        plain = self._check_text(params)
        chat_id = int(params["chat_id"])
        chat = self._chat(chat_id)
        message: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")},
            "text": plain,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        reply = params.get("reply_parameters") or {}
        replied = self.messages.get((chat_id, int(reply.get("message_id", 0))))
        if reply and replied is None and not reply.get("allow_sending_without_reply"):
            raise BadRequest("Bad Request: message to be replied not found")  # as Telegram: deleted meanwhile
        if replied is not None:
            message["reply_to_message"] = replied
        if not (self.vanish and self.vanish(plain)):
            self.messages[(chat_id, message["message_id"])] = message
        return message

    def delete(self, chat_id: int, message_id: int) -> None:
        """A message deleted in the chat (by its sender, an admin or a cleaning bot)."""
        self.messages.pop((chat_id, message_id), None)

    def _editMessageText(self, params: Json) -> Json:
        plain = self._check_text(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            raise BadRequest("Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message["text"] == plain and message.get("reply_markup") == markup:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        message.update({"text": plain, "edit_date": int(time.time())})
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _getUpdates(self, params: Json) -> list[Json]:
        offset = int(params.get("offset", 0) or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=float(params.get("timeout", 0) or 0))
        return list(self._updates[: int(params.get("limit", 100) or 100)])

    # -- feeding updates ---------------------------------------------------------------------
    def _chat(self, chat_id: int) -> Json:
        for (cid, _), message in self.messages.items():
            if cid == chat_id:
                return dict(message["chat"])
        return {"id": chat_id, "type": "private", "first_name": "someone"}

    def push(self, update: Json) -> Json:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def send(
        self,
        chat: Json,
        sender: Json | None,
        text: str | None = None,
        *,
        reply_to: Json | None = None,
        document: Json | None = None,
        caption: str | None = None,
        forward_origin: Json | None = None,
        edited: bool = False,
        extra: Json | None = None,
    ) -> Json:
        """A user's message in ``chat`` (None as sender: a channel post or an anonymous sender)."""
        message: Json = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat}
        if sender is not None:
            message["from"] = sender
        if text is not None:
            message["text"] = text
            if entities := entities_for(text):
                message["entities"] = entities
        if caption is not None:
            message["caption"] = caption
            if entities := entities_for(caption):
                message["caption_entities"] = entities
        if document is not None:
            message["document"] = document
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if forward_origin is not None:
            message["forward_origin"] = forward_origin
        message.update(extra or {})
        self.messages[(chat["id"], message["message_id"])] = message
        self.push({"edited_message" if edited else "message": message})
        return message

    def channel_post(self, channel: Json, text: str, edit: Json | None = None) -> Json:
        """A post in ``channel`` (it posts as itself), or, with ``edit``, that earlier post edited to ``text``."""
        message: Json = (
            {**edit, "edit_date": int(time.time())}
            if edit is not None
            else {"message_id": next(self._message_ids), "date": int(time.time()), "chat": channel}
        )
        message["sender_chat"] = channel
        message["text"] = text
        message.pop("entities", None)
        if entities := entities_for(text):
            message["entities"] = entities
        self.messages[(channel["id"], message["message_id"])] = message
        self.push({"edited_channel_post" if edit is not None else "channel_post": message})
        return message

    def add_file(self, file_name: str, data: bytes, mime_type: str = "text/plain") -> Json:
        file_id = f"file{len(self.files) + 1}"
        suffix = re.search(r"\.[A-Za-z0-9]{1,10}$", file_name)  # like Telegram: documents/file_12.txt
        self.files[file_id] = (f"documents/{file_id}{suffix.group(0) if suffix else ''}", data)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }

    def press(self, sender: Json, message: Json, data: str) -> Json:
        """A press on an inline button of one of the bot's messages."""
        query = {
            "id": str(next(self._message_ids)),
            "from": sender,
            "message": message,
            "chat_instance": "ci1",
            "data": data,
        }
        return self.push({"callback_query": query})

    def inline(self, sender: Json, query: str) -> Json:
        q = {"id": str(next(self._message_ids)), "from": sender, "query": query, "offset": "", "chat_type": "sender"}
        return self.push({"inline_query": q})

    # -- assertions --------------------------------------------------------------------------
    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 60.0, after: int = 0) -> Call:
        """The first call (from index ``after``) matching ``predicate``, waiting for it if needed."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for call in self.calls[after:]:
                if predicate(call):
                    return call
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                sent = [(c.method, c.params.get("text", "")[:80]) for c in self.calls[after:]]
                raise AssertionError(f"no matching call within {timeout} s; calls since: {sent}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))

    async def reply(self, chat_id: int, contains: str, timeout: float = 60.0, after: int = 0) -> Call:
        """The first sendMessage or editMessageText to ``chat_id`` whose text contains ``contains``."""
        return await self.wait_for(
            lambda c: (
                c.method in ("sendMessage", "editMessageText")
                and int(c.params.get("chat_id", 0)) == chat_id
                and contains in str(c.params.get("text", ""))
            ),
            timeout,
            after,
        )

    async def say(
        self, chat: Json, sender: Json | None, text: str | None, expect: str, timeout: float = 60.0, **kwargs: Any
    ) -> Call:
        """Send a message and wait for the bot's message (sent or edited) to that chat containing ``expect``."""
        mark = len(self.calls)
        self.send(chat, sender, text, **kwargs)
        return await self.reply(chat["id"], expect, timeout, after=mark)

    def errors(self) -> list[Call]:
        """Calls Telegram would have rejected (bad HTML, too long, not modified...)."""
        return [c for c in self.calls if isinstance(c.result, dict) and "error" in c.result]

    def texts(self, chat_id: int, after: int = 0) -> list[str]:
        return [
            str(c.params.get("text", ""))
            for c in self.calls[after:]
            if c.method in ("sendMessage", "editMessageText") and int(c.params.get("chat_id", 0)) == chat_id
        ]
