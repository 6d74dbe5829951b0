"""Speech boundaries: a quote is widened by whole sentences until no quotation it shows is cut open.

Typographic marks (“ ” « » „) say which way they face; a straight mark (") is taken as opening where it follows
a space or the start and precedes a letter, and as closing otherwise. A quote still cut open after widening
within its paragraph is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

OPENING = "“«„"
CLOSING = "”»"
MAX_STEPS = 4  # sentences added on each side at most


def cut(text: str) -> tuple[bool, bool]:
    """(a quotation closes in ``text`` without opening there, a quotation opens in it without closing)."""
    depth = 0
    before = False
    for i, ch in enumerate(text):
        if ch == '"':
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            ch = "“" if (prev.isspace() or prev in "([—–-") and not nxt.isspace() else "”"
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            if depth:
                depth -= 1
            else:
                before = True
    return before, depth > 0


def balanced(text: str) -> bool:
    return cut(text) == (False, False)


def widen(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The smallest run of whole sentences around [start, end) within its paragraph whose quotations are whole,
    or None when there is none within ``MAX_STEPS`` sentences on each side."""
    idx = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
    if not idx:
        return (start, end) if balanced(text[start:end]) else None
    first, last = idx[0], idx[-1]
    for _ in range(2 * MAX_STEPS + 1):
        lo, hi = min(start, spans[first][0]), max(end, spans[last][1])
        before, after = cut(text[lo:hi])
        if not before and not after:
            return lo, hi
        moved = False
        if before and first > 0 and "\n\n" not in text[spans[first - 1][1] : spans[first][0]]:
            first, moved = first - 1, True
        if after and last + 1 < len(spans) and "\n\n" not in text[spans[last][1] : spans[last + 1][0]]:
            last, moved = last + 1, True
        if not moved:
            return None
    return None
