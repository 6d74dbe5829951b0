"""The ``dossier`` command line: its arguments and its entry point; the commands run over the same facade in
add_cli.py, ask_cli.py, library_cli.py, eval_cli.py and feed_cli.py."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from index import add_cli, ask_cli, eval_cli, feed_cli, library_cli, migrate
from index.add_cli import quiet_page_readers
from index.errors import BadDataFile, DossierError
from index.library import DEFAULT_COLLECTION, Library
from index.settings import Settings

log = logging.getLogger("dossier")
Command = Callable[[Library, argparse.Namespace], int]
# A sub-command another layer adds (the bot's `serve`): (name, help, function of the parsed arguments).
ExtraCommand = tuple[str, str, Callable[[argparse.Namespace], int]]


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (argparse prints the usage first, on a line of its own)."""

    def error(self, message: str) -> NoReturn:
        # "-how many…" reads as -h with an argument: a question that starts with "-h" goes after "--".
        if "ignored explicit argument" in message:
            self.exit(2, f"error: {self.prog}: {message} (a question that starts with - goes after --)\n")
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def _passages(text: str) -> int:
    """-k: a whole number of passages within 1..100."""
    if not text.strip().isascii() or not text.strip().isdigit() or not 1 <= int(text) <= MAX_K:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of passages from 1 to {MAX_K}")
    return int(text)


MAX_K = 100


def build_parser(extra: Sequence[ExtraCommand] = ()) -> argparse.ArgumentParser:
    """The argument parser; other layers (the bot) add their sub-commands through ``extra``."""
    parser = _Parser(
        prog="dossier", description="Answer questions about your news library with verbatim, cited quotes."
    )
    parser.add_argument("--data-dir", type=Path, help="library folder (default: DATA_DIR or ./data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="add articles: files (.txt .md .html .pdf .docx), http(s) URLs, or - for stdin")
    add.add_argument("sources", nargs="*", metavar="SOURCE")
    add.add_argument(
        "--jsonl", type=Path, action="append", default=[], help="import one article per JSON line (- for stdin)"
    )
    add.add_argument("--title", default="", help="title for text read from stdin")
    add.add_argument("--source", default="", help="the outlet, where the text, file or page names none")
    add.add_argument(
        "--published", default="", help="the publication date (2025-03-14), where the text, file or page gives none"
    )
    add.add_argument("--collection", type=add_cli.collection_arg, default=DEFAULT_COLLECTION)
    add.set_defaults(run=add_cli.cmd_add)

    ask = sub.add_parser("ask", help="answer a question with quotes and numbered sources")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("-k", type=_passages, default=10, help=f"passages to return, 1 to {MAX_K} (default 10)")
    ask.add_argument("--collection", type=add_cli.collection_arg, default=DEFAULT_COLLECTION)
    ask.set_defaults(run=ask_cli.cmd_ask, create=False)

    lst = sub.add_parser("list", help="list the articles")
    lst.add_argument("--collection", type=add_cli.collection_arg, default=None)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=library_cli.cmd_list, create=False)

    show = sub.add_parser("show", help="show one article with its text")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=library_cli.cmd_show, create=False)

    rm = sub.add_parser("remove", help="remove an article (text, passages, vectors, keyword rows)")
    rm.add_argument("id", type=int)
    rm.set_defaults(run=library_cli.cmd_remove, create=False)

    reindex = sub.add_parser("reindex", help="rebuild passages, vectors and keyword index from stored text")
    reindex.set_defaults(run=library_cli.cmd_reindex, allow_model_change=True, create=False)

    stats = sub.add_parser("stats", help="library size and model")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=library_cli.cmd_stats, create=False)

    move = sub.add_parser(
        "migrate",
        help="copy the library into another database: a PostgreSQL URL or a folder (SQLite); run it again to "
        "finish a copy that was cut short",
    )
    move.add_argument("--to", required=True, metavar="URL_OR_FOLDER", help="postgresql://… or a folder")
    move.add_argument(
        "--batch", type=int, default=migrate.BATCH, metavar="N", help="articles copied per transaction (default: 32)"
    )
    move.set_defaults(run=library_cli.cmd_migrate, create=False)

    votes = sub.add_parser("feedback", help="readers' votes on answers")
    votes.add_argument("action", choices=["export"], help="export: the votes as eval questions, one JSON a line")
    votes.add_argument("--out", type=Path, help="write to this file instead of stdout")
    votes.set_defaults(run=library_cli.cmd_feedback, create=False)

    eval_cli.add_parser(sub)
    feed_cli.add_parsers(sub)

    for name, help_text, function in extra:
        sub.add_parser(name, help=help_text).set_defaults(run_alone=function)
    return parser


def invalid_settings_message(exc: ValidationError) -> str:
    """One line naming each bad setting as its environment variable."""
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
    return f"error: invalid setting: {problems}"


def main(argv: Sequence[str] | None = None, extra: Sequence[ExtraCommand] = ()) -> int:
    """Entry point of the ``dossier`` console script (``extra``: sub-commands of other layers)."""
    try:
        return _main(argv, extra)
    except BrokenPipeError:
        # The reader went away (``dossier eval | head``): stop quietly, and keep Python's exit-time flush of
        # stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None, extra: Sequence[ExtraCommand]) -> int:
    args = build_parser(extra).parse_args(argv)
    if getattr(args, "run_alone", None) is not None:
        return int(args.run_alone(args))
    overrides: dict[str, Any] = {"data_dir": args.data_dir} if args.data_dir else {}
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        print(invalid_settings_message(exc), file=sys.stderr)
        return 2
    level = logging.DEBUG if args.verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=max(level, logging.WARNING) if not args.verbose else level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    quiet_page_readers(args.verbose)
    try:
        # Commands that read a library do not create one where a mistyped --data-dir points.
        create = getattr(args, "create", True)
        with Library.open(
            settings, allow_model_change=getattr(args, "allow_model_change", False), create=create
        ) as lib:
            code: int = args.run(lib, args)
            return code
    except BadDataFile as exc:  # a setting names a file that cannot be used: a setting error
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except DossierError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
