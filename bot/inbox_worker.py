"""Webhook mode: each chat's stored updates handled in update_id order, by one instance at a time.

Telegram may deliver one chat's updates to either instance behind the load balancer. Whoever
receives an update stores it (``bot.webhook``) and kicks the chat here: this instance takes the
chat's lease in the database (``storage.chat_leases``; on SQLite, the only process, the
in-process task per chat is enough), handles the chat's pending updates oldest first, releases
the lease and looks once more. So an update stored while the other instance held the chat is
picked up by the holder's last look; and a sweep every few seconds takes any chat whose updates
wait longer than that (a lease of an instance that died expires after ``LEASE``).

An update is handled through PTB's update processor (``bot.updates.PerChatUpdateProcessor``),
which marks it done in the inbox, in the handler's own transaction when it wrote anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from storage import chat_leases, inbox
from storage.db import Database
from storage.models import InboxUpdate

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
RENEW_EVERY_SECONDS = 10.0
SWEEP_EVERY_SECONDS = 2.0
SWEEP_AFTER = timedelta(seconds=3)  # an update waiting this long is taken by the sweep
BATCH = 50
STOP_WAIT_SECONDS = 10.0


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class ChatInboxWorker:
    def __init__(self, app: Application, db: Database) -> None:  # type: ignore[type-arg]
        self.app = app
        self.db = db
        self.holder = instance_name()
        self._draining: dict[int | None, asyncio.Task[None]] = {}
        self._again: set[int | None] = set()
        self._handled_unmarked: set[int] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the sweep; its first round takes every chat with updates left from before."""
        self._sweeper = asyncio.create_task(self._sweep_forever(first=True), name="inbox sweep")

    async def stop(self) -> None:
        """Let the chats being handled finish (for a while), then stop."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        tasks = list(self._draining.values())
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=STOP_WAIT_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    def kick(self, chat_id: int | None) -> None:
        """The chat has a new stored update: handle its pending ones (or tell the running drain)."""
        if chat_id in self._draining:
            self._again.add(chat_id)
            return
        task = asyncio.create_task(self._drain(chat_id), name=f"inbox chat {chat_id}")
        self._draining[chat_id] = task

    async def _drain(self, chat_id: int | None) -> None:
        try:
            await self._drain_rounds(chat_id)
        finally:
            # here, with no await since the last look, not in a done callback: a kick landing
            # between the task's end and its callback would find the chat still draining
            if self._draining.get(chat_id) is asyncio.current_task():
                del self._draining[chat_id]

    async def _drain_rounds(self, chat_id: int | None) -> None:
        try:
            while True:
                self._again.discard(chat_id)
                held = await self._take(chat_id)
                if not held:
                    return  # the holder looks again after releasing
                try:
                    await self._handle_pending(chat_id)
                finally:
                    await self._release(chat_id)
                # an update stored while we held the chat, by an instance that could not take it
                left = await self.db.run(
                    lambda session: inbox.pending_for_chat(session=session, chat_id=chat_id, limit=1)
                )
                if not left and chat_id not in self._again:
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # the sweep comes back to this chat
            log.exception("could not handle the stored updates of chat %s", chat_id)

    async def _take(self, chat_id: int | None) -> bool:
        if self.db.is_sqlite:
            return True
        key = chat_leases.NO_CHAT if chat_id is None else chat_id
        return await self.db.run(
            lambda session: chat_leases.take(session=session, chat_id=key, holder=self.holder, lease=LEASE),
            completes_work=False,
        )

    async def _release(self, chat_id: int | None) -> None:
        if self.db.is_sqlite:
            return
        key = chat_leases.NO_CHAT if chat_id is None else chat_id
        try:
            await self.db.run(
                lambda session: chat_leases.release(session=session, chat_id=key, holder=self.holder),
                completes_work=False,
            )
        except Exception:  # it expires on its own
            log.warning("could not release the lease of chat %s", chat_id, exc_info=True)

    async def _handle_pending(self, chat_id: int | None) -> None:
        renewer = None if self.db.is_sqlite else asyncio.create_task(self._keep_lease(chat_id))
        try:
            while True:
                rows = await self.db.run(
                    lambda session: inbox.pending_for_chat(session=session, chat_id=chat_id, limit=BATCH)
                )
                if not rows:
                    return
                for row in rows:
                    await self._handle(row)
        finally:
            if renewer is not None:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer

    async def _keep_lease(self, chat_id: int | None) -> None:
        """A long handler (a big report, replies waiting for a group's flood limit) keeps the chat."""
        while True:
            await asyncio.sleep(RENEW_EVERY_SECONDS)
            try:
                if not await self._take(chat_id):
                    log.error("lost the lease of chat %s while handling it", chat_id)
            except Exception:
                log.warning("could not renew the lease of chat %s", chat_id, exc_info=True)

    async def _handle(self, row: InboxUpdate) -> None:
        update_id = row.update_id
        if update_id not in self._handled_unmarked:
            data: dict[str, Any] = json.loads(row.payload)
            update = Update.de_json(data, self.app.bot)
            try:
                await self.app.update_processor.process_update(update, self.app.process_update(update))
            except Exception:  # the error handler has seen it; the update counts as handled
                log.debug("update %d raised", update_id, exc_info=True)
        # the processor marks it done; if the database failed just then, it must not run twice
        self._handled_unmarked.add(update_id)
        await self.db.run(lambda session: inbox.mark_done(session=session, update_id=update_id))
        self._handled_unmarked.discard(update_id)

    async def _sweep_forever(self, *, first: bool) -> None:
        while True:
            try:
                await self.sweep(everything=first)
                first = False
            except Exception:
                log.warning("inbox sweep failed; trying again", exc_info=True)
            await asyncio.sleep(SWEEP_EVERY_SECONDS)

    async def sweep(self, *, everything: bool = False) -> int:
        """Kick every chat whose stored updates wait (all of them at start); returns how many."""
        waited = timedelta(0) if everything else SWEEP_AFTER
        chats = await self.db.run(lambda session: inbox.chats_waiting(session=session, waiting_for=waited))
        for chat_id in chats:
            self.kick(chat_id)
        return len(chats)
