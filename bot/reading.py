"""Reading a message: the links it is made of, what a post offers as an article, where a forwarded one came
from."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import (
    Message,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from index import is_url

TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog", "www.t.me", "www.telegram.me"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a post offers: its own text (an article's length), else the first link it carries."""

    text: str = ""
    url: str = ""


def candidate(message: Message, min_chars: int) -> Candidate | None:
    body = message.text or message.caption or ""
    if len(body.strip()) >= min_chars:
        return Candidate(text=body)
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    for entity, value in entities.items():
        url = ""
        if entity.type == MessageEntity.URL:
            url = value if "://" in value else f"https://{value}"
        elif entity.type == MessageEntity.TEXT_LINK:
            url = entity.url or ""
        # A link to a channel or a chat ("Subscribe", the channel's name) is Telegram's own, no article.
        if url and urlsplit(url).hostname not in TELEGRAM_HOSTS:
            return Candidate(url=url)
    return None


def forward_origin(message: Message) -> tuple[str, str, str, str]:
    """(source, url, published, origin) of a forwarded message, all empty for one that is not; channel posts get
    their t.me link."""
    origin = message.forward_origin
    if origin is None:
        return "", "", "", ""
    published = origin.date.date().isoformat()
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        if chat.username:
            link = f"https://t.me/{chat.username}/{origin.message_id}"
        else:
            link = f"https://t.me/c/{str(chat.id).removeprefix('-100')}/{origin.message_id}"
        return chat.title or "", link, published, f"forwarded from channel «{chat.title or ''}» {link}"
    if isinstance(origin, MessageOriginChat):
        title = origin.sender_chat.title or ""
        return title, "", published, f"forwarded from «{title}»"
    if isinstance(origin, MessageOriginUser):
        name = origin.sender_user.full_name
        return name, "", published, f"forwarded from {name}"
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name, "", published, f"forwarded from {origin.sender_user_name}"
    return "", "", published, "forwarded"


def marked_links(message: Message) -> dict[str, str]:
    """The links Telegram marks in a message's text, as written → as fetched: "example.com/story", which Telegram
    shows as a link too, is fetched as https://example.com/story."""
    if not message.text:
        return {}
    marked = message.parse_entities([MessageEntity.URL])
    return {v: v if "://" in v else f"https://{v}" for v in marked.values()}


def links_alone(message: Message) -> list[str]:
    """The links a message's text is made of, one or several, nothing else ([] when it holds words too)."""
    marked = marked_links(message)
    words = (message.text or "").split()
    if not words or not all(is_url(w) or w in marked for w in words):
        return []
    return list(dict.fromkeys(marked.get(w, w) for w in words))
