"""The plain-text surface (the CLI, and JSON's ``answer`` field): an answer rendered once, from its structure.

The Telegram surface renders the same ``Answer`` as HTML in ``bot/rendering.py``; both share the small pieces
below (who says it and how sure, figures side by side, quotes carried by several outlets).
"""

from __future__ import annotations

from collections.abc import Sequence

from index.answer import same_text
from index.feeds import Feed, PollResult
from index.types import Answer, Citation, FigureEntry

# Above an answer the answerability model is unsure of (``Answer.tentative``): the quotes are the library's closest.
TENTATIVE = "Closest quotes: the library may not answer this exactly."


def claim_note(c: Citation) -> str:
    """'per Russia · hedged: “claimed”' — who says it and how sure, for display after a quote."""
    parts = [f"per {c.attribution}"] if c.attribution else []
    if c.hedge:
        parts.append(f"hedged: “{c.hedge}”")
    return " · ".join(parts)


def figure_lines(figures: dict[str, list[FigureEntry]]) -> list[str]:
    """'tank: about 90 tanks, probably 14 tanks [2] (the man, per The Daily Beast, 2022-07-20) · 32 tanks [1]
    (Russia, hedged)': who says it, in which outlet, on which date, and how sure."""
    lines = []
    for unit, entries in figures.items():
        per_claim: dict[tuple[int, str, bool], list[FigureEntry]] = {}
        for e in entries:
            per_claim.setdefault((e.n, e.attribution, e.hedged), []).append(e)
        shown = []
        for (n, _, _), group in per_claim.items():
            first = group[0]
            per = f"per {first.source}" if first.source else ""
            who = ", ".join(x for x in (first.attribution, per, first.published, "hedged" if first.hedged else "") if x)
            shown.append(f"{', '.join(e.figure for e in group)} [{n}]" + (f" ({who})" if who else ""))
        lines.append(f"{unit}: " + " · ".join(shown))
    return lines


def merge_syndicated(citations: Sequence[Citation]) -> list[tuple[Citation, list[int]]]:
    """Each distinct quote once, with the numbers of every source that carries it word for word."""
    merged: dict[str, tuple[Citation, list[int]]] = {}
    for c in citations:
        entry = merged.setdefault(same_text(c.quote), (c, []))
        if c.n not in entry[1]:
            entry[1].append(c.n)
    return list(merged.values())


def body(citations: Sequence[Citation], figures: dict[str, list[FigureEntry]]) -> str:
    """Plain-text body: one verbatim quote a paragraph, each followed by its citation numbers (several when
    outlets carry it word for word), who says it and how sure; then figures from different sources side by side."""
    body = []
    for c, numbers in merge_syndicated(citations):
        note = claim_note(c)
        refs = "".join(f"[{n}]" for n in numbers)
        quote = c.quote.replace("\n", "\n> ")  # every line of a quote of several paragraphs is marked
        body.append(f"> {quote} {refs}" + (f" — {note}" if note else ""))
    lines = figure_lines(figures)
    if lines:
        body.append("Figures side by side:\n" + "\n".join(f"  {line}" for line in lines))
    return "\n\n".join(body)


def scope_note(answer: Answer) -> str:
    """What a question set in time or naming an outlet searched: 'Searched the 12 articles published since
    2024-09-01 (and the undated ones).', 'Searched the 3 articles from Harlow Gazette.'; '' for the whole library."""
    if not answer.period and not answer.outlet:
        return ""
    n = answer.searched_articles
    outlet = f" from {answer.outlet}" if answer.outlet else ""
    period = f" {answer.period} (and the undated ones)" if answer.period else ""
    return f"Searched the {n} article{'' if n == 1 else 's'}{outlet}{period}."


def _source_line(c: Citation) -> str:
    parts = [c.source or "unknown outlet", c.published or "undated"]
    if c.url:
        parts.append(c.url)
    ref = f"#{c.article_id}" + (f", key {c.key}" if c.key else "")
    return f"[{c.n}] {c.title} — {', '.join(parts)} ({ref})"


def render(answer: Answer) -> str:
    """The CLI's answer: quotes with [n], then Sources."""
    if answer.abstained:
        note = scope_note(answer) if answer.searched_articles else ""
        return f"{answer.answer} {note}" if note else answer.answer
    lines = [TENTATIVE, ""] if answer.tentative else []
    lines += [body(answer.citations, answer.figures), "", "Sources:"]
    seen: set[int] = set()
    for c in answer.citations:
        if c.n not in seen:
            seen.add(c.n)
            lines.append(_source_line(c))
    if answer.period or answer.outlet:
        lines.append(scope_note(answer))
    return "\n".join(lines)


def time_left(remaining: float, rate: float) -> str:
    """'about 40 s left', 'about 3 min left' for ``remaining`` units at ``rate`` units a second."""
    seconds = remaining / rate if rate > 0 else 0.0
    return f"about {seconds:.0f} s left" if seconds < 90 else f"about {seconds / 60:.0f} min left"


def feed_line(feed: Feed) -> str:
    """'#3 Reuters World — https://… (polled 2026-12-02T10:00:00Z; last error: …)'."""
    state = f"polled {feed.polled_at}" if feed.polled_at else "not polled yet"
    if feed.last_error:
        state += f"; last error: {feed.last_error}"
    return f"#{feed.id} {feed.title} — {feed.url} ({state})"


def poll_summary(result: PollResult) -> str:
    """One line for one feed's poll: '#3 Reuters World: 2 new (#41, #42), 1 already in, 1 failed'."""
    name = f"#{result.feed.id} {result.feed.title}"
    if result.error:
        return f"{name}: not read: {result.error}"
    if result.not_modified:
        return f"{name}: unchanged since the last poll"
    parts = [f"{len(result.added)} new" + (f" ({', '.join(f'#{a.id}' for a in result.added)})" if result.added else "")]
    if result.duplicates:
        parts.append(f"{result.duplicates} already in")
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    if result.pending:
        parts.append(f"{result.pending} more at the next poll")
    return f"{name}: " + ", ".join(parts)
