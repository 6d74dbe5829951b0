"""The library from the chat: /start, /help, /sources, /source, /find, /remove, /stats."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.autoadd import forget_post
from bot.rendering import article_detail, article_line, cap, counted, error_text, esc, pack
from bot.rights import is_anonymous, may_remove
from bot.state import BUTTON_EXPIRED, Context, command_payload, number_arg, payload_or_usage, pressed, state
from index import FILE_SUFFIXES, ArticleInfo, ArticleNotFound

PAGE_SIZE = 10

HELP = """<b>Dossier</b> answers questions about your team's articles with verbatim quotes and numbered sources.

<b>Ask</b>
• In a private chat, just write the question: <i>what equipment losses were reported?</i>
• In a group: <code>/ask who released the intercepted call?</code>, mention me, or reply to one of my answers.
• In any chat: type <code>@{bot} how many tanks</code> and pick a quote.
Under each answer, <i>Passage n</i> shows the quote in its context and <i>More results</i> goes further.

<b>Add</b>
• <code>/add https://example.com/article</code>
• <code>/add</code> followed by pasted text (first line is the title)
• reply <code>/add</code> to a message, or send a file: .txt, .md, .html, .pdf, .docx
  (caption <code>/add</code> in groups)
• forward a channel post to me in a private chat
• <code>/follow https://example.com/rss</code> — new entries of an RSS or Atom feed arrive on their own
  (/feeds lists them, <code>/unfollow 2</code> stops one)

<b>Library</b>
/sources — list the articles · /source 12 — one article and who added it
/find words — articles containing the words · /remove 12 — delete one · /stats"""


async def start(update: Update, context: Context) -> None:
    """/start and /help: what the bot does, with examples."""
    message = update.effective_message
    if message is None:
        return
    if context.args and context.args[0] == "sources":
        await sources(update, context)
        return
    await message.reply_text(HELP.replace("{bot}", esc(context.bot.username)))


async def _send_sources_page(message: Message, context: Context, chat_id: int, page: int, edit: bool) -> None:
    st = state(context)
    library = st.engine.library
    collection = None if st.settings.library_scope == "shared" else st.collection(chat_id)
    total = await st.engine.read(library.count, collection=collection)
    if not total:
        await message.reply_text("The library is empty. Add an article with /add https://link or /add + text.")
        return
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 1), pages)
    infos = await st.engine.read(library.list, collection=collection, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    heading = f"<b>Sources</b> — {counted(total, 'article')}, page {page}/{pages}"
    text = heading + "\n\n" + "\n".join(article_line(i) for i in infos)
    nav = []
    make = st.buttons.make
    if page > 1:
        nav.append(InlineKeyboardButton("‹ Previous", callback_data=make(f"src:{page - 1}", chat_id)))
    if page < pages:
        nav.append(InlineKeyboardButton("Next ›", callback_data=make(f"src:{page + 1}", chat_id)))
    markup = InlineKeyboardMarkup([nav]) if nav else None
    text = pack([text])[0]
    if edit:
        await edit_or_send(message, text, markup)
    else:
        await message.reply_text(text, reply_markup=markup)


async def edit_or_send(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message the bot sent; when Telegram no longer allows it (too old, deleted), send a new one."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        # In a forum topic, to the same topic (not the chat's General).
        thread = message.message_thread_id if message.is_topic_message else None
        await message.chat.send_message(text, reply_markup=markup, message_thread_id=thread)


async def sources(update: Update, context: Context) -> None:
    """/sources [page] — the articles, ten a page, with buttons to page through."""
    message = update.effective_message
    if message is None:
        return
    page = number_arg(context.args[0]) if context.args else 1
    await _send_sources_page(message, context, message.chat.id, page or 1, edit=False)


async def sources_button(update: Update, context: Context) -> None:
    """Previous / Next under a /sources list."""
    query = update.callback_query
    opened = await pressed(update, context, "src", 1)
    if query is None or opened is None:
        return
    (page,), message = opened
    if not page.isdigit():
        await query.answer(BUTTON_EXPIRED)
        return
    await query.answer()
    await _send_sources_page(message, context, message.chat.id, int(page), edit=True)


async def _article_arg(update: Update, context: Context, usage: str) -> ArticleInfo | None:
    """The article named by '/cmd ID' if this chat may see it; replies and returns None otherwise."""
    message = update.effective_message
    assert message is not None
    number = number_arg(command_payload(message))
    if number is None:
        await message.reply_text(usage)
        return None
    st = state(context)
    try:
        article = await st.engine.read(st.engine.library.get, number)
    except ArticleNotFound as exc:
        await message.reply_text(esc(error_text(exc.message)))
        return None
    if not st.visible(article.info, message.chat.id):
        await message.reply_text(ArticleNotFound(number).message)
        return None
    return article.info


async def source(update: Update, context: Context) -> None:
    """/source ID — one article: link, outlet, date, and who added it from where, when."""
    message = update.effective_message
    if message is None:
        return
    info = await _article_arg(update, context, "Which article? e.g. /source 12 (numbers are in /sources)")
    if info is not None:
        st = state(context)
        article = await st.engine.read(st.engine.library.get, info.id)
        await message.reply_text(pack([article_detail(info, article.author)])[0])


async def find(update: Update, context: Context) -> None:
    """/find words — articles containing the words, best match first."""
    message = update.effective_message
    if message is None:
        return
    words = await payload_or_usage(message, "Find what? e.g. /find Kharkiv tanks")
    if words is None:
        return
    st = state(context)
    infos = await st.engine.read(st.engine.library.find, words, collection=st.collection(message.chat.id), limit=20)
    if not infos:
        await message.reply_text(f"No article contains {esc(cap(words))}.")
        return
    # Over several messages when long titles and outlets fill one: every match found is listed.
    for page in pack([f"<b>Found {len(infos)}</b>", *(article_line(i) for i in infos)], separator="\n"):
        await message.reply_text(page)


async def remove(update: Update, context: Context) -> None:
    """/remove ID — asks for confirmation with a button, then deletes the article."""
    message = update.effective_message
    if message is None:
        return
    info = await _article_arg(update, context, "Which article? e.g. /remove 12 (numbers are in /sources)")
    if info is None:
        return
    if not await may_remove(update, context, info):
        await message.reply_text("Only the person who added it or an administrator can remove this article.")
        return
    make, chat_id, user_id = state(context).buttons.make, message.chat.id, _presser_id(update)
    buttons = [
        InlineKeyboardButton("Remove", callback_data=make(f"rm:{info.id}", chat_id, user_id)),
        InlineKeyboardButton("Cancel", callback_data=make("rm:cancel", chat_id, user_id)),
    ]
    title = esc(cap(info.title))
    await message.reply_text(f"Remove #{info.id} «{title}»?", reply_markup=InlineKeyboardMarkup([buttons]))


def _presser_id(update: Update) -> int:
    """Who may press the confirmation: the user who asked to remove; anyone in the chat (0) when an anonymous
    administrator asked, since Telegram shows their presses under their own account."""
    user = update.effective_user
    return 0 if user is None or is_anonymous(update) else user.id


async def remove_button(update: Update, context: Context) -> None:
    """The Remove / Cancel buttons of /remove; rights are checked again for whoever presses."""
    query = update.callback_query
    opened = await pressed(update, context, "rm", 1)
    if query is None or opened is None:
        return
    (target,), message = opened
    if target == "cancel":
        await query.answer()
        await edit_or_send(message, "Kept.")
        return
    if not target.isdigit():
        await query.answer(BUTTON_EXPIRED)
        return
    st = state(context)
    try:
        article = await st.engine.read(st.engine.library.get, int(target))
    except ArticleNotFound:
        await query.answer("Already removed.")
        return
    if not st.visible(article.info, message.chat.id) or not await may_remove(update, context, article.info):
        await query.answer("You may not remove this article.")
        return
    try:
        info = await st.engine.write(st.engine.library.remove, article.info.id)
    except ArticleNotFound:  # pressed twice at once: the other press removed it
        await query.answer("Already removed.")
        return
    await forget_post(context, info)
    await query.answer("Removed.")
    await edit_or_send(message, f"Removed #{info.id} «{esc(cap(info.title))}».")


async def stats(update: Update, context: Context) -> None:
    """/stats — articles here and in the whole library, passages, model."""
    message = update.effective_message
    if message is None:
        return
    st = state(context)
    s = await st.engine.read(st.engine.library.stats)
    lines = [f"<b>Library</b>: {counted(s.articles, 'article')}, {counted(s.passages, 'passage')}"]
    if st.settings.library_scope == "per_chat":
        here = await st.engine.read(st.engine.library.count, collection=st.collection(message.chat.id))
        lines.append(f"In this chat: {counted(here, 'article')}")
    lines.append(f"Model: {esc(s.embedding_model)} ({s.dimension} dimensions)")
    lines.append(f"On disk: {(s.db_bytes + s.index_bytes) / 1e6:.1f} MB")
    await message.reply_text("\n".join(lines))


async def unreadable(update: Update, context: Context) -> None:
    """A private message with nothing to read (a photo, a voice message, a sticker): say what is read."""
    message = update.effective_message
    if message is None:
        return
    if message.media_group_id is not None and context.chat_data is not None:
        # An album arrives as one message a photo: one line for it.
        if context.chat_data.get("unread_album") == message.media_group_id:
            return
        context.chat_data["unread_album"] = message.media_group_id
    kinds = ", ".join(sorted({s for s in FILE_SUFFIXES if s not in (".htm", ".markdown")}))
    await message.reply_text(
        f"I read only text: ask a question in words, or send a link or a file ({kinds}); photos, voice messages "
        "and stickers are not read, nor their captions."
    )


async def unknown_command(update: Update, context: Context) -> None:
    """Any other command: say so briefly (in groups only when addressed to this bot)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split(None, 1)[0]
    if message.chat.type != ChatType.PRIVATE and not command.lower().endswith(f"@{context.bot.username.lower()}"):
        return
    await message.reply_text(f"Unknown command {esc(cap(command, 64))}. /help lists what I can do.")
