"""The one HTTP server (aiohttp): Telegram's webhook, ``/healthz``, ``/readyz`` and ``/metrics``.

A webhook request is answered 200 only once its update is stored in the inbox, so Telegram
retries whatever was not stored (503 while the database is down); a request without the secret
token header gets 403 and nothing is stored. The stored update is then handled in its chat's
order by ``bot.inbox_worker``, on whichever instance takes the chat. ``running_webhook`` runs
the bot this way (``nextsteps run`` with ``webhook.url`` set): setWebhook at start, and no
deleteWebhook at a normal stop — another instance may still be serving.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram import Update
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, running
from bot.cli import also_redact
from bot.context import APP_KEY, AppContext
from bot.inbox import DurableUpdateQueue
from bot.inbox_worker import ChatInboxWorker
from bot.metrics import METRICS
from bot.updates import chat_key
from core import clock
from core.config import ConfigError
from storage import health, shared_settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_KEY = "webhook.secret_token"  # the generated one, in storage.models.SharedSetting
CHECK_TIMEOUT_SECONDS = 5.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0


def _context(app: Application) -> AppContext:  # type: ignore[type-arg]
    ctx = app.bot_data[APP_KEY]
    assert isinstance(ctx, AppContext)
    return ctx


def role(ctx: AppContext) -> str:
    """leader or standby (``storage.leadership``); a lone instance without one leads."""
    leadership: Any = getattr(ctx, "leadership", None)
    return "leader" if leadership is None else str(leadership.role)


async def webhook_secret(ctx: AppContext) -> str:
    """The configured secret token, else the one every instance shares from the database."""
    configured = ctx.settings.webhook.secret_token.get_secret_value()
    if configured:
        return configured
    return await ctx.db.run(
        lambda session: shared_settings.get_or_create(
            session=session, key=SECRET_KEY, make=lambda: secrets.token_urlsafe(32)
        ),
        completes_work=False,
    )


class HttpServer:
    """The endpoints; the webhook path only in webhook mode (``worker`` given)."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        *,
        secret: str = "",
        worker: ChatInboxWorker | None = None,
    ) -> None:
        self.app = app
        self.ctx = _context(app)
        self.secret = secret.encode()
        self.worker = worker
        self.head = health.head_revision(self.ctx.db.engine)
        self.port = self.ctx.settings.webhook.effective_port
        self._runner: web.AppRunner | None = None

    def make_app(self) -> web.Application:
        http = web.Application()
        if self.worker is not None:
            http.router.add_post(self.ctx.settings.webhook.effective_path, self._webhook)
        http.router.add_get("/healthz", self._healthz)
        http.router.add_get("/readyz", self._readyz)
        http.router.add_get("/metrics", self._metrics)
        return http

    async def start(self) -> None:
        self._runner = web.AppRunner(
            self.make_app(), access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.ctx.settings.webhook.listen, self.port)
        await site.start()
        if site._server is not None and self.port == 0:  # a free port was asked for (tests)
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("serving HTTP on %s:%d", self.ctx.settings.webhook.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot) if isinstance(data, dict) else None
        except Exception:
            update = None
        if update is None:
            return web.Response(status=400, text="not an update")
        queue = self.app.update_queue
        assert isinstance(queue, DurableUpdateQueue) and self.worker is not None
        try:
            await queue.store_once(update)
        except Exception:  # Telegram retries: the update is not lost
            log.warning("could not store update %d; answering 503", update.update_id, exc_info=True)
            return web.Response(status=503, text="could not store the update")
        self.worker.kick(chat_key(update) or None)
        return web.Response(text="ok")

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _readyz(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = {"role": role(self.ctx), "database": False, "migrations": False}
        try:
            state = await asyncio.wait_for(
                asyncio.to_thread(health.schema_state, self.ctx.db.engine, self.head),
                CHECK_TIMEOUT_SECONDS,
            )
        except Exception as exc:
            body["error"] = f"database unreachable: {type(exc).__name__}"
        else:
            body.update(database=True, migrations=state.up_to_date, revision=state.current, head=state.head)
        body["ready"] = body["database"] and body["migrations"]
        return web.json_response(body, status=200 if body["ready"] else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        METRICS.leader.set(1 if role(self.ctx) == "leader" else 0)
        now = clock.now()  # follow-ups are due by the bot's clock
        try:
            waiting = await asyncio.wait_for(
                self.ctx.db.run(
                    lambda session: health.followups_waiting(session=session, now=now),
                    completes_work=False,
                ),
                CHECK_TIMEOUT_SECONDS,
            )
        except Exception:  # the rest of the metrics are still worth serving
            log.warning("could not count the waiting follow-ups", exc_info=True)
        else:
            METRICS.followups_pending.set(waiting)
        return web.Response(
            body=generate_latest(METRICS.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )


@asynccontextmanager
async def running_webhook(app: Application) -> AsyncIterator[HttpServer]:  # type: ignore[type-arg]
    """Initialise and start the bot, serve HTTP, then setWebhook; at the end stop in reverse."""
    ctx = _context(app)
    hook = ctx.settings.webhook
    secret = await webhook_secret(ctx)
    also_redact(secret, "<webhook secret>")  # PTB logs setWebhook's parameters at DEBUG
    if hook.path_rewritten:
        log.warning(
            "webhook.path %s differs from the path of webhook.url (%s): Telegram calls %s, so this"
            " works only behind a proxy that rewrites it to %s; otherwise leave webhook.path empty",
            hook.effective_path,
            hook.url,
            hook.url_path,
            hook.effective_path,
        )
    async with AsyncExitStack() as stack:
        await app.initialize()
        stack.push_async_callback(_shut_down, app)
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        stack.push_async_callback(_stop, app)
        worker = ChatInboxWorker(app, ctx.db)
        worker.start()
        stack.push_async_callback(worker.stop)
        server = HttpServer(app, secret=secret, worker=worker)
        await server.start()
        stack.push_async_callback(server.stop)
        await app.bot.set_webhook(
            url=hook.url,
            secret_token=secret,
            max_connections=hook.max_connections,
            allowed_updates=hook.allowed_updates or ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
        log.info("webhook set; Telegram delivers updates to %s", hook.url)
        yield server
        # no deleteWebhook: the other instance behind the same URL may still be serving


async def _stop(app: Application) -> None:  # type: ignore[type-arg]
    await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)


async def _shut_down(app: Application) -> None:  # type: ignore[type-arg]
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def refuse_polling_over_a_webhook(app: Application) -> None:  # type: ignore[type-arg]
    """Long polling on PostgreSQL while Telegram has a webhook set: stop with a ConfigError.

    Polling starts with deleteWebhook (PTB's start_polling does), which would silently cut off
    the instances serving that webhook on the same database. Deleting it must be deliberate."""
    ctx = _context(app)
    if ctx.settings.webhook.enabled or ctx.db.is_sqlite:
        return
    await app.bot.initialize()
    info = await app.bot.get_webhook_info()
    if info.url:
        raise ConfigError(
            f"refusing to start with long polling: Telegram delivers this bot's updates to the "
            f"webhook {info.url}, and polling would delete it (the instances serving it would get "
            "nothing more). To run with the webhook, set 'webhook.url' (NEXTSTEPS_WEBHOOK__URL); "
            "to switch to polling for good, first stop those instances and call the Bot API's "
            "deleteWebhook (see README, Production deployment)"
        )


@asynccontextmanager
async def serving(app: Application) -> AsyncIterator[HttpServer | None]:  # type: ignore[type-arg]
    """The bot as configured: webhook mode, or long polling (with the HTTP server if a port is set)."""
    hook = _context(app).settings.webhook
    if hook.enabled:
        async with running_webhook(app) as webhook_server:
            yield webhook_server
        return
    async with running(app), AsyncExitStack() as stack:
        server: HttpServer | None = None
        if hook.serves_http:
            server = HttpServer(app)
            await server.start()
            stack.push_async_callback(server.stop)
        yield server


async def serve_until_stopped(app: Application) -> None:  # type: ignore[type-arg]
    """``nextsteps run`` when it serves HTTP: until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with serving(app):
        await stop.wait()
    log.info("NextSteps stopped")
