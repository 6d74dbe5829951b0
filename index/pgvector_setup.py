"""Whether a library searches its vectors in PostgreSQL with pgvector (``VECTOR_SEARCH``): the extension found,
or created where this user may."""

from __future__ import annotations

import logging

from index.database import Connection, first_line
from index.errors import DossierError
from index.store import Store
from index.vector_mirror import EXTENSION_SCHEMA

log = logging.getLogger(__name__)


def extension_schema(conn: Connection) -> str | None:
    """The schema the ``vector`` extension lives in, or None where it is not installed."""
    row = conn.execute(EXTENSION_SCHEMA).fetchone()
    return None if row is None else str(row[0])


def install(conn: Connection, errors: tuple[type[Exception], ...]) -> str | None:
    """The extension's schema, creating the extension where this user may; None where it cannot be had."""
    schema = extension_schema(conn)
    if schema is not None:
        return schema
    # In ``public``, never where it would land without a schema: the first schema on the search path, a library's
    # own (``DATABASE_SCHEMA``), whose dropping would take every other library's vectors along.
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public")
    except errors as exc:  # not on this server, no schema public, or not this user's to create
        log.info("pgvector is not available (%s): vector search stays in FAISS", first_line(exc))
        return None
    return extension_schema(conn)


def choose(store: Store, setting: str) -> str | None:
    """pgvector's schema when searches should go through it (``VECTOR_SEARCH``: ``auto`` where the library is in
    PostgreSQL and the extension is there or can be created, ``pgvector`` there or an error, ``faiss`` never)."""
    if setting == "faiss":
        return None
    if store.database.kind != "postgresql":
        if setting == "pgvector":
            raise DossierError("VECTOR_SEARCH=pgvector needs a library in PostgreSQL (DATABASE_URL)")
        return None
    with store.connection() as conn:
        schema = install(conn, store.database.errors)
    if schema is None and setting == "pgvector":
        raise DossierError(
            "VECTOR_SEARCH=pgvector, but the database has no pgvector extension and this user cannot create it"
        )
    return schema
