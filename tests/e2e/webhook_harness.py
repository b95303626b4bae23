"""Webhook mode for the end-to-end tests: the bot as `nextsteps run` builds it with webhook.url
set, its HTTP server on a free port, and the emulator delivering to it through a route that
plays the reverse proxy (Telegram only calls https://)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.emulator import Emulator, EmulatorClient, FloodPolicy
from bot.webhook import HttpServer, running_webhook
from core.seed import seed_istanbul
from storage.db import Database
from tests.conftest import SYSTEM
from tests.e2e.harness import ADMIN_ID, BotWorld, _record_error, make_settings

PUBLIC = "https://nextsteps.example"
WEBHOOK_URL = f"{PUBLIC}/telegram"
SECRET = "s3cret-Token_for-tests"
NEXTSTEPS = str(Path(sys.executable).parent / "nextsteps")


def webhook_settings(**extra: Any) -> dict[str, Any]:
    return {"url": WEBHOOK_URL, "port": 0, "secret_token": SECRET, **extra}


@asynccontextmanager
async def webhook_world(
    tmp_path: Path, *, db_url: str | None = None, **webhook: Any
) -> AsyncIterator[tuple[BotWorld, HttpServer]]:
    emu = await Emulator(flood=FloodPolicy.off()).start()
    settings = make_settings(
        emu, db_url or f"sqlite:///{tmp_path / 'bot.db'}", webhook=webhook_settings(**webhook)
    )
    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2027, 1, 20), meeting_margin_days=14, system_actor=SYSTEM
        )
    app = build_application(settings, db)
    app.add_error_handler(_record_error)
    client = EmulatorClient(emu.control_url)
    await client.user("Ada Secretariat", user_id=ADMIN_ID)
    world = BotWorld(emulator=emu, client=client, settings=settings, db=db, app=app)
    try:
        async with running_webhook(app) as server:
            emu.webhook.route(PUBLIC, [f"http://127.0.0.1:{server.port}"])
            yield world, server
            errors = app.bot_data.get("test_errors", [])
            assert not errors, f"handler errors: {errors!r}"
    finally:
        await client.close()
        db.dispose()
        await emu.stop()


async def start_instance(
    emu: Emulator,
    tmp_path: Path,
    db_url: str,
    port: int,
    *,
    admins: list[int],
    name: str,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """A real `nextsteps run` in webhook mode (its output in tmp_path/<name>.log); ``env`` adds
    settings (NEXTSTEPS_… variables)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    environment.update(
        {
            "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
            "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
            "NEXTSTEPS_TELEGRAM__API_FILE_URL": emu.file_url,
            "NEXTSTEPS_DATABASE__URL": db_url,
            "NEXTSTEPS_SECRETARIAT__ADMINS": str(admins),
            "NEXTSTEPS_WEBHOOK__URL": WEBHOOK_URL,
            "NEXTSTEPS_WEBHOOK__PORT": str(port),
            **(env or {}),
        }
    )
    log = (tmp_path / f"{name}.log").open("ab")
    return await asyncio.create_subprocess_exec(
        NEXTSTEPS, "run", env=environment, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
