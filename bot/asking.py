"""Questions: private text, /ask, mentions and replies in groups, "More" and "Passage n" buttons, inline mode."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError

from bot import activity, autoadd
from bot.adding import add_url
from bot.engine import Busy
from bot.rendering import (
    answer_blocks,
    cap,
    cap_units,
    counted,
    esc,
    first_per_source,
    not_found,
    pack,
    passage_html,
    source_line,
    visible_len,
)
from bot.state import BUTTON_EXPIRED, Context, payload_or_usage, pressed, sender_key, state
from index import MAX_QUESTION_CHARS, TENTATIVE, Answer, ArticleNotFound, Citation, is_url

log = logging.getLogger(__name__)
INLINE_RESULTS = 5
TYPING_EVERY = 4.5  # seconds; a chat action lasts about five
# At most this many "typing…" per question: they share Telegram's 30 calls a second with the answers, and under
# a flood of questions an indicator repeated for every waiting question held the answers back.
TYPING_TIMES = 2
INLINE_MESSAGE_LIMIT = 4000  # visible characters of an inline result's message (Telegram's limit is 4096)
QUESTION_LIMIT = 300  # characters of a question repeated in a heading


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
        # Within the engine's limit: a chain of follow-ups would otherwise grow into a refused question.
        if answer.abstained and previous and len(previous) + 1 + len(question) <= MAX_QUESTION_CHARS:
            question = f"{previous} {question}"
            answer = await st.engine.read(ask, question, collection=collection)
    activity.answered(answer)
    quote = chat.type != ChatType.PRIVATE
    conversations = st.engine.library.conversations
    if answer.abstained:
        # A reply to it is a follow-up too ("and in Kharkiv?"), as a reply to an answer is.
        sent = [await message.reply_text(not_found(answer), do_quote=quote)]
        await _remember_replies(context, sent, question, collection)
        return
    key = secrets.token_urlsafe(12)  # 96 random bits: a key is never reused, nor guessed
    await st.engine.small(None, conversations.remember, key, question, collection, cited(answer))
    markup = answer_keyboard(context, chat.id, key, answer, 0)
    sent = await _send_pages(message, pack(answer_blocks(answer)), markup, quote)
    await _remember_replies(context, sent, question, collection)


async def _send_pages(message: Message, pages: list[str], markup: InlineKeyboardMarkup, quote: bool) -> list[Message]:
    """Send the pages of an answer in order; the buttons go under the last one."""
    sent: list[Message] = []
    for i, page in enumerate(pages):
        last = i == len(pages) - 1
        sent.append(await message.reply_text(page, reply_markup=markup if last else None, do_quote=quote and i == 0))
    return sent


async def _remember_replies(context: Context, sent: list[Message], question: str, collection: str | None) -> None:
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
    """In a private chat any text is a question; a lone link is added to the library."""
    message = update.effective_message
    if message is None or not message.text or not message.text.strip():
        return
    text = message.text.strip()
    if is_url(text):
        await add_url(update, context, text)
        return
    links = text.split()
    if all(is_url(w) for w in links):  # one link a line: each is added
        for link in dict.fromkeys(links):
            await add_url(update, context, link)
        return
    words = text.split(None, 1)
    if len(words) == 2 and is_url(words[0]):
        text = words[1]  # "https://… is this accurate?": the words are the question; an address is no content
    await send_answer(message, context, text, await _previous_question(message, context))


async def group_text(update: Update, context: Context) -> None:
    """In groups, answer messages that mention the bot and replies to the bot's answers; ignore the rest."""
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
        await autoadd.take(update, context)  # a link or an article, when the group turned auto-add on
        return
    question = " ".join(text.split())
    if not question:
        await message.reply_text("Ask me something, e.g. @" + context.bot.username + " who released the recording?")
        return
    await send_answer(message, context, question, previous)


async def more_button(update: Update, context: Context) -> None:
    """ "More results": the next page of quotes for the same question, as a new message."""
    query = update.callback_query
    opened = await pressed(update, context, "more", 2)
    if query is None or opened is None:
        return
    (key, page_text), message = opened
    st = state(context)
    conversations = st.engine.library.conversations
    remembered = await st.engine.small(None, conversations.recall, key)
    if remembered is None or not page_text.isdigit():
        await query.answer("This answer is too old; please ask again.")
        return
    admission = await st.questions.check(st.engine, query.from_user.id)
    if not admission.allowed:
        await query.answer(f"Slow down: too many questions. Try again in {admission.wait:.0f} s.")
        return
    question, collection = remembered
    page = int(page_text)
    async with st.lanes.lane(query.from_user.id):
        answer = await st.engine.read(st.engine.library.ask, question, collection=collection, page=page)
    activity.answered(answer)
    if answer.abstained:
        await query.answer("No more results for this question.")
        return
    await query.answer()
    heading = f"<b>More results ({page + 1})</b> for: {esc(cap(question, QUESTION_LIMIT))}"
    await st.engine.small(None, conversations.cite, key, page, cited(answer))
    markup = answer_keyboard(context, message.chat.id, key, answer, page)
    sent = await _send_pages(message, pack(answer_blocks(answer, heading)), markup, True)
    await _remember_replies(context, sent, question, collection)


async def forget_old_answers(context: Context) -> None:
    """Hourly (JobQueue): drop answers past their buttons' life and idle rate windows from the database."""
    engine = state(context).engine
    forgotten = await engine.small(0, engine.library.conversations.prune)
    log.info("forgot %d old answers, pages, rate windows and leases", forgotten)


def cited(answer: Answer) -> tuple[tuple[int, int, int], ...]:
    return tuple((c.article_id, c.char_start, c.char_end) for c in answer.citations)


async def feedback_button(update: Update, context: Context) -> None:
    """👍 / 👎 under an answer (or a page of more results): stored with the question, the quotes that page cited,
    the chat and the voter."""
    query = update.callback_query
    opened = await pressed(update, context, "fb", 3)
    if query is None or opened is None:
        return
    (key, page, verdict), message = opened
    st = state(context)
    conversations = st.engine.library.conversations
    remembered = await st.engine.small(None, conversations.recall, key)
    if remembered is None or not page.isdigit() or verdict not in ("up", "down"):
        await query.answer("This answer is too old to rate.")
        return
    admission = await st.questions.check(st.engine, query.from_user.id)  # a vote is a write: a flood is not free
    if not admission.allowed:
        await query.answer(f"Slow down: too many presses. Try again in {admission.wait:.0f} s.")
        return
    question, _ = remembered
    library = st.engine.library
    # A small SQLite write: on the question threads, not behind a long import on the add threads.
    await st.engine.read(
        library.record_feedback,
        f"{key}:{page}",
        str(query.from_user.id),
        verdict,
        question,
        await st.engine.small((), conversations.cited, key, int(page)),
        message.chat.id,
    )
    activity.note(feedback=verdict)
    await query.answer("Thanks: noted 👍" if verdict == "up" else "Thanks: noted 👎. The team can review it.")


def quote_digest(quote: str) -> str:
    """Eight characters that tell whether the text a "Passage" button points at is still the quoted text."""
    return base64.urlsafe_b64encode(hashlib.sha256(quote.encode()).digest()[:6]).decode()


async def passage_button(update: Update, context: Context) -> None:
    """ "Passage n": the whole passage around the quote, with the quote in bold."""
    query = update.callback_query
    opened = await pressed(update, context, "psg", (3, 4))  # 3: a button from before quotes had their digest
    if query is None or opened is None:
        return
    args, message = opened
    numbers, digest = args[:3], args[3] if len(args) == 4 else None
    if not all(a.isdigit() for a in numbers):
        await query.answer(BUTTON_EXPIRED)
        return
    article_id, start, end = (int(a) for a in numbers)
    st = state(context)
    # Each press posts a message: uncounted, one member's presses held up every answer in the chat behind them in
    # Telegram's per-chat send limit.
    admission = await st.questions.check(st.engine, query.from_user.id)
    if not admission.allowed:
        await query.answer(f"Slow down: too many presses. Try again in {admission.wait:.0f} s.")
        return
    try:
        article = await st.engine.read(st.engine.library.get, article_id)
        hit = await st.engine.read(st.engine.library.passage, article_id, start, end)
    except ArticleNotFound:
        await query.answer("That article is no longer in the library.")
        return
    if not st.visible(article.info, message.chat.id):
        await query.answer("That article is not in this chat's library.")
        return
    if (
        digest is not None and quote_digest(article.text[start:end]) != digest
    ):  # edited since (an auto-added post): the offsets moved
        await query.answer("That article has changed since this answer; ask again.", show_alert=True)
        return
    await query.answer()
    for page in pack([passage_html(hit, article.info, start, end)]):
        await message.reply_text(page, do_quote=True)


def inline_result(c: Citation, tentative: bool = False) -> InlineQueryResultArticle:
    """One cited quote as an inline result; the quote is trimmed so the message stays within Telegram's limits. A
    quote the answer gives as the closest says so in the message it sends too: the chat it lands in sees no button."""
    line = source_line(c)
    caveat = f"<i>{esc(TENTATIVE)}</i>\n" if tentative else ""
    room = INLINE_MESSAGE_LIMIT - visible_len(line) - visible_len(caveat) - 2
    quote = cap_units(c.quote, max(room, 1))
    return InlineQueryResultArticle(
        id=f"{c.article_id}-{c.char_start}-{c.char_end}",
        title=cap(c.quote, 120),
        description=cap(f"[{c.n}] {c.source or c.title} — {c.title}", 200),
        input_message_content=InputTextMessageContent(
            f"{caveat}<blockquote>{esc(quote)}</blockquote>\n{line}",
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


async def inline_query(update: Update, context: Context) -> None:
    """@Bot question in any chat: up to five cited quotes, one per result."""
    query = update.inline_query
    if query is None:
        return
    st = state(context)
    question = query.query.strip()
    # Telegram may hand results cached for one user to another who types the same query, unless they are personal:
    # they are, unless every user sees the same library.
    personal = st.settings.library_scope == "per_chat" or bool(st.settings.allowed_chat_ids)
    if len(question) < 3 or not st.allowed_chat(query.from_user.id):
        await query.answer([], cache_time=5, is_personal=personal)
        return
    admission = await st.questions.check(st.engine, query.from_user.id)
    if not admission.allowed:
        slow = InlineQueryResultsButton(text=f"Slow down: try again in {admission.wait:.0f} s", start_parameter="help")
        await query.answer([], cache_time=5, is_personal=True, button=slow)
        return
    collection = st.collection(query.from_user.id)
    try:
        async with st.lanes.lane(query.from_user.id):
            answer = await st.engine.read(st.engine.library.ask, question, collection=collection)
    except Busy:  # an inline query has no message to reply to: say it on the results' button
        busy = InlineQueryResultsButton(text="Busy: ask again in a minute", start_parameter="help")
        await query.answer([], cache_time=5, is_personal=True, button=busy)
        return
    activity.answered(answer)
    results = [inline_result(c, answer.tentative) for c in answer.citations[:INLINE_RESULTS]]
    button = None
    if not results:
        button = InlineQueryResultsButton(
            text=f"Not found in {counted(answer.searched_articles, 'article')}", start_parameter="sources"
        )
    elif answer.tentative:  # shown above the results, which may not answer the question
        button = InlineQueryResultsButton(text=cap(TENTATIVE, 64), start_parameter="help")
    await query.answer(results, cache_time=30, is_personal=personal, button=button)
