"""A paste Telegram's app split into messages is joined back as it was written: the break each cut dropped is put
back (checked against an independent model of Telegram Desktop's cut, ``support.split_like_telegram``)."""

from __future__ import annotations

import random

import pytest
from support import split_like_telegram

from bot.pastes import MESSAGE_LIMIT, breaks, cut_at

WORDS = (
    "the river crossing at Kerinovo stayed closed while engineers checked its eastern span and lorries waited".split()
)


def article(paragraph: int, between: str, rng: random.Random, ends: str = ".?:") -> str:
    """A made-up article of 5,000-15,000 characters in paragraphs of about ``paragraph``, joined by ``between``."""
    paragraphs = []
    for _ in range(rng.randint(5000, 15000) // paragraph + 1):
        sentences: list[str] = []
        while sum(map(len, sentences)) < rng.randint(paragraph // 2, paragraph):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 20)))
            sentences.append(words.capitalize() + rng.choice(ends))
        paragraphs.append(" ".join(sentences))
    return "/add Kerinovo crossing\n\n" + between.join(paragraphs)


@pytest.mark.parametrize(
    ("paragraph", "between"),
    [
        *[(n, "\n\n") for n in (300, 800, 1200, 1800, 6000)],
        # Line ends alone: paragraphs longer than a message are left out, since their parts hold no line end to tell
        # which kind the text uses (its title's blank line says a blank line).
        *[(n, "\n") for n in (300, 800, 1200, 1800)],
    ],
)
def test_a_split_paste_is_joined_as_it_was_written(paragraph: int, between: str) -> None:
    """Short paragraphs, paragraphs about as long as the window a cut is chosen in, and ones longer than a message
    (cut at a sentence's end): the joined text is the text pasted. Where a line end was the only break of its window
    and no sentence's end follows it there, a space would have been cut at too: a rare cut (here at most one article
    in twelve) may come back with the other kind of break, never with a word glued to the next or split."""
    rng = random.Random(paragraph)
    split = exact = 0
    for _ in range(12):
        text = article(paragraph, between, rng)
        parts = split_like_telegram(text)
        assert all(len(p) <= MESSAGE_LIMIT for p in parts)
        joined = parts[0] + "".join(b + p for b, p in zip(breaks(parts), parts[1:], strict=True))
        assert joined.split() == text.split(), (paragraph, between)
        split += len(parts) > 1
        exact += joined == text
    assert split >= 10 and exact >= 11


def test_cuts_inside_words_and_sentences() -> None:
    """A text with no space past half the limit is cut where it is full and joined with nothing; one with spaces
    but no line end at a space."""
    text = "/add " + "x" * 9000
    parts = split_like_telegram(text)
    assert [len(p) for p in parts] == [4096, 4096, 813] and breaks(parts) == ["", ""]
    text = "/add Title\n\n" + " ".join(["word"] * 2500)
    parts = split_like_telegram(text)
    assert len(parts) == 4 and breaks(parts) == [" ", " ", " "] and " ".join(parts) == text


def test_a_cut_counts_utf16_units() -> None:
    """Telegram counts an emoji outside the basic plane as two: a text of 3,000 of them is cut at 2,048."""
    text = "😀" * 3000
    assert cut_at(text) == 2048
    assert cut_at("a" * 4096) is None and cut_at("a" * 4097) == 4096
