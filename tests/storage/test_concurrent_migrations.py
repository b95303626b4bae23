"""Two instances starting together on an empty PostgreSQL database migrate it once, no error."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database, alembic_config
from tests.conftest import _postgres_url
from tests.scratch_databases import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
MIGRATE_AT = (
    "import sys, time\n"
    "from storage.db import Database\n"
    "db = Database(sys.argv[1])\n"
    "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"  # both start at the same moment
    "db.migrate()\n"
)


@pytest.fixture
def empty_postgresql_url() -> Iterator[str]:
    server = _postgres_url()
    url = create_database(server)
    try:
        yield url
    finally:
        drop_database(server, url)


def test_two_instances_starting_together_migrate_once(empty_postgresql_url: str) -> None:
    start_at = str(time.time() + 2.0)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_AT, empty_postgresql_url, start_at],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors

    db = Database(empty_postgresql_url)
    try:
        head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
        with db.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            followup_tables = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_name = 'followup'")
            ).scalar()
        assert versions == [head]
        assert followup_tables == 1
        db.migrate()  # a later start finds nothing to do
    finally:
        db.dispose()
