"""Wiring: ``build_application`` registers every handler; ``run`` serves by long polling or webhook."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import adding, answer_buttons, asking, autoadd, browsing, following, health, inline, paste_parts
from bot.engine import Engine
from bot.inbox import RENEW_SHARE, InboxApplication, InboxQueue, keep_inbox
from bot.paste_parts import PasteParts
from bot.rendering import error_text
from bot.rights import MIGRATED_FROM
from bot.settings import BotSettings
from bot.state import BotState, Context, state
from index import DossierError, Library

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("ask", "Ask a question about the articles"),
    BotCommand("add", "Add an article: /add URL, /add + text, or reply /add"),
    BotCommand("sources", "List the articles"),
    BotCommand("source", "Show one article: /source ID"),
    BotCommand("find", "Find articles by keyword"),
    BotCommand("remove", "Remove an article: /remove ID"),
    BotCommand("follow", "Follow an RSS or Atom feed: /follow URL"),
    BotCommand("feeds", "The feeds this chat follows"),
    BotCommand("unfollow", "Stop following a feed: /unfollow N"),
    BotCommand("autoadd", "Add this chat's links and articles on their own: /autoadd on|off"),
    BotCommand("stats", "Library size"),
    BotCommand("help", "How to use Dossier"),
]


async def gatekeeper(update: Update, context: Context) -> None:
    """Runs before every handler: drops updates from chats outside ALLOWED_CHAT_IDS."""
    chat = update.effective_chat
    if chat is not None and not state(context).allowed_chat(chat.id):
        log.info("ignoring an update from chat %s (not in ALLOWED_CHAT_IDS)", chat.id)
        raise ApplicationHandlerStop


async def on_error(update: object, context: Context) -> None:
    """Log the failure with the update, then tell the user something short."""
    error = context.error
    if isinstance(error, DossierError):
        log.info("user error: %s", error.message)
        text = html.escape(error_text(error.message), quote=False)
    else:
        payload = json.dumps(update.to_dict(), ensure_ascii=False)[:2000] if isinstance(update, Update) else update
        log.error("update %s failed", payload, exc_info=error)
        text = "Sorry, something went wrong with that request. It has been logged."
    if not isinstance(update, Update):
        return
    post = update.channel_post or update.edited_channel_post
    if post is not None and not (post.text or "").startswith("/"):
        return  # a channel's subscribers would all see it; auto-add failures are logged, not posted
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200])
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


async def post_init(application: Application) -> None:
    """Register the command menu (optional) and load the model and vectors before the first question."""
    st: BotState = application.bot_data["state"]
    try:
        await application.bot.set_my_commands(COMMANDS)
    except TelegramError as exc:
        log.warning("setMyCommands failed, going on without a command menu: %s", exc)
    await st.engine.read(st.engine.library.warm_up)
    if application.job_queue is not None and application.job_queue.get_jobs_by_name("heartbeat"):
        health.touch(st.settings.data_dir)
    log.info("ready as @%s with %d articles", application.bot.username, st.engine.library.count())
    if st.on_ready is not None:
        st.on_ready()


async def post_shutdown(application: Application) -> None:
    """In-flight adds finish before the library closes."""
    st: BotState = application.bot_data["state"]
    st.engine.close()


def build_application(
    settings: BotSettings,
    library: Library,
    on_ready: Callable[[], None] | None = None,
    request: BaseRequest | None = None,
) -> Application:
    """The bot with every handler registered; the caller starts it (``run`` or a test).

    ``on_ready`` is called once start-up has succeeded (token accepted, library loaded); ``request``: another
    connection to the Bot API than HTTP (``dossier chat`` talks to one in its own process; it beats no heartbeat,
    which says a bot is serving)."""
    builder = ApplicationBuilder()
    queue = InboxQueue()
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = (
        builder.application_class(InboxApplication)
        .update_queue(queue)
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                # A reply to a message deleted meanwhile (a question, an /add a cleaning bot removed) is sent
                # without the quote: Telegram refuses it otherwise, and the answer or the add's result is lost.
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    bot_state = BotState.create(
        settings,
        # Parallel adds only help when their model work runs in the import process; in this one they share a lock.
        Engine(library, settings.engine_threads, settings.question_wait, writers=4 if settings.import_process else 1),
        on_ready,
    )
    application.bot_data["state"] = bot_state
    if request is None:  # `dossier chat`'s updates are its own: none is kept for, or taken over by, a bot
        queue.bind(bot_state)

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new_message = filters.UpdateType.MESSAGE
    add_caption = filters.CaptionRegex(r"^/add(@\w+)?(\s|$)")
    channel_post = filters.UpdateType.CHANNEL_POST
    edited = filters.UpdateType.EDITED_CHANNEL_POST | (filters.UpdateType.EDITED_MESSAGE & groups)
    # A question edited (a typo mended) is asked anew: with /ask, as a private text or a group mention.
    asked = new_message | filters.UpdateType.EDITED_MESSAGE
    application.add_handler(TypeHandler(Update, gatekeeper), group=-1)
    handlers = [
        CommandHandler(["start", "help"], browsing.start, filters=new_message),
        CommandHandler("ask", asking.ask_command, filters=asked),
        CommandHandler("add", adding.add_command, filters=new_message),
        CommandHandler("sources", browsing.sources, filters=new_message),
        CommandHandler("source", browsing.source, filters=new_message),
        CommandHandler("find", browsing.find, filters=new_message),
        CommandHandler("remove", browsing.remove, filters=new_message),
        CommandHandler("stats", browsing.stats, filters=new_message),
        CommandHandler("follow", following.follow, filters=new_message),
        CommandHandler("feeds", following.feeds, filters=new_message),
        CommandHandler("unfollow", following.unfollow, filters=new_message),
        CommandHandler("autoadd", autoadd.autoadd, filters=new_message | channel_post),
        MessageHandler(channel_post & ~filters.COMMAND, autoadd.channel_post),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & groups & filters.TEXT & ~filters.COMMAND, asking.group_text),
        MessageHandler(edited & ~filters.COMMAND, autoadd.edited_post),
        MessageHandler(new_message & filters.COMMAND, browsing.unknown_command),
        MessageHandler(new_message & filters.Document.ALL & (private | add_caption), adding.document_message),
        MessageHandler(new_message & private & filters.FORWARDED, adding.forwarded_message),
        MessageHandler(asked & private & filters.TEXT & ~filters.COMMAND, asking.private_text),
        MessageHandler(new_message & groups & filters.TEXT, asking.group_text),
        MessageHandler(new_message & private & ~filters.StatusUpdate.ALL, browsing.unreadable),
        CallbackQueryHandler(answer_buttons.more_button, pattern=r"^more:"),
        CallbackQueryHandler(answer_buttons.passage_button, pattern=r"^psg:"),
        CallbackQueryHandler(answer_buttons.feedback_button, pattern=r"^fb:"),
        CallbackQueryHandler(browsing.sources_button, pattern=r"^src:"),
        CallbackQueryHandler(browsing.remove_button, pattern=r"^rm:"),
        CallbackQueryHandler(stale_button),
        InlineQueryHandler(inline.inline_query),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
    ]
    # The parts of a split paste come first: a line of a pasted article may start with "/" (not one of these).
    commands = {c for h in handlers if isinstance(h, CommandHandler) for c in h.commands}
    parts = [
        MessageHandler(new_message & PasteParts(bot_state.pastes, commands), paste_parts.paste_part),
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & PasteParts(bot_state.pastes, (), True), paste_parts.edited_part
        ),
    ]
    application.add_handlers(parts + handlers)
    application.add_error_handler(on_error)
    if application.job_queue is not None and request is None:
        application.job_queue.run_repeating(health.beat, interval=health.EVERY, first=health.EVERY, name="heartbeat")
    if application.job_queue is not None:
        application.job_queue.run_repeating(answer_buttons.forget_old_answers, interval=3600, first=60, name="forget")
    if application.job_queue is not None and request is None:
        every = settings.update_lease_seconds / RENEW_SHARE
        application.job_queue.run_repeating(keep_inbox, interval=every, first=every, name="inbox")
    if settings.feed_poll_minutes and application.job_queue is not None:
        every = settings.feed_poll_minutes * 60
        application.job_queue.run_repeating(following.poll_feeds, interval=every, first=every, name="poll feeds")
    return application


async def chat_migrated(update: Update, context: Context) -> None:
    """A group upgraded to a supergroup has a new id: its library, settings and feeds move to it."""
    message = update.effective_message
    if message is None:
        return
    old, new = (
        (message.chat.id, message.migrate_to_chat_id)
        if message.migrate_to_chat_id
        else (message.migrate_from_chat_id, message.chat.id)
    )
    if not old or not new:
        return
    st = state(context)
    collections = (st.collection(old), st.collection(new)) if st.settings.library_scope == "per_chat" else None
    moved = await st.engine.write(st.engine.library.move_chat, old, new, collections)
    # Anonymous adds name the chat they were made in: the new one's administrators own them too.
    await st.engine.write(st.engine.library.set_chat_setting, new, MIGRATED_FROM, str(old))
    log.info("chat %s became %s: %s articles moved", old, new, moved)


async def stale_button(update: Update, context: Context) -> None:
    """Buttons this version does not know (old messages): say so instead of spinning."""
    if update.callback_query is not None:
        await update.callback_query.answer("This button no longer works.")


def run(settings: BotSettings, library: Library, on_ready: Callable[[], None] | None = None) -> None:
    """Serve until SIGINT or SIGTERM: long polling, or a webhook when WEBHOOK_URL is set."""
    application = build_application(settings, library, on_ready)
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() or settings.derived_webhook_secret()
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=_webhook_path(settings.webhook_url),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def _webhook_path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
