"""What every handler needs besides the update: settings, the database and this instance's role."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import Application, CallbackContext, ContextTypes

from core.config import Settings
from storage.db import Database
from storage.leadership import Leadership

APP_KEY = "nextsteps"


@dataclass
class Runtime:
    """This process's view of work in progress (the database stays the source of truth)."""

    followups_in_flight: set[int] = field(default_factory=set)  # claimed by this process, not settled
    full_replan_needed: bool = False  # a re-plan after a change failed: the next tick re-plans all
    last_housekeeping: datetime | None = None
    leading: bool = False  # this process did the leader's work at its last tick
    tick_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one follow-up tick at a time


@dataclass
class AppContext:
    settings: Settings
    db: Database
    runtime: Runtime = field(default_factory=Runtime)
    # leader-only work (follow-up tick, broadcast sending) is skipped on a standby;
    # by default: the database's own (SQLite: always the leader)
    leadership: Leadership = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.leadership is None:
            self.leadership = Leadership(self.db)

    @property
    def admins(self) -> frozenset[int]:
        return frozenset(self.settings.secretariat.admins)

    @property
    def default_timezone(self) -> str:
        return self.settings.secretariat.timezone


def app_context(context: ContextTypes.DEFAULT_TYPE | CallbackContext) -> AppContext:  # type: ignore[type-arg]
    ctx = context.bot_data[APP_KEY]
    assert isinstance(ctx, AppContext)
    return ctx


def attach(application: Application, ctx: AppContext) -> None:  # type: ignore[type-arg]
    application.bot_data[APP_KEY] = ctx
