"""Updates are kept in the library's database from the moment they arrive until every handler has finished.

python-telegram-bot acknowledges an update (the webhook's 200, or the next ``getUpdates`` offset) before handling
it, so a process that dies while handling one, in the middle of an import say, would lose it. Here the update
queue stores each update before it is acknowledged (``InboxQueue.put``: the webhook server and the poller both
wait for it), held by this process under a lease that a job renews; ``InboxApplication.process_update`` marks it
handled. An update whose holder stopped renewing is taken over by another replica serving the library, or by
this process once restarted: at least once, never lost; a second delivery of one update is handled once.

When the database fails, updates are handled without it (as the rest of the conversation state).
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Update

from bot.activity import LoggingApplication
from bot.state import BotState, Context, state

log = logging.getLogger(__name__)

RENEW_SHARE = 3  # leases are renewed three times per lease: a busy moment does not let one lapse
TAKE_OVER_BATCH = 20  # updates taken over per round
MAX_ATTEMPTS = 3  # an update whose handling was cut short this often (did it kill its handler?) is dropped


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored before it is queued (and so before it is
    acknowledged); one received before is dropped. Inert until ``bind``."""

    def __init__(self) -> None:
        super().__init__()
        self._state: BotState | None = None
        self.handling: set[int] = set()  # stored and held by this process, not handled yet
        self.unmarked: set[int] = set()  # handled, but the database did not take the mark: retried, still held

    def bind(self, bot_state: BotState) -> None:
        self._state = bot_state

    async def put(self, item: object) -> None:
        st = self._state
        if st is not None and isinstance(item, Update):
            body = json.dumps(item.to_dict(), ensure_ascii=False)
            conversations = st.engine.library.conversations
            lease = st.settings.update_lease_seconds
            # None: the database failed, and the update is handled without being kept.
            fresh = await st.engine.small(None, conversations.receive, item.update_id, body, st.instance, lease)
            if fresh is False:
                log.info("update %d was delivered again: it is handled once", item.update_id)
                return
            if fresh:
                self.handling.add(item.update_id)
        await super().put(item)

    async def replay(self, update: Update) -> None:
        """Queue an update taken over from another holder (stored already, held by this process now)."""
        self.handling.add(update.update_id)
        await super().put(update)

    async def handled(self, key: int) -> None:
        """Every handler is done with update ``key``: mark it so in the database (or retry later)."""
        if self._state is None or key not in self.handling:
            return  # not kept (the database failed at receipt), or not from this queue
        self.unmarked.add(key)  # held (renewed) until the mark is in
        self.handling.discard(key)
        await self.mark(self._state, key)

    async def mark(self, st: BotState, key: int) -> None:
        if await st.engine.small(False, st.engine.library.conversations.finish, key):
            self.unmarked.discard(key)
        else:
            self.unmarked.add(key)

    def held(self) -> list[int]:
        return sorted(self.handling | self.unmarked)


class InboxApplication(LoggingApplication):
    """The application that marks an update handled in the inbox once every handler has finished with it."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)  # a cancelled handling (shutdown) stays in the inbox for a taker
        if isinstance(update, Update) and isinstance(self.update_queue, InboxQueue):
            await self.update_queue.handled(update.update_id)


async def keep_inbox(context: Context) -> None:
    """Renew the leases on the updates this process holds, and take over those whose holder stopped renewing
    (JobQueue)."""
    queue = context.application.update_queue
    if not isinstance(queue, InboxQueue) or not context.application.running:
        return  # stopping: an update taken over now would never be read from the queue
    st = state(context)
    conversations = st.engine.library.conversations
    lease = st.settings.update_lease_seconds
    for key in list(queue.unmarked):
        await queue.mark(st, key)
    await st.engine.small(0, conversations.renew, st.instance, queue.held(), lease)
    taken = await st.engine.small([], conversations.take_over, st.instance, lease, TAKE_OVER_BATCH, MAX_ATTEMPTS)
    for pending in taken:
        if pending.key in queue.handling or pending.key in queue.unmarked:
            continue  # this process's own (its renewal had failed): it is still at it
        if pending.given_up:
            log.warning("update %d dropped: its handling was cut short %d times", pending.key, pending.attempts - 1)
            continue
        try:
            update = Update.de_json(json.loads(pending.body), context.bot)
        except (ValueError, TypeError, KeyError) as exc:  # a body this version cannot read
            log.warning("update %d dropped: it cannot be read (%s)", pending.key, exc)
            await queue.mark(st, pending.key)
            continue
        log.warning("taking over update %d, whose handler stopped (attempt %d)", pending.key, pending.attempts)
        await queue.replay(update)
