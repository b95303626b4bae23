"""Nothing is stranded: the tick and the broadcaster survive any error, leases bring back what a
dead sender left 'sending', re-plans follow committed changes, and failures are reported honestly."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from core import broadcasts as broadcast_service
from core import clock, members, outreach
from storage.models import (
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryState,
    Followup,
    FollowupKind,
    FollowupState,
    Item,
    ItemEvent,
    Role,
    Status,
)
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world

ONE_DAY_BEFORE = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)  # 09:00 in Vienna, a day before #5 is due
FAST = {"followups": {"tick_seconds": 1}}


def fail_once(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Make ``owner.name`` raise a database error on its first call only."""
    original = getattr(owner, name)
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("injected: the database went away"))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    return calls


async def wait_for(predicate: Any, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.2)


def rows(world: BotWorld, **where: Any) -> list[Followup]:
    with world.db.session() as session:
        query = select(Followup)
        for key, value in where.items():
            query = query.where(getattr(Followup, key) == value)
        return list(session.exec(query).all())


async def texts(world: BotWorld, chat_id: int, contains: str) -> list[str]:
    return [s.text for s in await world.client.events(after=0, chat_id=chat_id) if contains in s.text]


async def test_tick_survives_unclassified_and_database_errors_and_sends_each_once(
    tmp_path: Path, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        pia = await world.join("Pia", "Pakistan")
        # the first reminder hits a 404 PTB doesn't classify, the next a database error
        await world.client.call("faults", method="sendMessage", kind="404", count=1, chat_ids=[sven, pia])
        calls = fail_once(monkeypatch, outreach, "content_for")
        fake_clock.set(ONE_DAY_BEFORE + timedelta(seconds=5))
        await asyncio.sleep(3)
        assert len(calls) >= 2, "the tick stopped after the first error"
        assert not rows(world, state=FollowupState.SENDING), "a row was left 'sending'"
        # the failed rows wait for their retry, then go out, once each
        fake_clock.set(ONE_DAY_BEFORE + timedelta(minutes=10))

        async def both_reminded() -> bool:
            return bool(await texts(world, sven, "Due in 1 day")) and bool(
                await texts(world, pia, "Due in 1 day")
            )

        await wait_for(both_reminded)
        await asyncio.sleep(2)
        for person in (sven, pia):
            reminders = await texts(world, person, "Due in 1 day")
            assert len(reminders) == len(set(reminders)), "a reminder was sent twice"
        assert not rows(world, state=FollowupState.SENDING)
        await assert_clean(world, allowed_errors=("Not Found", "message is not modified"))


async def test_a_row_left_sending_by_a_dead_sender_is_sent_while_the_bot_runs(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        fake_clock.set(ONE_DAY_BEFORE - timedelta(hours=1))
        await asyncio.sleep(1.5)
        (reminder,) = [
            r for r in rows(world, kind=FollowupKind.DEADLINE, due_at=ONE_DAY_BEFORE) if r.chat_id == sven
        ]
        # as if another process claimed it and died: 'sending' with a lease that ended
        with world.db.session() as session:
            row = session.get(Followup, reminder.id)
            assert row is not None
            row.state = FollowupState.SENDING
            row.lease_until = ONE_DAY_BEFORE - timedelta(minutes=1)
        fake_clock.set(ONE_DAY_BEFORE + timedelta(minutes=2))

        async def reminded() -> bool:
            return bool(await texts(world, sven, "Due in 1 day"))

        await wait_for(reminded)
        await asyncio.sleep(1.5)
        assert len(await texts(world, sven, "Due in 1 day")) == 1
        (after,) = rows(world, id=reminder.id)
        assert after.state is FollowupState.SENT


async def add_observers(world: BotWorld, recipients: list[int]) -> None:
    """Observers of Pakistan who started the bot (the secretariat too)."""
    await world.client.ask(world.admin, "/start")
    with world.db.session() as session:
        for user_id in recipients:
            members.enroll(
                session=session,
                user_id=user_id,
                display_name=f"M{user_id}",
                party_name="Pakistan",
                role=Role.OBSERVER,
            )
    for user_id in recipients:
        await world.client.user(f"M{user_id}", user_id=user_id, started=True)


async def start_broadcast(world: BotWorld, recipients: list[int]) -> None:
    await add_observers(world, recipients)
    _, controls = await world.client.say(world.admin, "/broadcast Please confirm receipt.", expect=2)
    _, (confirm,) = await world.client.press(world.admin, controls, "Everyone", expect=1)
    await world.client.press(world.admin, confirm, "Send")


async def broadcast_finished(world: BotWorld) -> str:
    for _ in range(200):
        shown = [
            e.text
            for e in world.emulator.world.events
            if e.chat_id == world.admin and e.text.startswith("📣 Broadcast 1")
        ]
        if shown and "done" in shown[-1]:
            return shown[-1]
        await asyncio.sleep(0.2)
    raise AssertionError(f"the progress message never became final: {shown[-1:]}")


def received(world: BotWorld) -> dict[int, int]:
    counts: dict[int, int] = {}
    for e in world.emulator.world.events:
        if e.kind == "send" and e.text.startswith("📣 From"):
            counts[e.chat_id] = counts.get(e.chat_id, 0) + 1
    return counts


async def test_broadcaster_survives_errors_and_its_progress_message_ends_final(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recipients = [80_000 + n for n in range(20)]
    async with bot_world(tmp_path) as world:
        await world.client.call("faults", method="sendMessage", kind="404", count=2, chat_ids=recipients[:5])
        calls = fail_once(monkeypatch, broadcast_service, "mark_sent")
        claims = fail_once(monkeypatch, broadcast_service, "claim")  # the sending loop itself fails
        await start_broadcast(world, recipients)
        final = await broadcast_finished(world)
        assert len(calls) > 1 and len(claims) > 1
        counts = received(world)
        assert set(counts) >= set(recipients)
        # a 'sent' that could not be recorded at first is recorded later, not sent again
        assert all(n == 1 for chat, n in counts.items() if chat != world.admin)
        with world.db.session() as session:
            states = [d.state for d in session.exec(select(Delivery)).all()]
        assert all(s is DeliveryState.SENT for s in states)
        assert "done" in final and "pending 0" in final and f"Sent {len(recipients) + 1}" in final


async def test_a_broadcast_without_a_sender_is_resumed_while_the_bot_runs(tmp_path: Path) -> None:
    recipients = [81_000 + n for n in range(5)]
    async with bot_world(tmp_path) as world:
        await add_observers(world, recipients)
        with world.db.session() as session:
            broadcast = Broadcast(text_html="Left behind by a dead process", chat_id=world.admin)
            broadcast.state = BroadcastState.SENDING
            session.add(broadcast)
            session.flush()
            assert broadcast.id is not None
            for n, user_id in enumerate(recipients):
                session.add(
                    Delivery(
                        broadcast_id=broadcast.id,
                        chat_id=user_id,
                        label=f"M{user_id}",
                        # one was being sent when its sender died, long ago
                        state=DeliveryState.SENDING if n == 0 else DeliveryState.PENDING,
                        lease_until=clock.now() - timedelta(minutes=10) if n == 0 else None,
                    )
                )

        async def all_received() -> bool:
            return set(received(world)) >= set(recipients)

        await wait_for(all_received, seconds=15)
        assert all(n == 1 for n in received(world).values())


async def test_reply_done_and_reopen_replan_at_once(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        card = await world.card(sven, 5)

        def planned_for_5() -> list[Followup]:
            return [r for r in rows(world, item_id=5, state=FollowupState.PLANNED) if r.chat_id == sven]

        assert planned_for_5(), "the seeded item #5 should have reminders planned"
        reply = await world.client.ask(sven, "done", reply_to=card.message_id)
        assert "done" in reply.text.lower()
        assert planned_for_5() == [], "reminders of a done item are still planned"
        reply = await world.client.ask(sven, "open", reply_to=card.message_id)
        assert planned_for_5(), "reopening did not plan the reminders again"
        await assert_clean(world)


async def test_a_failure_after_the_change_was_saved_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.items as items_handlers

    def broken_render(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("injected: rendering failed")

    async with bot_world(tmp_path) as world:
        sven = await world.join("Sven", "Sweden")
        monkeypatch.setattr(items_handlers, "note_added", broken_render)
        reply = await world.client.ask(sven, "/note 5 Agenda circulated")
        assert "was saved" in reply.text and "nothing was changed" not in reply.text
        with world.db.session() as session:
            notes = session.exec(select(ItemEvent).where(ItemEvent.kind == "note")).all()
        assert [n.note for n in notes] == ["Agenda circulated"]
        errors = world.app.bot_data.pop("test_errors")
        assert [str(e) for e in errors] == ["injected: rendering failed"]

        # a failure before anything was saved still says nothing was changed
        monkeypatch.setattr(items_handlers, "status_changed", broken_render)
        calls = fail_once(monkeypatch, items_handlers.items, "set_status")
        reply = await world.client.ask(sven, "/status 5 done")
        assert len(calls) == 1 and "nothing was changed" in reply.text
        with world.db.session() as session:
            item = session.get(Item, 5)
            assert item is not None and item.status is Status.OPEN
        world.app.bot_data.pop("test_errors")


async def test_a_progress_message_left_unfinished_by_a_crash_is_made_final(tmp_path: Path) -> None:
    """The bot died after the last delivery and before the final edit: at start it is made."""
    async with bot_world(tmp_path, **FAST) as world:
        started = await world.client.ask(world.admin, "/start")
        with world.db.session() as session:
            broadcast = Broadcast(
                text_html="Sent before the crash", chat_id=world.admin, progress_message_id=started.message_id
            )
            broadcast.state = BroadcastState.DONE
            session.add(broadcast)
            session.flush()
            assert broadcast.id is not None
            session.add(
                Delivery(
                    broadcast_id=broadcast.id, chat_id=world.admin, label="Ada", state=DeliveryState.SENT
                )
            )
        final = await broadcast_finished(world)
        assert "Sent 1 · pending 0 · failed 0 of 1" in final
        # the flag is recorded just after the edit Telegram confirmed: give it a moment
        for _ in range(50):
            with world.db.session() as session:
                stored = session.get(Broadcast, broadcast.id)
                assert stored is not None
                if stored.progress_final:
                    break
            await asyncio.sleep(0.1)
        assert stored.progress_final
