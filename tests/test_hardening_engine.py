"""Engine defects from the adversarial review (issue 11): each test failed before its fix."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import pytest

from index import FetchError
from index.extract import markdown_to_text
from index.fetch import SafeFetcher
from index.sentences import split_sentences


def _seconds_per_call(work: Callable[[str], object], text: str) -> float:
    """CPU seconds of one call, repeated until the total is long enough to measure."""
    calls, start = 0, time.process_time()
    while True:
        work(text)
        calls += 1
        spent = time.process_time() - start
        if spent >= 0.2:
            return spent / calls


def _grows_linearly(work: Callable[[str], object], make: Callable[[int], str], size: int = 10_000) -> bool:
    """16× the input costs well under 256× (quadratic) the time; linear work is about 16×."""
    small = _seconds_per_call(work, make(size))
    large = _seconds_per_call(work, make(16 * size))
    return large < 64 * small


def test_sentence_splitting_is_linear() -> None:
    prose = "The convoy of 30 trucks crossed the border at dawn. Officials said it was fine! Mr. Smith agreed. "
    assert _grows_linearly(split_sentences, lambda n: prose * (n // len(prose)))
    assert _grows_linearly(split_sentences, lambda n: "Wait" + "." * n + "x")
    text = 'Mr. Smith met U.S. officials at 3 p.m. on Jan. 5. "It was fine," he said. A. B. Cole left.'
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mr. Smith met U.S. officials at 3 p.m. on Jan. 5.",
        '"It was fine," he said.',
        "A. B. Cole left.",
    ]


def test_markdown_conversion_is_linear() -> None:
    for make in (
        lambda n: "```x\nab\n" * (n // 8),  # unclosed code fences
        lambda n: "# a" + " " * n + "b\n",
        lambda n: "[" * n,
        lambda n: "![" * (n // 2),
        lambda n: "[a](" * (n // 4),
        lambda n: "**a " * (n // 4),
    ):
        assert _grows_linearly(markdown_to_text, make)
    md = "# Title #\n\n```py\ncode\n```\nKept **bold** and [a link](https://en.wikipedia.org/wiki/X_(y)) ![i](p.png)."
    assert markdown_to_text(md) == "Title\n\n\nKept bold and a link ."


class _TricklingServer:
    """A raw HTTP server on 127.0.0.1 that sends ``head`` at once, then ``trickle`` one byte at a time."""

    def __init__(self, head: bytes, trickle: bytes, interval: float = 0.25) -> None:
        self.head, self.trickle, self.interval = head, trickle, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(self.head)
                for byte in self.trickle:
                    if self.stop.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client hung up, as it should

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(5)


@pytest.mark.parametrize(
    ("head", "trickle"),
    [
        (b"", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 60),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 60\r\n\r\n", b"word " * 12),
    ],
    ids=["headers", "body"],
)
def test_fetch_timeout_bounds_a_trickling_server(head: bytes, trickle: bytes) -> None:
    server = _TricklingServer(head, trickle)
    try:
        fetcher = SafeFetcher(timeout=1.0, allow_hosts=["127.0.0.1"])
        start = time.monotonic()
        with pytest.raises(FetchError, match=r"^timed out after 1 s ") as info:
            fetcher.fetch(f"http://127.0.0.1:{server.port}/slow")
        assert time.monotonic() - start < 3.0, "the trickle (15 s) would have finished first"
        assert "\n" not in str(info.value)
    finally:
        server.close()
