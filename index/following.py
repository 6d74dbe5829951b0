"""Following RSS and Atom feeds: a feed is checked when followed, and polling adds its new entries (the linked
page, or the entry's own text when the link fails)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from index.adding import DEFAULT_COLLECTION, Adding
from index.errors import DossierError, InvalidSource
from index.feed_entries import Entry, parse_feed
from index.feeds import MIN_ENTRY_TEXT, Feed, FeedBook, PollResult, poll_feed
from index.types import AddResult
from index.urls import is_url


class Following(Adding):
    """The feed calls of ``Library``."""

    _feeds: FeedBook

    def follow(
        self, url: str, *, collection: str = DEFAULT_COLLECTION, added_by: str = "", chat: int | None = None
    ) -> Feed:
        """Follow an RSS or Atom feed: fetched once now to check it is one; ``poll`` adds its entries."""
        url = url.strip()
        if not is_url(url):
            raise InvalidSource(f"not a feed address (http or https): {url[:200]}")
        title, _ = parse_feed(self.fetcher.fetch_feed(url, max_bytes=self.settings.feed_max_bytes).body, url)
        return self._feeds.add(url, collection, title or url, chat, added_by)

    def feeds(self, chat: int | None = None) -> list[Feed]:
        """The followed feeds (those followed from ``chat``, when given), in the order they were followed."""
        return self._feeds.followed(chat)

    def feed(self, feed_id: int) -> Feed:
        return self._feeds.get(feed_id)

    def unfollow(self, feed_id: int, chat: int | None = None) -> Feed:
        """Stop following feed ``feed_id``: from ``chat`` only when other chats follow it too, else altogether (its
        articles stay)."""
        return self._feeds.remove(feed_id, chat)

    def poll(self, feed_ids: Sequence[int] | None = None) -> list[PollResult]:
        """Poll the feeds (all, or ``feed_ids``): each is fetched conditionally and its new entries added, oldest
        first, at most ``FEED_MAX_ITEMS`` per feed. Network-bound, then CPU-heavy."""
        chosen = [self._feeds.get(i) for i in feed_ids] if feed_ids is not None else self._feeds.followed()
        caps = self.settings.feed_max_items, self.settings.feed_max_bytes
        return [poll_feed(feed, self.fetcher, self._feeds, self._add_entry, *caps) for feed in chosen]

    def _add_entry(self, entry: Entry, feed: Feed) -> AddResult:
        """An entry's linked page; its own text when the link fails and the feed carries the whole article (under
        the link only when it is on the feed's own host: a feed must not claim another outlet's address)."""
        who = f"feed #{feed.id} ({feed.title})"
        try:
            if not entry.link:
                raise InvalidSource("the entry has no link")
            return self.add_url(
                entry.link,
                collection=feed.collection,
                added_by=who,
                origin=feed.url,
                published=entry.published,
                source=feed.title if feed.title != feed.url else "",
            )
        except DossierError:
            if len(entry.text) < MIN_ENTRY_TEXT:
                raise
            own = bool(entry.link) and urlsplit(entry.link).hostname == urlsplit(feed.url).hostname
            return self.add_text(
                entry.text,
                title=entry.title,
                published=entry.published,
                url=entry.link if own else "",
                collection=feed.collection,
                added_by=who,
                origin=feed.url if own else f"{feed.url} (entry {entry.link[:500]})",
            )
