"""With Telegram's flood limits on in the emulator, the bot paces itself: no 429s, nothing lost."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bot.emulator import FloodPolicy
from core import items as item_service
from tests.e2e.harness import assert_clean, bot_world


async def test_split_list_and_quick_commands_respect_per_chat_limit(tmp_path: Path) -> None:
    async with bot_world(tmp_path, flood=FloodPolicy(), telegram={"flood_limits": True}) as world:
        with world.db.session() as session:
            for n in range(120):
                item_service.create_item(
                    session=session,
                    actor=None,
                    text=f"Step {n:03d} " + "described at some length for the record " * 3,
                    owner_names=["Secretariat"],
                    due_phrase="2027",
                    today=date(2026, 11, 27),
                    meeting_margin_days=14,
                )
        await world.client.skip()
        started = time.monotonic()
        await world.client.send(world.admin, "/items all")
        for command in ("/meeting", "/whoami", "/parties"):
            await world.client.send(world.admin, command)
        messages = []
        while not any(m.text.startswith("Parties") for m in messages):
            messages += await world.client.replies(world.admin, 1, timeout=30)
        elapsed = time.monotonic() - started
        texts = "\n".join(m.text for m in messages)
        assert len(messages) >= 5
        assert all(f"Step {n:03d} " in texts for n in range(120))
        assert "Next meeting" in texts and "You are" in texts and "Parties" in texts
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0, "the bot tripped Telegram's flood limit"
        # four answers owed (one per command) and a burst of three go at once, the rest paced
        assert elapsed >= len(messages) - 4 - 3 - 0.5
        await assert_clean(world)
