"""``dossier ask``: a question (or one a line from stdin) answered with quotes and numbered sources, as text or as
JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any, TextIO

from index import render_text
from index.errors import DossierError
from index.library import Library
from index.library_cli import known_collection
from index.types import Answer


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


def cmd_ask(lib: Library, args: argparse.Namespace) -> int:
    collection = args.collection
    known_collection(lib, collection)
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
