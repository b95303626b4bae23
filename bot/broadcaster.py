"""Sends broadcasts in the background, paced by the bot's flood control, recording every delivery.

One task per broadcast being sent, with one send in flight. The task survives any error (logged,
the delivery retried later); deliveries a dead task left 'sending' come back through their
leases (``bot.jobs.housekeeping``), which also restarts a broadcast whose task is gone.
Only the leader sends (``storage.leadership``): on a standby the Send button only stores the
broadcast as 'sending', and the leader's tick starts it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from datetime import timedelta
from enum import Enum

from sqlmodel import Session
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from bot.context import AppContext
from bot.delivery import Outcome, Result, send_chunks, settle
from bot.ratelimit import bulk_traffic
from bot.render_broadcasts import broadcast_progress, broadcast_text, got_it_keyboard
from core import broadcasts, clock, members, subscriptions
from core.i18n import SOURCE_LANGUAGE
from storage.models import Broadcast, Delivery

log = logging.getLogger(__name__)
# One send in flight: the flood limiter (29/s) is the pace anyway, a crash can then leave at most
# one message whose fate is unknown (sent again on restart: at most one duplicate per crash),
# and the chat's own replies never queue behind more than one broadcast message.
IN_FLIGHT = 1
PROGRESS_EVERY = {True: 3.0, False: 4.0}  # seconds between progress edits: private chat, group
BROADCASTER_KEY = "broadcaster"


class Shown(Enum):
    YES = "yes"
    NEVER = "never"  # the message is gone or the sender blocked the bot
    LATER = "later"  # a passing failure


class Frames:
    """One broadcast's text as each language's readers see it: rendered once per language, not
    once per recipient (the secretariat's text is the same in all of them)."""

    def __init__(self, text_html: str) -> None:
        self.text_html = text_html
        self.texts: dict[str, str] = {}

    def text(self, lang: str) -> str:
        found = self.texts.get(lang)
        if found is None:
            found = self.texts[lang] = broadcast_text(self.text_html, lang)
        return found


class Broadcaster:
    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        self.app = app
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.in_flight: set[int] = set()  # deliveries claimed by this process and not yet settled

    @property
    def ctx(self) -> AppContext:
        ctx = self.app.bot_data["nextsteps"]
        assert isinstance(ctx, AppContext)
        return ctx

    def ensure_running(self, broadcast_id: int) -> None:
        if not self.ctx.leadership.is_leader:
            log.debug("broadcast %d: this instance is standby; the leader sends it", broadcast_id)
            return
        task = self.tasks.get(broadcast_id)
        if task is None or task.done():
            # not app.create_task: PTB would wait for a whole broadcast before it can stop;
            # a fresh context: nothing of the update that pressed Send (its inbox mark, its
            # interactive lane) belongs to the broadcast
            self.tasks[broadcast_id] = asyncio.get_running_loop().create_task(
                self._run(broadcast_id), name=f"broadcast-{broadcast_id}", context=contextvars.Context()
            )

    async def stop(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)

    async def _run(self, broadcast_id: int) -> None:
        """Send until every delivery is settled. Survives any error: it is logged once, the
        delivery is retried later, and sending goes on. The progress message ends with the final
        counts; if Telegram can't take that edit now, housekeeping runs this again later."""
        bulk_traffic()  # paced as bulk, even when started from the Send button's handler
        db = self.ctx.db
        broadcast: Broadcast | None = None
        frames: Frames | None = None
        sender_lang = ""  # the sender's progress message's language
        shown: str | None = None
        last_edit = 0.0
        failures = 0
        while True:
            if not self.ctx.leadership.is_leader:  # stepped down: the new leader goes on
                log.info("broadcast %d: no longer the leader; leaving it to the new one", broadcast_id)
                return
            try:
                if broadcast is None:
                    broadcast, sender_lang = await db.run(lambda session: _load(session, broadcast_id))
                    if broadcast is None:
                        return
                    frames = Frames(broadcast.text_html)
                assert frames is not None
                batch, languages = await db.run(lambda session: _claim(session, broadcast_id))
                self.in_flight.update(d.id for d in batch if d.id is not None)
                try:
                    for delivery in batch:
                        lang = languages.get(delivery.id or 0, SOURCE_LANGUAGE)
                        await self._deliver(broadcast, delivery, frames.text(lang), lang)
                finally:
                    self.in_flight.difference_update(d.id for d in batch if d.id is not None)
                done = not batch and await db.run(
                    lambda session: broadcasts.finish_if_done(
                        session=session, broadcast_id=broadcast_id, now=clock.now()
                    )
                )
                if done:
                    await self._show_final(broadcast, sender_lang)
                    return
                if time.monotonic() - last_edit >= PROGRESS_EVERY[broadcast.chat_id > 0]:
                    progress = await db.run(
                        lambda session: broadcasts.progress(session=session, broadcast_id=broadcast_id)
                    )
                    text = broadcast_progress(broadcast_id, progress, done=False, lang=sender_lang)
                    if text != shown:  # never "message is not modified"
                        await self._show(broadcast, text)
                        shown, last_edit = text, time.monotonic()
                failures = 0
                if not batch:
                    await asyncio.sleep(0.5)  # deliveries waiting for a retry
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.exception(
                    "broadcast %d: sending loop failed (%d in a row); going on", broadcast_id, failures
                )
                await asyncio.sleep(min(2**failures, 30))

    async def _show_final(self, broadcast: Broadcast, lang: str) -> None:
        assert broadcast.id is not None
        broadcast_id = broadcast.id
        progress = await self.ctx.db.run(
            lambda session: broadcasts.progress(session=session, broadcast_id=broadcast_id)
        )
        shown = await self._show(broadcast, broadcast_progress(broadcast_id, progress, done=True, lang=lang))
        if shown is not Shown.LATER:  # shown, or it never can be (message gone, chat blocked)
            await self.ctx.db.run(
                lambda session: broadcasts.mark_progress_final(session=session, broadcast_id=broadcast_id),
                completes_work=False,
            )

    async def _show(self, broadcast: Broadcast, text: str) -> Shown:
        """Edit the sender's progress message."""
        if broadcast.progress_message_id is None:
            return Shown.YES
        try:
            await self.app.bot.edit_message_text(
                text, chat_id=broadcast.chat_id, message_id=broadcast.progress_message_id
            )
            return Shown.YES
        except BadRequest as exc:
            if "message is not modified" in exc.message.lower():
                return Shown.YES
            log.info("could not update broadcast progress: %s", exc.message)
            return Shown.NEVER  # gone or not editable: retrying won't help
        except Forbidden:
            log.info("could not update broadcast progress: the sender blocked the bot")
            return Shown.NEVER
        except Exception:
            log.info("could not update broadcast progress; trying again later", exc_info=True)
            return Shown.LATER

    async def _deliver(self, broadcast: Broadcast, delivery: Delivery, text: str, lang: str) -> None:
        """Send ``text`` (the broadcast in the recipient's language ``lang``) with its button."""
        assert delivery.id is not None
        delivery_id = delivery.id
        outcome = await send_chunks(
            self.app.bot,
            delivery.chat_id,
            [text],
            got_it_keyboard(delivery_id, lang),
            what=f"broadcast {broadcast.id} delivery {delivery_id}",
            retry_wait=timedelta(seconds=min(2**delivery.attempts, 60)),
        )
        await settle(
            self.ctx.db,
            lambda session: _record(session, delivery, outcome),
            what=f"broadcast {broadcast.id} delivery {delivery_id}",
        )


def _load(session: Session, broadcast_id: int) -> tuple[Broadcast | None, str]:
    """The broadcast, and the language its sender reads progress in."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        return None, ""
    return broadcast, broadcasts.sender_language(session=session, broadcast=broadcast)


def _claim(session: Session, broadcast_id: int) -> tuple[list[Delivery], dict[int, str]]:
    """The next deliveries to make, with each recipient's language (read in the same transaction)."""
    batch = broadcasts.claim(session=session, broadcast_id=broadcast_id, now=clock.now(), limit=IN_FLIGHT)
    return batch, broadcasts.recipient_languages(session=session, deliveries=batch) if batch else {}


def _record(session: Session, delivery: Delivery, outcome: Outcome) -> None:
    assert delivery.id is not None
    now = clock.now()
    if outcome.result is Result.SENT:
        broadcasts.mark_sent(
            session=session, delivery_id=delivery.id, message_id=outcome.message_ids[-1], now=now
        )
    elif outcome.result is Result.MIGRATED:
        assert outcome.new_chat_id is not None
        broadcasts.move_chat(session=session, delivery_id=delivery.id, new_chat_id=outcome.new_chat_id)
        subscriptions.move_chat(
            session=session, old_chat_id=delivery.chat_id, new_chat_id=outcome.new_chat_id
        )
    elif outcome.result is Result.UNREACHABLE:
        broadcasts.mark_failed(session=session, delivery_id=delivery.id, reason=outcome.reason)
        if delivery.chat_id > 0:
            members.set_reachable(session=session, user_id=delivery.chat_id, reachable=False)
    elif outcome.result is Result.FAILED:
        broadcasts.mark_failed(session=session, delivery_id=delivery.id, reason=outcome.reason)
    else:
        broadcasts.mark_retry(
            session=session, delivery=delivery, now=now, wait=outcome.wait, reason=outcome.reason
        )


def broadcaster(app: Application) -> Broadcaster:  # type: ignore[type-arg]
    found = app.bot_data.get(BROADCASTER_KEY)
    if found is None:
        found = app.bot_data[BROADCASTER_KEY] = Broadcaster(app)
    assert isinstance(found, Broadcaster)
    return found


def resume_broadcasts(app: Application) -> None:  # type: ignore[type-arg]
    """At start, on the leader: sending goes on (with SQLite's single process, deliveries a crash
    left half-done are retried now; with several instances, their leases bring them back)."""
    ctx: AppContext = app.bot_data["nextsteps"]
    if not ctx.leadership.is_leader:
        log.debug("standby: broadcasts are resumed by the leader")
        return
    with ctx.db.session(completes_work=False) as session:
        ids = broadcasts.resume_interrupted(session=session, single_process=ctx.db.is_sqlite)
    for broadcast_id in ids:
        log.warning("resuming broadcast %d", broadcast_id)
        broadcaster(app).ensure_running(broadcast_id)
