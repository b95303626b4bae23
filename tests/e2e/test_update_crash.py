"""The real `nextsteps run` is SIGKILLed while 40 notes from 8 chairs are in flight, then
restarted: every note is stored, at most one twice, and each chair's notes in the order sent."""

from __future__ import annotations

import asyncio
import signal
from datetime import date
from pathlib import Path

from sqlmodel import select

from bot.emulator import Emulator, EmulatorClient
from core import members
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import InboxState, InboxUpdate, ItemEvent, Role
from tests.conftest import SYSTEM
from tests.e2e.test_broadcast_crash import ADMIN, start_bot, wait_until

CHAIRS = [90_000 + n for n in range(8)]
NOTES_EACH = 5


def stored_notes(db: Database) -> list[str]:
    with db.session() as session:
        return [
            e.note or ""
            for e in session.exec(
                select(ItemEvent).where(ItemEvent.kind == "note").order_by(ItemEvent.id)
            ).all()
        ]


async def test_sigkill_with_notes_in_flight_loses_none(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'notes.db'}"
    db = Database(db_url)
    db.migrate()
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2027, 1, 20), meeting_margin_days=14, system_actor=SYSTEM
        )
        for user_id in CHAIRS:
            members.enroll(
                session=session,
                user_id=user_id,
                display_name=f"Chair {user_id}",
                party_name="Sweden",
                role=Role.CHAIR,
            )
    async with Emulator() as emu, EmulatorClient(emu.control_url) as client:  # Telegram's limits on
        for user_id in (ADMIN, *CHAIRS):
            emu.add_user(f"U{user_id}", user_id=user_id, started=True)
        bot = await start_bot(emu, tmp_path, db_url)
        try:
            await client.ask(ADMIN, "/whoami", timeout=30)  # the bot is up
            # replies take a while, so the kill finds notes stored, being handled and waiting
            await client.call("faults", method="sendMessage", kind="slow", seconds=0.2, count=10_000)
            for k in range(NOTES_EACH):
                for chair in CHAIRS:
                    await client.send(chair, f"/note 5 {chair}-{k}")
            await wait_until(lambda: len(stored_notes(db)) >= 8, 30)
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            assert len(stored_notes(db)) < len(CHAIRS) * NOTES_EACH, "the kill came too late"

            bot = await start_bot(emu, tmp_path, db_url)
            await wait_until(lambda: len(set(stored_notes(db))) >= len(CHAIRS) * NOTES_EACH, 60)
            await asyncio.sleep(2)  # nothing more may arrive
        finally:
            bot.send_signal(signal.SIGINT)
            await bot.wait()
        notes = stored_notes(db)
        expected = {f"{chair}-{k}" for chair in CHAIRS for k in range(NOTES_EACH)}
        assert set(notes) == expected  # nothing lost
        assert len(notes) - len(set(notes)) <= 1  # at most one duplicate for the one kill
        for chair in CHAIRS:  # each chat's order kept
            mine = [n for n in dict.fromkeys(notes) if n.startswith(f"{chair}-")]
            assert mine == [f"{chair}-{k}" for k in range(NOTES_EACH)]
        with db.session() as session:
            left = session.exec(select(InboxUpdate).where(InboxUpdate.state == InboxState.PENDING)).all()
        assert not left, "updates were left unhandled"
    db.dispose()
