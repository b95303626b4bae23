"""Huge or malicious report files get a clear reply and never freeze the bot; import previews
nobody finishes are forgotten after a day."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.emulator.client import Sent
from core import clock, limits
from storage.models import Item, Party
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world
from tests.report_files import docx_with_body, long_pdf

REPORT = (
    "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
    "1. Draft the concept note by May 2024 (Sweden)\n"
    "2. Share it with partners in 2025 (Pakistan)\n"
)


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    yield fake


def item_count(world: BotWorld) -> int:
    with world.db.session() as session:
        return session.exec(select(func.count()).select_from(Item)).one()


async def upload(world: BotWorld, name: str, content: bytes) -> str:
    await world.client.skip()
    await world.client.send_document(world.admin, name, content)
    (reply,) = await world.client.replies(world.admin, 1, timeout=10)
    return reply.text


async def last_summary(world: BotWorld) -> Sent:
    """The newest import preview's summary (the message with Import and Cancel)."""
    await world.client.events(chat_id=world.admin, timeout=0.3)  # let the pages arrive
    sent = await world.client.events(after=0, chat_id=world.admin)
    return [m for m in sent if "✖ Cancel" in m.buttons][-1]


async def test_zip_bomb_and_2000_page_pdf_get_a_clear_reply(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        before = item_count(world)
        reply = await upload(world, "minutes.docx", docx_with_body(60))
        assert reply.startswith("That DOCX unpacks to 6") and "(at most 20 MB)" in reply, reply
        reply = await upload(world, "minutes.pdf", long_pdf(2000))
        assert reply == (
            "That PDF has 2,000 pages; I read at most 300. Send the part of the report with the next steps."
        )
        assert item_count(world) == before
        assert "Open items" in (await world.client.ask(world.admin, "/items")).text
        await assert_clean(world)


async def test_a_slow_file_is_stopped_and_the_bot_answers_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "REPORT_SECONDS", 3.0)
    slow = docx_with_body(18)  # within the unzipped budget, but it takes long to parse
    async with bot_world(tmp_path) as world:
        sven = await world.join("Sven", "Sweden")
        await world.client.skip()
        started = time.monotonic()
        await world.client.send_document(world.admin, "slow.docx", slow)
        await asyncio.sleep(0.5)  # the file is being read now
        items = await world.client.ask(sven, "/items")
        assert "Your party's open items" in items.text
        assert time.monotonic() - started < 2.5, "a chair waited for the file being read"
        (stopped,) = await world.client.replies(world.admin, 1, timeout=10)
        assert stopped.text.startswith("Reading that file took too long (over 3 seconds), so I stopped.")
        assert time.monotonic() - started < 6
        await assert_clean(world)


async def test_import_previews_expire_after_a_day(tmp_path: Path, moved_clock: FakeClock) -> None:
    async with bot_world(tmp_path) as world:
        client, admin = world.client, world.admin
        start = moved_clock()
        await upload(world, "old.md", REPORT.encode())
        old = await last_summary(world)
        moved_clock.set(start + timedelta(hours=23))
        await upload(world, "recent.md", REPORT.encode())
        recent = await last_summary(world)

        moved_clock.set(start + timedelta(days=1, minutes=1))
        answer, _ = await client.press(admin, old, "Import")
        assert answer["text"] == "This import is no longer pending: send the file again."
        # a reply to the forgotten preview is not taken as a fix of it
        reply = await client.ask(admin, "1: Sweden", reply_to=old.message_id)
        assert "Step 1" not in reply.text
        _, (done,) = await client.press(admin, recent, "Import", expect=1)
        assert "Imported 2 steps" in done.text
        await assert_clean(world)


async def test_a_chat_keeps_at_most_a_few_pending_previews(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        for name in ("Sweden", "Pakistan"):
            await client.ask(admin, f"/party add {name}")
        previews = []
        for _ in range(limits.REPORT_PREVIEWS_PER_CHAT + 1):
            await upload(world, "report.md", REPORT.encode())
            previews.append(await last_summary(world))
        answer, _ = await client.press(admin, previews[0], "Import")
        assert answer["text"] == "This import is no longer pending: send the file again."
        _, (done,) = await client.press(admin, previews[1], "Import", expect=1)
        assert "Imported 2 steps" in done.text
        with world.db.session() as session:
            assert session.exec(select(func.count()).select_from(Party)).one() == 2
        await assert_clean(world)


async def test_a_long_work_plan_is_shown_page_by_page(tmp_path: Path) -> None:
    lines = [
        f"{n}. Sweden will circulate a long and detailed concept note number {n} on the thematic "
        "priorities to all partners by May 2024."
        for n in range(1, 261)
    ]
    report = "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n" + "\n".join(lines)
    async with bot_world(tmp_path) as world:
        await upload(world, "plan.md", report.encode())
        summary = await last_summary(world)
        assert "260 steps to import" in summary.text
        (pages,) = [m for m in await world.client.events(after=0, chat_id=world.admin) if "▶" in m.buttons]
        assert "Steps 1–" in pages.text and len(pages.text) <= 4096 and len(pages.buttons) <= 100
        seen = set()
        current = pages
        while True:
            seen |= {int(b.split()[1]) for b in current.buttons if b.startswith("✏️")}
            if "▶" not in current.buttons:
                break
            _, (current,) = await world.client.press(world.admin, current, "▶", expect=1)
            assert current.message_id == pages.message_id and len(current.text) <= 4096
        assert seen == set(range(1, 261))
        _, (done,) = await world.client.press(world.admin, summary, "Import", expect=1)
        assert "Imported 260 steps" in done.text
        assert item_count(world) >= 260
        await assert_clean(world)
