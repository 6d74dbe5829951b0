"""Settings come from the environment and .env; every one is documented in .env.example and the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import BotSettings
from index import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    names = {name.upper() for name in BotSettings.model_fields}
    assert set(Settings.model_fields) <= set(BotSettings.model_fields)
    example = set(re.findall(r"^(?:# )?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert example == names
    readme = (ROOT / "README.md").read_text()
    assert {n for n in names if f"`{n}`" not in readme} == set()


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("DATA_DIR=/srv/dossier\nANSWER_THRESHOLD=0.4\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", "127.0.0.1, Intranet.Local ,10.0.0.0/8")
    settings = Settings()
    assert settings.data_dir == Path("/srv/dossier") and settings.answer_threshold == 0.4
    assert settings.fetch_allow_hosts == ["127.0.0.1", "intranet.local", "10.0.0.0/8"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.MULTILINE)
    assert command and command.group(1) in (ROOT / "README.md").read_text()


def test_bot_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "11, 22")
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-100123,456")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("LIBRARY_SCOPE", "per_chat")
    settings = BotSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.admin_user_ids == [11, 22] and settings.allowed_chat_ids == [-100123, 456]
    assert settings.api_url == "http://127.0.0.1:8081/bot" and settings.file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.library_scope == "per_chat" and settings.add_policy == "admins"
    monkeypatch.setenv("LIBRARY_SCOPE", "everywhere")
    with pytest.raises(ValueError, match="library_scope"):
        BotSettings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "given",
    ["http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot/"],
)
def test_the_api_base_url_takes_the_root_or_the_bot_form(given: str) -> None:
    settings = BotSettings(_env_file=None, telegram_api_base_url=given)  # type: ignore[call-arg]
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"


def test_the_bots_own_process_imports_on_one_thread_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMPORT_THREADS", raising=False)  # set for the tests' own imports under pytest-xdist
    assert BotSettings(_env_file=None).import_threads == 0  # type: ignore[call-arg]  # the import process: every core
    assert BotSettings(_env_file=None, import_process=False).import_threads == 1  # type: ignore[call-arg]
    assert BotSettings(_env_file=None, import_process=False, import_threads=2).import_threads == 2  # type: ignore[call-arg]
