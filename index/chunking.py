"""Sentence-aware passages: consecutive sentences up to a token budget, one sentence of overlap."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.sentences import split_sentences

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of one article: its span and its sentences' spans, all offsets into the article text."""

    start: int
    end: int
    sentences: tuple[Span, ...]


def _split_long(text: str, span: Span, tokens: int, budget: int) -> list[Span]:
    """Cut a sentence longer than the budget at word boundaries into roughly equal pieces."""
    start, end = span
    pieces = -(-tokens // budget)
    size = max(1, (end - start) // pieces)
    spans: list[Span] = []
    pos = start
    while pos < end:
        cut = min(end, pos + size)
        if cut < end:
            space = text.rfind(" ", pos + 1, cut)
            cut = space if space > pos else cut
        piece_start = pos
        while piece_start < cut and text[piece_start].isspace():
            piece_start += 1
        if cut > piece_start:
            spans.append((piece_start, cut))
        pos = cut
    return spans


def chunk_text(
    text: str,
    count_tokens: Callable[[Sequence[str]], list[int]],
    max_tokens: int = 200,
) -> list[Chunk]:
    """Group the sentences of ``text`` into passages of at most ``max_tokens`` tokens."""
    raw_spans = split_sentences(text)
    if not raw_spans:
        return []
    raw_counts = count_tokens([text[s:e] for s, e in raw_spans])
    spans: list[Span] = []
    counts: list[int] = []
    for span, n in zip(raw_spans, raw_counts, strict=True):
        if n > max_tokens:
            pieces = _split_long(text, span, n, max_tokens)
            spans.extend(pieces)
            counts.extend(count_tokens([text[s:e] for s, e in pieces]))
        else:
            spans.append(span)
            counts.append(n)

    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        j = i
        total = 0
        while j < len(spans) and (j == i or total + counts[j] <= max_tokens):
            total += counts[j]
            j += 1
        members = tuple(spans[i:j])
        chunks.append(Chunk(members[0][0], members[-1][1], members))
        if j >= len(spans):
            break
        # One sentence of overlap, unless the passage is a single sentence (no progress otherwise).
        i = j - 1 if j - 1 > i and counts[j - 1] + counts[j] <= max_tokens else j
    return chunks
