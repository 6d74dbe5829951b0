"""Telegram HTML for answers, passages and article lists, split into messages of at most 4096 characters."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from index import (
    TENTATIVE,
    AddResult,
    Answer,
    ArticleInfo,
    Citation,
    PassageHit,
    Progress,
    claim_note,
    figure_lines,
    merge_syndicated,
    scope_note,
    time_left,
)

MESSAGE_LIMIT = 4096
TITLE_LIMIT = 200  # characters of a title shown in any reply (a page's <title> can be thousands)
ERROR_LIMIT = 500  # characters of an error message shown to the user
FIELD_LIMIT = 300  # outlet, link, added by, origin in /source
_TAG = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"<(/?)([a-z-]+)[^>]*>|&[#\w]+;|.", re.DOTALL)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def cap(text: str, limit: int = TITLE_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters (with … when cut), so no reply outgrows Telegram's limits."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cap_units(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 code units (as Telegram counts), with … when cut."""
    if tg_len(text) <= limit:
        return text
    kept = text.encode("utf-16-le")[: 2 * max(limit - 1, 0)].decode("utf-16-le", errors="ignore")
    return kept.rstrip() + "…"


def counted(n: int, noun: str) -> str:
    """A count with its noun: "1 article", "3 articles"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_len(fragment: str) -> int:
    """What Telegram's 4096 limit counts: the text after entity parsing (tags dropped, entities decoded)."""
    return tg_len(html.unescape(_TAG.sub("", fragment)))


def _link(title: str, url: str) -> str:
    title = cap(title)
    if url.startswith(("http://", "https://")) and len(url) <= 2048:
        return f'<a href="{html.escape(url, quote=True)}">{esc(title)}</a>'
    return esc(title)


def source_line(c: Citation | ArticleInfo, n: int | None = None) -> str:
    """'[n] Title — Outlet, date · #id' with the title linked when the article has a URL."""
    article_id = c.article_id if isinstance(c, Citation) else c.id
    details = ", ".join(x for x in (cap(c.source, 100), c.published[:10] or "undated") if x)
    prefix = f"[{n}] " if n is not None else ""
    return f"{prefix}{_link(c.title, c.url)}" + (f" — {esc(details)}" if details else "") + f" · #{article_id}"


def answer_blocks(answer: Answer, heading: str = "") -> list[str]:
    """One block per quote, then the Sources list; ``pack`` turns blocks into messages."""
    blocks = [heading] if heading else []
    if answer.tentative:
        blocks.append(f"<i>{esc(TENTATIVE)}</i>")
    for c, numbers in merge_syndicated(answer.citations):
        note = claim_note(c)
        refs = "".join(f"[{n}]" for n in numbers)
        blocks.append(f"<blockquote>{esc(c.quote)} {refs}</blockquote>" + (f"\n<i>{esc(note)}</i>" if note else ""))
    figures = figure_lines(answer.figures)
    if figures:
        blocks.append("<b>Figures side by side</b>\n" + "\n".join(esc(line) for line in figures))
    sources = ["<b>Sources</b>"]
    for c in first_per_source(answer.citations):
        sources.append(source_line(c, c.n))
    if answer.period or answer.outlet:
        sources.append(f"<i>{esc(scope_note(answer))}</i>")
    blocks.append("\n".join(sources))
    return blocks


def first_per_source(citations: Sequence[Citation]) -> list[Citation]:
    """The first quote of each numbered source, in number order."""
    seen: dict[int, Citation] = {}
    for c in citations:
        seen.setdefault(c.n, c)
    return [seen[n] for n in sorted(seen)]


def not_found(answer: Answer) -> str:
    searched = f" {scope_note(answer)}" if answer.searched_articles and scope_note(answer) else ""
    return f"{esc(answer.answer)}{esc(searched)} See /sources for what the library holds."


def passage_html(hit: PassageHit, info: ArticleInfo, quote_start: int, quote_end: int) -> str:
    """The whole passage around a quote, with the quote in bold, and its source."""
    text = hit.text
    a = max(0, quote_start - hit.char_start)
    b = max(a, min(len(text), quote_end - hit.char_start))
    body = f"{esc(text[:a])}<b>{esc(text[a:b])}</b>{esc(text[b:])}"
    return f"{source_line(info)}\n\n{body}"


def article_line(info: ArticleInfo) -> str:
    """'#12 Title — Outlet, date' for lists; long titles are shortened so a page of ten always fits."""
    details = ", ".join(x for x in (info.source[:60], info.published[:10]) if x)
    title = cap(info.title, 150)
    return f"#{info.id} {_link(title, info.url)}" + (f" — {esc(details)}" if details else "")


def article_detail(info: ArticleInfo, author: str = "") -> str:
    rows = [
        ("Outlet", info.source),
        ("Author", author),
        ("Published", info.published),
        ("Link", info.url),
        ("Added", f"{info.added_at} by {info.added_by}" if info.added_by else info.added_at),
        ("From", info.origin),
        ("Passages", str(info.passages)),
    ]
    lines = [f"<b>#{info.id} {esc(cap(info.title))}</b>"]
    lines += [f"{label}: {esc(cap(value, FIELD_LIMIT))}" for label, value in rows if value]
    return "\n".join(lines)


def add_result_text(result: AddResult) -> str:
    """'Added #12 «Title» (5 passages)' or 'already in the library as #12 «Title»', the title capped."""
    a = result.article
    if result.duplicate:
        return f"already in the library as #{a.id} «{cap(a.title)}»"
    return f"Added #{a.id} «{cap(a.title)}» ({a.passages} passage{'' if a.passages == 1 else 's'})"


def error_text(message: str) -> str:
    """An error message for the user: one line, capped."""
    return cap(" ".join(message.split()), ERROR_LIMIT)


def progress_text(p: Progress, seconds: float = 0.0) -> str:
    """The status of an add; ``seconds`` since its embedding began give the rate and the time left."""
    if p.stage == "fetching":
        return "Fetching…"
    if p.stage == "extracting":
        return "Extracting the text…"
    if p.stage == "embedding":
        if p.done and seconds > 0 and p.total > p.done:
            rate = p.done / seconds
            left = time_left(p.total - p.done, rate)
            return f"Embedding {p.done}/{p.total} passages ({rate:.1f} a second, {left})…"
        return f"Embedding {p.done}/{p.total} passages…"
    return "Storing…"


def pack(blocks: Sequence[str], limit: int = MESSAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """Join blocks (with blank lines, or ``separator``) into as few messages as fit; a block too long alone is
    split safely."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = split_html(block, limit) if visible_len(block) > limit else [block]
        for piece in pieces:
            joined = f"{current}{separator}{piece}" if current else piece
            if visible_len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def split_html(text: str, limit: int) -> list[str]:
    """Cut HTML into pieces of at most ``limit`` visible characters, never inside a tag or an entity; tags open
    at a cut are closed there and reopened in the next piece. Prefers cutting at a line break, then a space."""
    pieces: list[str] = []
    opened: list[str] = []  # opening tags in force at the start of the current piece
    current: list[tuple[str, tuple[str, ...]]] = []  # (token, opening tags in force after it)
    stack: list[str] = []

    def close(tags: Sequence[str]) -> str:
        return "".join(f"</{_TOKEN.match(t).group(2)}>" for t in reversed(tags))  # type: ignore[union-attr]

    def size(tokens: Sequence[tuple[str, tuple[str, ...]]]) -> int:
        return sum(visible_len(t) for t, _ in tokens)

    used = 0
    for m in _TOKEN.finditer(text):
        token, slash, name = m.group(0), m.group(1), m.group(2)
        if name and slash:
            if stack and _TOKEN.match(stack[-1]).group(2) == name:  # type: ignore[union-attr]
                stack.pop()
        elif name:
            stack.append(token)
        current.append((token, tuple(stack)))
        used += visible_len(token)
        if used <= limit:
            continue
        # Over the limit: cut before this token, at the last line break or space in the second half if any.
        body = current[:-1]
        cut = len(body)
        for i in range(len(body) - 1, len(body) // 2, -1):
            if body[i][0] in ("\n", " "):
                cut = i + 1
                break
        head, tail = body[:cut], current[cut:]
        head_tags = head[-1][1] if head else tuple(opened)
        pieces.append("".join(opened) + "".join(t for t, _ in head) + close(head_tags))
        opened = list(head_tags)
        current = tail
        used = size(current)
    if current:
        pieces.append("".join(opened) + "".join(t for t, _ in current) + close(current[-1][1]))
    return [p.strip() for p in pieces if p.strip()]
