"""No lost update: every update is stored before Telegram is told it arrived.

PTB's poller confirms a getUpdates batch (by asking for the next offset) as soon as it has put
the batch into the application's update queue — before anything was handled. This queue stores
each update in the database inbox (``storage.inbox``) inside ``put``, so by the time the poller
confirms, the update is durable. A redelivered update that is already stored is dropped.
At start, updates stored but never handled (a crash) are queued again, in order, before polling
starts. A webhook request stores its update with ``store_once`` before answering 200
(``bot.webhook``); the chat's stored updates are then handled by ``bot.inbox_worker``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Bot, Update

from bot.updates import chat_key
from storage import inbox
from storage.db import Database

log = logging.getLogger(__name__)
STORE_RETRY_MAX_SECONDS = 10.0


class DurableUpdateQueue(asyncio.Queue[object]):
    """The application's update queue, backed by the database inbox."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._store(item):
            log.info("update %d was already received; not handling it twice", item.update_id)
            return
        await super().put(item)

    async def store_once(self, update: Update) -> bool:
        """Store ``update`` (one try; raises if the database fails); False if already stored."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        chat_id = chat_key(update) or None
        return await self.db.run(
            lambda session: inbox.store(
                session=session, update_id=update.update_id, chat_id=chat_id, payload=payload
            )
        )

    async def _store(self, update: Update) -> bool:
        """Store until it worked: while the database is down, nothing is confirmed to Telegram."""
        wait = 0.5
        while True:
            try:
                return await self.store_once(update)
            except Exception:
                log.exception("could not store update %d; retrying in %.1f s", update.update_id, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, STORE_RETRY_MAX_SECONDS)

    async def requeue_unhandled(self, bot: Bot) -> int:
        """Queue what a crash left stored but unhandled, oldest first; returns how many."""
        rows = await self.db.run(lambda session: inbox.pending(session=session))
        for row in rows:
            data: dict[str, Any] = json.loads(row.payload)
            update = Update.de_json(data, bot)
            await super().put(update)
        if rows:
            log.warning("handling %d update(s) received before the last stop but not handled", len(rows))
        return len(rows)
