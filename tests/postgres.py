"""A real PostgreSQL 16 (with pgvector) for the tests: the server in ``DATABASE_URL`` when the tests are run with
it set, else one started by the ``pgserver`` package in a temporary folder. Each library gets a database of its
own, created empty."""

from __future__ import annotations

import itertools
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest


class Server:
    def __init__(self, url: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._pgserver: Any = None
        if not url:
            with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (pgserver's lock)
                warnings.simplefilter("ignore")
                import pgserver

                self._tmp = tempfile.TemporaryDirectory(prefix="dossier-pg-")
                self._pgserver = pgserver.get_server(Path(self._tmp.name), cleanup_mode="delete")
            url = self._pgserver.get_uri()
        self.admin_url = url
        self._names = (f"dossier_test_{os.getpid()}_{n}" for n in itertools.count())
        self._made: list[str] = []

    def database(self) -> str:
        """A new empty database; its URL."""
        name = next(self._names)
        with self._psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self._made.append(name)
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + name))

    def close(self) -> None:
        if self._pgserver is not None:
            self._pgserver.cleanup()  # the server and every database in it
        else:  # a server of the user's: leave it as it was
            with self._psycopg.connect(self.admin_url, autocommit=True) as conn:
                for name in self._made:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self._tmp is not None:
            self._tmp.cleanup()


def start(url: str) -> Server:
    """The server in ``url`` or a new one; a skip when this checkout has no psycopg, or no pgserver to start a
    server with (the test extra brings both)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    if not url:
        pytest.importorskip("pgserver", reason="pgserver is not installed and DATABASE_URL is not set")
    return Server(url)
