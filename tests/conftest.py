"""Shared fixtures: databases (SQLite always, PostgreSQL when a URL is given) and a system actor."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.permissions import Actor
from storage.db import Database
from storage.models import Role
from tests.scratch_databases import create_database, drop_database

POSTGRES_ENV = "NEXTSTEPS_TEST_POSTGRES_URL"
SYSTEM = Actor(
    member_id=0, user_id=0, role=Role.SECRETARIAT, party_id=None, name="Secretariat", timezone="UTC"
)


@pytest.fixture(autouse=True)
def _no_nextsteps_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the bot explicitly; a developer's NEXTSTEPS_* variables must not leak in."""
    for key in list(os.environ):
        if key.startswith("NEXTSTEPS_") and key != POSTGRES_ENV:
            monkeypatch.delenv(key)


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} is not set: in CI the PostgreSQL tests must run")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (see .ci/run); skipped on this machine")
    return url


@pytest.fixture
def postgresql_database() -> Iterator[Database]:
    """A fresh PostgreSQL database on the server named by NEXTSTEPS_TEST_POSTGRES_URL."""
    server = _postgres_url()
    url = create_database(server)
    db = Database(url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        drop_database(server, url)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Database:
    """Each storage test runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_database")  # type: ignore[no-any-return]
