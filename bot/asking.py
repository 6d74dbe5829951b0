"""Questions in chats: private text, /ask, mentions and replies in groups, follow-ups; an answer goes out as pages
with its Passage, More and 👍/👎 buttons."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from bot import activity, autoadd
from bot.adding import add_url
from bot.reading import links_alone
from bot.rendering import answer_blocks, first_per_source, not_found, pack
from bot.state import Context, payload_or_usage, sender_key, state
from index import Answer, is_url

log = logging.getLogger(__name__)
TYPING_EVERY = 4.5  # seconds; a chat action lasts about five
# At most this many "typing…" per question: they share Telegram's 30 calls a second with the answers, and under
# a flood of questions an indicator repeated for every waiting question held the answers back.
TYPING_TIMES = 2


@contextlib.asynccontextmanager
async def typing(context: Context, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block ends (for ``TYPING_TIMES`` × ``TYPING_EVERY`` seconds at most)."""

    async def send() -> bool:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # optional: the answer matters, the indicator does not
            log.warning("sendChatAction failed: %s", exc)
            return False
        return True

    async def keep_typing(first: asyncio.Task[bool]) -> None:
        if not await asyncio.shield(first):
            return
        for _ in range(TYPING_TIMES - 1):
            await asyncio.sleep(TYPING_EVERY)
            if not await send():
                return

    # The first indicator is not cut off by a quick answer: it goes out before the answer does, so the two arrive
    # in order (a question answered in a few milliseconds cancelled it mid-request).
    first = asyncio.create_task(send())
    task = asyncio.create_task(keep_typing(first))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await first


def answer_keyboard(context: Context, chat_id: int, key: str, answer: Answer, page: int) -> InlineKeyboardMarkup:
    """'Passage n' per source, then 'More', bound to ``chat_id``. Callback data stays under Telegram's 64 bytes."""
    make = state(context).buttons.make
    buttons = [
        InlineKeyboardButton(
            f"Passage {c.n}",
            callback_data=make(f"psg:{c.article_id}:{c.char_start}:{c.char_end}:{quote_digest(c.quote)}", chat_id),
        )
        for c in first_per_source(answer.citations)
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append(
        [
            InlineKeyboardButton("More results", callback_data=make(f"more:{key}:{page + 1}", chat_id)),
            InlineKeyboardButton("👍", callback_data=make(f"fb:{key}:{page}:up", chat_id)),
            InlineKeyboardButton("👎", callback_data=make(f"fb:{key}:{page}:down", chat_id)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def quote_digest(quote: str) -> str:
    """Eight characters that tell whether the text a "Passage" button points at is still the quoted text."""
    return base64.urlsafe_b64encode(hashlib.sha256(quote.encode()).digest()[:6]).decode()


async def question_allowed(message: Message, context: Context) -> bool:
    """Count a question against its sender's limit; over it, say "Slow down" once a window and drop the rest."""
    st = state(context)
    admission = await st.questions.check(st.engine, sender_key(message))
    if admission.first_refusal:
        await message.reply_text(f"Slow down: too many questions. Try again in {admission.wait:.0f} s.")
    return admission.allowed


async def send_answer(message: Message, context: Context, question: str, previous: str | None = None) -> None:
    """Answer ``question`` in reply to ``message``; a follow-up falls back to the earlier question's context."""
    st = state(context)
    chat = message.chat
    if not await question_allowed(message, context):
        return
    collection = st.collection(chat.id)
    ask = st.engine.library.ask
    async with st.lanes.lane(sender_key(message)), typing(context, chat.id):
        answer = await st.engine.read(ask, question, collection=collection)
        if answer.abstained and previous:
            follow_up = st.engine.library.follow_up
            joined = await st.engine.read(follow_up, previous, question, collection=collection)
            if joined is not None:
                question = joined
                answer = await st.engine.read(ask, question, collection=collection)
    activity.answered(answer)
    quote = chat.type != ChatType.PRIVATE
    conversations = st.engine.library.conversations
    if answer.abstained:
        # A reply to it is a follow-up too ("and in Kharkiv?"), as a reply to an answer is.
        sent = [await message.reply_text(not_found(answer), do_quote=quote)]
        await remember_replies(context, sent, question, collection)
        return
    key = secrets.token_urlsafe(12)  # 96 random bits: a key is never reused, nor guessed
    await st.engine.small(None, conversations.remember, key, question, collection, cited(answer))
    markup = answer_keyboard(context, chat.id, key, answer, 0)
    sent = await send_pages(message, pack(answer_blocks(answer)), markup, quote)
    await remember_replies(context, sent, question, collection)


def cited(answer: Answer) -> tuple[tuple[int, int, int], ...]:
    return tuple((c.article_id, c.char_start, c.char_end) for c in answer.citations)


async def send_pages(message: Message, pages: list[str], markup: InlineKeyboardMarkup, quote: bool) -> list[Message]:
    """Send the pages of an answer in order; the buttons go under the last one."""
    sent: list[Message] = []
    for i, page in enumerate(pages):
        last = i == len(pages) - 1
        sent.append(await message.reply_text(page, reply_markup=markup if last else None, do_quote=quote and i == 0))
    return sent


async def remember_replies(context: Context, sent: list[Message], question: str, collection: str | None) -> None:
    """Each message of an answer, so that a reply to any of them is a follow-up of its question."""
    engine = state(context).engine
    for m in sent:
        await engine.small(
            None, engine.library.conversations.remember, f"msg:{m.chat.id}:{m.message_id}", question, collection
        )


def _is_answer(replied: Message | None, bot_id: int) -> bool:
    """The bot's answer (its buttons) or "Not found" reply, read from the message itself: for answers the bot no
    longer remembers (older than a month, or when its conversation state failed)."""
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    markup = replied.reply_markup
    buttons = [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []
    return (replied.text or "").startswith("Not found") or any(
        isinstance(data, str) and data.startswith(("more:", "fb:", "psg:")) for data in buttons
    )


async def _previous_question(message: Message, context: Context) -> str | None:
    """The question a reply to one of the bot's answers follows up on, if the bot still remembers it."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    engine = state(context).engine
    found = await engine.small(None, engine.library.conversations.recall, f"msg:{message.chat.id}:{replied.message_id}")
    return found[0] if found else None


async def ask_command(update: Update, context: Context) -> None:
    """/ask question — answer with verbatim quotes and numbered sources."""
    message = update.effective_message
    if message is None:
        return
    question = await payload_or_usage(
        message, "Ask something after the command, e.g. /ask what equipment losses were reported?"
    )
    if question is None:
        return
    await send_answer(message, context, question, await _previous_question(message, context))


async def private_text(update: Update, context: Context) -> None:
    """In a private chat any text is a question, also when edited; a lone link is added to the library."""
    message = update.effective_message
    if message is None or not message.text or not message.text.strip():
        return
    text = message.text.strip()
    if links := links_alone(message):  # a link, or one a line (also as Telegram marks "example.com/story")
        for link in links:
            await add_url(update, context, link)
        return
    words = text.split(None, 1)
    if len(words) == 2 and is_url(words[0]):
        text = words[1]  # "https://… is this accurate?": the words are the question; an address is no content
    await send_answer(message, context, text, await _previous_question(message, context))


async def group_text(update: Update, context: Context) -> None:
    """In groups, answer messages that mention the bot and replies to the bot's answers, also when edited; ignore
    the rest."""
    message = update.effective_message
    if message is None or not message.text:
        return
    me = context.bot.username.lower()
    mentioned = False
    text = message.text
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if value.lower() == f"@{me}" or (entity.user is not None and entity.user.id == context.bot.id):
            mentioned = True
            text = text.replace(value, " ")
    # A reply to one of the bot's answers is a question; a reply to its other messages ("Added #3") is not.
    previous = await _previous_question(message, context)
    if not (mentioned or previous is not None or _is_answer(message.reply_to_message, context.bot.id)):
        if update.edited_message is not None:
            await autoadd.edited_post(update, context)  # an auto-added post's new text
        else:
            await autoadd.take(update, context)  # a link or an article, when the group turned auto-add on
        return
    question = " ".join(text.split())
    if not question:
        await message.reply_text("Ask me something, e.g. @" + context.bot.username + " who released the recording?")
        return
    await send_answer(message, context, question, previous)
