"""Time as each person lives it: a private digest on the subscriber's wall clock and calendar,
broadcast dates in the viewer's timezone; all of it on the one clock tests can move."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from core import clock
from storage.models import Broadcast, Followup, FollowupKind, FollowupState
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world
from tests.e2e.test_followups import wait_for_message

FAST = {"followups": {"tick_seconds": 1}}
SATURDAY = datetime(2027, 1, 9, 12, 0, tzinfo=UTC)
# Monday 11 Jan 2027, 09:00: in Auckland (UTC+13) that is Sunday 20:00 UTC; in Vienna 08:00 UTC
AUCKLAND_MONDAY_NINE = datetime(2027, 1, 10, 20, 0, tzinfo=UTC)
VIENNA_MONDAY_NINE = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock(SATURDAY)
    monkeypatch.setattr(clock, "now", fake)
    yield fake


def planned_digests(world: BotWorld, chat_id: int) -> list[datetime]:
    with world.db.session() as session:
        rows = session.exec(
            select(Followup).where(
                Followup.chat_id == chat_id,
                Followup.kind == FollowupKind.DIGEST,
                Followup.state == FollowupState.PLANNED,
            )
        ).all()
        return sorted(row.due_at for row in rows)


async def test_a_private_digest_follows_the_subscribers_timezone(
    tmp_path: Path, moved_clock: FakeClock
) -> None:
    async with bot_world(tmp_path, **FAST) as world:
        client, admin = world.client, world.admin
        sven = await world.join("Sven", "Sweden")
        on = await client.ask(sven, "/digest on")
        assert on.text == "📰 This chat gets the weekly digest (Mondays at 09:00, Europe/Vienna)."
        assert planned_digests(world, sven) == [VIENNA_MONDAY_NINE]

        await client.ask(sven, "/tz Pacific/Auckland")  # his digest moves with him
        assert planned_digests(world, sven) == [AUCKLAND_MONDAY_NINE]
        await client.ask(sven, "/digest off")
        again = await client.ask(sven, "/digest on")
        assert again.text == "📰 This chat gets the weekly digest (Mondays at 09:00, Pacific/Auckland)."
        await client.ask(admin, "/digest on")  # the secretariat's own, in Vienna
        assert planned_digests(world, admin) == [VIENNA_MONDAY_NINE]

        moved_clock.set(AUCKLAND_MONDAY_NINE.replace(second=30))  # Sunday evening in Vienna
        digest = await wait_for_message(world, sven, "Weekly digest")
        assert digest.text.startswith("Weekly digest — 11 Jan 2027"), digest.text[:80]
        assert "Changes since 4 Jan 2027" in digest.text  # a week back, on his calendar
        await asyncio.sleep(1.5)
        assert not [s for s in await client.events(after=0, chat_id=admin) if "Weekly digest" in s.text]
        now = await client.ask(sven, "/digest")
        assert now.text.startswith("Weekly digest — 11 Jan 2027")
        vienna = await client.ask(admin, "/digest")
        assert vienna.text.startswith("Weekly digest — 10 Jan 2027")

        moved_clock.set(VIENNA_MONDAY_NINE.replace(second=30))
        digest = await wait_for_message(world, admin, "Weekly digest — 11 Jan 2027")
        assert (
            len([s for s in await client.events(after=0, chat_id=sven) if "Weekly digest —" in s.text]) == 2
        )
        await assert_clean(world)


async def test_broadcast_dates_are_in_the_viewers_timezone(tmp_path: Path, moved_clock: FakeClock) -> None:
    # 23:30 UTC on 4 Jan is already 5 Jan in Vienna, still 4 Jan in New York
    moved_clock.set(datetime(2027, 1, 4, 23, 30, tzinfo=UTC))
    async with bot_world(tmp_path) as world:
        client, admin = world.client, world.admin
        await world.join("Sven", "Sweden")
        _, controls = await client.say(admin, "/broadcast The agenda is out", expect=2)
        _, (confirm,) = await client.press(admin, controls, "Everyone", expect=1)
        await client.press(admin, confirm, "📤 Send", expect=1)
        await wait_for_message(world, admin, "Broadcast 1: ✅ done")
        with world.db.session() as session:
            sent = session.get(Broadcast, 1)
            assert sent is not None and sent.created_at == moved_clock()

        listed = await client.ask(admin, "/broadcasts")
        assert "1 · 5 Jan 2027 00:30 · done" in listed.text, listed.text
        report = await client.ask(admin, "/broadcast 1")
        assert "Written 5 Jan 2027 00:30 · sent 5 Jan 2027 00:30" in report.text
        assert "(Europe/Vienna)" in report.text

        await client.ask(admin, "/tz America/New_York")
        listed = await client.ask(admin, "/broadcasts")
        assert "1 · 4 Jan 2027 18:30 · done" in listed.text, listed.text
        report = await client.ask(admin, "/broadcast 1")
        assert "Written 4 Jan 2027 18:30 · sent 4 Jan 2027 18:30" in report.text
        assert "(America/New_York)" in report.text
        await assert_clean(world)
