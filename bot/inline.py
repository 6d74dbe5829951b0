"""Inline mode: "@Bot question" typed in any chat, answered with up to five cited quotes as inline results."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode

from bot import activity
from bot.engine import Busy
from bot.rendering import cap, cap_units, counted, esc, source_line, visible_len
from bot.state import Context, state
from index import TENTATIVE, Citation

INLINE_RESULTS = 5
INLINE_MESSAGE_LIMIT = 4000  # visible characters of an inline result's message (Telegram's limit is 4096)


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
