"""The ``dossier`` console script: the engine's commands plus ``serve``, which runs the Telegram bot."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import re
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr, ValidationError

from bot.settings import BotSettings
from index import BadDataFile, DossierError, Library
from index import cli as engine_cli

log = logging.getLogger(__name__)


def read_settings(args: argparse.Namespace, **fixed: Any) -> BotSettings | None:
    """The bot's settings (``--data-dir`` over DATA_DIR, ``fixed`` over both); None after one line on stderr."""
    overrides: dict[str, Any] = {"data_dir": args.data_dir} if getattr(args, "data_dir", None) else {}
    try:
        return BotSettings(**overrides, **fixed)
    except ValidationError as exc:
        print(engine_cli.invalid_settings_message(exc), file=sys.stderr)
        return None


def serve(args: argparse.Namespace) -> int:
    """Run the bot until SIGINT or SIGTERM; one clear line and a non-zero code when it cannot start."""
    # The Telegram layer loads for the commands that use it only: `dossier ask` and the rest start faster.
    from telegram.error import InvalidToken, NetworkError

    from bot.app import run

    settings = read_settings(args)
    if settings is None:
        return 2
    if not settings.telegram_bot_token.get_secret_value():
        print(
            "error: TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env or the environment",
            file=sys.stderr,
        )
        return 2
    verbose = bool(getattr(args, "verbose", False))
    level = logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    startup = _StartupLog(level, verbose)
    try:
        library = Library.open(settings)
    except BadDataFile as exc:  # a setting names a file that cannot be used
        startup.failed(f"error: {exc.message}")
        return 2
    except DossierError as exc:
        return startup.failed(f"error: {exc.message}")
    except Exception as exc:  # e.g. sqlite3.DatabaseError from a damaged file: one line, the traceback with -v
        log.debug("cannot open the library", exc_info=exc)
        return startup.failed(f"error: cannot open the library in {settings.data_dir}: {_one_line(exc)}")
    try:
        run(settings, library, on_ready=startup.ready)
    except InvalidToken:
        return startup.failed(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN (unauthorized): check the token from @BotFather"
        )
    except NetworkError as exc:
        return startup.failed(f"error: cannot reach the Bot API at {settings.telegram_api_base_url}: {_one_line(exc)}")
    except DossierError as exc:
        return startup.failed(f"error: {_one_line(exc.message)}")
    except Exception as exc:
        log.debug("the bot stopped", exc_info=exc)
        return startup.failed(f"error: the bot stopped: {type(exc).__name__}: {_one_line(exc)}")
    finally:
        library.close()
    return 0


_MARKUP = re.compile(r"<[^<>]{0,300}>")
_CODE = re.compile(r"<(style|script)\b[^<>]{0,300}>.{0,20000}?</\1\s*>", re.IGNORECASE | re.DOTALL)  # not text


def _one_line(error: object, limit: int = 500) -> str:
    """The error on one line, cut at ``limit``: a server that is no Bot API answers with a page, whose text (not
    its markup) is what tells why."""
    text = str(error)
    if "<html" in text.casefold():
        text = _MARKUP.sub(" ", _CODE.sub(" ", re.sub(r"\\[nt]", " ", text)))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _StartupLog:
    """Logging for ``serve``: until the bot is ready, records are held back, so a start-up failure prints one line
    (no library traceback, no token in it); once ready they are written out and logging goes on as usual.
    With ``-v`` everything is written, failures included."""

    def __init__(self, level: int, verbose: bool) -> None:
        self.verbose = verbose
        self.stream = logging.StreamHandler()
        self.stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.held = logging.handlers.MemoryHandler(1_000_000, flushLevel=logging.CRITICAL + 1, target=self.stream)
        root = logging.getLogger()
        root.setLevel(level)
        root.addHandler(self.stream if verbose else self.held)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # two lines per run of every job otherwise
        # A member's unreadable page is their one-line reply, not an error of the bot.
        engine_cli.quiet_page_readers(verbose)

    def ready(self) -> None:
        """The bot is serving: write out what was held and log directly from now on."""
        if self.verbose:
            return
        root = logging.getLogger()
        self.held.flush()
        root.removeHandler(self.held)
        if self.stream not in root.handlers:
            root.addHandler(self.stream)

    def failed(self, line: str) -> int:
        """Start-up failed (or the bot stopped): print ``line`` alone and return the exit code."""
        root = logging.getLogger()
        if self.held in root.handlers:
            root.removeHandler(self.held)
            self.held.buffer.clear()
            root.addHandler(self.stream)  # whatever is logged while closing (e.g. at -v) still shows
            root.setLevel(max(root.level, logging.WARNING))
        print(line, file=sys.stderr)
        return 1


def chat(args: argparse.Namespace) -> int:
    """``dossier chat``: the bot's handlers in this terminal, on the library in DATA_DIR; no Telegram needed."""
    from bot import console
    from bot.app import build_application

    settings = read_settings(args, telegram_bot_token=SecretStr("0:local-console"))
    if settings is None:
        return 2
    if "import_process" not in settings.model_fields_set:  # one user: adds need no second process here
        settings = settings.model_copy(update={"import_process": False})
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING)
    engine_cli.quiet_page_readers(getattr(args, "verbose", False))
    try:
        library = Library.open(settings)
    except DossierError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2 if isinstance(exc, BadDataFile) else 1
    try:
        console.main_loop(lambda api: build_application(settings, library, request=api))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    finally:
        library.close()
    return 0


def health_command(args: argparse.Namespace) -> int:
    """``dossier health``: exit 0 when the bot's heartbeat is fresh, 1 with one line otherwise."""
    from bot import health

    settings = read_settings(args)
    if settings is None:
        return 2
    healthy, line = health.check(settings.data_dir)
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


COMMANDS: list[engine_cli.ExtraCommand] = [
    ("serve", "run the Telegram bot: long polling, or a webhook when WEBHOOK_URL is set", serve),
    ("health", "exit 0 when the running bot's heartbeat is fresh (for HEALTHCHECK), 1 otherwise", health_command),
    ("chat", "talk to the bot in this terminal (the same handlers as in Telegram; type help there)", chat),
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
