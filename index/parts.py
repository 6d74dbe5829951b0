"""What the calls of a library work on, declared once for the classes ``Library`` is made of (its ``__init__`` sets
them)."""

from __future__ import annotations

from index.embed_worker import WorkerEmbedder
from index.embedding import Embedder
from index.pgvectors import PgVectors
from index.settings import Settings
from index.store import Store
from index.vector_cache import VectorCache


class Parts:
    settings: Settings
    embedder: Embedder
    store: Store
    _vectors: VectorCache | PgVectors
    _importer: Embedder | WorkerEmbedder  # embeds adds: in this process, or in the import process
    _import_threads: int
