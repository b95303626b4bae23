"""ChatInboxWorker's bookkeeping of the chats it is draining (no database needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.inbox_worker import ChatInboxWorker


class LookingDb:
    """SQLite-like (no leases); every look finds nothing; ``on_look[n]`` runs at the n-th look."""

    is_sqlite = True

    def __init__(self) -> None:
        self.looks = 0
        self.on_look: dict[int, Callable[[], object]] = {}

    async def run(self, work: Any, completes_work: bool = True) -> list[Any]:
        self.looks += 1
        if self.looks in self.on_look:
            self.on_look.pop(self.looks)()
        return []


async def test_a_kick_just_after_the_last_look_starts_another_drain() -> None:
    """The kick lands after the drain's last look, before its task's done callbacks ran."""
    db = LookingDb()
    worker = ChatInboxWorker(app=None, db=db)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    # a drain looks twice: its pending updates, then once more after releasing the chat
    db.on_look[2] = lambda: loop.call_soon(worker.kick, 7)
    worker.kick(7)
    for _ in range(50):
        await asyncio.sleep(0.01)
        if db.looks >= 4 and not worker._draining:
            break
    assert db.looks == 4, f"the second kick was lost ({db.looks} looks, again={worker._again})"
    assert worker._draining == {}


async def test_a_finished_drain_leaves_nothing_behind() -> None:
    db = LookingDb()
    worker = ChatInboxWorker(app=None, db=db)  # type: ignore[arg-type]
    worker.kick(None)
    worker.kick(None)  # while draining: noted, looked at again
    await asyncio.sleep(0.05)
    assert worker._draining == {} and db.looks in (2, 4)
