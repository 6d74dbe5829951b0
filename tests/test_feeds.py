"""Following RSS and Atom feeds: entries become articles once, conditional polls, failures one line each — against
feeds and pages served on 127.0.0.1, with the real model and library."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import LocalSite, Route, article_html, rss

from index import DossierError, Library
from index.feed_entries import Entry, parse_feed

FEED = "application/rss+xml"
PARAGRAPHS = {
    "/a1": [
        "The river Lune rose two metres overnight and flooded the lower town of Kendal Bridge.",
        "About 400 residents were moved to the sports hall, the county council said on Monday.",
    ],
    "/a2": [
        "The regional court in Harwick fined the water company 2.5 million pounds for the spill.",
        "The judge said the company had ignored three warnings from inspectors.",
    ],
    "/a3": [
        "Harwick's harbour reopened on Wednesday after the storm damaged two piers.",
        "Repairs will cost about 800,000 pounds, the harbour master said.",
    ],
}


def serve_articles(site: LocalSite, dated: bool = True) -> None:
    for path, paragraphs in PARAGRAPHS.items():
        title = paragraphs[0].split(" and ")[0][:60]
        site.routes[path] = Route(body=article_html(title, paragraphs, date="2024-05-0" + path[-1] if dated else ""))


def items(site: LocalSite, paths: list[str]) -> list[dict[str, str]]:
    """Newest first, as feeds list them."""
    return [
        {
            "title": f"Story {p}",
            "link": site.url(p),
            "guid": f"tag:example.org,2024:{p}",
            "date": f"Fri, 0{p[-1]} May 2024 10:00:00 GMT",
        }
        for p in reversed(paths)
    ]


@pytest.fixture
def lib(make_library: Callable[..., Library]) -> Library:
    return make_library(fetch_allow_hosts=["127.0.0.1"])


def test_entries_are_added_once_oldest_first_and_an_unchanged_feed_is_not_read_again(
    lib: Library, site: LocalSite
) -> None:
    serve_articles(site)
    site.routes["/feed"] = Route(
        body=rss("Lune Valley News", items(site, ["/a1", "/a2"])), content_type=FEED, headers={"ETag": '"v1"'}
    )
    feed = lib.follow(site.url("/feed"), added_by="test")
    assert (feed.id, feed.title) == (1, "Lune Valley News")

    [first] = lib.poll()
    assert [a.url for a in first.added] == [site.url("/a1"), site.url("/a2")]  # publication order
    assert first.added[0].id < first.added[1].id and not first.failures and first.duplicates == 0
    assert all(a.added_by == "feed #1 (Lune Valley News)" for a in first.added)

    [again] = lib.poll()
    assert again.not_modified and not again.added and site.conditional[-1] == '"v1"'

    site.routes["/feed"] = Route(
        body=rss("Lune Valley News", items(site, ["/a1", "/a2", "/a3"])), content_type=FEED, headers={"ETag": '"v2"'}
    )
    [third] = lib.poll()
    assert [a.url for a in third.added] == [site.url("/a3")]
    assert lib.count() == 3

    answer = lib.ask("How many residents were moved to the sports hall?")
    assert not answer.abstained and answer.citations[0].url == site.url("/a1")
    assert "About 400 residents were moved to the sports hall" in answer.citations[0].quote


def test_an_entry_already_in_the_library_is_counted_not_added_again(lib: Library, site: LocalSite) -> None:
    serve_articles(site)
    lib.add_url(site.url("/a2"))
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1", "/a2"])), content_type=FEED)
    lib.follow(site.url("/feed"))
    [result] = lib.poll()
    assert len(result.added) == 1 and result.duplicates == 1 and lib.count() == 2


def test_the_feed_date_is_used_when_the_page_has_none(lib: Library, site: LocalSite) -> None:
    serve_articles(site, dated=False)
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a3"])), content_type=FEED)
    lib.follow(site.url("/feed"))
    [result] = lib.poll()
    assert result.added[0].published == "2024-05-03"


def test_a_broken_link_falls_back_to_the_entry_text_or_is_tried_again_then_left(lib: Library, site: LocalSite) -> None:
    long_text = " ".join(PARAGRAPHS["/a2"] * 4)
    entries = [
        {"title": "Court fines water company", "link": site.url("/gone-long"), "content": f"<p>{long_text}</p>"},
        {"title": "Short note", "link": site.url("/gone-short"), "description": "Read more on our site."},
    ]
    site.routes["/feed"] = Route(body=rss("Harwick Post", entries), content_type=FEED, headers={"ETag": '"a"'})
    lib.follow(site.url("/feed"))
    [result] = lib.poll()
    assert [a.title for a in result.added] == ["Court fines water company"]
    assert result.added[0].url == site.url("/gone-long")
    gone = site.url("/gone-short")
    assert result.failures == [f"{gone} answered HTTP 404 Not Found (attempt 1 of 3)"]
    # While an entry waits for another try, the feed is read whole (not "unchanged"), and the entry tried again.
    [second] = lib.poll()
    assert not second.not_modified and second.failures == [f"{gone} answered HTTP 404 Not Found (attempt 2 of 3)"]
    [third] = lib.poll()
    assert third.failures == [f"{gone} answered HTTP 404 Not Found"]  # the last try
    [fourth] = lib.poll()
    assert fourth.not_modified or (not fourth.failures and not fourth.added)
    assert site.conditional[-1] == '"a"'  # given up: validators kept again

    site.routes["/feed"] = Route(body=rss("Harwick Post", entries), content_type=FEED, headers={"ETag": '"b"'})
    site.routes["/gone-short"] = Route(body=article_html("Short note", PARAGRAPHS["/a3"]))
    [later] = lib.poll()
    assert not later.added and not later.failures  # an entry given up stays given up


def test_an_entry_text_never_claims_another_hosts_address(lib: Library, site: LocalSite) -> None:
    elsewhere = site.url("/missing", host="localhost")  # another host name than the feed's 127.0.0.1
    text = " ".join(PARAGRAPHS["/a2"] * 4)
    entries = [{"title": "Court fines water company", "link": elsewhere, "content": f"<p>{text}</p>"}]
    site.routes["/feed"] = Route(body=rss("Harwick Post", entries), content_type=FEED)
    lib.follow(site.url("/feed"))
    [result] = lib.poll()
    [added] = result.added
    assert added.url == "" and elsewhere in added.origin


def test_an_oldest_first_feed_still_gives_the_newest_entries_first(
    make_library: Callable[..., Library], site: LocalSite
) -> None:
    lib = make_library(fetch_allow_hosts=["127.0.0.1"], feed_max_items=1)
    serve_articles(site)
    site.routes["/feed"] = Route(
        body=rss("Harwick Post", list(reversed(items(site, ["/a1", "/a2", "/a3"])))), content_type=FEED
    )
    lib.follow(site.url("/feed"))
    [first] = lib.poll()
    assert [a.url for a in first.added] == [site.url("/a3")] and first.pending == 2


def test_a_feed_longer_than_the_cap_is_taken_over_several_polls(
    make_library: Callable[..., Library], site: LocalSite
) -> None:
    lib = make_library(fetch_allow_hosts=["127.0.0.1"], feed_max_items=2)
    serve_articles(site)
    site.routes["/feed"] = Route(
        body=rss("Harwick Post", items(site, ["/a1", "/a2", "/a3"])), content_type=FEED, headers={"ETag": '"x"'}
    )
    lib.follow(site.url("/feed"))
    [first] = lib.poll()
    # The newest two first (what readers want now); the older one at the next poll, which reads the feed whole again.
    assert [a.url for a in first.added] == [site.url("/a2"), site.url("/a3")] and first.pending == 1
    [second] = lib.poll()
    assert [a.url for a in second.added] == [site.url("/a1")] and second.pending == 0
    [third] = lib.poll()
    assert third.not_modified


def test_what_is_not_a_feed_and_repeated_or_unknown_feeds_are_one_line(
    lib: Library, site: LocalSite, make_library: Callable[..., Library]
) -> None:
    serve_articles(site)
    with pytest.raises(DossierError, match=r"is not an RSS or Atom feed$"):
        lib.follow(site.url("/a1"))
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1"])), content_type=FEED)
    first = lib.follow(site.url("/feed"))
    with pytest.raises(DossierError, match=r"^already following that feed as #1$"):
        lib.follow(site.url("/feed"))
    with pytest.raises(DossierError, match=r"^there is no feed #9$"):
        lib.unfollow(9)
    assert lib.unfollow(first.id).id == 1 and lib.feeds() == []
    assert lib.follow(site.url("/feed")).id == 2  # a number is never given twice
    with pytest.raises(DossierError, match=r"not a feed address"):
        lib.follow("file:///etc/passwd")
    # A body that is no feed is refused before the lenient parser spends seconds on it.
    site.routes["/junk"] = Route(body=b"<p>x" * 400_000, content_type="application/xml")
    with pytest.raises(DossierError, match=r"is not an RSS or Atom feed$"):
        lib.follow(site.url("/junk"))

    guarded = make_library("guarded")  # no FETCH_ALLOW_HOSTS: loopback is refused
    with pytest.raises(DossierError, match=r"^refused: 127\.0\.0\.1 is"):
        guarded.follow(site.url("/feed"))
    small = make_library("small", fetch_allow_hosts=["127.0.0.1"], feed_max_bytes=2000)
    site.routes["/big"] = Route(body=rss("Big", items(site, ["/a1"]) * 40), content_type=FEED)
    with pytest.raises(DossierError, match=r"over the limit of 2,000 bytes|larger than the limit"):
        small.follow(site.url("/big"))


def test_a_feed_that_breaks_later_keeps_its_place_and_says_why(lib: Library, site: LocalSite) -> None:
    serve_articles(site)
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1"])), content_type=FEED)
    lib.follow(site.url("/feed"))
    site.routes["/feed"] = Route(503, b"down", "text/plain")
    [result] = lib.poll()
    assert result.error == f"{site.url('/feed')} answered HTTP 503 Service Unavailable"
    assert lib.feeds()[0].last_error == result.error and lib.count() == 0
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1"])), content_type=FEED)
    [fixed] = lib.poll()
    assert len(fixed.added) == 1 and lib.feeds()[0].last_error == ""


# About the feed commands' arguments and output, no database code (other tests here store and poll feeds on both
# databases): on SQLite only, for CI's time.
@pytest.mark.sqlite_only
@pytest.mark.slow
def test_follow_feeds_poll_unfollow_from_the_command_line(tmp_path: Path, site: LocalSite) -> None:
    serve_articles(site)
    site.routes["/feed"] = Route(
        body=rss("Lune Valley News", items(site, ["/a1", "/a2"])), content_type=FEED, headers={"ETag": '"v1"'}
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(tmp_path / "data"), "FETCH_ALLOW_HOSTS": "127.0.0.1"}

    def dossier(*args: str) -> subprocess.CompletedProcess[str]:
        script = Path(sys.executable).parent / "dossier"
        return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, timeout=300)

    followed = dossier("follow", site.url("/feed"))
    assert followed.returncode == 0, followed.stderr
    assert followed.stdout.splitlines() == ["Following #1 Lune Valley News", "#1 Lune Valley News: 2 new (#1, #2)"]
    polled = dossier("poll")
    assert polled.stdout.strip() == "#1 Lune Valley News: unchanged since the last poll"
    listed = dossier("feeds")
    assert listed.stdout.startswith(f"#1 Lune Valley News — {site.url('/feed')} (polled 20")
    missing = dossier("unfollow", "7")
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: there is no feed #7")
    site.routes["/feed"] = Route(503, b"down", "text/plain")
    broken = dossier("poll", "1")
    assert broken.returncode == 1 and "not read:" in broken.stdout and "HTTP 503" in broken.stdout
    gone = dossier("unfollow", "1")
    assert gone.stdout.strip() == "Unfollowed #1 Lune Valley News (its articles stay in the library)"
    listed = dossier("list")
    assert [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("#")] == ["#1", "#2"]


def test_atom_feeds_and_html_in_entries_are_read() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>'
        b'<entry><title>One &amp; two</title><link href="http://example.org/1"/><id>urn:1</id>'
        b"<updated>2024-03-05T10:00:00Z</updated>"
        b'<summary type="html">&lt;p&gt;Hello&lt;/p&gt;&lt;p&gt;World&lt;/p&gt;</summary></entry></feed>'
    )
    title, [entry] = parse_feed(atom, "http://example.org/atom")
    assert title == "Atom Desk"
    assert entry == Entry("urn:1", "http://example.org/1", "One & two", "2024-03-05", "Hello\n\nWorld")
    # Entities are not expanded (no "billion laughs"): the title stays as written.
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    title, _ = parse_feed(laughs + b'<rss version="2.0"><channel><title>&b;</title></channel></rss>', "u")
    assert len(title) < 100


def test_a_chat_that_changed_its_id_takes_its_feeds_settings_and_articles(lib: Library, site: LocalSite) -> None:
    serve_articles(site)
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1"])), content_type=FEED)
    lib.follow(site.url("/feed"), collection="chat:-1", chat=-1)
    lib.poll()
    lib.add_text("Other desk\\n\\n" + " ".join(PARAGRAPHS["/a2"]), collection="chat:-3")
    lib.set_chat_setting(-1, "autoadd", "on")
    with pytest.raises(DossierError, match="holds articles already"):  # two libraries are not merged
        lib.move_chat(-1, -3, ("chat:-1", "chat:-3"))
    assert lib.count(collection="chat:-1") == 1 and lib.chat_setting(-1, "autoadd") == "on"  # nothing moved

    assert lib.move_chat(-1, -2, ("chat:-1", "chat:-2")) == 1
    assert lib.count(collection="chat:-1") == 0 and lib.count(collection="chat:-2") == 1
    assert [f.chat for f in lib.feeds()] == [-2] and [f.collection for f in lib.feeds()] == ["chat:-2"]
    assert lib.chat_setting(-2, "autoadd") == "on" and lib.chat_setting(-1, "autoadd") is None
    answer = lib.ask("How many residents were moved to the sports hall?", collection="chat:-2")
    assert not answer.abstained and "400 residents" in answer.citations[0].quote
    assert lib.move_chat(-1, -2, ("chat:-1", "chat:-2")) == 0  # the second service message finds nothing left

    # A chat that follows a feed but holds no article yet: the feed moves; one both follow is kept once.
    lib.follow(site.url("/feed"), collection="chat:-4", chat=-4)
    lib.follow(site.url("/feed"), collection="chat:-5", chat=-5)
    lib.move_chat(-4, -5, ("chat:-4", "chat:-5"))
    assert sorted((f.chat, f.collection) for f in lib.feeds()) == [(-5, "chat:-5"), (-2, "chat:-2")]


def test_a_page_that_names_no_outlet_takes_the_feeds_title(lib: Library, site: LocalSite) -> None:
    site.routes["/a1"] = Route(body=article_html("River Lune rises", PARAGRAPHS["/a1"], site_name=""))
    site.routes["/feed"] = Route(body=rss("Lune Valley News", items(site, ["/a1"])), content_type=FEED)
    lib.follow(site.url("/feed"))
    [polled] = lib.poll()
    [added] = polled.added
    assert added.source == "Lune Valley News"  # not the host, 127.0.0.1:port


def test_chats_of_one_library_share_a_feed(lib: Library, site: LocalSite) -> None:
    """A second chat following a feed of the same collection joins it: one feed, polled once, digests to both;
    each chat unfollows for itself, and the feed goes when the last one does."""
    serve_articles(site)
    site.routes["/feed"] = Route(body=rss("Harwick Post", items(site, ["/a1"])), content_type=FEED)
    first = lib.follow(site.url("/feed"), chat=-1)
    joined = lib.follow(site.url("/feed"), chat=-2)
    assert joined.id == first.id and joined.chats == (-1, -2)
    with pytest.raises(DossierError, match=r"^already following that feed as #1$"):
        lib.follow(site.url("/feed"), chat=-2)
    assert [f.id for f in lib.feeds(-2)] == [1] and len(lib.feeds()) == 1
    [polled] = lib.poll()
    assert polled.feed.chats == (-1, -2) and len(polled.added) == 1
    lib.unfollow(1, -1)  # the first chat leaves: the second keeps the feed
    assert lib.feed(1).chats == (-2,) and lib.feeds(-1) == []
    lib.unfollow(1, -2)
    assert lib.feeds() == []
