"""A fetched RSS or Atom feed read into its title and entries, each as plain text."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import feedparser
import lxml.html

from index.errors import InvalidSource

MAX_TITLE = 200
SNIFF_BYTES = 4096
_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|RDF)[\s>]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed: ``key`` identifies it across polls (its id, else its link, else its title)."""

    key: str
    link: str
    title: str
    published: str  # YYYY-MM-DD, or empty
    text: str  # the entry's own content or summary, as plain text


def parse_feed(body: bytes, url: str) -> tuple[str, list[Entry]]:
    """The feed's title and its entries in feed order; ``InvalidSource`` when the body is no RSS or Atom feed."""
    # A feed names its root element at the top. Checking that first keeps feedparser's lenient fallback parser,
    # slow on large non-XML bodies (seconds per megabyte), for bodies that claim to be a feed.
    if not _ROOT.search(body[:SNIFF_BYTES]):
        raise InvalidSource(f"{url} is not an RSS or Atom feed")
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        raise InvalidSource(f"{url} is not an RSS or Atom feed")
    title = _plain(parsed.feed.get("title", ""))[:MAX_TITLE]
    entries = []
    for item in parsed.entries:
        link = str(item.get("link", "")).strip()
        item_title = _plain(item.get("title", ""))[:MAX_TITLE]
        key = str(item.get("id") or link or item_title).strip()[:1000]
        if key:
            entries.append(Entry(key, link, item_title, _date(item), _content(item)))
    return title, entries


def _date(item: Any) -> str:
    stamp = item.get("published_parsed") or item.get("updated_parsed")
    try:
        return time.strftime("%Y-%m-%d", stamp) if stamp else ""
    except (TypeError, ValueError):
        return ""


def _content(item: Any) -> str:
    contents = item.get("content") or []
    raw = contents[0].get("value", "") if contents else item.get("summary", "")
    return _plain(raw)


def _plain(markup: str) -> str:
    """Text of a feed field that may hold HTML; paragraphs kept apart."""
    if not markup or "<" not in markup:
        return " ".join(str(markup).split())
    try:
        root = lxml.html.fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return " ".join(markup.split())
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n\n" + (block.tail or "")
    paragraphs = (" ".join(p.split()) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
