"""build_application(settings): the one place that wires the bot together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.broadcaster import broadcaster, resume_broadcasts
from bot.context import APP_KEY, AppContext, attach
from bot.handlers import (
    broadcasts,
    errors,
    fallback,
    followups,
    imports,
    items,
    language,
    meetings,
    onboarding,
    parties,
    reachability,
    reports,
)
from bot.inbox import DurableUpdateQueue
from bot.jobs import start_followups
from bot.menus import set_default_menus
from bot.metrics import MeteredRequest
from bot.ratelimit import PacedRateLimiter
from bot.updates import PerChatUpdateProcessor
from core.config import Settings
from storage.db import Database
from storage.leadership import Leadership

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in one readable block."""
    app.add_handler(CommandHandler("start", onboarding.start))
    app.add_handler(CommandHandler("help", onboarding.help_command))
    app.add_handler(CommandHandler("whoami", onboarding.whoami))
    app.add_handler(CommandHandler("tz", onboarding.tz))
    app.add_handler(CommandHandler("lang", language.lang))
    app.add_handler(CommandHandler("invite", onboarding.invite))
    app.add_handler(CommandHandler("invites", onboarding.list_invites))
    app.add_handler(CommandHandler("group", onboarding.group))
    app.add_handler(CommandHandler("items", items.list_items))
    app.add_handler(CommandHandler("item", items.show_item))
    app.add_handler(CommandHandler("status", items.set_status))
    app.add_handler(CommandHandler("note", items.add_note))
    app.add_handler(CommandHandler("add", items.add_item))
    app.add_handler(CommandHandler("due", items.set_due))
    app.add_handler(CommandHandler("meeting", meetings.meeting))
    app.add_handler(CommandHandler("parties", parties.list_parties))
    app.add_handler(CommandHandler("party", parties.party))
    app.add_handler(CommandHandler("digest", followups.digest))
    app.add_handler(CommandHandler("quiet", followups.quiet))
    app.add_handler(CommandHandler("reminders", followups.reminders))
    app.add_handler(CommandHandler("report", reports.report))
    app.add_handler(CommandHandler("chart", reports.chart))
    app.add_handler(CommandHandler("export", reports.export))
    app.add_handler(CommandHandler("calendar", reports.calendar))
    app.add_handler(CommandHandler("broadcast", broadcasts.broadcast))
    app.add_handler(CommandHandler("broadcasts", broadcasts.list_broadcasts))
    app.add_handler(CallbackQueryHandler(broadcasts.broadcast_button, pattern=r"^bc:"))
    app.add_handler(CallbackQueryHandler(broadcasts.got_it, pattern=r"^ack:"))
    app.add_handler(CallbackQueryHandler(imports.import_button, pattern=r"^im:"))
    app.add_handler(CallbackQueryHandler(onboarding.invite_answer, pattern=r"^iv:"))
    app.add_handler(CallbackQueryHandler(reports.export_button, pattern=r"^ex:"))
    app.add_handler(CallbackQueryHandler(language.lang_button, pattern=r"^lg:"))
    app.add_handler(MessageHandler(filters.Document.ALL, imports.report_upload))
    app.add_handler(CallbackQueryHandler(items.button))
    app.add_handler(ChatMemberHandler(reachability.private_chat_status))
    app.add_handler(MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND, items.reply_to_item))
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, fallback.stray_text))
    app.add_error_handler(errors.on_error)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    # before polling starts: what a crash left stored but unhandled is handled first, in order
    assert isinstance(app.update_queue, DurableUpdateQueue)
    if not app.bot_data["nextsteps"].settings.webhook.enabled:  # webhooks: bot.inbox_worker does
        await app.update_queue.requeue_unhandled(app.bot)
    await app.bot_data[APP_KEY].leadership.start()  # the role first: leader-only work depends on it
    start_followups(app)
    resume_broadcasts(app)
    try:
        await set_default_menus(app.bot)
    except Exception:  # a missing menu must not stop the bot
        log.warning("could not set the command menus", exc_info=True)


async def _post_stop(app: Application) -> None:  # type: ignore[type-arg]
    # a broadcast interrupted here resumes at the next start (its 'sending' rows are retried)
    await broadcaster(app).stop()


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    await app.bot_data[APP_KEY].leadership.stop()  # a standby takes over at its next check


def build_application(settings: Settings, db: Database | None = None) -> Application:  # type: ignore[type-arg]
    """The bot exactly as ``nextsteps run`` runs it, for any Bot API base URL."""
    tg = settings.telegram
    if db is None:
        db = Database(settings.database.url.get_secret_value())
    limiter = PacedRateLimiter() if tg.flood_limits else None
    builder = (
        ApplicationBuilder()
        .token(tg.token.get_secret_value())
        .base_url(tg.api_base_url)
        .base_file_url(tg.api_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=ZoneInfo(settings.secretariat.timezone),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        # PTB's default transports, the one that sends counted for the metrics
        .request(MeteredRequest(connection_pool_size=256))
        .get_updates_request(HTTPXRequest(connection_pool_size=1, read_timeout=tg.poll_timeout_seconds + 10))
        .update_queue(DurableUpdateQueue(db))
        .concurrent_updates(PerChatUpdateProcessor(db, limiter))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if limiter is not None:
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app = builder.build()
    leadership = Leadership(db, check_seconds=settings.cluster.leader_check_seconds)
    attach(app, AppContext(settings=settings, db=db, leadership=leadership))
    register_handlers(app)
    return app


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialise, start and long-poll as ``run_polling`` does, inside an existing event loop."""
    settings = app.bot_data["nextsteps"].settings
    await app.initialize()
    if app.post_init is not None:  # run_polling calls it; so must we
        await app.post_init(app)
    try:
        assert app.updater is not None
        await app.updater.start_polling(
            timeout=settings.telegram.poll_timeout_seconds, allowed_updates=ALLOWED_UPDATES
        )
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
