"""``dossier follow``, ``feeds``, ``unfollow`` and ``poll``: RSS and Atom feeds from the command line (``poll`` is
what a cron job runs; the bot polls on its own schedule)."""

from __future__ import annotations

import argparse
from typing import Any

from index.add_cli import collection_arg
from index.library import DEFAULT_COLLECTION, Library
from index.render_text import feed_line, poll_summary


def add_parsers(sub: Any) -> None:
    follow = sub.add_parser("follow", help="follow an RSS or Atom feed and add its entries now")
    follow.add_argument("url")
    follow.add_argument("--collection", type=collection_arg, default=DEFAULT_COLLECTION)
    follow.set_defaults(run=_cmd_follow)

    listing = sub.add_parser("feeds", help="list the followed feeds")
    listing.set_defaults(run=_cmd_feeds, create=False)

    unfollow = sub.add_parser("unfollow", help="stop following a feed (its articles stay)")
    unfollow.add_argument("id", type=int)
    unfollow.set_defaults(run=_cmd_unfollow, create=False)

    poll = sub.add_parser("poll", help="add the new entries of every followed feed (or of the given ones)")
    poll.add_argument("ids", nargs="*", type=int, metavar="ID")
    poll.set_defaults(run=_cmd_poll, create=False)


def _cmd_follow(lib: Library, args: argparse.Namespace) -> int:
    feed = lib.follow(args.url, collection=args.collection, added_by="command line")
    print(f"Following #{feed.id} {feed.title}")
    return _print_polls(lib, [feed.id])


def _cmd_feeds(lib: Library, args: argparse.Namespace) -> int:
    feeds = lib.feeds()
    for feed in feeds:
        print(feed_line(feed))
    if not feeds:
        print("No feeds followed. Add one: dossier follow URL")
    return 0


def _cmd_unfollow(lib: Library, args: argparse.Namespace) -> int:
    feed = lib.unfollow(args.id)
    print(f"Unfollowed #{feed.id} {feed.title} (its articles stay in the library)")
    return 0


def _cmd_poll(lib: Library, args: argparse.Namespace) -> int:
    return _print_polls(lib, args.ids or None)


def _print_polls(lib: Library, ids: list[int] | None) -> int:
    """One line per feed, then one per failed entry; exit 1 when a feed could not be read."""
    results = lib.poll(ids)
    for result in results:
        print(poll_summary(result))
        for failure in result.failures:
            print(f"  failed: {failure}")
    if not results:
        print("No feeds followed. Add one: dossier follow URL")
    return 1 if any(r.error for r in results) else 0
