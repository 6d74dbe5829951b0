"""Engine defects from the adversarial review (issue 11): each test failed before its fix."""

from __future__ import annotations

import time
from collections.abc import Callable

from index.extract import markdown_to_text
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
