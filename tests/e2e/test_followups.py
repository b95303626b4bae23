"""Follow-ups through the emulator: on time, exactly once across restarts, unreachable people, digests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.emulator import Emulator, FloodPolicy, Sent
from core import items as item_service
from storage.models import Followup, FollowupKind, FollowupState, Item, Member, Status
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world

# Seeded: next meeting 20 Jan 2027, so items 2, 4, 5 are due 6 Jan 2027 (a Wednesday).
# Everyone is in Europe/Vienna (UTC+1 in winter): 09:00 local is 08:00 UTC.
ONE_DAY_BEFORE = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
ON_THE_DAY = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
FAST = {"followups": {"tick_seconds": 1}}


async def wait_for_message(world: BotWorld, chat_id: int, contains: str, seconds: float = 8) -> Sent:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        for sent in await world.client.events(after=0, chat_id=chat_id, timeout=0.5):
            if contains in sent.text:
                return sent
    raise AssertionError(f"no message containing {contains!r} in chat {chat_id}")


async def messages_containing(world: BotWorld, chat_id: int, contains: str) -> list[Sent]:
    return [s for s in await world.client.events(after=0, chat_id=chat_id) if contains in s.text]


def followups(world: BotWorld, **where: object) -> list[Followup]:
    with world.db.session() as session:
        query = select(Followup)
        for key, value in where.items():
            query = query.where(getattr(Followup, key) == value)
        return list(session.exec(query).all())


async def test_reminder_arrives_at_its_time_with_buttons(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        fake_clock.set(ONE_DAY_BEFORE - timedelta(minutes=1))
        await asyncio.sleep(1.5)
        assert await messages_containing(world, sven, "Due in") == []

        fake_clock.set(ONE_DAY_BEFORE + timedelta(seconds=30))
        reminder = await wait_for_message(world, sven, "Due in 1 day")
        assert "#5" in reminder.text and "before the next meeting (by 6 Jan 2027)" in reminder.text
        assert "✅ Done" in reminder.buttons
        # replying to the reminder adds a note to that item
        reply = await world.client.ask(sven, "Agenda agreed", reply_to=reminder.message_id)
        assert "Note added to #5" in reply.text
        # done: the on-the-day reminder for #5 is dropped
        await world.client.press(sven, reminder, "Done", expect=1)
        fake_clock.set(ON_THE_DAY + timedelta(seconds=30))
        await asyncio.sleep(2)
        assert await messages_containing(world, sven, "Due today") == []
        assert len(await messages_containing(world, sven, "Due in 1 day")) == 1
        await assert_clean(world)


async def test_restart_across_two_reminder_times_sends_each_once(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    db_url = f"sqlite:///{tmp_path / 'kept.db'}"
    settings = {"followups": {"tick_seconds": 1, "grace_hours": 48}}
    async with Emulator(flood=FloodPolicy.off()) as emu:
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, **settings) as world:
            sven = await world.join("Sven", "Sweden")
        # down from 4 Jan 12:00 until 6 Jan 08:05: both reminders fall due meanwhile
        fake_clock.set(ON_THE_DAY + timedelta(minutes=5))
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False, **settings) as world:
            for _ in range(80):
                if len(await messages_containing(world, sven, "Due today")) >= 2:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.5)  # more ticks: nothing more
            # the day-before reminder arrives late, so it too says "due today": once each
            assert len(await messages_containing(world, sven, "Due today: #5")) == 2
        # and a third start sends nothing again
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False, **settings) as world:
            await asyncio.sleep(2.5)
            assert len(await messages_containing(world, sven, "Due today: #5")) == 2
            sent = followups(world, state=FollowupState.SENT, member_id=2)
            assert sorted(r.key.split(":")[3] for r in sent if r.kind is FollowupKind.DEADLINE) == ["0", "1"]


async def test_long_downtime_is_folded_into_one_summary(tmp_path: Path, fake_clock: FakeClock) -> None:
    db_url = f"sqlite:///{tmp_path / 'kept.db'}"
    async with Emulator(flood=FloodPolicy.off()) as emu:
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, **FAST) as world:
            sven = await world.join("Sven", "Sweden")
        fake_clock.set(ON_THE_DAY + timedelta(days=3))  # both reminders are > 24 h old
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False, **FAST) as world:
            summary = await wait_for_message(world, sven, "I was offline")
            # the day-before and on-the-day reminders, the 14-days-before-the-meeting follow-up,
            # and the first overdue nudge (7 Jan) all fell due more than 24 hours ago
            assert "4 reminders" in summary.text and "#5 due in 1 day" in summary.text
            await asyncio.sleep(2)
            assert await messages_containing(world, sven, "Due in") == []
            assert len(await messages_containing(world, sven, "I was offline")) == 1


async def test_blocked_recipient_is_marked_unreachable(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        # Sven blocks the bot; say the my_chat_member update never reached us
        world.emulator.world.users[sven].blocked = True
        fake_clock.set(ONE_DAY_BEFORE + timedelta(seconds=30))
        for _ in range(80):
            if followups(world, state=FollowupState.FAILED):
                break
            await asyncio.sleep(0.1)
        (failed,) = followups(world, state=FollowupState.FAILED)
        assert "blocked" in (failed.last_error or "")
        with world.db.session() as session:
            member = session.exec(select(Member).where(Member.telegram_user_id == sven)).one()
            assert member.reachable is False
        assert followups(world, state=FollowupState.PLANNED, member_id=member.id) == []
        digest = await world.client.ask(world.admin, "/digest")
        assert "Can't reach" in digest.text and "Sven" in digest.text
        # Sven unblocks the bot: his remaining reminders are planned again
        await world.client.block(sven, blocked=False)
        for _ in range(80):
            if followups(world, state=FollowupState.PLANNED, member_id=member.id):
                break
            await asyncio.sleep(0.1)
        assert followups(world, state=FollowupState.PLANNED, member_id=member.id) != []
        await assert_clean(world, allowed_errors=("bot was blocked by the user",))


async def test_weekly_digest_in_a_group_splits_at_item_boundaries(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        group = await world.client.group("Secretariat", [world.admin])
        await world.client.ask(world.admin, "/group on", chat_id=group)
        on = await world.client.ask(world.admin, "/digest on", chat_id=group)
        assert "weekly digest (Mondays at 09:00" in on.text
        with world.db.session() as session:
            for n in range(90):
                item_service.create_item(
                    session=session,
                    actor=None,
                    text=f"Overdue step {n:03d} " + "with context " * 12,
                    owner_names=["Secretariat"],
                    due_phrase="2026-12-01",
                    today=fake_clock().date(),
                    meeting_margin_days=14,
                )
        monday = datetime(2027, 1, 11, 8, 0, 30, tzinfo=UTC)  # Monday 09:00:30 in Vienna
        await world.client.skip()
        fake_clock.set(monday)
        parts: list[Sent] = []
        while not parts or "Changes since" not in parts[-1].text:
            parts += await world.client.replies(group, 1)
        assert parts[0].text.startswith("Weekly digest"), [p.text[:60] for p in parts]
        assert len(parts) >= 2
        text = "\n".join(p.text for p in parts)
        for n in range(90):
            assert text.count(f"Overdue step {n:03d} ") == 1
        assert all(len(p.text) <= 4096 for p in parts)
        await asyncio.sleep(2)
        assert len(await messages_containing(world, group, "Weekly digest")) == 1
        # the admin only ever wrote in the group, so their own follow-ups can't reach them
        await assert_clean(world, allowed_errors=("message is not modified", "can't initiate conversation"))


async def test_quiet_hours_and_reminder_switch(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        sven = await world.join("Sven", "Sweden")
        assert "Quiet hours 08:00–10:00" in (await world.client.ask(sven, "/quiet 08:00-10:00")).text
        planned = followups(world, state=FollowupState.PLANNED, kind=FollowupKind.DEADLINE)
        assert planned and all(r.due_at.hour == 9 for r in planned)  # 10:00 Vienna
        assert "Use /quiet 22:00-07:00" in (await world.client.ask(sven, "/quiet 25:00-07:00")).text
        assert "Use /reminders off" in (await world.client.ask(sven, "/reminders maybe")).text
        off = await world.client.ask(sven, "/reminders off")
        assert "still get the follow-ups before each meeting" in off.text
        assert followups(world, state=FollowupState.PLANNED, kind=FollowupKind.DEADLINE) == []
        assert followups(world, state=FollowupState.PLANNED, kind=FollowupKind.PREMEETING)
        await world.client.ask(sven, "/reminders on")
        assert followups(world, state=FollowupState.PLANNED, kind=FollowupKind.DEADLINE)
        with world.db.session() as session:
            assert session.get(Item, 5).status is Status.OPEN  # type: ignore[union-attr]


async def test_premeeting_followup_lists_open_items_with_buttons(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        tarik = await world.join("Tarik", "Chairmanship")
        await world.client.ask(world.admin, "/start")
        fake_clock.set(ON_THE_DAY + timedelta(seconds=30))  # 14 days before the 20 Jan meeting
        followup = await wait_for_message(world, tarik, "Please update your open items")
        assert "33rd Senior Officials Meeting is in 14 days" in followup.text
        for number in (1, 2, 3, 4, 5):
            assert f"#{number} " in followup.text
        assert "#5 ✅" in followup.buttons
        report = await wait_for_message(world, world.admin, "who has updated since the last follow-up")
        assert "⏳ Chairmanship (Türkiye) — no update" in report.text
        answer, (edited,) = await world.client.press(tarik, followup, "#5 ✅", expect=1)
        assert answer["text"] == "#5 is now done."
        assert edited.kind == "edit" and edited.text == followup.text  # the list stays
        assert not any(b.startswith("#5 ") for b in edited.buttons) and "#4 ✅" in edited.buttons
        with world.db.session() as session:
            assert session.get(Item, 5).status is Status.DONE  # type: ignore[union-attr]
        await assert_clean(world)
