from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import BotWorld, assert_clean, bot_world


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
