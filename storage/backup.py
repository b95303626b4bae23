"""Backups of the whole database and their restore: SQLite's online backup, PostgreSQL's pg_dump.

A SQLite backup is itself a SQLite file (copied page by page while the bot may be writing);
a PostgreSQL backup is a ``pg_dump --format=custom`` archive. The database password goes to
pg_dump and pg_restore through ``PGPASSWORD``, never on their command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from storage.db import make_engine, upgrade, utcnow

ALEMBIC_TABLE = "alembic_version"
SQLITE_PAGES_PER_STEP = 1024  # copy in steps, so a writer is never blocked for the whole copy
PG_TOOLS_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore that cannot be done, said in one line (no password in it)."""


@dataclass(frozen=True)
class LibpqTarget:
    """A PostgreSQL database as pg_dump and pg_restore take it: a URI without the password, and
    the environment that carries the password."""

    uri: str
    env: Mapping[str, str]


def default_backup_name(url: str, now: datetime | None = None) -> str:
    """``nextsteps-20270301-0930.db`` (SQLite) or ``….dump`` (PostgreSQL), in UTC."""
    stamp = (now or utcnow()).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"nextsteps-{stamp}.{'db' if _is_sqlite(url) else 'dump'}"


def backup(*, url: str, out: Path) -> Path:
    """Write a consistent backup of the database at ``url`` to ``out``; return ``out``."""
    if out.exists():
        raise BackupError(f"backup: {out} exists already; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")  # a failed backup never looks like a good one
    partial.unlink(missing_ok=True)
    try:
        if _is_sqlite(url):
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _pg_dump(url, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore(*, url: str, source: Path, replace_data: bool) -> None:
    """Restore ``source`` into the database at ``url``, then migrate it to the current schema.

    A database that holds any row is refused unless ``replace_data``: a restore replaces it all.
    """
    if not source.is_file():
        raise BackupError(f"restore: no such file: {source}")
    if not replace_data and not is_empty(url):
        raise BackupError(
            "restore: the target database is not empty; a restore replaces everything in it "
            "(add --yes to do so)"
        )
    if _is_sqlite(url):
        _sqlite_restore(source, _sqlite_path(url, must_exist=False))
    else:
        _pg_restore(url, source)
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """True if no table of the database (except Alembic's version) holds a row."""
    if _is_sqlite(url) and not _sqlite_path(url, must_exist=False).exists():
        return True
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != ALEMBIC_TABLE]
            preparer = engine.dialect.identifier_preparer
            return not any(
                conn.execute(text(f"SELECT 1 FROM {preparer.quote(t)} LIMIT 1")).first() for t in tables
            )
    finally:
        engine.dispose()


def libpq_target(url: str) -> LibpqTarget:
    """``postgresql+psycopg://u:pw@h/db?sslmode=require`` -> ``postgresql://u@h/db?sslmode=require``
    and ``PGPASSWORD=pw`` (a password given as ``?password=`` moves there too)."""
    parsed = make_url(url)
    password = parsed.password
    query = dict(parsed.query)
    in_query = query.pop("password", None)
    if password is None and in_query is not None:
        password = in_query if isinstance(in_query, str) else in_query[0]
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=query,
    )
    env = {"PGPASSWORD": str(password)} if password is not None else {}
    return LibpqTarget(uri=plain.render_as_string(hide_password=False), env=env)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str, *, must_exist: bool = True) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("backup: only a SQLite database in a file can be backed up or restored")
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError(f"backup: no such SQLite database: {path}")
    return path


def _sqlite_backup(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=SQLITE_PAGES_PER_STEP)
    finally:
        dst.close()
        src.close()


def _sqlite_restore(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    try:
        try:
            found = src.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (ALEMBIC_TABLE,)
            ).fetchone()
        except sqlite3.DatabaseError:  # not a SQLite file at all
            found = None
        if found is None:
            raise BackupError(f"restore: {source} is not a NextSteps SQLite backup")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # replaces every page of the target, in one transaction
        finally:
            dst.close()
    finally:
        src.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools of the server's major version "
            "(Debian/Ubuntu: apt install postgresql-client) and put them on PATH"
        )
    return found


def _run_pg_tool(args: list[str], target: LibpqTarget, what: str) -> None:
    env = {**os.environ, **target.env}
    try:
        done = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=PG_TOOLS_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what}: {Path(args[0]).name} took longer than an hour; stopped") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
        for secret in target.env.values():
            message = message.replace(secret, "***")
        raise BackupError(f"{what}: {Path(args[0]).name} failed: {message}")


def _pg_dump(url: str, out: Path) -> None:
    target = libpq_target(url)
    dump = _pg_tool("pg_dump")
    _run_pg_tool([dump, "--format=custom", f"--file={out}", f"--dbname={target.uri}"], target, "backup")


def _pg_restore(url: str, source: Path) -> None:
    target = libpq_target(url)
    restore_tool = _pg_tool("pg_restore")
    _run_pg_tool(
        [
            restore_tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            f"--dbname={target.uri}",
            str(source),
        ],
        target,
        "restore",
    )
