"""The FAISS index's files and how they are written: the index file, its JSON header beside it, and the approximate
indexes named by the digest of the vectors they hold; each written to a temporary file, fsynced and renamed (the
folder fsynced too), so a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import os
from pathlib import Path

import faiss


def header_path(path: Path) -> Path:
    """The JSON header (format version, model, dimension, count) beside the index file ``path``."""
    return path.with_suffix(".json")


def ann_path(path: Path, digest: int) -> Path:
    """The approximate index beside the index file ``path``, written with the vectors of this digest."""
    return path.with_name(f"{path.stem}.{digest:016x}.ann")


def ann_files(path: Path) -> list[Path]:
    """The approximate-index files written beside the index file ``path``."""
    return sorted(path.parent.glob(f"{path.stem}.*.ann"))


def write_index(index: faiss.Index, path: Path) -> None:
    """Write a FAISS index atomically: temp file, fsync, rename."""
    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    _fsync_replace(tmp, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes atomically: temp file, fsync, rename."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    _fsync_replace(tmp, path)


def _fsync_replace(tmp: Path, path: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
