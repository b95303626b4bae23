"""Sends broadcasts in the background, paced by the bot's flood control, recording every delivery.

One task per broadcast being sent. A handful of sends are in flight at a time, so the global
limiter never has a long queue in front of the chat's own replies.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.context import AppContext
from bot.ratelimit import retry_after
from bot.render_broadcasts import broadcast_progress, broadcast_text
from core import broadcasts, clock, members, subscriptions
from storage.models import Broadcast, Delivery

log = logging.getLogger(__name__)
# One send in flight: the flood limiter (29/s) is the pace anyway, a crash can then leave at most
# one message whose fate is unknown (sent again on restart: at most one duplicate per crash),
# and the chat's own replies never queue behind more than one broadcast message.
IN_FLIGHT = 1
PROGRESS_EVERY = {True: 3.0, False: 4.0}  # seconds between progress edits: private chat, group
BROADCASTER_KEY = "broadcaster"


def got_it_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("✅ Got it", callback_data=f"ack:{delivery_id}")]])


def _forbidden_reason(message: str) -> str:
    text = message.lower()
    if "blocked" in text:
        return "blocked the bot"
    if "initiate" in text:
        return "never started the bot"
    if "kicked" in text or "not a member" in text:
        return "the bot was removed from the group"
    return message


class Broadcaster:
    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.app = app
        self.tasks: dict[int, asyncio.Task[None]] = {}

    @property
    def ctx(self) -> AppContext:
        ctx = self.app.bot_data["nextsteps"]
        assert isinstance(ctx, AppContext)
        return ctx

    def ensure_running(self, broadcast_id: int) -> None:
        task = self.tasks.get(broadcast_id)
        if task is None or task.done():
            # not app.create_task: PTB would wait for a whole broadcast before it can stop
            self.tasks[broadcast_id] = asyncio.get_running_loop().create_task(
                self._run(broadcast_id), name=f"broadcast-{broadcast_id}"
            )

    async def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)

    async def _run(self, broadcast_id: int) -> None:
        db = self.ctx.db
        with db.session() as session:
            broadcast = session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        shown: str | None = None
        last_edit = 0.0
        gate = asyncio.Semaphore(IN_FLIGHT)
        while True:
            with db.session() as session:
                batch = broadcasts.claim(
                    session=session, broadcast_id=broadcast_id, now=clock.now(), limit=IN_FLIGHT
                )
            if batch:
                await asyncio.gather(*(self._deliver(broadcast, d, gate) for d in batch))
            with db.session() as session:
                done = not batch and broadcasts.finish_if_done(
                    session=session, broadcast_id=broadcast_id, now=clock.now()
                )
            interval = PROGRESS_EVERY[broadcast.chat_id > 0]
            if done or time.monotonic() - last_edit >= interval:
                with db.session() as session:
                    progress = broadcasts.progress(session=session, broadcast_id=broadcast_id)
                text = broadcast_progress(broadcast_id, progress, done=done)
                if text != shown:  # never "message is not modified"
                    shown, last_edit = text, time.monotonic()
                    await self._show(broadcast, text)
            if done:
                return
            if not batch:
                await asyncio.sleep(0.5)  # deliveries waiting for a retry

    async def _show(self, broadcast: Broadcast, text: str) -> None:
        if broadcast.progress_message_id is None:
            return
        try:
            await self.app.bot.edit_message_text(
                text, chat_id=broadcast.chat_id, message_id=broadcast.progress_message_id
            )
        except BadRequest as exc:
            if "message is not modified" not in exc.message.lower():
                log.info("could not update broadcast progress: %s", exc.message)
        except (Forbidden, NetworkError):
            log.info("could not update broadcast progress", exc_info=True)

    async def _deliver(self, broadcast: Broadcast, delivery: Delivery, gate: asyncio.Semaphore) -> None:
        db = self.ctx.db
        assert delivery.id is not None
        async with gate:
            try:
                sent = await self.app.bot.send_message(
                    delivery.chat_id,
                    broadcast_text(broadcast.text_html),
                    reply_markup=got_it_keyboard(delivery.id),
                )
            except ChatMigrated as exc:
                with db.session() as session:
                    broadcasts.move_chat(
                        session=session, delivery_id=delivery.id, new_chat_id=exc.new_chat_id
                    )
                    subscriptions.move_chat(
                        session=session, old_chat_id=delivery.chat_id, new_chat_id=exc.new_chat_id
                    )
                return
            except Forbidden as exc:
                with db.session() as session:
                    broadcasts.mark_failed(
                        session=session, delivery_id=delivery.id, reason=_forbidden_reason(exc.message)
                    )
                    if delivery.chat_id > 0:
                        members.set_reachable(session=session, user_id=delivery.chat_id, reachable=False)
                return
            except BadRequest as exc:
                with db.session() as session:
                    broadcasts.mark_failed(session=session, delivery_id=delivery.id, reason=exc.message)
                return
            except RetryAfter as exc:
                self._retry(delivery, retry_after(exc), str(exc))
                return
            except (TimedOut, NetworkError) as exc:
                self._retry(delivery, timedelta(seconds=min(2**delivery.attempts, 60)), str(exc))
                return
            with db.session() as session:
                broadcasts.mark_sent(
                    session=session, delivery_id=delivery.id, message_id=sent.message_id, now=clock.now()
                )

    def _retry(self, delivery: Delivery, wait: timedelta, reason: str) -> None:
        with self.ctx.db.session() as session:
            broadcasts.mark_retry(
                session=session, delivery=delivery, now=clock.now(), wait=wait, reason=reason
            )


def broadcaster(app: Application) -> Broadcaster:  # type: ignore[type-arg]
    found = app.bot_data.get(BROADCASTER_KEY)
    if found is None:
        found = app.bot_data[BROADCASTER_KEY] = Broadcaster(app)
    assert isinstance(found, Broadcaster)
    return found


def resume_broadcasts(app: Application) -> None:  # type: ignore[type-arg]
    """At start: deliveries a crash left half-done are retried, and sending goes on."""
    ctx: AppContext = app.bot_data["nextsteps"]
    with ctx.db.session() as session:
        ids = broadcasts.resume_interrupted(session=session)
    for broadcast_id in ids:
        log.warning("resuming broadcast %d", broadcast_id)
        broadcaster(app).ensure_running(broadcast_id)
