"""``dossier list``, ``show``, ``remove``, ``reindex``, ``stats``, ``migrate`` and ``feedback``: the library's
articles and upkeep from the command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from index import add_cli, migrate
from index.errors import DossierError
from index.library import Library
from index.types import ArticleInfo


def known_collection(lib: Library, collection: str | None) -> None:
    """A collection named on the command line must exist (a typo would otherwise read as an empty library)."""
    if collection is None or not lib.count():
        return
    names = lib.collections()
    if collection not in names:
        raise DossierError(f"no collection named {collection!r}; the library's collections: {', '.join(names)}")


def _info_line(a: ArticleInfo) -> str:
    key = a.key or "-"
    title, source = _cut(a.title, 60), _cut(a.source, 24)
    return f"#{a.id:<5} {key:<12} {title:<60}  {source:<24} {a.published[:10]:<10} {a.passages:>8}"


def _cut(text: str, width: int) -> str:
    """The text in ``width`` characters, ending in "…" where it is cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(lib: Library, args: argparse.Namespace) -> int:
    known_collection(lib, args.collection)
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


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
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


def cmd_remove(lib: Library, args: argparse.Namespace) -> int:
    info = lib.remove(args.id)
    print(f"Removed #{info.id} «{info.title}»")
    return 0


def cmd_reindex(lib: Library, args: argparse.Namespace) -> int:
    update, close = add_cli.progress_printer(lib.count(), "article")
    try:
        passages = lib.reindex(progress=update)
    finally:
        close()
    print(f"Reindexed {lib.count()} articles into {passages} passages with {lib.embedder.name}")
    return 0


def cmd_migrate(lib: Library, args: argparse.Namespace) -> int:
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


def cmd_feedback(lib: Library, args: argparse.Namespace) -> int:
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


def cmd_stats(lib: Library, args: argparse.Namespace) -> int:
    stats = lib.stats()
    if args.json:
        print(json.dumps(dataclasses.asdict(stats)))
        return 0
    for field in dataclasses.fields(stats):
        print(f"{field.name:>16}: {getattr(stats, field.name)}")
    return 0
