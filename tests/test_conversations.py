"""Conversation state in the library's database (``Library.conversations``): remembered answers, cited quotes per
page, rate windows and job leases, on SQLite and on a real PostgreSQL, where concurrent processes share them."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from postgres import Server

from index import Library
from index.conversations import KEEP_SECONDS, Conversations, StateUnavailable


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_answers_are_remembered_and_forgotten_after_a_month(library: Library) -> None:
    clock = Clock()
    c = Conversations(library.store, clock)
    c.remember("k1", "what was reported?", "chat:-1001234567890", [(3, 10, 42), (4, 0, 9)])  # with page 0
    c.remember("msg:-1001234567890:77", "what was reported?", None)
    c.cite("k1", 1, [])
    assert c.recall("k1") == ("what was reported?", "chat:-1001234567890")
    assert c.recall("msg:-1001234567890:77") == ("what was reported?", None)
    assert c.recall("never") is None
    assert c.cited("k1", 0) == ((3, 10, 42), (4, 0, 9)) and c.cited("k1", 1) == () and c.cited("k1", 2) == ()
    c.remember("k1", "asked again", None)  # a key given again keeps the latest question
    assert c.recall("k1") == ("asked again", None)
    clock.now += KEEP_SECONDS + 1
    assert c.recall("k1") is None  # too old, even before the hourly prune deletes it
    c.remember("fresh", "new question", None)
    assert c.prune() == 4  # the two old answers and their two pages; the fresh answer stays
    assert c.recall("fresh") == ("new question", None) and c.cited("k1", 0) == ()


def test_a_rate_window_counts_the_last_minute_and_refuses_once_with_the_wait(library: Library) -> None:
    clock = Clock()
    c = Conversations(library.store, clock)
    sender = 7_000_000_001  # Telegram user ids pass 32 bits
    for _ in range(3):
        clock.now += 1
        assert c.admit("questions", sender, 3).allowed
    refused = c.admit("questions", sender, 3)
    assert not refused.allowed and refused.first_refusal and refused.wait == pytest.approx(58.0)
    again = c.admit("questions", sender, 3)
    assert not again.allowed and not again.first_refusal  # told once per window: a flood costs one reply
    assert c.admit("adds", sender, 3).allowed and c.admit("questions", 5, 3).allowed  # other limits, other senders
    clock.now += 58.5  # the first question left the window: one more goes through
    assert c.admit("questions", sender, 3).allowed
    refused = c.admit("questions", sender, 3)
    assert not refused.allowed and refused.first_refusal  # a new window, told again
    assert c.admit("questions", sender, 0).allowed  # 0: no limit
    clock.now += 61
    assert c.prune() == 3  # the three idle windows: questions and adds of the sender, questions of sender 5
    assert c.admit("questions", sender, 3).allowed


def test_concurrent_events_of_one_sender_never_pass_the_limit(library: Library) -> None:
    """Eight threads, each with its own connection (as replicas have), press at once: exactly the limit passes.
    The database's clock, as in production."""
    c = library.conversations
    started = time.time()
    with ThreadPoolExecutor(8) as pool:
        decisions = list(pool.map(lambda _: c.admit("questions", 42, 25), range(80)))
    assert sum(d.allowed for d in decisions) == 25
    assert sum(d.first_refusal for d in decisions) == 1  # one "Slow down" for the flood
    assert all(0 < d.wait <= 60 for d in decisions if not d.allowed)
    c.remember("k", "q", None)
    with library.store.connection() as conn:
        at = conn.execute("SELECT at FROM remembered WHERE key = 'k'").fetchone()[0]
    assert started - 5 < at < time.time() + 5  # seconds since 1970, at full precision (a double in PostgreSQL)


def test_a_failing_database_is_one_error_class(library: Library) -> None:
    """The bot goes on without conversation state on this error (tests/test_hardening_bot.py)."""
    with library.store.connection() as conn:
        conn.execute("DROP TABLE remembered")
    with pytest.raises(StateUnavailable, match="did not answer"):
        library.conversations.remember("k", "q", None)
    with pytest.raises(StateUnavailable):
        library.conversations.recall("k")


def test_a_lease_gives_each_round_of_a_job_to_one_holder(library: Library) -> None:
    clock = Clock()
    c = Conversations(library.store, clock)
    assert c.lease("poll feeds", "replica-a", 540)
    assert not c.lease("poll feeds", "replica-b", 540)  # a's round
    assert c.lease("poll feeds", "replica-a", 540)  # a renews its own
    assert c.lease("other job", "replica-b", 540)
    clock.now += 541
    assert c.lease("poll feeds", "replica-b", 540)  # a's lease ran out (or a died): b takes the next round
    assert not c.lease("poll feeds", "replica-a", 540)


def test_an_update_is_kept_until_handled_and_taken_over_when_its_holder_stops(library: Library) -> None:
    clock = Clock()
    c = Conversations(library.store, clock)
    body = '{"update_id": 7, "message": {"text": "/add …"}}'
    assert c.receive(7, body, "replica-a", 60)
    assert not c.receive(7, body, "replica-b", 60)  # delivered again (to another replica): handled once
    assert c.receive(8, '{"update_id": 8}', "replica-a", 60) and c.receive(9, '{"update_id": 9}', "replica-a", 60)
    c.finish(8)
    assert c.take_over("replica-b", 60, 10, 3) == []  # a's leases run
    clock.now += 50
    assert c.renew("replica-a", [7, 8, 9], 60) == 2  # a is alive: 7 and 9 (8 is handled)
    clock.now += 50
    assert c.take_over("replica-b", 60, 10, 3) == []
    clock.now += 11  # a stopped renewing (killed in the middle of 7 and 9)
    taken = c.take_over("replica-b", 60, 1, 3)
    assert [(p.key, p.body, p.attempts, p.given_up) for p in taken] == [(7, body, 2, False)]  # oldest first
    assert [p.key for p in c.take_over("replica-c", 60, 10, 3)] == [9]  # 7 is b's now
    assert c.renew("replica-a", [7, 9], 60) == 0  # a, back, holds neither any more
    clock.now += 30
    assert c.renew("replica-c", [9], 60) == 1  # c is alive: 9
    clock.now += 31  # b died too, in the middle of 7
    assert [(p.key, p.attempts) for p in c.take_over("replica-c", 60, 10, 3)] == [(7, 3)]
    clock.now += 61  # and c: 7 has cut short three handlings; it is dropped, not handled a fourth time
    assert [(p.key, p.given_up) for p in c.take_over("replica-d", 60, 10, 3)] == [(7, True), (9, False)]
    c.finish(9)
    clock.now += 61
    assert c.take_over("replica-d", 60, 10, 3) == []
    assert not c.receive(7, body, "replica-a", 60)  # a late second delivery is recognised for an hour
    clock.now += 3600
    assert c.prune() == 3 and c.receive(7, body, "replica-a", 60)  # 7, 8, 9 forgotten


def test_of_two_processes_taking_over_at_once_one_gets_each_update(library: Library) -> None:
    clock = Clock()
    c = Conversations(library.store, clock)
    for key in range(1, 41):
        assert c.receive(key, "{}", "dead", 1)
    clock.now += 2
    with ThreadPoolExecutor(4) as pool:
        rounds = list(pool.map(lambda holder: c.take_over(holder, 60, 40, 3), ["b", "c", "d", "e"]))
    keys = [p.key for taken in rounds for p in taken]
    assert sorted(keys) == list(range(1, 41))


@pytest.mark.postgresql_only
def test_replicas_on_one_postgresql_library_share_conversations(
    make_library: Callable[..., Library], postgres_server: Server
) -> None:
    url = postgres_server.database()
    one = make_library("one", database_url=url)
    two = make_library("two", database_url=url)
    one.conversations.remember("key", "who released the recording?", None, [(1, 0, 5)])
    assert two.conversations.recall("key") == ("who released the recording?", None)
    assert two.conversations.cited("key", 0) == ((1, 0, 5),)
    assert [one.conversations.admit("adds", 9, 2).allowed, two.conversations.admit("adds", 9, 2).allowed] == [
        True,
        True,
    ]
    assert not one.conversations.admit("adds", 9, 2).allowed and not two.conversations.admit("adds", 9, 2).allowed
