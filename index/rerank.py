"""Optional re-ranking: a sentence-transformers CrossEncoder re-scores the top candidate passages."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.cpus import torch_threads
from index.errors import DossierError

log = logging.getLogger(__name__)


class Reranker:
    """``RERANK_MODEL`` (a CrossEncoder name or local path), loaded on first use; thread-safe."""

    def __init__(self, name: str, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._predict_lock = threading.Lock()  # CrossEncoder.predict is not documented as thread-safe

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from sentence_transformers import CrossEncoder

                    log.info("loading re-ranking model %s", self.name)
                    try:
                        self._model = CrossEncoder(self.name, device=self.device)
                    except Exception as exc:  # the library raises many types for a missing or broken model
                        raise DossierError(f"cannot load re-ranking model {self.name!r}: {exc}") from exc
        return self._model

    def scores(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """One relevance score per passage (higher is better). CPU-heavy."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        import torch

        torch_threads()
        pairs = [(question, p) for p in passages]
        model = self.model
        with self._predict_lock:
            # Raw logits: a sigmoid saturates and would tie passages the model does tell apart.
            out = model.predict(
                pairs, show_progress_bar=False, convert_to_numpy=True, activation_fn=torch.nn.Identity()
            )
        return np.asarray(out, dtype=np.float32).reshape(len(passages), -1)[:, -1]
