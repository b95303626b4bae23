"""End-to-end harness: the emulator on 127.0.0.1 and the bot built by build_application()."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.app import build_application, running
from bot.emulator import Emulator, EmulatorClient, FloodPolicy, Sent
from core.config import Settings, load_settings
from core.seed import seed_istanbul
from storage.db import Database
from tests.conftest import SYSTEM

ADMIN_ID = 777


def make_settings(emulator: Emulator, db_url: str, **overrides: Any) -> Settings:
    telegram = {
        "token": emulator.token,
        "api_base_url": emulator.base_url,
        "api_file_url": emulator.file_url,
        "poll_timeout_seconds": 1,
        "flood_limits": False,
    }
    telegram.update(overrides.pop("telegram", {}))
    secretariat = {"admins": [ADMIN_ID], "timezone": "Europe/Vienna"}
    secretariat.update(overrides.pop("secretariat", {}))
    return load_settings(
        None,
        telegram=telegram,
        database={"url": db_url},
        secretariat=secretariat,
        **overrides,
    )


@dataclass
class BotWorld:
    """One running bot against one emulator, with helpers to act as people."""

    emulator: Emulator
    client: EmulatorClient
    settings: Settings
    db: Database
    app: Application  # type: ignore[type-arg]
    errors: list[BaseException] = field(default_factory=list)
    admin: int = ADMIN_ID

    async def join(self, name: str, party: str, role: str = "chair") -> int:
        """A new person joins through a real invite link created by the secretariat."""
        invite = await self.client.ask(self.admin, f"/invite {party} {role}")
        code = invite.text.split("?start=")[1].split()[0]
        user = await self.client.user(name)
        welcome = await self.client.ask(user, f"/start {code}")
        assert "Welcome" in welcome.text, welcome.text
        return user

    async def card(self, user: int, number: int, chat_id: int | None = None) -> Sent:
        return await self.client.ask(user, f"/item {number}", chat_id=chat_id)


async def _record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.error is not None
    context.bot_data.setdefault("test_errors", []).append(context.error)


@asynccontextmanager
async def bot_world(
    tmp_path: Path,
    *,
    emulator: Emulator | None = None,
    db_url: str | None = None,
    seed: bool = True,
    next_meeting: date | None = date(2027, 1, 20),
    flood: FloodPolicy | None = None,
    **overrides: Any,
) -> AsyncIterator[BotWorld]:
    own_emulator = emulator is None
    emu = emulator or await Emulator(flood=flood or FloodPolicy.off()).start()
    settings = make_settings(emu, db_url or f"sqlite:///{tmp_path / 'bot.db'}", **overrides)
    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    if seed:
        with db.session() as session:
            seed_istanbul(
                session=session,
                next_meeting_on=next_meeting,
                meeting_margin_days=settings.deadlines.meeting_margin_days,
                system_actor=SYSTEM,
            )
    app = build_application(settings, db)
    app.add_error_handler(_record_error)
    client = EmulatorClient(emu.control_url)
    await client.user("Ada Secretariat", user_id=ADMIN_ID)
    world = BotWorld(emulator=emu, client=client, settings=settings, db=db, app=app)
    try:
        async with running(app):
            yield world
            errors = app.bot_data.get("test_errors", [])
            assert not errors, f"handler errors: {errors!r}"
    finally:
        await client.close()
        db.dispose()
        if own_emulator:
            await emu.stop()


NOT_MODIFIED = "message is not modified"  # Telegram's answer to an edit that changes nothing: success


async def assert_clean(world: BotWorld, *, allowed_errors: tuple[str, ...] = (NOT_MODIFIED,)) -> None:
    """No Bot API call the bot made was refused (bad HTML, too long …), every button answered."""
    stats = await world.client.stats()
    refused = [e for e in stats["errors"] if not any(a in e["description"] for a in allowed_errors)]
    assert not refused, f"the emulator refused calls: {refused}"
    assert not stats["unanswered_callbacks"], "a button press was never answered"


class FakeClock:
    """Stands in for core.clock.now: tests move time; the JobQueue still ticks in real time."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment
