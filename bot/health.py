"""Liveness for containers and supervisors: the running bot touches a heartbeat file from its JobQueue (so it beats
only while the event loop runs jobs), and ``dossier health`` reports how long ago it last did."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from bot.state import Context, state

log = logging.getLogger(__name__)
HEARTBEAT_FILE = ".heartbeat"
EVERY = 30.0  # seconds between beats
STALE = 120.0  # a beat older than this: unhealthy (four beats missed)


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_FILE


async def beat(context: Context) -> None:
    """JobQueue job: touch the heartbeat file."""
    touch(state(context).settings.data_dir)


def touch(data_dir: Path) -> None:
    """Mark the bot alive now (also once at start-up, before the first job runs)."""
    path = heartbeat_path(data_dir)
    try:
        path.touch()  # sets the modification time of an existing file too
    except OSError as exc:
        log.warning("cannot write the heartbeat %s: %s", path, exc.strerror)


def check(data_dir: Path) -> tuple[bool, str]:
    """Whether the heartbeat in ``data_dir`` is fresh, and the line that says so."""
    try:
        age = time.time() - heartbeat_path(data_dir).stat().st_mtime
    except OSError:
        return False, f"unhealthy: no heartbeat in {data_dir} (is `dossier serve` running there?)"
    if age > STALE:
        return False, f"unhealthy: the bot's last heartbeat was {age:.0f} s ago (more than {STALE:.0f} s)"
    return True, f"ok: the bot's last heartbeat was {age:.0f} s ago"
