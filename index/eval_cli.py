"""``dossier eval``: build a library per question set, ask every question, print each set's figures; refit the
answerability model (``--fit``) or check it on held-out halves (``--split``); refit the evidence ranker
(``--fit-ranker``), reporting it against the current one on held-out halves."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import math
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from index import add_cli, answerability, eval_report, evaluation, evidence_rank, ranker_eval
from index.errors import BadDataFile, DossierError
from index.library import Library
from index.postgres_database import PostgresDatabase
from index.settings import Settings


@dataclass(frozen=True, slots=True)
class QuestionSet:
    name: str
    articles: Path
    questions: Path


def add_parser(sub: Any) -> None:
    ev = sub.add_parser("eval", help="measure retrieval, answers and abstention on question sets")
    ev.add_argument(
        "--set",
        dest="sets",
        type=Path,
        action="append",
        default=[],
        help="a folder with articles.jsonl and questions.jsonl (repeat for several; each is reported on its own)",
    )
    ev.add_argument("--articles", type=Path, help="articles, one JSON object a line (with --questions: one set)")
    ev.add_argument("--questions", type=Path, help="questions with gold evidence, one a line")
    ev.add_argument(
        "--data-dir",
        dest="eval_data_dir",
        type=Path,
        help="where to build or reuse the libraries (one sub-folder per set; default: a temporary folder)",
    )
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--misses", action="store_true", help="also list the questions the hybrid run missed")
    ev.add_argument("--fit", type=Path, metavar="PATH", help="refit the answerability model on these sets into PATH")
    ev.add_argument(
        "--fit-ranker",
        type=Path,
        metavar="PATH",
        help="refit the evidence-sentence ranker on these sets' gold evidence into PATH (then refit --fit with it)",
    )
    ev.add_argument("--split", action="store_true", help="fit on one half of the questions, report the other half")
    ev.add_argument(
        "--threshold", type=threshold_arg, help="answerability operating point, 0 to 1 (default: ANSWER_THRESHOLD)"
    )
    ev.set_defaults(run_alone=run)


def threshold_arg(text: str) -> float:
    """A threshold given on the command line: a number from 0 to 1, as ANSWER_THRESHOLD must be."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # NaN too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 0 to 1")
    return value


def _sets(args: argparse.Namespace) -> list[QuestionSet]:
    sets = [QuestionSet(d.resolve().name, d / "articles.jsonl", d / "questions.jsonl") for d in args.sets]
    if args.articles or args.questions:
        if not (args.articles and args.questions):
            raise DossierError("--articles and --questions go together")
        sets.append(QuestionSet(args.questions.stem, args.articles, args.questions))
    if not sets:
        raise DossierError("name a question set: --set DIR, or --articles A --questions Q")
    names = [s.name for s in sets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # their libraries would share a sub-folder of --data-dir
        raise DossierError(f"two question sets are named {', '.join(twice)}: give each its own folder name")
    return sets


def run(args: argparse.Namespace) -> int:
    """Build (or reuse) each set's library, ask every question, then decide, fit and print."""
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    add_cli.quiet_page_readers(args.verbose)
    try:
        sets = _sets(args)
        settings = Settings(**{})
        model = answerability.Model.load(settings.answerability_model or None)
        with tempfile.TemporaryDirectory(prefix="dossier-eval-") as scratch:
            root = args.eval_data_dir or Path(scratch)
            measured = [_measure(s, root / s.name, bool(args.fit_ranker), not args.eval_data_dir) for s in sets]
        reports = [report for report, _ in measured]
    except ValidationError as exc:
        from index.cli import invalid_settings_message

        print(invalid_settings_message(exc), file=sys.stderr)
        return 2
    except BadDataFile as exc:  # a setting names a file that cannot be used: a setting error
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except (OSError, DossierError) as exc:
        print(f"error: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 1
    if args.fit_ranker:
        candidates = {rep.name: gs for rep, (_, gs) in zip(reports, measured, strict=True)}
        current = evidence_rank.Ranker.load(settings.evidence_ranker or None)
        print(ranker_eval.split_report(candidates, current) + "\n")
        try:
            ranker = ranker_eval.fit([g for gs in candidates.values() for g in gs], ", ".join(candidates))
        except DossierError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        ranker.save(args.fit_ranker)
        print(f"evidence ranker fitted: {args.fit_ranker} (use it with EVIDENCE_RANKER, then refit --fit)\n")
    if args.fit:
        rows, labels = evaluation.training_rows(r for rep in reports for r in rep.results["hybrid"])
        model = answerability.fit(rows, labels, fitted_on=", ".join(rep.name for rep in reports))
        model.save(args.fit)
        print(
            f"answerability model fitted on {len(rows)} questions, threshold {model.threshold:.3f}, "
            f"sure {model.sure:.3f}: {args.fit}"
        )
    threshold = args.threshold if args.threshold is not None else settings.answer_threshold
    decide = evaluation.model_decision(model, threshold)
    sure = evaluation.model_decision(model, max(model.threshold if threshold is None else threshold, model.sure))
    for rep in reports:
        rep.decide, rep.sure = decide, sure
    if args.json:
        print(json.dumps([eval_report.as_json(rep) for rep in reports], indent=2))
        return 0
    for rep in reports:
        print(eval_report.render(rep) + "\n")
        if args.misses:
            print("missed (hybrid):\n" + eval_report.misses(rep.results["hybrid"], decide) + "\n")
    if args.split:
        results = [r for rep in reports for r in rep.results["hybrid"]]
        halves = [evaluation.training_rows(r for r in results if r.question.half == h) for h in (0, 1)]
        fitted = [evaluation.model_decision(answerability.fit(*half)) for half in halves]
        for rep in reports:
            print(eval_report.render_split(rep, fitted) + "\n")
    return 0


def set_settings(name: str, data_dir: Path, **overrides: Any) -> Settings:
    """The settings of set ``name``'s library in ``data_dir`` (``--data-dir``/NAME); with ``DATABASE_URL``, in a
    schema of its own, named by the set and the folder."""
    settings = Settings(data_dir=data_dir, **overrides)
    if not settings.database_url:
        return settings
    folder = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:10]
    schema = f"eval_{re.sub(r'[^a-z0-9_]', '_', name.lower())[:40]}_{folder}"
    return Settings(data_dir=data_dir, database_schema=schema, **overrides)


def _measure(
    qs: QuestionSet, data_dir: Path, rank: bool = False, scratch: bool = False
) -> tuple[evaluation.Report, list[ranker_eval.Group]]:
    # Quotes are always produced (ANSWER_THRESHOLD 0): the decision is applied afterwards to the recorded signals,
    # exactly as ``ask`` applies it, so one run can judge several models.
    settings = set_settings(qs.name, data_dir, answer_threshold=0.0)
    questions = evaluation.load_questions(qs.questions)
    lines = qs.articles.read_bytes().splitlines()  # decoded line by line: one bad byte fails only its line
    with _dropped_after(settings, scratch), Library.open(settings) as lib:
        # Answers over other articles would be measured as this set's: a library built for another set is refused
        # before anything is added to it.
        ids, unkeyed = _article_ids(lines)
        others = [a for a in lib.list(collection=None) if a.key not in ids and not (a.key is None and unkeyed)]
        if others:
            raise DossierError(
                f"{data_dir} holds {len(others)} articles that are not in the set {qs.name}: "
                "give each set its own --data-dir, or an empty one"
            )
        lib.warm_up()  # model load is not ingest time
        start = time.perf_counter()
        built = lib.add_jsonl(lines)
        seconds = time.perf_counter() - start if built.added else None
        for failure in built.failures:
            print(f"warning: {qs.articles}: {failure.message}", file=sys.stderr)
        texts = {a.key: lib.get(a.id).text for a in lib.list(collection=None) if a.key is not None}
        for problem in evaluation.unfounded(questions, texts, ids):
            print(f"warning: {qs.questions}: {problem}", file=sys.stderr)
        stats = lib.stats()
        results = evaluation.run(lib, questions)
        groups = ranker_eval.groups(lib, questions) if rank else []
    report = evaluation.Report(
        qs.name, results, stats.articles, stats.passages, seconds, stats.embedding_model, lambda _: True
    )
    return report, groups


@contextlib.contextmanager
def _dropped_after(settings: Settings, scratch: bool) -> Iterator[None]:
    """A scratch library in PostgreSQL (no --data-dir) is dropped with its schema, as its folder is deleted."""
    try:
        yield
    finally:
        if scratch and settings.database_url:
            PostgresDatabase(settings.database_url, settings.database_schema).drop_schema()


def _article_ids(lines: list[bytes]) -> tuple[set[str], bool]:
    """The ids of a set's articles, and whether some have none (then the library's articles without an id may be
    the set's own). Lines that are no JSON object are reported when the set is added."""
    ids: set[str] = set()
    unkeyed = False
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("id") is not None:
            ids.add(str(row["id"]).strip())
        elif isinstance(row, dict):
            unkeyed = True
    return ids, unkeyed
