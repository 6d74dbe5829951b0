"""Bot round trips through a fake Bot API on 127.0.0.1: update delivered → answer sent.

    python benchmarks/bench_bot.py --articles 300 --questions 40

The real Application (long polling), engine, model, SQLite and FAISS; only Telegram is the fake server
the tests use. Measures a question answered alone, questions from many chats at once, inline queries,
and a question asked while a long import is embedding in another chat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus import articles, questions
from fake_telegram import FakeBotAPI, group_chat, private_chat, user
from polling import polling

from bot.app import build_application
from bot.settings import BotSettings
from index import Library


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, ms: list[float]) -> None:
    print(f"{label:<44} n={len(ms):>3}  p50 {statistics.median(ms):7.1f} ms  p95 {pct(ms, 0.95):7.1f} ms")


async def timed_answer(api: FakeBotAPI, chat: dict, sender: dict, text: str) -> float:
    start = time.perf_counter()
    await api.say(chat, sender, text, "", timeout=120)  # the first message the bot sends to that chat
    return (time.perf_counter() - start) * 1000


async def main(n_articles: int, n_questions: int, batch: int, process: bool) -> None:
    api = FakeBotAPI()
    await api.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = BotSettings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
            data_dir=Path(folder),
            rate_limit_questions=0,
            rate_limit_adds=0,
            add_policy="everyone",
            embedding_batch_size=batch,
            import_process=process,
        )
        library = Library.open(settings)
        rows = articles(n_articles)
        started = time.perf_counter()
        report = library.add_jsonl(rows)
        print(
            f"EMBEDDING_BATCH_SIZE={batch}; library: {len(report.added)} articles, {report.passages} passages "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        app = build_application(settings, library)
        async with polling(app):
            asked = questions()[:n_questions]
            users = [user(1000 + i, f"U{i}") for i in range(len(asked))]

            solo = [await timed_answer(api, private_chat(users[0]), users[0], q) for q in asked]
            line("question alone (private chat)", solo)

            chats = [group_chat(-1000 - i, f"G{i}") for i in range(len(asked))]
            together = await asyncio.gather(
                *(timed_answer(api, chats[i], users[i], f"/ask {q}") for i, q in enumerate(asked))
            )
            line(f"{len(asked)} questions at once from {len(asked)} groups", list(together))

            inline_ms = []
            for i, q in enumerate(asked):
                mark = len(api.calls)
                start = time.perf_counter()
                api.inline(users[i], q)
                await api.wait_for(lambda c: c.method == "answerInlineQuery", after=mark)
                inline_ms.append((time.perf_counter() - start) * 1000)
            line("inline query", inline_ms)

            text = "Long report\n\n" + " ".join(f"Sentence {i} about the village of Kerinovo{i}." for i in range(3000))
            upload = api.add_file("long.txt", text.encode())
            importer = user(999, "Importer")
            mark = len(api.calls)
            api.send(private_chat(importer), importer, None, document=upload)
            await api.reply(importer["id"], "…", after=mark)
            during = [await timed_answer(api, private_chat(users[1]), users[1], q) for q in asked[:10]]
            adder = users[2]
            small = []
            for i in range(3):
                start = time.perf_counter()
                text = json.loads(list(articles(n_articles + 1 + i))[-1])["text"]
                await api.say(private_chat(adder), adder, f"/add {text}", "Added #")
                small.append((time.perf_counter() - start) * 1000)
            done = await api.reply(importer["id"], "Added #", after=mark, timeout=1800)
            line("question while a 3,000-sentence file imports", during)
            line("small /add from another chat meanwhile", small)
            print(f"  (the import finished after them: {api.calls.index(done) > mark}; IMPORT_PROCESS={process})")

    await api.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--batch", type=int, default=32, help="EMBEDDING_BATCH_SIZE")
    parser.add_argument("--in-process", action="store_true", help="IMPORT_PROCESS=false: adds embed in this process")
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.questions, args.batch, not args.in_process))
