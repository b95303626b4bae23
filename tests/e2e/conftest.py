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
