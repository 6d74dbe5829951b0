"""`dossier serve` as the README starts it: a subprocess with env vars, talking to the fake Bot API."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import signal
import socket
import sys
import threading
from pathlib import Path

import aiohttp
import pytest
from fake_telegram import FakeBotAPI, group_chat, private_chat, user

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [json.loads(line) for line in (ROOT / "examples" / "articles.jsonl").read_text().splitlines()]
ALICE = user(501, "Alice", "alice")
CHAT = private_chat(ALICE)


def script(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


async def start(args: list[str], env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    full = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    for key in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL"):
        if key not in env:
            full.pop(key, None)
    return await asyncio.create_subprocess_exec(
        *args, env=full, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def finish(process: asyncio.subprocess.Process, timeout: float = 60) -> tuple[int, str]:
    _, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, err.decode()


def bot_env(telegram: FakeBotAPI, data: Path) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.url,
        "DATA_DIR": str(data),
        "LOG_LEVEL": "INFO",
    }


async def test_serve_holds_a_conversation_and_stops_cleanly_on_sigterm(telegram: FakeBotAPI, tmp_path: Path) -> None:
    process = await start([script("dossier"), "serve"], bot_env(telegram, tmp_path / "data"), tmp_path)
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=120)
        await telegram.say(CHAT, ALICE, "/start", "answers questions about your team")
        await telegram.say(CHAT, ALICE, "/add " + EXAMPLES[0]["text"], "Added #1")
        answer = await telegram.say(CHAT, ALICE, "how many tanks did the unit have left?", "<b>Sources</b>")
        assert "probably 9 left" in answer.params["text"]

        # SIGTERM while a long file is being embedded: the add finishes and is reported before the bot exits.
        long_text = "Long report on the front\n\n" + " ".join(
            f"Paragraph {i}: shelling near the village of Kerinovo{i} damaged {i} houses." for i in range(400)
        )
        report = telegram.add_file("report.txt", long_text.encode())
        mark = len(telegram.calls)
        telegram.send(CHAT, ALICE, None, document=report)
        await telegram.reply(CHAT["id"], "…", after=mark)  # the progress message exists: the add is in flight
        process.send_signal(signal.SIGTERM)
        done = await telegram.reply(CHAT["id"], "Added #2 «Long report on the front»", after=mark, timeout=120)
        assert done.method == "editMessageText"
        code, err = await finish(process)
    finally:
        if process.returncode is None:
            process.kill()
    assert code == 0, err
    assert "library closed" in err
    listed = await start([script("dossier"), "list"], {"DATA_DIR": str(tmp_path / "data")}, tmp_path)
    out, _ = await listed.communicate()
    assert "Long report on the front" in out.decode()


async def test_an_update_cut_short_by_a_kill_is_handled_after_a_restart(telegram: FakeBotAPI, tmp_path: Path) -> None:
    """Killed while embedding a document (python-telegram-bot's next poll has confirmed the update to Telegram by
    then): the restarted bot handles it from the library's inbox; the sender does not send it again."""
    env = {**bot_env(telegram, tmp_path / "data"), "UPDATE_LEASE_SECONDS": "3", "IMPORT_PROCESS": "false"}
    long_text = "Long report on the coast\n\n" + " ".join(
        f"Paragraph {i}: the storm near the village of Merlow{i} flooded {i} houses." for i in range(300)
    )
    report = telegram.add_file("report.txt", long_text.encode())
    processes = [await start([script("dossier"), "serve"], env, tmp_path)]
    try:
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=120)
        mark = len(telegram.calls)
        telegram.send(CHAT, ALICE, None, document=report)  # update 1
        await telegram.reply(CHAT["id"], "…", after=mark)  # the progress message exists: the add is in flight
        processes[0].kill()
        await processes[0].wait()
        processes.append(await start([script("dossier"), "serve"], env, tmp_path))
        done = await telegram.reply(CHAT["id"], "Added #1 «Long report on the coast»", after=mark, timeout=180)
        assert done.method in ("sendMessage", "editMessageText")
        processes[1].send_signal(signal.SIGTERM)
        code, err = await finish(processes[1])
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert code == 0, err
    assert "taking over update 1" in err


async def test_missing_or_rejected_token_is_one_clear_line(telegram: FakeBotAPI, tmp_path: Path) -> None:
    missing = await start([sys.executable, "-m", "bot"], {"DATA_DIR": str(tmp_path / "d")}, tmp_path)
    code, err = await finish(missing)
    assert code == 2 and err.strip() == (
        "error: TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env or the environment"
    )
    env = {**bot_env(telegram, tmp_path / "d"), "TELEGRAM_BOT_TOKEN": "999:wrong"}
    rejected = await start([script("dossier"), "serve"], env, tmp_path)
    code, err = await finish(rejected, timeout=120)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "error: Telegram rejected TELEGRAM_BOT_TOKEN (unauthorized): check the token from @BotFather"
    )
    env = {**bot_env(telegram, tmp_path / "d"), "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    unreachable = await start([script("dossier"), "serve"], env, tmp_path)
    code, err = await finish(unreachable, timeout=120)
    assert code == 1 and err.strip().splitlines()[-1].startswith(
        "error: cannot reach the Bot API at http://127.0.0.1:9"
    )
    # A web server that is no Bot API answers with an HTML page: its text, not its markup, on the one line.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        other = await start([script("dossier"), "serve"], {**env, "TELEGRAM_API_BASE_URL": url}, tmp_path)
        code, err = await finish(other, timeout=120)
    finally:
        server.shutdown()
    line = err.strip().splitlines()[-1]
    assert code == 1 and line.startswith(f"error: cannot reach the Bot API at {url}") and "<" not in line
    assert "Unsupported method" in line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def listening(port: int, timeout: float = 60) -> None:
    """Wait until the bot's webhook server accepts connections."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


# About the webhook's secret token, no database code: on SQLite only, for CI's time.
@pytest.mark.sqlite_only
async def test_webhook_mode_checks_the_secret_token(telegram: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    env = {
        **bot_env(telegram, tmp_path / "data"),
        "WEBHOOK_URL": hook,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": "s3cret-Token_1",
    }
    process = await start([script("dossier"), "serve"], env, tmp_path)
    try:
        registered = await telegram.wait_for(lambda c: c.method == "setWebhook", timeout=120)
        assert registered.params["url"] == hook and registered.params["secret_token"] == "s3cret-Token_1"
        await telegram.wait_for(lambda c: c.method == "setMyCommands", timeout=120)
        group = group_chat(-100700, "Webhook group")
        update = {
            "update_id": 1,
            "message": {
                "message_id": 5,
                "date": 1,
                "chat": group,
                "from": ALICE,
                "text": "/help@DossierTestBot",
                "entities": [{"type": "bot_command", "offset": 0, "length": 20}],
            },
        }
        await listening(port)
        async with aiohttp.ClientSession() as http:
            async with http.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                assert r.status == 403
            async with http.post(hook, json=update) as r:
                assert r.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            async with http.post(hook, json=update, headers=headers) as r:
                assert r.status == 200
        sent = await telegram.reply(group["id"], "answers questions about your team")
        assert len([c for c in telegram.calls if c.method == "sendMessage"]) == 1 and sent
        process.send_signal(signal.SIGTERM)
        code, err = await finish(process)
    finally:
        if process.returncode is None:
            process.kill()
    assert code == 0, err
