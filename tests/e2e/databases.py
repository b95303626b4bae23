"""A fixture that runs an end-to-end test on SQLite and on PostgreSQL (fresh database each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The bot's database URL: SQLite in ``tmp_path``, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    database = request.getfixturevalue("postgresql_database")
    assert isinstance(database, Database)
    return str(database.url)
