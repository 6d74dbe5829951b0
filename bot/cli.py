"""The ``dossier`` console script: the engine's commands plus ``serve``, which runs the Telegram bot."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from telegram.error import InvalidToken, NetworkError

from bot.app import run
from bot.settings import BotSettings
from index import DossierError, Library
from index import cli as engine_cli


def serve(args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; one clear line and a non-zero code when it cannot start."""
    overrides: dict[str, Any] = {"data_dir": args.data_dir} if getattr(args, "data_dir", None) else {}
    try:
        settings = BotSettings(**overrides)
    except ValidationError as exc:
        print(engine_cli.invalid_settings_message(exc), file=sys.stderr)
        return 2
    if not settings.telegram_bot_token.get_secret_value():
        print(
            "error: TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env or the environment",
            file=sys.stderr,
        )
        return 2
    verbose = bool(getattr(args, "verbose", False))
    level = logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    try:
        library = Library.open(settings)
    except DossierError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    try:
        run(settings, library)
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN (unauthorized): check the token from @BotFather",
            file=sys.stderr,
        )
        return 1
    except NetworkError as exc:
        print(f"error: cannot reach the Bot API at {settings.telegram_api_base_url}: {exc}", file=sys.stderr)
        return 1
    finally:
        library.close()
    return 0


COMMANDS: list[engine_cli.ExtraCommand] = [
    ("serve", "run the Telegram bot: long polling, or a webhook when WEBHOOK_URL is set", serve)
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dossier`` console script."""
    return engine_cli.main(argv, COMMANDS)


def serve_main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot``: the same as ``dossier serve``."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run the Dossier Telegram bot.")
    parser.add_argument("--data-dir", help="library folder (default: DATA_DIR or ./data)")
    parser.add_argument("-v", "--verbose", action="store_true")
    return serve(parser.parse_args(argv))
