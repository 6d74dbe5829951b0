"""The vectors as the library stores them, and their checksum: passage vectors rounded to float16 once at ingest
(``as_stored``) and read back from their bytes, sentence vectors packed as int8 codes with a scale each, and
``vector_digest``, the order-free checksum of (id, vector) pairs that SQLite and the FAISS file both keep so that
a cache differing from the library in any vector is noticed."""

from __future__ import annotations

import numpy as np

from index.errors import LibraryCorrupt

DIGEST_MASK = (1 << 64) - 1  # digests are added and subtracted modulo 2**64
_DIGEST_ROWS = 8192
_COEFFICIENTS: dict[int, np.ndarray] = {}


def _splitmix(x: np.ndarray) -> np.ndarray:
    """A 64-bit mixing function applied element-wise (wrapping uint64 arithmetic)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _coefficients(width: int) -> np.ndarray:
    if width not in _COEFFICIENTS:
        _COEFFICIENTS[width] = _splitmix(np.arange(1, width + 1, dtype=np.uint64)) | np.uint64(1)
    return _COEFFICIENTS[width]


def vector_digest(ids: np.ndarray, vectors: np.ndarray) -> int:
    """An order-free 64-bit checksum of (id, float32 vector) pairs: the digest of a union is the sum (mod 2**64)
    of the digests of its parts, so it is kept up to date by adding and subtracting."""
    ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
    if len(ids) == 0:
        return 0
    words = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), -1).view(np.uint32)
    coefficients = _coefficients(words.shape[1])
    total = 0
    with np.errstate(over="ignore"):
        for start in range(0, len(ids), _DIGEST_ROWS):
            block = words[start : start + _DIGEST_ROWS].astype(np.uint64)
            rows = (block * coefficients).sum(axis=1, dtype=np.uint64)
            mixed = _splitmix(rows ^ _splitmix(ids[start : start + _DIGEST_ROWS].view(np.uint64)))
            total = (total + int(mixed.sum(dtype=np.uint64))) & DIGEST_MASK
    return total


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Passage vectors as the library keeps them, float16 values in float32: rounded once at ingest, so the
    index built at an add and one rebuilt from SQLite hold the same numbers (and the same digest)."""
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


def unpack_vector(blob: bytes, dim: int) -> np.ndarray:
    """A passage vector from its float16 bytes in SQLite."""
    if len(blob) != dim * 2:
        raise LibraryCorrupt(f"a passage has {len(blob)} bytes of vector, not {dim} float16 numbers")
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


def pack_sentences(vectors: np.ndarray) -> bytes:
    """Sentence vectors as SQLite keeps them: a float32 scale per sentence, then its int8 codes (388 bytes a
    sentence at 384 dimensions, against 768 in float16; a similarity moves by about 0.001)."""
    v = np.nan_to_num(np.asarray(vectors, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    if not v.size:
        return b""
    scale = np.abs(v).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    codes = np.rint(v / scale[:, None]).astype(np.int8)
    return scale.astype(np.float32).tobytes() + codes.tobytes()


def unpack_sentences(blob: bytes, count: int, dim: int) -> np.ndarray:
    """(count, dim) float32 from ``pack_sentences``'s bytes."""
    if len(blob) != count * (dim + 4):
        raise LibraryCorrupt(f"a passage has {len(blob)} bytes of sentence vectors, not {count} of {dim} dimensions")
    scale = np.frombuffer(blob, dtype=np.float32, count=count)
    codes = np.frombuffer(blob, dtype=np.int8, offset=4 * count).reshape(count, dim)
    return codes.astype(np.float32) * scale[:, None]
