"""The bot is SIGKILLed mid-broadcast and restarted: nothing is lost, at most one duplicate."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from bot.emulator import Emulator, EmulatorClient
from core import members
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Role
from tests.conftest import SYSTEM

NEXTSTEPS = str(Path(sys.executable).parent / "nextsteps")
ADMIN = 4242
RECIPIENTS = [70_000 + n for n in range(120)]


def deliveries(emu: Emulator) -> Counter[int]:
    return Counter(
        e.chat_id
        for e in emu.world.events
        if e.kind == "send" and e.text.startswith("📣 From") and e.reply_markup
    )


async def start_bot(emu: Emulator, tmp_path: Path, db_url: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    env.update(
        {
            "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
            "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
            "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
            "NEXTSTEPS_DATABASE__URL": db_url,
            "NEXTSTEPS_SECRETARIAT__ADMINS": f"[{ADMIN}]",
        }
    )
    return await asyncio.create_subprocess_exec(
        NEXTSTEPS, "run", env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def wait_until(predicate, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


async def test_sigkill_mid_broadcast_loses_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    db = Database(db_url)
    db.migrate()
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2027, 1, 20), meeting_margin_days=14, system_actor=SYSTEM
        )
        for user_id in RECIPIENTS:
            members.enroll(
                session=session,
                user_id=user_id,
                display_name=f"R{user_id}",
                party_name="Pakistan",
                role=Role.OBSERVER,
            )
    db.dispose()
    async with Emulator() as emu, EmulatorClient(emu.control_url) as client:  # Telegram's flood limits on
        for user_id in (ADMIN, *RECIPIENTS):
            emu.add_user(f"U{user_id}", user_id=user_id, started=True)
        bot = await start_bot(emu, tmp_path, db_url)
        try:
            _, controls = await client.say(
                ADMIN, "/broadcast Crash test: please confirm receipt.", expect=2, timeout=30
            )
            _, (confirm,) = await client.press(ADMIN, controls, "Everyone", expect=1)
            await client.press(ADMIN, confirm, "Send")
            await wait_until(lambda: sum(deliveries(emu).values()) >= 30, 30)
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            killed_at = sum(deliveries(emu).values())
            assert killed_at < len(RECIPIENTS), "the kill came too late to test anything"

            bot = await start_bot(emu, tmp_path, db_url)
            everyone = set(RECIPIENTS) | {ADMIN}
            await wait_until(lambda: set(deliveries(emu)) >= everyone, 60)
            await asyncio.sleep(1.5)  # nothing more may arrive
        finally:
            bot.send_signal(signal.SIGINT)
            await bot.wait()
        counts = deliveries(emu)
        assert set(counts) == set(RECIPIENTS) | {ADMIN}  # nothing lost
        assert sum(n - 1 for n in counts.values()) <= 1  # at most one duplicate for the one kill
        assert emu.flood.rejected == 0, emu.world.errors
