"""The ``dossier`` command line: add, ask, list, show, remove, reindex, stats, feedback — over the same facade."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from pydantic import ValidationError

from index import add_cli, eval_cli, feed_cli, migrate, render_text
from index.add_cli import quiet_page_readers
from index.errors import BadDataFile, DossierError
from index.library import DEFAULT_COLLECTION, Library
from index.settings import Settings
from index.types import Answer, ArticleInfo

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
    ask.set_defaults(run=_cmd_ask, create=False)

    lst = sub.add_parser("list", help="list the articles")
    lst.add_argument("--collection", type=add_cli.collection_arg, default=None)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=_cmd_list, create=False)

    show = sub.add_parser("show", help="show one article with its text")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(run=_cmd_show, create=False)

    rm = sub.add_parser("remove", help="remove an article (text, passages, vectors, keyword rows)")
    rm.add_argument("id", type=int)
    rm.set_defaults(run=_cmd_remove, create=False)

    reindex = sub.add_parser("reindex", help="rebuild passages, vectors and keyword index from stored text")
    reindex.set_defaults(run=_cmd_reindex, allow_model_change=True, create=False)

    stats = sub.add_parser("stats", help="library size and model")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=_cmd_stats, create=False)

    move = sub.add_parser(
        "migrate",
        help="copy the library into another database: a PostgreSQL URL or a folder (SQLite); run it again to "
        "finish a copy that was cut short",
    )
    move.add_argument("--to", required=True, metavar="URL_OR_FOLDER", help="postgresql://… or a folder")
    move.add_argument(
        "--batch", type=int, default=migrate.BATCH, metavar="N", help="articles copied per transaction (default: 32)"
    )
    move.set_defaults(run=_cmd_migrate, create=False)

    votes = sub.add_parser("feedback", help="readers' votes on answers")
    votes.add_argument("action", choices=["export"], help="export: the votes as eval questions, one JSON a line")
    votes.add_argument("--out", type=Path, help="write to this file instead of stdout")
    votes.set_defaults(run=_cmd_feedback, create=False)

    eval_cli.add_parser(sub)
    feed_cli.add_parsers(sub)

    for name, help_text, function in extra:
        sub.add_parser(name, help=help_text).set_defaults(run_alone=function)
    return parser


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "answer": render_text.render(answer),
        "citations": [
            {**{k: v for k, v in dataclasses.asdict(c).items() if k != "score"}, "hedged": c.hedged}
            for c in answer.citations
        ],
        "figures": {unit: [dataclasses.asdict(e) for e in entries] for unit, entries in answer.figures.items()},
        "passages": [{k: v for k, v in dataclasses.asdict(p).items() if k != "passage_id"} for p in answer.passages],
        "searched_articles": answer.searched_articles,
        "period": answer.period,
        "outlet": answer.outlet,
        "tentative": answer.tentative,
    }


def _known_collection(lib: Library, collection: str | None) -> None:
    """A collection named on the command line must exist (a typo would otherwise read as an empty library)."""
    if collection is None or not lib.count():
        return
    names = lib.collections()
    if collection not in names:
        raise DossierError(f"no collection named {collection!r}; the library's collections: {', '.join(names)}")


def _cmd_ask(lib: Library, args: argparse.Namespace) -> int:
    collection = args.collection
    _known_collection(lib, collection)
    if args.question == "-":
        failed = 0
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                answer = lib.ask(line, collection=collection, k=args.k)
            except DossierError as exc:  # one bad line is reported; the questions after it are still answered
                print(f"line {number}: error: {exc.message}", file=sys.stderr)
                if args.json:  # one object per question, so answers still pair with their lines
                    print(json.dumps({"line": number, "error": exc.message}), flush=True)
                failed += 1
                continue
            _emit_answer(answer, args.json, sys.stdout, number)
        return 1 if failed else 0
    _emit_answer(lib.ask(args.question, collection=collection, k=args.k), args.json, sys.stdout)
    return 0


def _emit_answer(answer: Answer, as_json: bool, out: TextIO, line: int | None = None) -> None:
    """One answer; read from a line of stdin, with its number (JSON: "line") or, as text, under its question: answers
    pair with their lines, blank lines skipped."""
    if as_json:
        fields = answer_json(answer) if line is None else {"line": line, **answer_json(answer)}
        out.write(json.dumps(fields, ensure_ascii=False) + "\n")
    elif line is None:
        out.write(render_text.render(answer) + "\n")
    else:
        out.write(f"── line {line}: {answer.question.strip()}\n{render_text.render(answer)}\n\n")
    out.flush()


def _info_line(a: ArticleInfo) -> str:
    key = a.key or "-"
    title, source = _cut(a.title, 60), _cut(a.source, 24)
    return f"#{a.id:<5} {key:<12} {title:<60}  {source:<24} {a.published[:10]:<10} {a.passages:>8}"


def _cut(text: str, width: int) -> str:
    """The text in ``width`` characters, ending in "…" where it is cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _cmd_list(lib: Library, args: argparse.Namespace) -> int:
    _known_collection(lib, args.collection)
    articles = lib.list(collection=args.collection)
    if args.json:
        for a in articles:
            print(json.dumps(dataclasses.asdict(a), ensure_ascii=False))
        return 0
    if not articles:
        print("The library is empty. Add articles with: dossier add FILE|URL|-  or  dossier add --jsonl FILE")
        return 0
    print(f"{'id':<6} {'key':<12} {'title':<60}  {'source':<24} {'date':<10} {'passages':>8}")
    for a in articles:
        print(_info_line(a))
    return 0


def _cmd_show(lib: Library, args: argparse.Namespace) -> int:
    article = lib.get(args.id)
    a = article.info
    if args.json:
        print(json.dumps({**dataclasses.asdict(a), "author": article.author, "text": article.text}, ensure_ascii=False))
        return 0
    print(f"#{a.id} {a.title}")
    for label, value in (
        ("key", a.key),
        ("source", a.source),
        ("author", article.author),
        ("published", a.published),
        ("url", a.url),
        ("added", f"{a.added_at} by {a.added_by}"),
        ("collection", a.collection),
        ("passages", a.passages),
    ):
        if value:
            print(f"{label:>10}: {value}")
    print()
    print(article.text)
    return 0


def _cmd_remove(lib: Library, args: argparse.Namespace) -> int:
    info = lib.remove(args.id)
    print(f"Removed #{info.id} «{info.title}»")
    return 0


def _cmd_reindex(lib: Library, args: argparse.Namespace) -> int:
    update, close = add_cli.progress_printer(lib.count(), "article")
    try:
        passages = lib.reindex(progress=update)
    finally:
        close()
    print(f"Reindexed {lib.count()} articles into {passages} passages with {lib.embedder.name}")
    return 0


def _cmd_migrate(lib: Library, args: argparse.Namespace) -> int:
    def report(done: int, total: int) -> None:
        print(f"copied {done}/{total} articles", file=sys.stderr, flush=True)

    if not 1 <= args.batch <= migrate.MAX_BATCH:
        print(f"error: --batch must be from 1 to {migrate.MAX_BATCH}", file=sys.stderr)
        return 2
    moved = lib.migrate_to(args.to, report, args.batch)
    resumed = f", resumed after article #{moved.resumed_after}" if moved.resumed_after else ""
    print(
        f"copied {moved.articles} articles ({moved.passages} passages){resumed}: the copy holds all "
        f"{moved.total} articles of the library"
    )
    if moved.source_total != moved.total:
        print(
            f"warning: the library holds {moved.source_total} articles now: some were added or removed during the "
            "copy (stop the bot while migrating); run dossier migrate into an empty target again",
            file=sys.stderr,
        )
    return 0


def _cmd_feedback(lib: Library, args: argparse.Namespace) -> int:
    rows = lib.feedback_questions()
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.out is None:
        sys.stdout.write(lines)
        if not rows:  # on stderr: the output stays a valid (empty) file of questions
            print("no votes yet: readers vote with 👍 / 👎 under the bot's answers", file=sys.stderr)
        return 0
    try:
        args.out.write_text(lines, encoding="utf-8")
    except OSError as exc:
        raise DossierError(f"cannot write {args.out}: {exc.strerror}") from exc
    up = sum(row["feedback"] == "up" for row in rows)
    print(f"wrote {len(rows)} questions to {args.out} ({up} up, {len(rows) - up} down)")
    return 0


def _cmd_stats(lib: Library, args: argparse.Namespace) -> int:
    stats = lib.stats()
    if args.json:
        print(json.dumps(dataclasses.asdict(stats)))
        return 0
    for field in dataclasses.fields(stats):
        print(f"{field.name:>16}: {getattr(stats, field.name)}")
    return 0


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
