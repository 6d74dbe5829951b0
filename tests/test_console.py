"""``dossier chat``: the real Application and handlers in a terminal, on an in-process Bot API stand-in."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot import console
from bot.app import build_application
from bot.settings import BotSettings
from index import Library
from index.embedding import Embedder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = json.loads((ROOT / "examples" / "articles.jsonl").read_text().splitlines()[0])


def console_settings(tmp_path: Path) -> BotSettings:
    return BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token="0:local-console",
        data_dir=tmp_path / "data",
        import_process=False,
    )


def test_a_conversation_in_the_terminal(tmp_path: Path, embedder: Embedder) -> None:
    article = tmp_path / "wall.txt"
    article.write_text("Harbour wall approved\n\nHarwick council voted to build a harbour wall for 4 million pounds.\n")
    typed = "\n.\n".join(
        [
            f"/add {EXAMPLE['title']}\n{EXAMPLE['text']}",  # a pasted block of several lines is one message
            f"file: {article}",
            f"file: {tmp_path / 'missing.txt'}",
            "how many tanks?",
            "press 1",
            "press 9",
            "group: /ask how much will the harbour wall cost?",
            "group: /autoadd on",  # the console's user administers the group
            "press ²",
            "reply: and who voted for it?",
            "inline: harbour wall",
            "quit",
            "never read",
        ]
    )
    settings = console_settings(tmp_path)
    library = Library.open(settings, embedder=embedder)
    out = io.StringIO()
    try:
        console.main_loop(lambda api: build_application(settings, library, request=api), io.StringIO(typed), out)
        assert library.count() == 2
    finally:
        library.close()
    text = out.getvalue()
    assert f"bot: Added #1 «{EXAMPLE['title']}»" in text
    assert "bot: Added #2 «Harbour wall approved» (1 passage)" in text
    assert "cannot read " in text and "missing.txt" in text
    assert "▍" in text and "tanks" in text and "buttons: ⟨1 Passage 1⟩" in text
    assert "no button 9" in text and "no button ²" in text
    assert "bot (group): Auto-add is on" in text
    assert "bot (group): ▍Harwick council voted to build a harbour wall for 4 million pounds. [1]" in text
    assert "inline: Harwick council voted" in text
    assert "never read" not in text


def test_a_console_session_beats_no_heartbeat(tmp_path: Path, embedder: Embedder) -> None:
    settings = console_settings(tmp_path)
    library = Library.open(settings, embedder=embedder)
    try:
        console.main_loop(
            lambda api: build_application(settings, library, request=api), io.StringIO("/stats"), io.StringIO()
        )
    finally:
        library.close()
    assert not (tmp_path / "data" / ".heartbeat").exists()  # `dossier health` says a bot is serving, not a console
