"""Followed RSS and Atom feeds: the feed list and the entries already taken, kept in the library's database, and
each poll (a fetched feed is read into entries by ``index.feed_entries``).

A feed belongs to a collection (where its articles go) and, when followed from a chat, to that chat and to the
other chats of the collection that follow it too (``also``: who may unfollow it, where digests go; it is polled
once). An entry is taken once: its id (or link) is remembered with the article it became.
One that could not be added is tried again at the next polls, ``ATTEMPTS`` times in all, then left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from index.errors import DossierError
from index.feed_entries import Entry, parse_feed
from index.fetch import SafeFetcher
from index.types import AddResult, ArticleInfo

if TYPE_CHECKING:
    from index.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    collection TEXT NOT NULL,
    title TEXT NOT NULL,
    chat INTEGER,
    added_by TEXT NOT NULL,
    followed_at TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    modified TEXT NOT NULL DEFAULT '',
    polled_at TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (collection, url)
);
CREATE TABLE IF NOT EXISTS feed_chats (
    feed INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    chat INTEGER NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (feed, chat)
);
CREATE TABLE IF NOT EXISTS feed_entries (
    feed INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry TEXT NOT NULL,
    article INTEGER,
    attempts INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (feed, entry)
);
"""


class AlreadyFollowed(DossierError):
    """The collection follows this feed already."""


class FeedNotFound(DossierError):
    """No feed with that number (here)."""


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    collection: str
    title: str
    chat: int | None
    added_by: str
    followed_at: str
    etag: str = ""
    modified: str = ""
    polled_at: str = ""
    last_error: str = ""
    also: tuple[int, ...] = ()  # the other chats that follow it, in the order they did

    @property
    def chats(self) -> tuple[int, ...]:
        """Every chat that follows the feed: where its digests go."""
        return ((self.chat,) if self.chat is not None else ()) + self.also


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(row: Any, also: tuple[int, ...] = ()) -> Feed:
    return Feed(**{k: row[k] for k in row.keys()}, also=also)  # noqa: SIM118 - rows are not mappings


class FeedBook:
    """The feeds and their taken entries, in the library's database (writes under the library's writer lock)."""

    def __init__(self, store: Store) -> None:
        self._connection = store.connection
        self._write = store.transaction

    def add(self, url: str, collection: str, title: str, chat: int | None, added_by: str) -> Feed:
        """Follow a feed from ``chat``; where another chat of the collection follows it already, ``chat`` joins it
        (one poll, digests to both)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, chat FROM feeds WHERE collection = ? AND url = ?", (collection, url)
            ).fetchone()
            if row is None:
                feed_id = int(
                    conn.execute(
                        "INSERT INTO feeds (url, collection, title, chat, added_by, followed_at)"
                        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                        (url, collection, title, chat, added_by, _now()),
                    ).fetchone()[0]
                )
            else:
                feed_id = int(row[0])
                also = {r[0] for r in conn.execute("SELECT chat FROM feed_chats WHERE feed = ?", (feed_id,))}
                if chat is None or chat == row[1] or chat in also:
                    raise AlreadyFollowed(f"already following that feed as #{feed_id}")
                conn.execute("INSERT INTO feed_chats (feed, chat, since) VALUES (?, ?, ?)", (feed_id, chat, _now()))
        return self.get(feed_id)

    def get(self, feed_id: int) -> Feed:
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if row is None:
                raise FeedNotFound(f"there is no feed #{feed_id}")
            return _feed(row, self._also(conn).get(feed_id, ()))

    def followed(self, chat: int | None = None) -> list[Feed]:
        """Every feed, or those ``chat`` follows."""
        with self._connection() as conn:
            if chat is None:
                rows = conn.execute("SELECT * FROM feeds ORDER BY id").fetchall()
            else:
                rows = conn.execute(
                    "SELECT * FROM feeds WHERE chat = ? OR id IN (SELECT feed FROM feed_chats WHERE chat = ?)"
                    " ORDER BY id",
                    (chat, chat),
                ).fetchall()
            also = self._also(conn)
        return [_feed(r, also.get(int(r["id"]), ())) for r in rows]

    @staticmethod
    def _also(conn: Any) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for feed, chat in conn.execute("SELECT feed, chat FROM feed_chats ORDER BY feed, since, chat"):
            found.setdefault(int(feed), []).append(int(chat))
        return {k: tuple(v) for k, v in found.items()}

    def remove(self, feed_id: int, chat: int | None = None) -> Feed:
        """Stop following the feed: from ``chat`` only, where other chats follow it too (the first of them
        takes it over when its own chat leaves), else altogether (its entries are forgotten, its articles stay)."""
        feed = self.get(feed_id)
        with self._write() as conn:
            if chat is not None and chat in feed.also:
                conn.execute("DELETE FROM feed_chats WHERE feed = ? AND chat = ?", (feed_id, chat))
            elif feed.also:
                conn.execute("UPDATE feeds SET chat = ? WHERE id = ?", (feed.also[0], feed_id))
                conn.execute("DELETE FROM feed_chats WHERE feed = ? AND chat = ?", (feed_id, feed.also[0]))
            else:
                conn.execute("DELETE FROM feed_chats WHERE feed = ?", (feed_id,))
                conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return feed

    def unseen(self, feed_id: int, entries: list[Entry]) -> list[tuple[Entry, int]]:
        """Entries not taken yet, each with the attempts already made (0, or fewer than ``ATTEMPTS`` failures)."""
        with self._connection() as conn:
            rows = conn.execute("SELECT entry, article, attempts FROM feed_entries WHERE feed = ?", (feed_id,))
            done = {r[0]: (r[1] is not None or r[2] >= ATTEMPTS, int(r[2])) for r in rows}
        return [(e, done.get(e.key, (False, 0))[1]) for e in entries if not done.get(e.key, (False, 0))[0]]

    def taken(self, feed_id: int, entry: Entry, article_id: int | None, attempts: int = 1) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO feed_entries (feed, entry, article, attempts) SELECT ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM feeds WHERE id = ?) ON CONFLICT (feed, entry) DO UPDATE SET article = excluded.article,"
                " attempts = excluded.attempts",
                (feed_id, entry.key, article_id, attempts, feed_id),
            )

    def polled(self, feed_id: int, etag: str, modified: str, error: str, title: str = "") -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE feeds SET etag = ?, modified = ?, polled_at = ?, last_error = ?, "
                "title = CASE WHEN ? = '' THEN title ELSE ? END WHERE id = ?",
                (etag, modified, _now(), error, title, title, feed_id),
            )


MIN_ENTRY_TEXT = 400  # an entry whose link fails is added from its own text only when it is article-sized
ATTEMPTS = 3  # polls that try an entry whose add failed (a page that is not up yet, a server that was down)


@dataclass(slots=True)
class PollResult:
    """What one poll of one feed did: articles added, entries skipped as duplicates, one line per failed entry;
    ``error`` when the feed itself could not be read (nothing else happened then)."""

    feed: Feed
    added: list[ArticleInfo] = field(default_factory=list)
    duplicates: int = 0
    failures: list[str] = field(default_factory=list)
    not_modified: bool = False
    error: str = ""
    pending: int = 0  # new entries left for the next poll (over the per-poll cap)


AddEntry = Callable[[Entry, Feed], AddResult]


def poll_feed(
    feed: Feed, fetcher: SafeFetcher, book: FeedBook, add: AddEntry, max_items: int, max_bytes: int = 0
) -> PollResult:
    """Fetch the feed (conditionally), add the newest ``max_items`` of its entries not taken yet, oldest first."""
    result = PollResult(feed)
    try:
        page = fetcher.fetch_feed(feed.url, feed.etag, feed.modified, max_bytes)
        if page.not_modified:
            result.not_modified = True
            book.polled(feed.id, page.etag or feed.etag, page.modified or feed.modified, "")
            return result
        title, entries = parse_feed(page.body, feed.url)
    except DossierError as exc:
        result.error = exc.message
        book.polled(feed.id, feed.etag, feed.modified, exc.message)
        return result
    # The newest first, by date where entries carry one (most feeds list them so; some list the oldest first).
    fresh = sorted(book.unseen(feed.id, entries), key=lambda pair: pair[0].published, reverse=True)
    result.pending = max(0, len(fresh) - max_items)
    retry = False
    for entry, tried in reversed(fresh[:max_items]):  # add in publication order
        try:
            added = add(entry, feed)
        except DossierError as exc:
            where = entry.link or entry.title
            line = exc.message if where in exc.message else f"{where}: {exc.message}"
            result.failures.append(line + (f" (attempt {tried + 1} of {ATTEMPTS})" if tried + 1 < ATTEMPTS else ""))
            book.taken(feed.id, entry, None, tried + 1)
            retry = retry or tried + 1 < ATTEMPTS
            continue
        book.taken(feed.id, entry, added.article.id, tried + 1)
        if added.duplicate:
            result.duplicates += 1
        else:
            result.added.append(added.article)
    # Validators are kept only once every entry is in (or given up): otherwise the next poll reads the feed whole again.
    done = not result.pending and not retry
    book.polled(feed.id, page.etag if done else "", page.modified if done else "", "", title)
    return result
