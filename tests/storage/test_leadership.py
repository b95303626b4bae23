"""Leader election on PostgreSQL: one leader, a standby that takes over when the leader's
session dies, and a leader that steps down when its connection is gone."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.leadership import LEADER_LOCK, Leadership

ROOT = Path(__file__).resolve().parents[2]


def leader_pids(db: Database) -> list[int]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    # advisory locks are per database; pg_locks shows every database's
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = 0 AND objid = :key "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"key": LEADER_LOCK},
            ).scalars()
        )


def terminate_leader_session(db: Database) -> None:
    (pid,) = leader_pids(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def test_sqlite_is_always_the_leader(sqlite_database: Database) -> None:
    leadership = Leadership(sqlite_database)
    assert leadership.is_leader and leadership.role == "leader"
    assert leadership.check()


def test_exactly_one_of_two_instances_leads(postgresql_database: Database) -> None:
    first, second = Leadership(postgresql_database), Leadership(postgresql_database)
    try:
        assert not first.is_leader and first.role == "standby"  # nothing checked yet
        assert first.check() is True
        assert second.check() is False
        assert second.check() is False  # retrying changes nothing while the leader lives
        assert (first.role, second.role) == ("leader", "standby")
        assert len(leader_pids(postgresql_database)) == 1
    finally:
        first.release()
        second.release()


def test_standby_takes_over_when_the_leaders_session_is_killed(postgresql_database: Database) -> None:
    first, second = Leadership(postgresql_database), Leadership(postgresql_database)
    try:
        assert first.check() and not second.check()
        terminate_leader_session(postgresql_database)
        assert second.check() is True  # the lock went with the session
        assert first.check() is False  # the old leader finds its connection gone and steps down
        assert first.role == "standby"
        assert first.check() is False  # and stays standby: the lock is taken
        assert second.check() is True
        assert len(leader_pids(postgresql_database)) == 1
    finally:
        first.release()
        second.release()


def test_a_released_lead_is_taken_by_the_standby(postgresql_database: Database) -> None:
    first, second = Leadership(postgresql_database), Leadership(postgresql_database)
    try:
        assert first.check() and not second.check()
        first.release()
        assert not first.is_leader
        assert second.check()
    finally:
        first.release()
        second.release()


async def test_running_instances_fail_over_within_the_check_interval(postgresql_database: Database) -> None:
    interval = 0.3
    first = Leadership(postgresql_database, check_seconds=interval)
    second = Leadership(postgresql_database, check_seconds=interval)
    await first.start()
    await second.start()
    try:
        assert (first.role, second.role) == ("leader", "standby")
        await asyncio.to_thread(terminate_leader_session, postgresql_database)
        killed = time.monotonic()
        while not (second.is_leader and not first.is_leader):
            assert time.monotonic() - killed < interval * 5, (first.role, second.role)
            await asyncio.sleep(0.02)
        await asyncio.sleep(interval * 3)  # and it stays that way
        assert (first.role, second.role) == ("standby", "leader")
    finally:
        await first.stop()
        await second.stop()
    assert leader_pids(postgresql_database) == []  # stopping gives the lead up


def test_standby_takes_over_when_the_leader_process_is_killed(postgresql_database: Database) -> None:
    script = (
        "import sys, time\n"
        "from storage.db import Database\n"
        "from storage.leadership import Leadership\n"
        "lead = Leadership(Database(sys.argv[1]))\n"
        "print('leader' if lead.check() else 'standby', flush=True)\n"
        "time.sleep(600)\n"
    )
    url = postgresql_database.engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-c", script, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    standby = Leadership(postgresql_database, check_seconds=0.2)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "leader"
        assert not standby.check()
        child.kill()  # SIGKILL: no clean-up, the kernel closes its socket
        child.wait()
        deadline = time.monotonic() + 10
        while not standby.check():
            assert time.monotonic() < deadline, "the standby never took over"
            time.sleep(standby.check_seconds)
    finally:
        child.kill()
        child.wait()
        standby.release()


@pytest.mark.parametrize("interval", [0.2])
def test_a_stale_leader_stops_counting_as_leader(postgresql_database: Database, interval: float) -> None:
    leadership = Leadership(postgresql_database, check_seconds=interval)
    try:
        assert leadership.check()
        time.sleep(interval * 3.5)  # no check for longer than STALE_CHECKS intervals
        assert not leadership.is_leader
        assert leadership.check()  # a good check makes it lead again
    finally:
        leadership.release()


async def test_a_standby_that_becomes_leader_calls_on_lead_once(postgresql_database: Database) -> None:
    interval = 0.2
    holder = Leadership(postgresql_database)
    assert holder.check()
    standby = Leadership(postgresql_database, check_seconds=interval)
    flips: list[float] = []
    standby.on_lead = lambda: flips.append(time.monotonic())
    await standby.start()
    try:
        await asyncio.sleep(interval * 3)
        assert flips == [] and standby.role == "standby"
        holder.release()
        released = time.monotonic()
        await asyncio.sleep(interval * 5)
        assert standby.is_leader
        assert len(flips) == 1 and flips[0] - released < interval * 3, flips  # and not again
    finally:
        await standby.stop()
        holder.release()
