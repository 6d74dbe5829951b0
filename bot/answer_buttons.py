"""The buttons under an answer: "More results" (the next page), "Passage n" (the quote in its passage), 👍/👎 (a
reader's vote); and the hourly job that forgets answers past their buttons' life."""

from __future__ import annotations

import logging

from telegram import Update

from bot import activity
from bot.asking import answer_keyboard, cited, quote_digest, remember_replies, send_pages
from bot.rendering import answer_blocks, cap, esc, pack, passage_html
from bot.state import BUTTON_EXPIRED, Context, pressed, state
from index import ArticleNotFound

log = logging.getLogger(__name__)
QUESTION_LIMIT = 300  # characters of a question repeated in a heading


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
    sent = await send_pages(message, pack(answer_blocks(answer, heading)), markup, True)
    await remember_replies(context, sent, question, collection)


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


async def forget_old_answers(context: Context) -> None:
    """Hourly (JobQueue): drop answers past their buttons' life and idle rate windows from the database."""
    engine = state(context).engine
    forgotten = await engine.small(0, engine.library.conversations.prune)
    log.info("forgot %d old answers, pages, rate windows and leases", forgotten)
