"""On a standby instance the leader-only work does nothing: the follow-up tick claims no row and
the Send button's broadcast is left, stored, for the leader's tick to start (which it does)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlmodel import select

from bot import jobs
from bot.app import build_application, running
from bot.broadcaster import broadcaster
from bot.context import APP_KEY, AppContext
from bot.emulator import Emulator
from core import clock
from core.config import Settings
from storage.db import Database
from storage.leadership import Leadership
from storage.models import Broadcast, BroadcastState, Delivery, Followup, FollowupKind, FollowupState
from tests.e2e.harness import make_settings


def context_of(db: Database, leadership: Leadership) -> Any:
    ctx = AppContext(settings=Settings(), db=db, leadership=leadership)
    application = SimpleNamespace(bot_data={APP_KEY: ctx})
    return SimpleNamespace(bot_data=application.bot_data, application=application)


async def test_a_standby_neither_sends_followups_nor_broadcasts(postgresql_database: Database) -> None:
    db = postgresql_database
    leader, standby = Leadership(db), Leadership(db)
    try:
        assert leader.check() and not standby.check()
        with db.session() as session:
            session.add(
                Followup(
                    key="deadline:1:0:2026-05-04",
                    kind=FollowupKind.DEADLINE,
                    chat_id=1,
                    due_at=clock.now() - timedelta(minutes=1),
                )
            )
            broadcast = Broadcast(text_html="Hi", chat_id=1, state=BroadcastState.SENDING)
            session.add(broadcast)
            session.flush()
            assert broadcast.id is not None
            broadcast_id = broadcast.id
            session.add(Delivery(broadcast_id=broadcast_id, chat_id=2))
        context = context_of(db, standby)

        await jobs.tick(context)
        sender = broadcaster(context.application)
        sender.ensure_running(broadcast_id)  # what the Send button does
        await jobs.renew_leases(context)

        assert sender.tasks == {}
        assert not context.bot_data[APP_KEY].runtime.leading
        with db.session() as session:
            assert session.exec(select(Followup.state)).one() is FollowupState.PLANNED
            assert session.exec(select(Broadcast.state)).one() is BroadcastState.SENDING  # for the leader

        leading = context_of(db, leader)
        await jobs.tick(leading)  # the leader's tick starts the broadcast the standby stored
        leader_sender = broadcaster(leading.application)
        assert set(leader_sender.tasks) == {broadcast_id}
        await leader_sender.stop()
        assert leading.bot_data[APP_KEY].runtime.leading
    finally:
        leader.release()
        standby.release()


def test_on_sqlite_the_app_context_leads_by_default(sqlite_database: Database) -> None:
    ctx = AppContext(settings=Settings(), db=sqlite_database)
    assert ctx.leadership.is_leader and ctx.leadership.role == "leader"


async def test_expired_leases_are_released_at_every_tick_not_once_a_minute(
    postgresql_database: Database,
) -> None:
    """A dead leader's 'sending' rows come back as soon as their leases end."""
    db = postgresql_database
    leader = Leadership(db)
    try:
        assert leader.check()
        context = context_of(db, leader)
        await jobs.housekeeping(context)  # the minute's housekeeping has just run
        with db.session() as session:
            session.add(
                Followup(
                    key="deadline:1:0:2026-05-04",
                    kind=FollowupKind.DEADLINE,
                    chat_id=1,
                    due_at=clock.now() - timedelta(minutes=5),
                    state=FollowupState.SENDING,
                    lease_until=clock.now() - timedelta(seconds=1),
                )
            )
        await jobs.housekeeping(context)  # the next tick, seconds later
        with db.session() as session:
            assert session.exec(select(Followup.state)).one() is FollowupState.PLANNED
    finally:
        leader.release()


async def test_a_standby_that_takes_over_ticks_at_once(postgresql_database: Database) -> None:
    """Not up to tick_seconds later (30 s by default): the role flip runs a tick."""
    db = postgresql_database
    holder = Leadership(db)
    assert holder.check()
    try:
        async with Emulator() as emu:
            settings = make_settings(
                emu,
                str(db.url),
                followups={"tick_seconds": 3600},
                cluster={"leader_check_seconds": 0.2},
            )
            app = build_application(settings, db)
            ctx = app.bot_data[APP_KEY]
            async with running(app):
                await asyncio.sleep(1)  # the first scheduled tick (at 0.5 s) ran as standby
                assert not ctx.runtime.leading and not ctx.leadership.is_leader
                holder.release()
                released = time.monotonic()
                while not ctx.runtime.leading:
                    assert time.monotonic() - released < 3, "no tick at the take-over"
                    await asyncio.sleep(0.05)
    finally:
        holder.release()
