"""Benchmark text: real sentences from the dev articles (or the bundled examples), shuffled and recombined
into new articles, so sizes are realistic and no two articles are the same."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from index.cleaning import clean_text
from index.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT.parent / "shared" / "eval" / "dev" / "articles.jsonl"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev" / "questions.jsonl"
EXAMPLES = ROOT / "examples" / "articles.jsonl"


def source_sentences() -> list[str]:
    path = DEV_ARTICLES if DEV_ARTICLES.exists() else EXAMPLES
    sentences: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = clean_text(json.loads(line)["text"])
        sentences.extend(text[s:e] for s, e in split_sentences(text) if len(text[s:e].split()) >= 6)
    return sentences


def articles(n: int, seed: int = 7, sentences_per_article: tuple[int, int] = (10, 18)) -> Iterator[str]:
    """``n`` JSONL lines of recombined articles, each with a unique id."""
    pool = source_sentences()
    rng = random.Random(seed)
    for i in range(n):
        # No more than the pool holds: without ../shared it is the few bundled examples.
        picked = rng.sample(pool, min(len(pool), rng.randint(*sentences_per_article)))
        paragraphs = [" ".join(picked[k : k + 3]) for k in range(0, len(picked), 3)]
        yield json.dumps(
            {
                "id": f"bench-{i}",
                "title": f"Benchmark article {i}",
                "source": "bench",
                "text": f"Benchmark article {i}\n\n" + "\n\n".join(paragraphs),
            }
        )


def questions() -> list[str]:
    if DEV_QUESTIONS.exists():
        return [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    return [
        "what equipment losses were reported?",
        "who released the call?",
        "how many tanks were left?",
        "what is the weather in Paris?",
    ]


def passage_like(pool: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` distinct unit vectors, each a mix of three real sentence vectors (a passage is a few sentences)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, pool.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        weights = rng.dirichlet(np.ones(3), size=m).astype(np.float32)
        picks = pool[rng.integers(0, len(pool), size=(m, 3))]
        block = np.einsum("mk,mkd->md", weights, picks)
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out
