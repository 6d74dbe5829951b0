"""Adding articles from the chat: /add URL, /add + text, /add as a reply, documents, forwarded channel posts."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from bot import activity
from bot.paste_parts import reads_group
from bot.pastes import units
from bot.progress import ProgressMessage
from bot.reading import candidate, forward_origin, links_alone, marked_links
from bot.rendering import add_result_text, cap, error_text, esc
from bot.rights import admitted_to_add
from bot.state import Context, added_by, command_payload, from_this_bot, origin_of, sender_key, state
from index import FILE_SUFFIXES, AddResult, DossierError, ProgressFn, TooLarge, file_suffix, is_url

BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the official Bot API serves bots files up to 20 MB
USAGE = (
    "To add an article: /add https://link — or /add followed by the text (first line is the title) — "
    "or reply /add to a message, or send a .txt, .md, .html, .pdf or .docx file with the caption /add."
)
AddJob = Callable[[ProgressFn], AddResult]

log = logging.getLogger(__name__)
FULL_CAPTION = 1000  # UTF-16 units: about the 1,024 Telegram allows a caption


async def _run_add(
    update: Update,
    context: Context,
    job: AddJob,
    first_status: str,
    admitted: bool = False,
    note: Callable[[], Awaitable[str]] | None = None,
    before: Callable[[], Awaitable[object]] | None = None,
) -> AddResult | None:
    """Check rights and rate (unless ``admitted``), then (after ``before``, shown as ``first_status``) run ``job`` in
    the write pool with an edited progress message; ``note`` follows a successful add's result. The result, or None
    when nothing was added."""
    message = update.effective_message
    if message is None:
        return None
    st = state(context)
    if not admitted and not await admitted_to_add(update, context):
        return None
    key = sender_key(message)
    status = await message.reply_text("Waiting for your previous add…" if st.add_lanes.busy(key) else first_status)
    if before is not None:
        await before()
    async with st.add_lanes.lane(key), ProgressMessage(status) as progress:
        try:
            result = await st.engine.write(job, progress)
        except DossierError as exc:
            activity.note(added="no", reason=type(exc).__name__)
            await progress.finish(esc(f"Not added: {error_text(exc.message)}"))
            return None
        activity.note(added="duplicate" if result.duplicate else f"#{result.article.id}")
        said = "" if result.duplicate or note is None else await note()
        await progress.finish(esc(add_result_text(result) + said))
        return result


async def add_url(update: Update, context: Context, url: str) -> None:
    """Fetch a link safely and add the article."""
    message = update.effective_message
    assert message is not None
    library, collection = state(context).engine.library, state(context).collection(message.chat.id)
    who, origin = added_by(update.effective_user, message), origin_of(message.chat)

    def job(progress: ProgressFn) -> AddResult:
        return library.add_url(url, collection=collection, added_by=who, origin=origin, progress=progress)

    await _run_add(update, context, job, "Fetching…")


def _provenance(update: Update, context: Context, holder: Message | None) -> dict[str, Any]:
    """Where an add goes and whose it is: the chat's collection, the sender, the chat; for a forwarded ``holder``,
    the channel (or person) it came from, its post link and date."""
    message = update.effective_message
    assert message is not None
    source, url, published, via = forward_origin(holder) if holder is not None else ("", "", "", "")
    return {
        "collection": state(context).collection(message.chat.id),
        "added_by": added_by(update.effective_user, message),
        "origin": via or origin_of(message.chat),
        "source": source,
        "url": url,
        "published": published,
    }


async def add_text(update: Update, context: Context, text: str, holder: Message | None = None) -> None:
    """Add pasted or forwarded text (``holder``: the message it came in); its first line is the title when it looks
    like one. A paste Telegram's app split is added whole once its last part came (``bot.pastes``)."""
    message = update.effective_message
    assert message is not None
    st = state(context)
    library, provenance = st.engine.library, _provenance(update, context, holder)
    # Begun before anything is awaited, so that the parts handled meanwhile join it; a forwarded post came whole.
    limit = st.settings.max_file_bytes
    paste = st.pastes.begin(message, sender_key(message), text, limit) if holder is None else None

    def job(progress: ProgressFn) -> AddResult:
        if paste is None:
            return library.add_text(text, progress=progress, **provenance)
        if paste.too_large:
            raise TooLarge(f"the pasted text is larger than the limit of {limit:,} bytes")
        return library.add_text(paste.whole, progress=progress, **provenance)

    if paste is None:
        await _run_add(update, context, job, "Extracting the text…", note=functools.partial(_caption_note, message))
        return
    seen = True  # the bot reads the chat's other messages, where the parts come

    async def rest() -> None:
        nonlocal seen
        seen = message.chat.type == ChatType.PRIVATE or await reads_group(context, message.chat.id)
        if not seen:
            st.pastes.end(paste)  # no part can reach it: nothing to wait for
        await st.pastes.complete(paste)

    async def note() -> str:
        if paste.count > 1:
            late = "; any part sent after a pause was not added" if paste.cut_short else ""
            return f" from {paste.count} messages (Telegram's app split the paste{late})"
        if seen:
            return ""
        return (
            ". If the article was longer, the rest did not reach me: in this group I read only commands and"
            " replies to me (send the whole article as a .txt file)"
        )

    try:
        added = await _run_add(update, context, job, "Reading the rest of the paste…", note=note, before=rest)
        if added is not None:
            st.pastes.added(paste)
    finally:
        await st.pastes.complete(paste)  # a refused paste takes its parts until it ends: they are dropped


async def _caption_note(message: Message) -> str:
    """A warning when a pasted text came as a caption as long as Telegram allows one: only that much was sent."""
    if message.text or units(message.caption or "") < FULL_CAPTION:
        return ""
    return (
        ". This caption is as long as Telegram allows one to be: if the article was longer, only this part was"
        " added (send the whole article as a .txt file)"
    )


async def add_document(update: Update, context: Context, holder: Message) -> None:
    """Download the .txt, .md, .html, .pdf or .docx file ``holder`` carries (after checking its type and size) and
    add it; a forwarded one with its channel, post link and date as the source."""
    message = update.effective_message
    assert message is not None and holder.document is not None
    document = holder.document
    st = state(context)
    name = document.file_name or "document.txt"
    suffix = file_suffix(name)
    limit = min(st.settings.max_file_bytes, BOT_API_DOWNLOAD_LIMIT)
    if suffix not in FILE_SUFFIXES:
        kinds = ", ".join(sorted(FILE_SUFFIXES))
        await message.reply_text(esc(f"Not added: {cap(name, 100)}: unsupported file type; send {kinds}"))
        return
    if document.file_size and document.file_size > limit:
        await message.reply_text(f"Not added: the file is larger than the limit of {limit:,} bytes.")
        return
    if not await admitted_to_add(update, context):  # before the download: a flood of files costs nothing
        return
    data = await (await document.get_file()).download_as_bytearray()
    library, provenance = st.engine.library, _provenance(update, context, holder)
    safe_name = _safe_file_name(name, suffix)

    def job(progress: ProgressFn) -> AddResult:
        return library.add_file_content(bytes(data), safe_name, progress=progress, **provenance)

    await _run_add(update, context, job, "Extracting the text…", admitted=True)


def _safe_file_name(name: str, suffix: str) -> str:
    """A short ASCII name for the engine's messages: the sender's name may be long, non-ASCII, or hold separators
    and markup; its plain letters and digits are kept so messages still recognise it."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name[: -len(suffix)] if suffix else name).strip("-.")[:60]
    return f"{stem or 'document'}{suffix}"


async def add_message(update: Update, context: Context, target: Message) -> None:
    """Add what a message holds: its document; the page it links to when its text is shorter than an article
    (``AUTOADD_MIN_CHARS``, as auto-add reads a post: "Council approves bridge budget… Read the full story: <link>"
    is the story's); else its text, with the forwarded origin as the source."""
    if from_this_bot(target, context.bot.id):
        # Its own answer added back would be cited as one more source agreeing with the article it quotes.
        assert update.effective_message is not None
        await update.effective_message.reply_text("Not added: that message is mine, not an article.")
        return
    if target.document is not None:
        await add_document(update, context, target)
        return
    text = target.text or target.caption or ""
    if not text.strip():
        assert update.effective_message is not None
        await update.effective_message.reply_text("Not added: that message has no text.")
        return
    if links := links_alone(target):
        for link in links:
            await add_url(update, context, link)
        return
    offered = candidate(target, state(context).settings.autoadd_min_chars)
    if offered is not None and offered.url:
        await _add_linked(update, context, offered.url, text, target)
        return
    await add_text(update, context, text, holder=target)


async def _add_linked(update: Update, context: Context, url: str, text: str, holder: Message) -> None:
    """The page a short message links to; its own text, with its source, where the page cannot be added (an image,
    a page that is gone): the message is not lost."""
    message = update.effective_message
    assert message is not None
    st = state(context)
    library, collection = st.engine.library, st.collection(message.chat.id)
    who, origin = added_by(update.effective_user, message), origin_of(message.chat)
    provenance = _provenance(update, context, holder)

    def job(progress: ProgressFn) -> AddResult:
        try:
            return library.add_url(url, collection=collection, added_by=who, origin=origin, progress=progress)
        except DossierError as exc:
            log.info("the linked page %s was not added (%s): adding the message's text", url, exc.message)
            return library.add_text(text, progress=progress, **provenance)

    await _run_add(update, context, job, "Fetching…")


async def add_command(update: Update, context: Context) -> None:
    """/add URL · /add + pasted text · /add in reply to a message or file."""
    message = update.effective_message
    if message is None:
        return
    payload = command_payload(message)
    words = payload.split()
    marked = marked_links(message)
    if words and all(is_url(w) or w in marked for w in words):
        # One link or one a line, also as Telegram marks them without a scheme ("example.com/story").
        for link in dict.fromkeys(marked.get(w, w) for w in words):
            await add_url(update, context, link)
    elif words and is_url(words[0]):
        # "/add https://… must read, via nytimes.com": the links with their scheme are added, the rest is a note.
        for link in dict.fromkeys(w for w in words if is_url(w)):
            await add_url(update, context, link)
    elif payload:
        await add_text(update, context, payload)
    elif message.document is not None:
        await add_document(update, context, message)
    elif message.reply_to_message is not None and message.reply_to_message.forum_topic_created is None:
        # In a forum topic Telegram sets every message's reply to the topic's opening service message.
        await add_message(update, context, message.reply_to_message)
    else:
        await message.reply_text(USAGE)


async def document_message(update: Update, context: Context) -> None:
    """A file sent in a private chat, or with the caption /add in a group."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    caption = (message.caption or "").strip()
    if message.chat.type != ChatType.PRIVATE and not _is_add_caption(caption, context.bot.username):
        return
    await add_document(update, context, message)


def _is_add_caption(caption: str, username: str) -> bool:
    first = caption.split(None, 1)[0].lower() if caption else ""
    return first in ("/add", f"/add@{username.lower()}")


async def forwarded_message(update: Update, context: Context) -> None:
    """A message forwarded into a private chat is added, with its channel and post link as the source."""
    message = update.effective_message
    if message is None:
        return
    await add_message(update, context, message)
