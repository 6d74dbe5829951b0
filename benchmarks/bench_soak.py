"""Soak: a steady stream of questions from many chats while bulk imports run, through the fake Bot API on 127.0.0.1.

    python benchmarks/bench_soak.py --rate 30 --chats 50 --seconds 300 --articles 300

The real Application (long polling, its AIORateLimiter included), engine, model, SQLite and FAISS; only Telegram is
the fake server the tests use. Half the chats are private (plain questions), half are groups (``/ask``); one more
private chat uploads large .txt files, one after another, for the whole soak. Questions go out on a fixed schedule
(open loop) and never wait for answers; after ``--seconds`` the sender stops and replies are awaited for at most
``--drain`` seconds. RATE_LIMIT_QUESTIONS=0, so a "Slow down" notice would be a defect.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus import articles, questions, source_sentences
from fake_telegram import Call, FakeBotAPI, Json, group_chat, private_chat, user
from polling import polling
from pydantic import SecretStr

from bot.app import build_application
from bot.settings import BotSettings
from index import Library

IMPORTER_ID = 999
NOT_FOUND_MARK = "See /sources for what the library holds."


@dataclass
class Tally:
    """What the fake server saw: per chat, the send times of the questions not yet answered (answers to one chat
    come in order: one sender per chat, whose engine calls run one at a time)."""

    waiting: dict[int, collections.deque[float]] = field(
        default_factory=lambda: collections.defaultdict(collections.deque)
    )
    latencies_ms: list[float] = field(default_factory=list)
    sent: int = 0
    slow_down: int = 0
    busy: int = 0  # "Busy: … ask again in a minute" (the question waited QUESTION_WAIT for a thread)
    errors: int = 0
    unmatched: int = 0
    imports: list[tuple[float, int]] = field(default_factory=list)  # (seconds, passages) per finished import

    def question_sent(self, chat_id: int) -> None:
        self.sent += 1
        self.waiting[chat_id].append(time.perf_counter())

    def observe(self, call: Call) -> None:
        """Called by the fake server for every Bot API call, as it happens."""
        if call.method != "sendMessage" or not isinstance(call.result, dict) or "error" in call.result:
            return
        chat_id = int(call.params.get("chat_id", 0))
        text = str(call.params.get("text", ""))
        if chat_id == IMPORTER_ID:
            return
        markup = str(call.params.get("reply_markup") or "")
        final = "More results" in markup or NOT_FOUND_MARK in text or text.startswith(("Slow down", "Sorry", "Busy"))
        if not final:  # a page of a long answer; its last page carries the buttons
            return
        self.slow_down += text.startswith("Slow down")
        self.busy += text.startswith("Busy")
        self.errors += text.startswith("Sorry")
        pending = self.waiting.get(chat_id)
        if not pending:
            self.unmatched += 1
            return
        self.latencies_ms.append((time.perf_counter() - pending.popleft()) * 1000)

    def outstanding(self) -> int:
        return sum(len(d) for d in self.waiting.values())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def import_text(number: int, sentences: list[str], count: int) -> bytes:
    """A long report of ``count`` corpus sentences (a few hundred passages), different for each ``number``."""
    start = (number * 997) % len(sentences)
    picked = [sentences[(start + i) % len(sentences)] for i in range(count)]
    paragraphs = [" ".join(picked[k : k + 4]) for k in range(0, len(picked), 4)]
    return (f"Bulk import {number}: field reports\n\n" + "\n\n".join(paragraphs)).encode()


async def run_imports(api: FakeBotAPI, tally: Tally, stop: asyncio.Event, sentences: int) -> None:
    """Upload large files from one private chat, one after the other, until ``stop`` is set."""
    importer = user(IMPORTER_ID, "Importer")
    pool = source_sentences()
    number = 0
    while not stop.is_set():
        upload = api.add_file(f"bulk-{number}.txt", import_text(number, pool, sentences))
        mark = len(api.calls)
        started = time.perf_counter()
        api.send(private_chat(importer), importer, None, document=upload)
        done = await api.wait_for(
            lambda c: c.method == "editMessageText" and "Added #" in str(c.params.get("text", "")), 900, mark
        )
        found = re.search(r"\((\d+) passages?\)", str(done.params["text"]))
        tally.imports.append((time.perf_counter() - started, int(found.group(1)) if found else 0))
        number += 1


async def send_questions(api: FakeBotAPI, tally: Tally, rate: float, chats: int, seconds: float) -> float:
    """Questions on a fixed schedule, round robin over the chats: even chats private, odd chats groups (/ask).
    Returns the achieved send rate."""
    asked = questions()
    senders = [user(2000 + i, f"U{i}") for i in range(chats)]
    rooms: list[Json] = [
        private_chat(u) if i % 2 == 0 else group_chat(-2000 - i, f"G{i}") for i, u in enumerate(senders)
    ]
    total = int(rate * seconds)
    start = time.perf_counter()
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        k = i % chats
        question = asked[i % len(asked)]
        text = question if rooms[k]["type"] == "private" else f"/ask {question}"
        tally.question_sent(rooms[k]["id"])
        api.send(rooms[k], senders[k], text)
    return total / (time.perf_counter() - start)


async def drain(tally: Tally, seconds: float) -> None:
    """Wait until every question is answered, or ``seconds`` have passed."""
    deadline = time.perf_counter() + seconds
    while tally.outstanding() and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)


def report(tally: Tally, send_rate: float, soak_s: float, drain_s: float) -> None:
    answered = len(tally.latencies_ms)
    print(f"questions sent:        {tally.sent} ({send_rate:.1f}/s achieved)")
    print(f"replies received:      {answered} ({answered / (soak_s + drain_s):.1f}/s over {soak_s + drain_s:.0f} s)")
    print(f"of which 'Busy':       {tally.busy} (waited longer than QUESTION_WAIT for a thread)")
    print(f"lost replies:          {tally.outstanding()} (unanswered when the drain ended)")
    print(f"unmatched replies:     {tally.unmatched}; 'Sorry' errors: {tally.errors}")
    lat = tally.latencies_ms
    print(f"latency p50/p95/p99:   {pct(lat, 0.5):.0f} / {pct(lat, 0.95):.0f} / {pct(lat, 0.99):.0f} ms")
    print(f"'Slow down' notices:   {tally.slow_down}")
    seconds, passages = sum(s for s, _ in tally.imports), sum(p for _, p in tally.imports)
    rate = passages / seconds if seconds else 0.0
    print(f"imports finished:      {len(tally.imports)}, {passages} passages, {rate:.1f} passages/s while soaking")
    print(f"peak RSS:              {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


async def main(args: argparse.Namespace) -> None:
    api = FakeBotAPI()
    await api.start()
    tally = Tally()
    api.on_call = tally.observe
    with tempfile.TemporaryDirectory() as folder:
        settings = BotSettings(  # type: ignore[call-arg]
            _env_file=None,
            telegram_bot_token=SecretStr(api.token),
            telegram_api_base_url=api.url,
            data_dir=Path(folder),
            rate_limit_questions=0,
            rate_limit_adds=0,
            add_policy="everyone",
            question_wait=args.question_wait,
        )
        library = Library.open(settings)
        built = library.add_jsonl(articles(args.articles))
        print(f"library: {len(built.added)} articles, {built.passages} passages; {args.chats} chats, {args.rate} q/s")
        app = build_application(settings, library)
        async with polling(app):
            stop = asyncio.Event()
            importing = asyncio.create_task(run_imports(api, tally, stop, args.import_sentences))
            started = time.perf_counter()
            send_rate = await send_questions(api, tally, args.rate, args.chats, args.seconds)
            soak_s = time.perf_counter() - started
            stop.set()
            drained = time.perf_counter()
            await drain(tally, args.drain)
            drain_s = time.perf_counter() - drained
            importing.cancel()
            report(tally, send_rate, soak_s, drain_s)
            print(f"Telegram would have rejected: {len(api.errors())} calls")

    await api.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=30.0, help="questions per second, all chats together")
    parser.add_argument("--chats", type=int, default=50, help="chats asking (every other one a group)")
    parser.add_argument("--seconds", type=float, default=300.0, help="how long questions are sent")
    parser.add_argument("--articles", type=int, default=300, help="articles in the library before the soak")
    parser.add_argument("--import-sentences", type=int, default=2000, help="sentences per imported file")
    parser.add_argument("--question-wait", type=float, default=30.0, help="QUESTION_WAIT (0: questions wait forever)")
    parser.add_argument("--drain", type=float, default=120.0, help="longest wait for replies after the sending ends")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures survive a kill
    asyncio.run(main(parser.parse_args()))
