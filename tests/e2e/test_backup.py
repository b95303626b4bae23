"""``nextsteps backup`` and ``nextsteps restore`` as the operator runs them, on SQLite and PostgreSQL:
a backup restored into an empty database holds every row; a database with data is not replaced
without --yes; the password never shows."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlmodel import SQLModel

from core import clock, members, parties
from core.permissions import Actor
from core.seed import DEMO_NEXT_MEETING, DEMO_SEEDED_AT, seed_demo_history, seed_istanbul
from storage import backup as backups
from storage.db import Database
from storage.models import Item, ItemEvent, Member, MemberEvent, Role
from tests.conftest import SYSTEM, _postgres_url
from tests.e2e.test_cli import run_cli
from tests.scratch_databases import create_database, drop_database

PEOPLE = [  # (user id, name, party alias, role)
    (100, "Ada", "Secretariat", Role.SECRETARIAT),
    (101, "Tarık", "Chairmanship", Role.CHAIR),
    (102, "Sven", "Sweden", Role.CHAIR),
    (103, "Parveen", "Pakistan", Role.CHAIR),
    (104, "Olga", "Hungary", Role.OBSERVER),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def source_and_empty_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A migrated database to back up, and an empty one (no schema at all) to restore into."""
    if request.param == "sqlite":
        source = Database(f"sqlite:///{tmp_path / 'source.db'}")
        source.migrate()
        source.dispose()
        (tmp_path / "restored").mkdir()
        yield source.url, f"sqlite:///{tmp_path / 'restored' / 'target.db'}"
        return
    database = request.getfixturevalue("postgresql_database")
    assert isinstance(database, Database)
    server = _postgres_url()
    empty = create_database(server, prefix="nextsteps_restore")
    try:
        yield database.url, empty
    finally:
        drop_database(server, empty)


def seed(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's data: parties, the Istanbul meeting and its items, members (one joined by
    invite), and weeks of status changes and notes."""
    monkeypatch.setattr(clock, "_offset", timedelta(0))  # seed_demo_history moves the clock
    clock.run_from(DEMO_SEEDED_AT)
    db = Database(url)
    try:
        with db.session() as session:
            item_ids = seed_istanbul(
                session=session,
                next_meeting_on=DEMO_NEXT_MEETING,
                meeting_margin_days=14,
                system_actor=SYSTEM,
            )
            actors: dict[str, Actor] = {}
            for user_id, name, party, role in PEOPLE[:-1]:
                member = members.enroll(
                    session=session, user_id=user_id, display_name=name, party_name=party, role=role
                )
                assert member.id is not None
                actors[party] = Actor(member.id, user_id, role, member.party_id, name, "Europe/Vienna")
            user_id, name, party, role = PEOPLE[-1]
            invite, _ = members.create_invite(
                session=session, actor=actors["Secretariat"], party_name=party, role=role, uses=1, ttl_days=14
            )
            members.open_invite(
                session=session, code=invite.code, user_id=user_id, display_name=name, admins=[]
            )
            parties.add_party(session=session, name="Ünïcode party — ‘quoted’", aliases=["Ünï"])
            seed_demo_history(session=session, item_ids=item_ids, actors=actors)
    finally:
        db.dispose()


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                ]
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                model.__name__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Item, ItemEvent, Member, MemberEvent)
            }
    finally:
        engine.dispose()


def test_a_backup_restored_into_an_empty_database_holds_every_row(
    source_and_empty_target: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = source_and_empty_target
    seed(source, monkeypatch)
    before = snapshot(source)
    assert counts(source) == {"Item": 5, "ItemEvent": 10, "Member": 5, "MemberEvent": 1}

    out = tmp_path / "backups" / "nextsteps.backup"
    made = run_cli("backup", "--out", str(out), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": source})
    assert made.returncode == 0, made.stderr
    assert out.is_file() and out.stat().st_size > 0 and f"to {out}" in made.stdout
    assert not out.with_name(out.name + ".partial").exists()

    restored = run_cli("restore", str(out), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": target})
    assert restored.returncode == 0, restored.stderr
    assert "the schema is up to date" in restored.stdout
    assert snapshot(target) == before
    assert counts(target) == {"Item": 5, "ItemEvent": 10, "Member": 5, "MemberEvent": 1}

    # the restored database is one the bot can use: migrated, writable, ids continue after the last
    db = Database(target)
    try:
        db.migrate()
        with db.session() as session:
            party = parties.add_party(session=session, name="After the restore", aliases=[])
            assert party.id is not None and party.id > max(row[0] for row in before["party"])
    finally:
        db.dispose()


def test_a_restore_over_data_is_refused_without_yes(
    source_and_empty_target: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = source_and_empty_target
    seed(source, monkeypatch)
    out = tmp_path / "nextsteps.backup"
    assert (
        run_cli("backup", "--out", str(out), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": source}).returncode
        == 0
    )
    # the target gets data of its own: one party
    db = Database(target)
    try:
        db.migrate()
        with db.session() as session:
            parties.add_party(session=session, name="Only in the target", aliases=[])
    finally:
        db.dispose()
    target_before = snapshot(target)

    refused = run_cli("restore", str(out), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": target})
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "--yes" in refused.stderr
    assert snapshot(target) == target_before

    replaced = run_cli("restore", str(out), "--yes", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": target})
    assert replaced.returncode == 0, replaced.stderr
    assert snapshot(target) == snapshot(source)


def test_backup_refuses_to_overwrite_a_file_and_restore_names_a_bad_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert run_cli("migrate", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": url}).returncode == 0
    existing = tmp_path / "old.db"
    existing.write_bytes(b"keep me")
    again = run_cli("backup", "--out", str(existing), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": url})
    assert again.returncode == 1 and "exists already" in again.stderr
    assert existing.read_bytes() == b"keep me"

    empty = f"sqlite:///{tmp_path / 'new.db'}"
    for bad in (existing, tmp_path / "missing.db"):
        result = run_cli("restore", str(bad), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": empty})
        assert result.returncode == 1 and str(bad) in result.stderr and "Traceback" not in result.stderr


def test_default_backup_name_is_in_the_current_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    assert run_cli("migrate", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": url}).returncode == 0
    made = run_cli("backup", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": url})
    assert made.returncode == 0, made.stderr
    written = list(tmp_path.glob("nextsteps-*.db"))
    assert len(written) == 1 and written[0].name in made.stdout


def test_postgres_password_goes_through_the_environment_only() -> None:
    target = backups.libpq_target(
        "postgresql+psycopg://ns:s3cr%40t@db.example:5433/nextsteps?sslmode=require"
    )
    assert target.uri == "postgresql://ns@db.example:5433/nextsteps?sslmode=require"
    assert target.env == {"PGPASSWORD": "s3cr@t"}
    in_query = backups.libpq_target("postgresql+psycopg://ns@db/nextsteps?password=pw")
    assert in_query.uri == "postgresql://ns@db/nextsteps" and in_query.env == {"PGPASSWORD": "pw"}


def test_a_missing_pg_dump_is_named(tmp_path: Path) -> None:
    url = "postgresql+psycopg://ns:topsecret-pw@127.0.0.1:1/nextsteps"
    result = run_cli(
        "backup", "--out", str(tmp_path / "x.dump"), cwd=tmp_path,
        env={"NEXTSTEPS_DATABASE__URL": url, "PATH": str(tmp_path / "no-tools-here")},
    )  # fmt: skip
    assert result.returncode == 1
    assert "pg_dump not found" in result.stderr and "postgresql-client" in result.stderr
    assert "topsecret-pw" not in result.stderr + result.stdout


def test_a_failing_pg_dump_says_why_without_the_password(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed on this machine")
    url = "postgresql+psycopg://ns:topsecret-pw@127.0.0.1:1/nextsteps"  # nothing listens on port 1
    result = run_cli(
        "backup", "--out", str(tmp_path / "x.dump"), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": url}
    )
    assert result.returncode == 1 and "pg_dump failed" in result.stderr
    assert "topsecret-pw" not in result.stderr + result.stdout
    assert not list(tmp_path.glob("x.dump*"))


def test_a_migrated_database_without_rows_counts_as_empty(
    source_and_empty_target: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nextsteps migrate` first, then restore: the schema alone is no data to protect."""
    source, target = source_and_empty_target
    seed(source, monkeypatch)
    out = tmp_path / "nextsteps.backup"
    env = {"NEXTSTEPS_DATABASE__URL": source}
    assert run_cli("backup", "--out", str(out), cwd=tmp_path, env=env).returncode == 0
    assert run_cli("migrate", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": target}).returncode == 0
    restored = run_cli("restore", str(out), cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": target})
    assert restored.returncode == 0, restored.stderr
    assert snapshot(target) == snapshot(source)
