"""Two real `nextsteps run` processes in webhook mode on one PostgreSQL database, behind the
emulator's load-balancing route: a chat's updates land on either instance, yet each is applied
once and in the chat's order."""

from __future__ import annotations

import asyncio
import signal
from datetime import date
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from bot.emulator import Emulator, EmulatorClient, FloodPolicy
from core import members
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import InboxState, InboxUpdate, Role
from tests.conftest import SYSTEM
from tests.e2e.test_broadcast_crash import ADMIN, wait_until
from tests.e2e.test_update_crash import stored_notes
from tests.e2e.webhook_harness import PUBLIC, free_port, start_instance

CHAIRS = [91_000 + n for n in range(30)]
NOTES_EACH = 10


async def wait_healthy(port: int, seconds: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient() as http:
        while True:
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"instance on port {port} never became ready")
            await asyncio.sleep(0.2)


async def handled_by(port: int) -> float:
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "nextsteps_updates_handled_total":
                return float(sample.value)
    return 0.0


async def test_two_instances_apply_each_update_once_in_chat_order(
    tmp_path: Path, postgresql_database: Database
) -> None:
    db = postgresql_database
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
    ports = [free_port(), free_port()]
    async with Emulator(flood=FloodPolicy.off()) as emu, EmulatorClient(emu.control_url) as client:
        for user_id in (ADMIN, *CHAIRS):
            emu.add_user(f"U{user_id}", user_id=user_id, started=True)
        emu.webhook.route(PUBLIC, [f"http://127.0.0.1:{port}" for port in ports])
        bots = [
            await start_instance(emu, tmp_path, str(db.url), port, admins=[ADMIN], name=f"bot{n}")
            for n, port in enumerate(ports)
        ]
        try:
            for port in ports:
                await wait_healthy(port)
            for k in range(NOTES_EACH):
                for chair in CHAIRS:
                    await client.send(chair, f"/note 5 {chair}-{k}")
            total = len(CHAIRS) * NOTES_EACH
            await wait_until(lambda: len(stored_notes(db)) >= total, 120)
            await asyncio.sleep(1.5)  # nothing more may arrive
            shares = [await handled_by(port) for port in ports]
            stats = await client.stats()
        finally:
            for bot in bots:
                bot.send_signal(signal.SIGTERM)
            for bot in bots:
                await asyncio.wait_for(bot.wait(), 30)
    notes = stored_notes(db)
    assert len(notes) == total and set(notes) == {f"{c}-{k}" for c in CHAIRS for k in range(NOTES_EACH)}
    for chair in CHAIRS:
        assert [n for n in notes if n.startswith(f"{chair}-")] == [f"{chair}-{k}" for k in range(NOTES_EACH)]
    assert all(share > 0 for share in shares), f"both instances handle updates: {shares}"
    assert "getupdates" not in stats["calls"]
    with db.session() as session:
        assert not session.exec(select(InboxUpdate).where(InboxUpdate.state == InboxState.PENDING)).all()
    assert all(bot.returncode == 0 for bot in bots)
