"""The engine facade, called off the event loop: questions on a small pool, writes on a pool of their own."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from index import DossierError, Library

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class Busy(DossierError):
    """More questions arrived than the machine answers: this one waited too long for its turn and was dropped."""


def _settled(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn``'s result; a StopIteration escaping it becomes a RuntimeError, since asyncio cannot set a
    StopIteration on a future (the awaiting handler would wait forever)."""
    try:
        return fn(*args, **kwargs)
    except StopIteration as exc:
        raise RuntimeError(f"{getattr(fn, '__name__', fn)} raised StopIteration") from exc


class Engine:
    """Runs ``Library`` calls in threads so a slow import never stalls questions in other chats.

    Writes (adds, removes) share ``writers`` threads, so a small add from one chat is not queued behind a long
    import from another (the library takes concurrent writers); reads share ``threads`` others. A read that waits
    longer than ``max_wait`` seconds for a thread is not run: under a flood of questions every one still gets a
    reply within about that time (an answer, or "Busy"), instead of answers minutes late."""

    def __init__(self, library: Library, threads: int = 3, max_wait: float = 30.0, writers: int = 4) -> None:
        self.library = library
        self.max_wait = max_wait
        self._reads = ThreadPoolExecutor(threads, thread_name_prefix="dossier-read")
        self._writes = ThreadPoolExecutor(writers, thread_name_prefix="dossier-write")
        self._small = ThreadPoolExecutor(2, thread_name_prefix="dossier-state")

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a quick or CPU-heavy read (ask, list, get...) in the read pool; ``Busy`` when its turn came too late."""
        queued = time.monotonic()

        def run() -> T:
            waited = time.monotonic() - queued
            if self.max_wait and waited > self.max_wait:
                raise Busy(f"Busy: too many questions at once (yours waited {waited:.0f} s). Ask again in a minute.")
            return _settled(fn, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._reads, run)

    async def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run an add or remove in the write pool."""
        call = functools.partial(_settled, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._writes, call)

    async def small(self, fallback: T, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a short read or write of conversation state (a rate window, a remembered answer) on threads of its
        own, so that neither queued questions nor an import delay it. When the database fails, the bot goes on
        without the state: the failure is logged and ``fallback`` returned (an answer still goes out, a rate limit
        lets the event through)."""
        call = functools.partial(_settled, fn, *args, **kwargs)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._small, call)
        except DossierError as exc:
            log.warning("going on without conversation state (%s): %s", getattr(fn, "__name__", fn), exc.message)
            return fallback

    def close(self) -> None:
        """Finish queued work (in-flight adds complete), then write the vector cache."""
        self._writes.shutdown(wait=True)
        self._reads.shutdown(wait=True)
        self._small.shutdown(wait=True)
        self.library.close()
        log.info("library closed")
