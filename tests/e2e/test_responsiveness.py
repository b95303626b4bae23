"""With the default settings (flood limits on, Telegram's limits in the emulator) people feel no
pacing: their own replies go out at once, and one busy chat never delays another."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path

from bot.emulator import FloodPolicy
from core import items as item_service
from tests.e2e.harness import BotWorld, assert_clean, bot_world

DEFAULTS = {"flood": FloodPolicy(), "telegram": {"flood_limits": True}}


async def add_items(world: BotWorld, count: int) -> None:
    with world.db.session() as session:
        for n in range(count):
            item_service.create_item(
                session=session,
                actor=None,
                text=f"Step {n:03d} " + "described at some length for the record " * 3,
                owner_names=["Sweden"],
                due_phrase="2027",
                today=date(2026, 11, 27),
                meeting_margin_days=14,
            )


async def test_sequential_commands_get_replies_without_an_artificial_second(tmp_path: Path) -> None:
    async with bot_world(tmp_path, **DEFAULTS) as world:
        sven = await world.join("Sven", "Sweden")
        await world.client.skip()
        started = time.monotonic()
        for n in range(10):
            status = "in_progress" if n % 2 else "open"
            reply = await world.client.ask(sven, f"/status 2 {status}", timeout=5)
            assert "#2" in reply.text
        elapsed = time.monotonic() - started
        # paced at one a second this takes at least 9 s; unpaced it takes a fraction of that
        assert elapsed < 5, f"10 sequential commands took {elapsed:.1f} s"
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0
        await assert_clean(world)


async def test_a_burst_in_one_chat_does_not_delay_another_person(tmp_path: Path) -> None:
    async with bot_world(tmp_path, **DEFAULTS) as world:
        await add_items(world, 40)  # each /items mine is two messages or more: the burst is paced
        sven = await world.join("Sven", "Sweden")
        pia = await world.join("Pia", "Pakistan")
        await world.client.skip()
        for _ in range(12):
            await world.client.send(sven, "/items mine")
        await asyncio.sleep(0.3)  # the burst is being handled
        started = time.monotonic()
        reply = await world.client.ask(pia, "/whoami", timeout=5)
        waited = time.monotonic() - started
        assert "Pia" in reply.text
        assert waited < 1.0, f"another person's /whoami waited {waited:.2f} s behind the burst"
        # the burst itself is answered in full and in order, without tripping the flood limit
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            lists = [m for m in await world.client.events(after=0, chat_id=sven) if "open items" in m.text]
            if len(lists) >= 12:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.5)  # nothing more may come
        lists = [m for m in await world.client.events(after=0, chat_id=sven) if "open items" in m.text]
        assert len(lists) == 12
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0
        await assert_clean(world)


async def test_a_reply_is_answered_first_while_a_broadcast_runs(tmp_path: Path) -> None:
    from core import members
    from storage.models import Role

    async with bot_world(tmp_path, **DEFAULTS) as world:
        await world.client.ask(world.admin, "/start")
        sven = await world.join("Sven", "Sweden")
        with world.db.session() as session:
            for n in range(200):
                members.enroll(
                    session=session,
                    user_id=60_000 + n,
                    display_name=f"Member {n}",
                    party_name="Pakistan",
                    role=Role.OBSERVER,
                )
        for n in range(200):
            await world.client.user(f"Member {n}", user_id=60_000 + n, started=True)
        _, controls = await world.client.say(world.admin, "/broadcast Meeting moved to 14 March.", expect=2)
        _, (confirm,) = await world.client.press(world.admin, controls, "Everyone", expect=1)
        await world.client.press(world.admin, confirm, "Send")
        await asyncio.sleep(1.5)  # the broadcast is at full speed
        waits = []
        for _ in range(5):
            started = time.monotonic()
            reply = await world.client.ask(sven, "/items mine", timeout=5)
            waits.append(time.monotonic() - started)
            assert "#" in reply.text
        sent = sum(1 for e in world.emulator.world.events if e.text.startswith("📣"))
        assert sent < 200, "the broadcast ended before the test could measure anything"
        assert max(waits) < 1.0, f"/items waited {max(waits):.2f} s behind the broadcast"
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0


async def test_groups_waiting_out_their_flood_limit_do_not_hold_up_other_chats(tmp_path: Path) -> None:
    """Nine groups each ask for long lists, more than Telegram lets a group receive in a minute:
    their replies wait, but a person in a private chat is still answered at once."""
    async with bot_world(tmp_path, **DEFAULTS) as world:
        await add_items(world, 120)  # /items all: five messages or more
        sven = await world.join("Sven", "Sweden")
        groups = [await world.client.group(f"Group {n}", [world.admin, sven]) for n in range(9)]
        for group in groups:
            await world.client.ask(world.admin, "/group on", chat_id=group)
        await world.client.skip()
        for group in groups:
            for _ in range(5):  # 25 messages or more: past 20 a minute
                await world.client.send(world.admin, "/items all", chat_id=group)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:  # until every group has used up its minute
            sent = await world.client.events(after=0)
            if all(sum(1 for e in sent if e.chat_id == g) >= 19 for g in groups):
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError("the groups never reached their limit")
        await asyncio.sleep(0.5)
        started = time.monotonic()
        reply = await world.client.ask(sven, "/whoami", timeout=10)
        waited = time.monotonic() - started
        assert "Sven" in reply.text
        assert waited < 1.0, f"a private /whoami waited {waited:.2f} s behind the groups"
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0, stats["errors"]
