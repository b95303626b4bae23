"""Which instance leads: the one holding a PostgreSQL session advisory lock.

Several instances may serve one PostgreSQL database (webhooks behind a load balancer); exactly
one of them, the *leader*, runs the work that must happen once: the follow-up tick, planned
re-plans, broadcast sending and the housekeeping that releases expired leases. The others are
*standby*: they answer people and store what they are asked to (a broadcast to send is stored as
'sending' and the leader's tick picks it up), and every ``check_seconds`` they try to take over.

The lock is held by a connection of its own (not from the pool that serves requests), made with
TCP keepalives on both ends, so the lock goes with the process: when the leader is killed or its
connection dies, PostgreSQL ends its session and releases the lock, and a standby takes it at its
next check. The leader verifies its connection at every check (``SELECT 1``) and steps down when
it is gone; it also stops counting as leader when its last good check is too old (a check stuck
on a dead network). What a dead leader left half-done comes back through the leases of its rows.

Re-plans after a change are not leader-only: they are database work done by the instance that
handled the change, right away, serialised across instances by a transaction advisory lock (see
``core.schedule.sync_in_chunks``), so the leader sends from a plan that already reflects the change.

On SQLite there is one process, and it always leads.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from storage.db import Database

log = logging.getLogger(__name__)
LEADER_LOCK = 0x4E53_0003  # "NS" 3 (see storage.db for the other keys)
DEFAULT_CHECK_SECONDS = 5.0
STALE_CHECKS = 3  # a leader whose last good check is older than this many intervals stops leading
# Both ends notice a vanished peer within seconds: libpq's keepalives (this side) and the server's
# (settable per session), so the lock of a leader cut off by the network is released in ~25 s.
KEEPALIVE_ARGS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "options": "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
}

Role = Literal["leader", "standby"]


class Leadership:
    """This instance's role, kept current by ``check`` (blocking) or ``start``/``stop`` (a task)."""

    def __init__(self, db: Database, *, check_seconds: float = DEFAULT_CHECK_SECONDS) -> None:
        self.check_seconds = check_seconds
        self.always_leader = db.is_sqlite
        self._engine: Engine | None = None
        if not self.always_leader:
            self._engine = create_engine(db.engine.url, poolclass=NullPool, connect_args=KEEPALIVE_ARGS)
        self._conn: Connection | None = None
        self._confirmed_at: float | None = None  # monotonic time of the last good check as leader
        self._task: asyncio.Task[None] | None = None
        self._checking = threading.Lock()  # a check still running on its thread vs release()
        # called (in the event loop) when a background check makes this instance the leader: the
        # leader's work starts then, not at its next scheduled run (bot.jobs runs a tick)
        self.on_lead: Callable[[], object] | None = None

    @property
    def is_leader(self) -> bool:
        if self.always_leader:
            return True
        confirmed = self._confirmed_at
        return confirmed is not None and time.monotonic() - confirmed < self.check_seconds * STALE_CHECKS

    @property
    def role(self) -> Role:
        return "leader" if self.is_leader else "standby"

    def check(self) -> bool:
        """One round: a leader verifies its connection (stepping down if it is gone), a standby
        tries to take the lock. Blocking; never raises. Returns whether this instance leads."""
        if self.always_leader:
            return True
        with self._checking:
            return self._check()

    def _check(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                self._confirmed_at = time.monotonic()
            except Exception as exc:
                log.warning(
                    "leadership: the lock's connection is gone (%s); stepping down", exc.__class__.__name__
                )
                self._drop()
            # a leader that lost its connection tries again at the next check, not now: the
            # standby that noticed first takes over
            return self.is_leader
        try:
            conn = self._connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK}).scalar()
            conn.commit()
        except Exception as exc:
            log.debug("leadership: could not try the lock (%s)", exc.__class__.__name__)
            return False
        if not got:
            conn.close()
            log.debug("leadership: another instance leads; standing by")
            return False
        self._conn = conn
        self._confirmed_at = time.monotonic()
        log.info("leadership: this instance is now the leader")
        return True

    def _connect(self) -> Connection:
        assert self._engine is not None
        return self._engine.connect()

    def _drop(self) -> None:
        self._confirmed_at = None
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back to a pool: the session (and its lock) must end
                conn.close()
            except Exception:
                log.debug("leadership: closing a dead connection failed", exc_info=True)

    def release(self) -> None:
        """Give up the lead (at shutdown): a standby takes over at its next check."""
        with self._checking:
            if self._conn is not None:
                log.info("leadership: stepping down")
            self._drop()

    async def run(self) -> None:
        """Check every ``check_seconds`` until cancelled (the check runs on a thread); call
        ``on_lead`` when this instance becomes the leader."""
        while True:
            await asyncio.sleep(self.check_seconds)
            was_leader = self.is_leader
            if await asyncio.to_thread(self.check) and not was_leader and self.on_lead is not None:
                try:
                    self.on_lead()
                except Exception:
                    log.exception("leadership: starting the leader's work failed")

    async def start(self) -> None:
        """The first check now (so the role is known before any job runs), then one every
        ``check_seconds`` in the background."""
        if self.always_leader:
            return
        await asyncio.to_thread(self.check)
        log.info("leadership: starting as %s", self.role)
        self._task = asyncio.get_running_loop().create_task(self.run(), name="leadership")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await asyncio.to_thread(self.release)
        if self._engine is not None:
            self._engine.dispose()
