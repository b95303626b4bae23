"""Engine and session set-up: SQLite pragmas, a UTC-only datetime type, migrations at start."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30000
POSTGRES_WORKERS = 8  # threads doing database work for the event loop (SQLite: one, see Database)
# PostgreSQL advisory lock keys (per database): one number per thing done by one instance at a time
MIGRATION_LOCK = 0x4E53_0001  # "NS" 1: schema upgrades
REPLAN_LOCK = 0x4E53_0002  # "NS" 2: follow-up re-plans (storage.leadership holds "NS" 3)
T = TypeVar("T")
P = ParamSpec("P")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC: refuses naive values, reads back timezone-aware.

    SQLite has no timezone support and silently drops offsets, so values are stored there as
    naive UTC; PostgreSQL stores ``timestamptz``. Either way Python sees aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Transactions are begun by us (below), not by the driver.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # WAL + NORMAL survives a process crash; only an OS crash can lose the last commit.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: Any) -> None:
            # Take the write lock up front: a deferred transaction that reads, then writes after
            # another connection committed, fails at once with "database is locked" (no busy
            # wait). IMMEDIATE makes concurrent writers queue on the busy timeout instead.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@dataclass
class WorkMark:
    """The inbound update being handled. The first transaction that writes while it is set also
    records the update as handled, atomically: after a crash it is neither lost nor applied twice."""

    update_id: int
    done: bool = False


current_work: contextvars.ContextVar[WorkMark | None] = contextvars.ContextVar("current_work", default=None)
_WROTE = "nextsteps_wrote"
_MARK_DONE = text(
    "UPDATE inboxupdate SET state = 'done', done_at = :now WHERE update_id = :update_id"
).bindparams(bindparam("now", type_=UTCDateTime()))


@event.listens_for(OrmSession, "after_flush")
def _note_flush(session: OrmSession, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


class Database:
    """One engine plus a unit-of-work helper; the single way the app talks to storage.

    Async code calls ``await db.run(fn)``: ``fn(session)`` runs on a database thread, so a slow
    query never freezes the event loop. SQLite gets one such thread (it has one writer anyway,
    and one thread never contends with itself); PostgreSQL gets a few.
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        workers = 1 if self.is_sqlite else POSTGRES_WORKERS
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, *, completes_work: bool = True) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises.

        While an inbound update is being handled (``current_work``), the first committing
        session that wrote also marks the update handled in the same transaction, unless
        ``completes_work`` is False (incidental writes, e.g. a member's first contact).
        """
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                mark = current_work.get()
                if completes_work and mark is not None and not mark.done:
                    session.flush()  # pending ORM changes count as writes too
                completes = completes_work and mark is not None and not mark.done and session.info.get(_WROTE)
                if completes:
                    assert mark is not None
                    session.execute(_MARK_DONE, {"now": utcnow(), "update_id": mark.update_id})
                session.commit()
                if completes:
                    assert mark is not None
                    mark.done = True
            except BaseException:
                session.rollback()
                raise

    async def run(self, fn: Callable[[Session], T], *, completes_work: bool = True) -> T:
        """``fn(session)`` in one transaction on a database thread; its result is returned."""

        def call() -> T:
            with self.session(completes_work=completes_work) as session:
                return fn(session)

        return await self.call(call)

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Any blocking storage function on a database thread (the caller's context goes along)."""
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: context.run(fn, *args, **kwargs))

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema with Alembic.

        On PostgreSQL the upgrade runs under a session advisory lock on its own connection, so
        instances starting together migrate once: the others wait, then find the schema current.
        """
        if self.is_sqlite:  # one writer at a time anyway (BEGIN IMMEDIATE)
            upgrade(self.engine, revision)
            return
        with self.engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            lock.commit()  # the lock is the session's; no transaction is kept open meanwhile
            try:
                upgrade(self.engine, revision)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                lock.commit()

    def dispose(self) -> None:
        self._executor.shutdown(wait=True)
        self.engine.dispose()


def insert_ignoring_conflicts(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, keys: Sequence[str]
) -> int:
    """INSERT … ON CONFLICT (keys) DO NOTHING on SQLite and PostgreSQL.

    For one row, returns 1 if it was inserted and 0 if the key existed (told by RETURNING: the
    drivers' rowcount is not reliable here). For many rows, returns how many were given.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    factory = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = factory(table).on_conflict_do_nothing(index_elements=list(keys))
    if len(rows) == 1:
        returned = session.execute(statement.values(**rows[0]).returning(*table.primary_key.columns))
        return 1 if returned.first() is not None else 0
    session.execute(statement, list(rows))
    return len(rows)


def serialise_transaction(session: Session, key: int) -> None:
    """Hold ``key`` until this transaction ends, across every instance on the same PostgreSQL
    database (SQLite needs nothing: BEGIN IMMEDIATE already lets one writer in at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)
