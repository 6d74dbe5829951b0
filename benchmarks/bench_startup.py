"""A CLI call's start-up: wall time and peak RSS of ``dossier ask`` (a fresh process: imports, library open, model
load, one answer) with the default model run through ONNX Runtime and through torch, side by side in one run.

    python benchmarks/bench_startup.py [--runs 5]

The library is the README's example (``examples/articles.jsonl``), added once into a temporary folder; the runs
alternate between the two runtimes so that both see the same machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "how many tanks?"
DOSSIER = "import sys; from bot.cli import main; sys.exit(main())"  # the `dossier` console script


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one ``dossier`` process."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", DOSSIER, *args], env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            raise SystemExit(f"dossier {' '.join(args)} failed: {stderr.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="asks per runtime")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": folder}
        env.pop("DATABASE_URL", None)
        run(["add", "--jsonl", str(ROOT / "examples" / "articles.jsonl")], env)
        figures: dict[str, list[tuple[float, float]]] = {"onnx": [], "torch": []}
        for _ in range(args.runs):
            for runtime, results in figures.items():
                results.append(run(["ask", QUESTION], {**env, "EMBEDDING_RUNTIME": runtime}))
    print(f"`dossier ask {QUESTION!r}` on the README's example library, {args.runs} runs each, alternating")
    print(f"{'EMBEDDING_RUNTIME':<20}{'wall s p50':>12}{'min':>8}{'max':>8}{'peak RSS MB':>14}")
    for runtime, results in figures.items():
        seconds = [s for s, _ in results]
        rss = max(m for _, m in results)
        print(f"{runtime:<20}{statistics.median(seconds):>12.2f}{min(seconds):>8.2f}{max(seconds):>8.2f}{rss:>14.0f}")


if __name__ == "__main__":
    main()
