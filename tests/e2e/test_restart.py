"""Data and updates survive the bot stopping: nothing is lost, nothing is done twice."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.emulator import Emulator, EmulatorClient, FloodPolicy
from storage.models import Item, ItemEvent, Status
from tests.e2e.harness import assert_clean, bot_world


async def test_data_and_pending_updates_survive_a_restart(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'kept.db'}"
    async with Emulator(flood=FloodPolicy.off()) as emu:
        async with bot_world(tmp_path, emulator=emu, db_url=db_url) as world:
            sven = await world.join("Sven", "Sweden")
            card = await world.card(sven, 5)
            await world.client.press(sven, card, "In progress", expect=1)

        # The bot is down: Sven keeps writing. Telegram keeps these updates for the bot.
        async with EmulatorClient(emu.control_url) as offline:
            await offline.skip()
            cursor = offline.cursor
            await offline.send(sven, "Agenda circulated", reply_to=card.message_id)
            await offline.send(sven, "/status 5 done")
            assert await offline.quiet(sven, 0.3) == []

        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False) as world:
            world.client.cursor = cursor
            # both updates queued while the bot was down are handled, once each, in order
            answers = await world.client.replies(sven, 2)
            assert "📝 Note added to #5." in answers[0].text
            assert "✅ #5 is now done." in answers[1].text
            card = await world.card(sven, 5)
            assert "#5 · ✅ done" in card.text
            assert "Agenda circulated" in card.text
            with world.db.session() as session:
                item = session.get(Item, 5)
                assert item is not None and item.status is Status.DONE
                notes = session.exec(select(ItemEvent).where(ItemEvent.kind == "note")).all()
                assert [n.note for n in notes] == ["Agenda circulated"]
                statuses = session.exec(select(ItemEvent).where(ItemEvent.kind == "status")).all()
                assert [(s.old_value, s.new_value) for s in statuses] == [
                    ("open", "in_progress"),
                    ("in_progress", "done"),
                ]
            await assert_clean(world)


async def test_chair_flow_on_postgresql(tmp_path: Path, postgresql_database: object) -> None:
    """The same bot on PostgreSQL: join, update by button, note by reply."""
    from storage.db import Database

    assert isinstance(postgresql_database, Database)
    async with bot_world(tmp_path, db_url=postgresql_database.url) as world:
        sven = await world.join("Sven", "Sweden")
        card = await world.card(sven, 5)
        await world.client.press(sven, card, "Done", expect=1)
        reply = await world.client.ask(sven, "Minutes shared", reply_to=card.message_id)
        assert "Note added to #5" in reply.text
        with world.db.session() as session:
            item = session.get(Item, 5)
            assert item is not None and item.status is Status.DONE
        await assert_clean(world)
