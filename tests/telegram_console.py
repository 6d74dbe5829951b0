"""Chat with a locally running bot without Telegram: a fake Bot API on 127.0.0.1 you type into.

python tests/telegram_console.py [--port 8081]
TELEGRAM_BOT_TOKEN=123456:TEST-token TELEGRAM_API_BASE_URL=http://127.0.0.1:8081 dossier serve
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from fake_telegram import Call, FakeBotAPI, Json, group_chat, parse_html, private_chat, user

CONSOLE_HELP = """Type a message and press Enter to send it in a private chat with the bot.
  group: TEXT     send TEXT in the group "Newsroom" (you are its administrator)
  reply: TEXT     in the group, reply TEXT to the bot's last message there
  inline: QUERY   an inline query (@bot QUERY)
  press N         press button N under the bot's last message that has buttons
  file: PATH      send a .txt/.md/.html/.pdf/.docx file (in the private chat)
  quit            stop"""


def _print_call(call: Call, buttons: list[tuple[Json, str]]) -> None:
    params, result = call.params, call.result
    if isinstance(result, dict) and "error" in result:
        print(f"  !! {call.method} rejected: {result['error']}")
        return
    if call.method in ("sendMessage", "editMessageText"):
        chat = "group" if int(params["chat_id"]) < 0 else "private"
        verb = "edits its message" if call.method == "editMessageText" else "says"
        text = parse_html(params["text"]) if params.get("parse_mode") == "HTML" else params["text"]
        print(f"\n[{chat}] bot {verb}:\n" + "\n".join("  " + line for line in text.splitlines()))
        rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        flat = [b for row in rows for b in row]
        if flat:
            buttons[:] = [(result, b["callback_data"]) for b in flat]
            print("  buttons: " + "  ".join(f"[{i}] {b['text']}" for i, b in enumerate(flat, start=1)))
    elif call.method == "answerInlineQuery":
        print("\n[inline] results:")
        for r in params.get("results", []):
            print("  - " + parse_html(r["input_message_content"]["message_text"]).replace("\n", " / "))
        if params.get("button"):
            print("  (" + params["button"]["text"] + ")")
    elif call.method == "answerCallbackQuery" and params.get("text"):
        print(f"\n[button] bot shows: {params['text']}")


async def _console(port: int) -> None:
    api = FakeBotAPI()
    buttons: list[tuple[Json, str]] = []
    api.on_call = lambda call: _print_call(call, buttons)
    url = await api.start(port)
    me = user(1001, "You", "you")
    private, group = private_chat(me), group_chat(-1001001, "Newsroom")
    api.admins[group["id"]] = {me["id"]}
    print(f"Fake Bot API on {url} (token {api.token}). Start the bot in another terminal:")
    print(f"  TELEGRAM_BOT_TOKEN={api.token} TELEGRAM_API_BASE_URL={url} .venv/bin/dossier serve")
    print(CONSOLE_HELP)
    loop = asyncio.get_running_loop()
    while True:
        raw = await loop.run_in_executor(None, sys.stdin.readline)
        line = raw.rstrip("\n")
        if raw == "" or line in ("quit", "exit"):  # "" is the end of input
            break
        if not line.strip():
            continue
        if line.startswith("group:"):
            api.send(group, me, line[6:].strip())
        elif line.startswith("reply:"):
            answers = [
                m for (cid, _), m in api.messages.items() if cid == group["id"] and m["from"]["id"] == api.bot["id"]
            ]
            api.send(group, me, line[6:].strip(), reply_to=answers[-1] if answers else None)
        elif line.startswith("inline:"):
            api.inline(me, line[7:].strip())
        elif line.startswith("file:"):
            path = Path(line[5:].strip()).expanduser()
            api.send(private, me, None, document=api.add_file(path.name, path.read_bytes()))
        elif line.startswith("press ") and line[6:].strip().isdigit():
            n = int(line[6:].strip())
            if 1 <= n <= len(buttons):
                message, data = buttons[n - 1]
                api.press(me, message, data)
        else:
            api.send(private, me, line.replace("\\n", "\n"))
    await api.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API on 127.0.0.1 to chat with the bot.")
    parser.add_argument("--port", type=int, default=8081)
    asyncio.run(_console(parser.parse_args().port))
