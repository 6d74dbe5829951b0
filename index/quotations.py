"""Speech boundaries: a quote is widened by whole sentences until no quotation it shows is cut open.

Which way a mark faces depends on the language: English opens with “ and closes with ”, German opens with „ and
closes with “ (or opens with » and closes with «), French writes « … » with spaces inside, Swiss «…» without. So a
mark opens where it stands before a word after a space ("„Wir", " “We", " »Wir", "«Nous"), closes where it stands
after a word before a space or punctuation ("jetzt“,", "Wir«,", "Nous»"), and is read as its usual direction
otherwise (“ « „ open, ” » close). A straight mark (") opens where it follows a space or the start and precedes
a letter, and closes otherwise.

A quotation that runs over several paragraphs is not closed at the end of each: news style opens every paragraph
of it again and closes only the last ("…grew up poor.⏎“The tweet is…”"). So a mark opening a line while a
quotation is open continues it (French opens such a paragraph with "» " instead), and a quote is widened across a
paragraph break where the next paragraph so continues it. A quote still cut open after widening is not shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

MARKS = '"“”„«»'
USUALLY_OPENING = "“«„"
MAX_STEPS = 4  # sentences added on each side at most
LINE_CONTEXT = 2000  # characters of a quote's line read on each side for a speech it is inside
_BEFORE_OPENING = "([—–-"  # what may stand right before an opening mark besides a space
_AFTER_CLOSING = ",.;:!?)]…"  # what may follow a closing mark besides a space
_SENTENCE_ENDS = ".!?…:"


def opens(text: str, i: int) -> bool:
    """Whether the quotation mark at ``text[i]`` opens a quotation (else it closes one)."""
    ch = text[i]
    prev = text[i - 1] if i else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    after_space = prev.isspace() or prev in _BEFORE_OPENING
    if ch == '"':
        return after_space and not nxt.isspace()
    if ch == "„" or ch == "”":
        return ch == "„"
    if after_space and nxt.isalnum():
        return True
    if not after_space and (nxt.isspace() or nxt in _AFTER_CLOSING):
        return False
    return ch in USUALLY_OPENING


def cut(text: str) -> tuple[bool, bool]:
    """(a quotation closes in ``text`` without opening there, a quotation opens in it without closing)."""
    marks = list(_marks(text))
    return any(kind == _STRAY for kind, _ in marks), bool(marks) and marks[-1][0] == _UNCLOSED


def speech_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in the text, read as ``cut`` reads them; one still open at the end runs to
    it."""
    return [span for kind, span in _marks(text) if kind in (_QUOTATION, _UNCLOSED)]


_QUOTATION, _UNCLOSED, _STRAY = "quotation", "unclosed", "stray"


def _marks(text: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """The text's quotation marks read in one pass: each whole quotation (start, end), a closing mark that no
    quotation opened (its position), and last a quotation still open at the end."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch not in MARKS:
            continue
        if depth and ch == "»" and _opens_line(text, i):
            continue  # French marks each paragraph of a quotation running on with "» ": no close
        if opens(text, i):
            if not depth:
                start = i
            depth += not (depth and _opens_line(text, i))
        elif depth:
            depth -= 1
            if not depth:
                yield _QUOTATION, (start, i + 1)
        else:
            yield _STRAY, (i, i + 1)
    if depth:
        yield _UNCLOSED, (start, len(text))


def _opens_line(text: str, i: int) -> bool:
    """The mark opens a line that follows a finished sentence: a paragraph of a quotation running on (a hard-wrapped
    line opening with a nested quotation, 'the word⏎"genocide" is…', follows none)."""
    line = text.rfind("\n", 0, i)
    return line >= 0 and not text[line + 1 : i].strip() and text[:line].rstrip()[-1:] in _SENTENCE_ENDS


def balanced(text: str) -> bool:
    return cut(text) == (False, False)


def widen(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The smallest run of whole sentences around [start, end) whose quotations are whole and that stands inside no
    speech of its line; where none does within ``MAX_STEPS`` sentences (a speech too long, a mark never closed or
    misread), one whose own quotations are whole, or None. It stays within its paragraph, except into paragraphs
    that go on with a quotation (opening with a quotation mark)."""
    return _widen(text, spans, start, end, True) or _widen(text, spans, start, end, False)


def _widen(text: str, spans: Sequence[tuple[int, int]], start: int, end: int, in_line: bool) -> tuple[int, int] | None:
    idx = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
    if not idx:
        return (start, end) if balanced(text[start:end]) else None
    first, last = idx[0], idx[-1]
    for _ in range(2 * MAX_STEPS + 1):
        lo, hi = min(start, spans[first][0]), max(end, spans[last][1])
        before, after = cut(text[lo:hi])
        # Inside a speech without a mark of its own ("…getting 40,000 rubles." of “Naturally, … You know, … at
        # odds,” the soldier said.): its line opens a quotation before it, or closes one after it.
        line_start = text.rfind("\n", max(0, lo - LINE_CONTEXT), lo) + 1 or max(0, lo - LINE_CONTEXT)
        line_end = text.find("\n", hi, hi + LINE_CONTEXT)
        before = before or (in_line and cut(text[line_start:lo])[1])
        after = after or (in_line and cut(text[hi : hi + LINE_CONTEXT if line_end < 0 else line_end])[0])
        if not before and not after:
            return lo, hi
        moved = False
        if before and first > 0 and _same_quotation(text, spans[first - 1][1], spans[first][0]):
            first, moved = first - 1, True
        if after and last + 1 < len(spans) and _same_quotation(text, spans[last][1], spans[last + 1][0]):
            last, moved = last + 1, True
        if not moved:
            return None
    return None


def _same_quotation(text: str, end: int, start: int) -> bool:
    """Whether the sentence at ``start`` goes on from the one ending at ``end``: in its paragraph, or opening the next
    with a quotation mark (a quotation running on)."""
    return "\n\n" not in text[end:start] or (start < len(text) and text[start] in MARKS)
