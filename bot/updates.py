"""Concurrent update processing that keeps each chat's updates in order, fairly.

Different chats are served concurrently (one person's round trip doesn't hold up another's),
while updates from one chat are handled strictly one after another, so "/status 5 done"
followed by a reply note can never be applied out of order. A chat waits for its own turn
*before* taking one of the ``MAX_CONCURRENT_UPDATES`` slots, so a person who taps eight times
holds one slot, not eight; and an update whose replies wait for the flood limits (a long list
in a group, at 20 a minute) sets its slot aside meanwhile: one busy chat never delays another.

Each update is handled as "interactive" traffic (see ``bot.ratelimit``) and, once handled, is
marked done in the update inbox (``bot.inbox``) unless the handler's own transaction already did.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import METRICS, send_kind
from bot.ratelimit import PacedRateLimiter, done_handling, handling_update
from storage import inbox
from storage.db import Database, WorkMark, current_work

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 8
# PTB's own semaphore only bounds how many updates may wait; the real limit is ``_slots``.
MAX_WAITING_UPDATES = 4096


def chat_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


class HandlingSlot:
    """One of the processor's slots, held by one update; set aside while its sends wait."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self._held = False

    async def __aenter__(self) -> HandlingSlot:
        await self._slots.acquire()
        self._held = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._held:
            self._held = False
            self._slots.release()

    @asynccontextmanager
    async def set_aside(self) -> AsyncIterator[None]:
        if not self._held:
            yield
            return
        self._held = False
        self._slots.release()
        try:
            yield
        finally:
            await self._slots.acquire()  # if cancelled here, the slot is not held: not released
            self._held = True


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        db: Database | None = None,
        limiter: PacedRateLimiter | None = None,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
    ) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        self.db = db
        self.limiter = limiter
        self.slots = max_concurrent_updates
        self._slots: asyncio.Semaphore | None = None
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # PTB starts updates in arrival order and asyncio locks are FIFO, so waiting on the
        # chat's lock first keeps each chat's order without holding a slot meanwhile.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.slots)
        key = chat_key(update)
        if self.limiter is not None and isinstance(update, Update) and update.effective_chat is not None:
            self.limiter.person_wrote(update.effective_chat.id)
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock, HandlingSlot(self._slots) as slot:
                await self._handle(update, coroutine, slot)
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def _handle(self, update: object, coroutine: Awaitable[Any], slot: HandlingSlot) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        mark = WorkMark(update.update_id)
        work = current_work.set(mark)
        lane = handling_update(update.effective_chat.id if update.effective_chat else None, slot)
        kind = send_kind.set("reply")
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            METRICS.handler_seconds.observe(time.perf_counter() - started)
            METRICS.updates_handled.inc()
            send_kind.reset(kind)
            done_handling(lane)
            current_work.reset(work)
        if not mark.done and self.db is not None:
            try:
                await self.db.run(lambda session: inbox.mark_done(session=session, update_id=mark.update_id))
            except Exception:  # handled, but not recorded: it may be handled again after a restart
                log.exception("could not mark update %d handled", mark.update_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
