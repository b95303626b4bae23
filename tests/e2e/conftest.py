from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import clock
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    """The bot with the Istanbul next steps, the secretariat admin, flood limits off."""
    async with bot_world(tmp_path) as w:
        yield w
        await assert_clean(w)


@pytest.fixture(params=["sqlite", "postgresql"])
async def world_on_both(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[BotWorld]:
    """The same world on SQLite and on PostgreSQL (a fresh database each): for the tests of
    permissions and bad input, which must behave identically on both."""
    db_url = None
    if request.param == "postgresql":
        db_url = request.getfixturevalue("postgresql_database").url
    async with bot_world(tmp_path, db_url=db_url) as w:
        yield w
        await assert_clean(w)


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """The plan's clock, set by the test (Monday 4 Jan 2027, 12:00 UTC to start)."""
    fake = FakeClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", fake)
    yield fake
