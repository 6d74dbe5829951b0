"""Settings come from the environment and .env; every one is documented in .env.example and the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented() -> None:
    names = {name.upper() for name in Settings.model_fields}
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert example == names
    readme = (ROOT / "README.md").read_text()
    assert {n for n in names if f"`{n}`" not in readme} == set()


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("DATA_DIR=/srv/dossier\nMIN_RELEVANCE=0.4\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", "127.0.0.1, Intranet.Local ,10.0.0.0/8")
    settings = Settings()
    assert settings.data_dir == Path("/srv/dossier") and settings.min_relevance == 0.4
    assert settings.fetch_allow_hosts == ["127.0.0.1", "intranet.local", "10.0.0.0/8"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.MULTILINE)
    assert command and command.group(1) in (ROOT / "README.md").read_text()
