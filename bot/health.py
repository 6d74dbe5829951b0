"""Liveness for containers and supervisors: the running bot touches a heartbeat file from its JobQueue (so it beats
only while the event loop runs jobs), and ``dossier health`` reports how long ago it last did."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.settings import BotSettings
from bot.state import Context, state
from index import cli as engine_cli

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
        path.touch()
        os.utime(path)
    except OSError as exc:
        log.warning("cannot write the heartbeat %s: %s", path, exc.strerror)


def health(args: argparse.Namespace) -> int:
    """``dossier health``: exit 0 when the bot's heartbeat is fresh, 1 with one line otherwise."""
    overrides: dict[str, Any] = {"data_dir": args.data_dir} if getattr(args, "data_dir", None) else {}
    try:
        settings = BotSettings(**overrides)
    except ValidationError as exc:
        print(engine_cli.invalid_settings_message(exc), file=sys.stderr)
        return 2
    path = heartbeat_path(settings.data_dir)
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        print(f"unhealthy: no heartbeat in {settings.data_dir} (is `dossier serve` running there?)", file=sys.stderr)
        return 1
    if age > STALE:
        print(f"unhealthy: the bot's last heartbeat was {age:.0f} s ago (more than {STALE:.0f} s)", file=sys.stderr)
        return 1
    print(f"ok: the bot's last heartbeat was {age:.0f} s ago")
    return 0
