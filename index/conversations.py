"""What a chat front end remembers from one update to the next, kept in the library's database.

Several processes serving one library (bot replicas behind one webhook, sharing a PostgreSQL library) then serve
any update whichever of them receives it: the question behind an answer's buttons and the quotes each of its pages
cited, how many questions a sender asked in the last minute, which process runs a periodic job this round, and
the updates received but not yet handled (the inbox: a process that dies while handling one, in the middle of an
import say, leaves it to another, or to itself once restarted).

Each call is one statement, or one short transaction on its own rows (``Store.small_write``); on PostgreSQL none
waits for the library's writer lock. Times come from the database's clock, which every replica shares.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.database import Connection
from index.errors import DossierError
from index.feedback import Span

if TYPE_CHECKING:
    from index.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS remembered (
    key TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    collection TEXT,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS remembered_at ON remembered(at);
CREATE TABLE IF NOT EXISTS remembered_pages (
    key TEXT NOT NULL,
    page INTEGER NOT NULL,
    cited TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (key, page)
);
CREATE INDEX IF NOT EXISTS remembered_pages_at ON remembered_pages(at);
CREATE TABLE IF NOT EXISTS rate_windows (
    name TEXT NOT NULL,
    who INTEGER NOT NULL,
    events TEXT NOT NULL,
    told_until REAL NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (name, who)
);
CREATE INDEX IF NOT EXISTS rate_windows_at ON rate_windows(at);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    holder TEXT NOT NULL,
    until REAL NOT NULL,
    attempts INTEGER NOT NULL,
    done INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_due ON inbox(done, until)"""
KEEP_SECONDS = 30 * 86400  # an answer's buttons and follow-ups work for a month, then say "ask again"
WINDOW = 60.0  # rate limits count the events of the last minute
RENEW_BATCH = 500  # update ids per statement
KEEP_HANDLED = 3600.0  # a handled update's id is kept an hour: a late second delivery of it is recognised


class StateUnavailable(DossierError):
    """The database did not take or give conversation state (busy, unreachable)."""


@dataclass(frozen=True, slots=True)
class Pending:
    """An update taken over from a holder whose lease ran out (it died, or stopped, while handling it)."""

    key: int
    body: str
    attempts: int  # handlings started, this one included
    given_up: bool  # it was started ``max_attempts`` times already (each killed its handler?): not handled again


@dataclass(frozen=True, slots=True)
class Admission:
    """A rate limit's decision on one event."""

    allowed: bool  # within the limit (and counted)
    wait: float  # seconds until the sender may act again; 0 when allowed
    first_refusal: bool  # the first refusal of this window: tell the sender once, drop later ones silently


ADMITTED = Admission(True, 0.0, False)


class Conversations:
    """Questions behind answers, cited quotes per answer page, rate windows and job leases of one library.

    ``clock`` replaces the database's clock (tests); every database failure is a ``StateUnavailable``."""

    def __init__(self, store: Store, clock: Callable[[], float] | None = None) -> None:
        self._store = store
        self._clock = clock

    def remember(self, key: str, question: str, collection: str | None, cited: Sequence[Span] | None = None) -> None:
        """The question (and collection searched) an answer's buttons or a reply to it refer to by ``key``, with
        the quotes its first page cited."""
        with self._writing() as conn:
            now = self._now(conn)
            conn.execute(
                "INSERT INTO remembered (key, question, collection, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET question = excluded.question, collection = excluded.collection, "
                "at = excluded.at",
                (key, question, collection, now),
            )
            if cited is not None:
                self._cite(conn, key, 0, cited, now)

    def recall(self, key: str) -> tuple[str, str | None] | None:
        """(question, collection) remembered under ``key``; None when never remembered or forgotten since."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT question, collection FROM remembered WHERE key = ? AND at > ?",
                (key, self._now(conn) - KEEP_SECONDS),
            ).fetchone()
        return None if row is None else (str(row[0]), row[1])

    def cite(self, key: str, page: int, cited: Sequence[Span]) -> None:
        """The quotes page ``page`` of answer ``key`` cited (article id, start, end), for its feedback buttons."""
        with self._writing() as conn:
            self._cite(conn, key, page, cited, self._now(conn))

    def cited(self, key: str, page: int) -> tuple[Span, ...]:
        with self._reading() as conn:
            row = conn.execute("SELECT cited FROM remembered_pages WHERE key = ? AND page = ?", (key, page)).fetchone()
        if row is None:
            return ()
        return tuple((int(a), int(s), int(e)) for a, s, e in json.loads(row[0]))

    def admit(self, name: str, who: int, per_minute: int) -> Admission:
        """Count one event of ``who`` against limit ``name``: at most ``per_minute`` in any 60 seconds (0: no
        limit). Over it, the first refusal of the window says so (``first_refusal``), later ones do not, so a flood
        costs one reply. Replicas share the count: the row is locked from read to write."""
        if per_minute <= 0:
            return ADMITTED
        with self._writing() as conn:
            # An upsert that changes nothing: it creates the row or locks it (PostgreSQL) until the commit.
            row = conn.execute(
                "INSERT INTO rate_windows (name, who, events, told_until, at) VALUES (?, ?, '[]', 0, 0) "
                "ON CONFLICT (name, who) DO UPDATE SET at = rate_windows.at RETURNING events, told_until",
                (name, who),
            ).fetchone()
            now = self._now(conn)  # read under the lock: events are stored in order
            events = sorted(t for t in json.loads(row[0]) if now - WINDOW < t <= now + WINDOW)
            if len(events) < per_minute:
                events.append(now)
                admission = ADMITTED
                told_until = float(row[1])
            else:
                # The oldest event that keeps the window full leaves first (``per_minute`` may have been lowered).
                wait = max(events[len(events) - per_minute] + WINDOW - now, 0.0)
                admission = Admission(False, wait, float(row[1]) <= now)
                if not admission.first_refusal:
                    return admission  # a flood's later events change nothing: no write
                told_until = now + wait
            conn.execute(
                "UPDATE rate_windows SET events = ?, told_until = ?, at = ? WHERE name = ? AND who = ?",
                (json.dumps(events), told_until, now, name, who),
            )
        return admission

    def lease(self, name: str, holder: str, seconds: float) -> bool:
        """Take (or, for its holder, renew or shorten) job ``name`` for ``seconds`` unless another holder's lease
        still runs: of several processes running the same schedule, one does each round's work."""
        with self._writing() as conn:
            now = self._now(conn)
            row = conn.execute(
                "INSERT INTO leases (name, holder, until) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until "
                "WHERE leases.until <= ? OR leases.holder = excluded.holder RETURNING holder",
                (name, holder, now + seconds, now),
            ).fetchone()
        return row is not None

    def receive(self, key: int, body: str, holder: str, seconds: float) -> bool:
        """Keep update ``key`` (its JSON ``body``) until ``finish``, held by ``holder`` for ``seconds``; False when it
        was received before (a second delivery of one update: it is, or was, handled once)."""
        with self._writing() as conn:
            row = conn.execute(
                "INSERT INTO inbox (id, body, holder, until, attempts, done) VALUES (?, ?, ?, ?, 1, 0) "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                (key, body, holder, self._now(conn) + seconds),
            ).fetchone()
        return row is not None

    def finish(self, key: int) -> bool:
        """Update ``key`` was handled: nobody takes it over. Its body goes; its id stays to recognise a second
        delivery. True once recorded."""
        with self._writing() as conn:
            conn.execute("UPDATE inbox SET done = 1, until = ?, body = '' WHERE id = ?", (self._now(conn), key))
        return True

    def renew(self, holder: str, keys: Sequence[int], seconds: float) -> int:
        """Extend ``holder``'s leases on updates ``keys`` (those it is still handling) by ``seconds`` from now; how
        many were extended."""
        renewed = 0
        with self._writing() as conn:
            until = self._now(conn) + seconds
            for start in range(0, len(keys), RENEW_BATCH):
                batch = [int(k) for k in keys[start : start + RENEW_BATCH]]
                marks = ", ".join("?" * len(batch))
                renewed += conn.execute(
                    f"UPDATE inbox SET until = ? WHERE holder = ? AND done = 0 AND id IN ({marks})",
                    (until, holder, *batch),
                ).rowcount
        return renewed

    def take_over(self, holder: str, seconds: float, limit: int, max_attempts: int) -> list[Pending]:
        """Up to ``limit`` unhandled updates whose holder's lease ran out, oldest first, now held by ``holder``.
        Each row is taken by a conditional update: of two processes taking over at once, one gets it."""
        taken: list[Pending] = []
        with self._writing() as conn:
            now = self._now(conn)
            due = conn.execute(
                "SELECT id FROM inbox WHERE done = 0 AND until <= ? ORDER BY id LIMIT ?", (now, limit)
            ).fetchall()
            for (key,) in due:
                row = conn.execute(
                    "UPDATE inbox SET holder = ?, until = ?, attempts = attempts + 1, "
                    "done = CASE WHEN attempts >= ? THEN 1 ELSE 0 END "
                    "WHERE id = ? AND done = 0 AND until <= ? RETURNING body, attempts, done",
                    (holder, now + seconds, max_attempts, key, now),
                ).fetchone()
                if row is not None:
                    taken.append(Pending(int(key), str(row[0]), int(row[1]), bool(row[2])))
        return taken

    def prune(self) -> int:
        """Forget answers older than ``KEEP_SECONDS`` and rate windows idle for a minute; the rows deleted."""
        deleted = 0
        with self._writing() as conn:
            now = self._now(conn)
            for table, cutoff in (
                ("remembered", now - KEEP_SECONDS),
                ("remembered_pages", now - KEEP_SECONDS),
                ("rate_windows", now - WINDOW),
            ):
                deleted += conn.execute(f"DELETE FROM {table} WHERE at <= ?", (cutoff,)).rowcount
            deleted += conn.execute("DELETE FROM leases WHERE until <= ?", (now,)).rowcount
            deleted += conn.execute("DELETE FROM inbox WHERE done = 1 AND until <= ?", (now - KEEP_HANDLED,)).rowcount
        return deleted

    def _cite(self, conn: Connection, key: str, page: int, cited: Sequence[Span], now: float) -> None:
        conn.execute(
            "INSERT INTO remembered_pages (key, page, cited, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key, page) DO UPDATE SET cited = excluded.cited, at = excluded.at",
            (key, page, json.dumps([list(span) for span in cited]), now),
        )

    def _now(self, conn: Connection) -> float:
        if self._clock is not None:
            return self._clock()
        return float(conn.execute(f"SELECT {self._store.database.clock_sql}").fetchone()[0])

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._failing_as_unavailable(), self._store.small_write() as conn:
            yield conn

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._failing_as_unavailable(), self._store.connection() as conn:
            yield conn

    @contextlib.contextmanager
    def _failing_as_unavailable(self) -> Iterator[None]:
        try:
            yield
        except self._store.database.errors as exc:
            raise StateUnavailable(f"the library's database did not answer ({type(exc).__name__})") from exc
