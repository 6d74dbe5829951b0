"""The passages' vectors mirrored into pgvector's ``passage_vectors`` table, written by the transaction that stores
the passages (``index.store_writes``) wherever the table exists, so the mirror never lags the library; searched by
``index.pgvectors``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.database import Connection

TABLE = "passage_vectors"
EXTENSION_SCHEMA = (  # the schema pgvector was created in; no row where it is not installed
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'"
)


def literal(vector: np.ndarray) -> str:
    """pgvector's text form; ``%.9g`` keeps every float32 exactly."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(vector, dtype=np.float32).reshape(-1)) + "]"


def target(conn: Connection) -> str | None:
    """The vector type (named with the extension's schema) when this library mirrors its vectors, else None."""
    row = conn.execute(f"SELECT to_regclass('{TABLE}') IS NOT NULL, ({EXTENSION_SCHEMA})").fetchone()
    return f'"{row[1]}".vector' if row[0] and row[1] else None


def reset(conn: Connection, vector_type: str | None, dim: int) -> None:
    """Before a reindex to vectors of ``dim`` dimensions: a mirror of another dimension is emptied and retyped (its
    rows could not take the new vectors); one of the same dimension stays, and searches in other processes go on
    over it while the reindex replaces its rows."""
    if vector_type is None:
        return
    row = conn.execute(
        f"SELECT atttypmod FROM pg_attribute WHERE attrelid = '{TABLE}'::regclass AND attname = 'embedding'"
    ).fetchone()
    if row is not None and int(row[0]) != dim:
        conn.execute(f"TRUNCATE {TABLE}")
        conn.execute(f"ALTER TABLE {TABLE} ALTER COLUMN embedding TYPE {vector_type}({dim})")


def mirror(conn: Connection, vector_type: str, ids: Sequence[int], vectors: np.ndarray) -> None:
    """Add passages' vectors (as stored: float16 values) to the mirror, in one statement."""
    if not len(ids):
        return
    conn.execute(
        f"INSERT INTO {TABLE} (id, embedding) SELECT i, CAST(e AS {vector_type}) FROM unnest(?::bigint[], ?::text[])"
        " AS t(i, e)",
        ([int(i) for i in ids], [literal(v) for v in vectors]),
    )
