"""Bot settings: the engine's settings plus the Telegram ones, read once when the bot starts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from index.settings import Settings

OFFICIAL_API = "https://api.telegram.org"


_ID = re.compile(r"-?\d{1,20}")


def _int_list(value: object) -> object:
    """'601 602', '601,602' or '601, 602' → [601, 602]; anything but integers separated by commas and/or spaces is
    refused (one line at start-up) rather than glued together or half read."""
    if not isinstance(value, str):
        return value
    parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
    bad = [part for part in parts if not _ID.fullmatch(part)]
    if bad or re.search(r",\s*,", value):
        shown = bad[0][:40] if bad else "an empty item"
        raise ValueError(f"expected integer ids separated by commas and/or spaces, got {shown!r}")
    return [int(part) for part in parts]


class BotSettings(Settings):
    """Every field is an environment variable of the same name (or a line of ``.env``)."""

    telegram_bot_token: SecretStr = Field(SecretStr(""), description="The token @BotFather gave you. Required.")
    telegram_api_base_url: str = Field(
        OFFICIAL_API,
        description="Root of the Bot API server, e.g. http://127.0.0.1:8081 for a self-hosted one; "
        "requests go to {root}/bot{token}/method and files to {root}/file/bot{token}/path.",
    )
    webhook_url: str = Field("", description="Public HTTPS URL Telegram posts updates to; empty: long polling.")
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server binds to.")
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="Secret Telegram sends in every webhook request; empty: one derived from the bot token (the "
        "same in every replica).",
    )
    update_lease_seconds: float = Field(
        60.0,
        ge=2.0,
        le=3600.0,
        description="An update is kept in the library's database until handled; if the process handling it stops "
        "for this long (killed mid-import, say), another replica, or this one restarted, handles it.",
    )
    import_process: bool = Field(
        True,
        description="Embed adds in a child process at a lower CPU priority, so questions in other chats never "
        "wait behind an import; false: in the bot's process.",
    )
    library_scope: Literal["shared", "per_chat"] = Field(
        "shared", description="shared: one library for every chat; per_chat: each chat has its own collection."
    )
    admin_user_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Telegram user ids (separated by commas and/or spaces) that may add and remove anywhere.",
    )
    add_policy: Literal["admins", "everyone"] = Field(
        "admins", description="Who may add in groups: the chat's administrators, or every member."
    )
    allowed_chat_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Chat ids (separated by commas and/or spaces) the bot serves; empty: every chat.",
    )
    rate_limit_questions: int = Field(20, ge=0, description="Questions per user per minute; 0: no limit.")
    rate_limit_adds: int = Field(10, ge=0, description="Adds per user per minute; 0: no limit.")
    engine_threads: int = Field(3, ge=1, le=32, description="Threads answering questions (adds have their own).")
    question_wait: float = Field(
        30.0, ge=0, le=3600, description="Longest wait for an answering thread before 'Busy'; 0: wait forever."
    )
    feed_poll_minutes: float = Field(
        30.0, ge=0, le=10080, description="How often followed feeds are polled, in minutes; 0: never (use cron)."
    )
    feed_digest: bool = Field(True, description="Tell a chat what its feeds added ('3 new articles from …').")
    autoadd_channels: bool = Field(
        True, description="Add the posts of channels the bot administers (each channel can say /autoadd off)."
    )
    autoadd_min_chars: int = Field(
        600, ge=1, le=1_000_000, description="A post without a link is auto-added when its text is at least this long."
    )

    _split_admins = field_validator("admin_user_ids", mode="before")(_int_list)
    _split_chats = field_validator("allowed_chat_ids", mode="before")(_int_list)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        """The server root; python-telegram-bot's own form (``…/bot``, the token to follow) is accepted too."""
        root = value.rstrip("/")
        return root.removesuffix("/bot") if root.endswith("/bot") else root

    @model_validator(mode="after")
    def _one_import_thread_beside_questions(self) -> BotSettings:
        """Adds embedded in the bot's own process (IMPORT_PROCESS=false) share the cores with questions unniced:
        one thread, unless IMPORT_THREADS says otherwise."""
        if not self.import_process and "import_threads" not in self.model_fields_set:
            self.import_threads = 1
        return self

    @property
    def api_url(self) -> str:
        return f"{self.telegram_api_base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.telegram_api_base_url}/file/bot"

    def derived_webhook_secret(self) -> str:
        """A webhook secret from the bot token: replicas of one bot agree on it without configuration, and it
        tells nobody the token (HMAC-SHA256, in the characters Telegram allows)."""
        token = self.telegram_bot_token.get_secret_value().encode()
        mac = hmac.new(token, b"dossier-webhook-secret", hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")
