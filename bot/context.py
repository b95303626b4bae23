"""What every handler needs besides the update: settings and the database."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, CallbackContext, ContextTypes

from core.config import Settings
from storage.db import Database

APP_KEY = "nextsteps"


@dataclass
class AppContext:
    settings: Settings
    db: Database

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
