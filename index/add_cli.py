"""``dossier add`` and the progress line of long commands: files, URLs, stdin (text or HTML) and JSON lines added
through the facade, a tqdm bar on a terminal and plain log lines otherwise."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from index import iso_dates, raw_text
from index.errors import DossierError, UnsupportedType
from index.library import Library, Progress
from index.render_text import time_left
from index.types import AddResult
from index.urls import is_url

# The libraries that read pages log their complaints ("lxml parsing failed: Document is empty", "discarding data")
# before the one error line the user is given for the same page: kept for --verbose.
PAGE_READERS = ("trafilatura", "htmldate", "courlan", "justext")


def quiet_page_readers(verbose: bool) -> None:
    """Keep the page readers' log lines out of a command's output unless ``verbose``."""
    for name in PAGE_READERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.CRITICAL)


def collection_arg(text: str) -> str:
    """A ``--collection`` given on the command line: a name, not blank (an empty one made a nameless collection)."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("a collection needs a name")
    return name


def progress_printer(total: int, unit: str) -> tuple[Callable[[Progress], None], Callable[[], None]]:
    """A tqdm bar on a terminal, plain log lines otherwise. Rates count from the first event (so the model load
    does not drag them down) and only what was stored since; none is shown before a later batch was stored."""
    start: list[tuple[float, int, int]] = []  # (clock, passages, done) at the first event

    def rates(p: Progress) -> tuple[float, float] | None:
        """(passages a second, units a second) since the first event, or None this early."""
        if not start:
            start.append((time.monotonic(), p.passages, p.done))
        began, passages, done = start[0]
        seconds = time.monotonic() - began
        measured = seconds >= MIN_RATE_SECONDS and p.done > done
        return ((p.passages - passages) / seconds, (p.done - done) / seconds) if measured else None

    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total or None, unit=unit, file=sys.stderr, dynamic_ncols=True)

        def update(p: Progress) -> None:
            if p.stage == "stored":
                rate = rates(p)
                bar.update(p.done - bar.n)
                speed = f", {rate[0]:.1f} passages/s" if rate else ""
                bar.set_postfix_str(f"{p.passages} passages{speed}{_skipped(p)}")

        return update, bar.close

    def log_line(p: Progress) -> None:
        if p.stage == "stored":
            rate = rates(p)
            speed = f", {rate[0]:.1f} passages/s" if rate else ""
            left = f", {time_left(total - p.done, rate[1])}" if rate and rate[1] > 0 and total > p.done else ""
            print(
                f"read {p.done}/{total or '?'} {unit}s, stored {p.added}{_skipped(p)}, {p.passages} passages"
                f"{speed}{left}",
                file=sys.stderr,
                flush=True,
            )

    return log_line, lambda: None


def passage_printer(quiet: float = 10.0) -> tuple[Callable[[Progress], None], Callable[[], None]]:
    """The passages of one source embedded so far, once it has taken ``quiet`` seconds: a tqdm bar on a terminal, a
    line every ``quiet`` seconds otherwise (a 9 MB text file is ~11,000 passages, minutes of embedding: it was added
    without a word). A source added sooner prints nothing."""
    began = time.monotonic()
    shown = [began]
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="passage", file=sys.stderr, dynamic_ncols=True, delay=quiet, desc="embedding")

        def update(p: Progress) -> None:
            if p.stage == "embedding":
                bar.total = p.total
                bar.update(p.done - bar.n)

        return update, bar.close

    def log_line(p: Progress) -> None:
        now = time.monotonic()
        if p.stage == "embedding" and now - shown[-1] >= quiet:
            shown.append(now)
            left = time_left(p.total - p.done, p.done / (now - began)) if p.done and p.total > p.done else ""
            print(f"embedded {p.done}/{p.total} passages{', ' + left if left else ''}", file=sys.stderr, flush=True)

    return log_line, lambda: None


MIN_RATE_SECONDS = 0.2  # a rate over less time than this is noise (a reindex's first event measured 38 million/s)


def _skipped(p: Progress) -> str:
    """A rerun of an import adds nothing: say why ('read 3/3 articles, stored 0 (3 already in the library or
    failed)'), not just 'stored 0'."""
    return f" ({p.done - p.added} already in the library or failed)" if p.added < p.done else ""


def _is_jsonl(source: str, exc: DossierError) -> bool:
    return isinstance(exc, UnsupportedType) and source.lower().endswith((".jsonl", ".ndjson", ".json"))


def _print_add(result: AddResult, where: str) -> None:
    print(f"{where}: {result.message}")


def cmd_add(lib: Library, args: argparse.Namespace) -> int:
    if not args.sources and not args.jsonl:
        raise DossierError("nothing to add: give files, URLs, - for stdin, or --jsonl FILE")
    if args.jsonl and (args.source or args.published):
        raise DossierError("--source and --published are for files, URLs and stdin; give a JSONL line its own")
    if "-" in args.sources and Path("-") in args.jsonl:
        raise DossierError("stdin is read once: give - as a source or to --jsonl, not both")
    # Read once, before anything is added: a date that cannot be read is one error, not one per source.
    given = {"source": args.source.strip(), "published": iso_dates.iso_date(args.published)}
    failed = 0
    for source in args.sources:
        update, close = passage_printer()
        try:
            kept = {"collection": args.collection, "added_by": "cli", "progress": update, **given}
            if source == "-":
                text = raw_text.decode(sys.stdin.buffer.read())  # as files are: UTF-8, else Windows-1252
                if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
                    result = lib.add_html(text, **kept)
                else:
                    result = lib.add_text(text, title=args.title, **kept)
            elif is_url(source):
                result = lib.add_url(source, **kept)
            elif "://" in source[:16]:  # ftp://…, file://…: not a file name either
                raise DossierError("only http(s) links can be added")
            else:
                result = lib.add_file(Path(source), **kept)
            close()
            _print_add(result, source)
        except DossierError as exc:
            close()
            hint = " (articles one JSON object a line: dossier add --jsonl FILE)" if _is_jsonl(source, exc) else ""
            print(f"{source}: error: {exc.message}{hint}", file=sys.stderr)
            failed += 1
    for path in args.jsonl:
        try:
            # A first pass for the progress line; a pipe (``<(zcat …)``, /dev/stdin) can be read only once.
            total = sum(1 for line in _file_lines(path) if line.strip()) if str(path) != "-" and path.is_file() else 0
            update, close = progress_printer(total, "article")
            try:
                # Read as it goes (an archive of 340,000 articles is gigabytes), decoded line by line: one bad
                # byte fails only its line.
                report = lib.add_jsonl(
                    _file_lines(path), collection=args.collection, added_by="cli", total=total, progress=update
                )
            finally:
                close()
        except OSError as exc:
            print(f"{path}: error: cannot read: {exc.strerror or exc}", file=sys.stderr)
            failed += 1
            continue
        for failure in report.failures:
            print(f"{path}: error: {failure.message}", file=sys.stderr)
        added = len(report.added)
        print(
            f"{path}: added {added} article{'' if added == 1 else 's'} ({report.passages} passages), "
            f"{len(report.duplicates)} already in the library, {len(report.failures)} failed"
        )
        failed += len(report.failures)
    return 1 if failed else 0


def _file_lines(path: Path) -> Iterator[bytes]:
    """The lines of a file (``-``: stdin) without their ends, as ``bytes.splitlines`` gives them (LF, CRLF or CR),
    read one at a time rather than the whole file at once."""
    with contextlib.nullcontext(sys.stdin.buffer) if str(path) == "-" else path.open("rb") as f:
        for line in f:
            yield from line.splitlines() or [b""]  # a blank line is a line: the numbers in errors stay right
