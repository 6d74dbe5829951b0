"""The engine facade, called off the event loop: questions on a small pool, writes on their own thread."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from index import Library

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class Engine:
    """Runs ``Library`` calls in threads so a slow import never stalls questions in other chats.

    Writes (adds, removes) go to one dedicated thread, in order; reads share ``threads`` others."""

    def __init__(self, library: Library, threads: int = 3) -> None:
        self.library = library
        self._reads = ThreadPoolExecutor(threads, thread_name_prefix="dossier-read")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix="dossier-write")

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a quick or CPU-heavy read (ask, list, get...) in the read pool."""
        return await asyncio.get_running_loop().run_in_executor(self._reads, functools.partial(fn, *args, **kwargs))

    async def write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run an add or remove on the write thread."""
        return await asyncio.get_running_loop().run_in_executor(self._writes, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued work (in-flight adds complete), then write the vector cache."""
        self._writes.shutdown(wait=True)
        self._reads.shutdown(wait=True)
        self.library.close()
        log.info("library closed")
