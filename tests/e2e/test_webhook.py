"""Webhook mode through real HTTP: the emulator POSTs updates to the bot's aiohttp server."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.app import build_application
from bot.emulator import Emulator
from bot.webhook import HttpServer
from storage.db import Database
from storage.models import InboxUpdate
from tests.e2e.harness import make_settings
from tests.e2e.webhook_harness import SECRET, WEBHOOK_URL, webhook_world


def metric(text: str, name: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    raise AssertionError(f"no metric {name}")


async def test_webhook_mode_answers_without_get_updates(tmp_path: Path) -> None:
    async with webhook_world(tmp_path) as (world, _server):
        reply = await world.client.ask(world.admin, "/items")
        assert "open items" in reply.text.lower()
        stats = await world.client.stats()
        info = await world.app.bot.get_webhook_info()
    assert stats["calls"].get("setwebhook") == 1
    assert "getupdates" not in stats["calls"]
    assert "deletewebhook" not in stats["calls"]  # a normal stop leaves the webhook to the others
    assert stats["webhook_delivered"] == 1  # /items, POSTed to the bot
    assert info.url == WEBHOOK_URL and info.pending_update_count == 0
    assert info.max_connections == 40


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    async with webhook_world(tmp_path) as (world, server):
        await world.client.ask(world.admin, "/whoami")  # the person has started the bot
        url = f"http://127.0.0.1:{server.port}/telegram"
        update = {
            "update_id": 990_001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": world.admin, "type": "private", "first_name": "Ada"},
                "from": {"id": world.admin, "is_bot": False, "first_name": "Ada"},
                "text": "/items",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with httpx.AsyncClient() as http:
            missing = await http.post(url, json=update)
            wrong = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            await asyncio.sleep(0.5)
            with world.db.session() as session:
                stored = session.exec(select(InboxUpdate).where(InboxUpdate.update_id == 990_001)).all()
            events = len(world.emulator.world.events)
            right = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            reply = await world.client.events(after=events, timeout=10)
        assert missing.status_code == 403 and wrong.status_code == 403
        assert not stored and events == world.client.cursor, "nothing was handled"
        assert right.status_code == 200
        assert reply, "the update with the right secret is handled"


async def test_health_ready_and_metrics_count_handled_updates(tmp_path: Path) -> None:
    async with webhook_world(tmp_path) as (world, server):
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient() as http:
            before = metric((await http.get(f"{base}/metrics")).text, "nextsteps_updates_handled_total")
            for _ in range(5):
                await world.client.ask(world.admin, "/whoami")
            health = await http.get(f"{base}/healthz")
            ready = await http.get(f"{base}/readyz")
            scraped = await http.get(f"{base}/metrics")
    assert health.status_code == 200 and health.text == "ok"
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] and body["database"] and body["migrations"] and body["role"] == "leader"
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert metric(text, "nextsteps_updates_handled_total") - before >= 5
    assert metric(text, "nextsteps_handler_seconds_count") >= 5
    assert metric(text, "nextsteps_leader") == 1
    assert metric(text, "nextsteps_followups_pending") >= 0
    sends = [
        s
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "nextsteps_sends_total" and s.labels.get("kind") == "reply"
    ]
    assert sends and sends[0].value >= 5


async def test_the_generated_secret_is_kept_in_the_database_for_every_instance(tmp_path: Path) -> None:
    async with webhook_world(tmp_path, secret_token="") as (world, server):
        reply = await world.client.ask(world.admin, "/whoami")
        assert reply.text
        secret = world.emulator.webhook.secret_token
        async with httpx.AsyncClient() as http:
            refused = await http.post(f"http://127.0.0.1:{server.port}/telegram", content=json.dumps({}))
    assert refused.status_code == 403
    assert len(secret) >= 32
    from storage.models import SharedSetting

    with world.db.session() as session:
        assert session.get(SharedSetting, "webhook.secret_token").value == secret  # type: ignore[union-attr]


class TcpProxy:
    """A TCP forwarder to PostgreSQL that the test can take down (the database "goes away")."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_readyz_is_not_ready_while_postgresql_is_down_and_recovers(
    tmp_path: Path, postgresql_database: Database
) -> None:
    url = make_url(str(postgresql_database.url))
    proxy = TcpProxy(url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with Emulator() as emu:
        settings = make_settings(emu, proxied, webhook={"port": 0})
        db = Database(proxied)
        app = build_application(settings, db)
        server = HttpServer(app)
        await server.start()
        base = f"http://127.0.0.1:{server.port}"
        try:
            async with httpx.AsyncClient(timeout=20) as http:
                up = await http.get(f"{base}/readyz")
                await proxy.stop()
                down = await http.get(f"{base}/readyz")
                alive = await http.get(f"{base}/healthz")
                await proxy.start()  # the same port again
                again = await http.get(f"{base}/readyz")
        finally:
            await server.stop()
            db.dispose()
            await proxy.stop()
    assert up.status_code == 200 and up.json()["ready"]
    assert down.status_code == 503 and not down.json()["ready"] and not down.json()["database"]
    assert alive.status_code == 200  # alive all along: no restart wanted
    assert again.status_code == 200 and again.json()["ready"] and again.json()["migrations"]


@pytest.mark.parametrize(
    ("url", "served"),
    [
        pytest.param("https://nextsteps.example", "/", id="no-path"),
        pytest.param("https://nextsteps.example/", "/", id="root"),
        pytest.param("https://nextsteps.example/hook/", "/hook/", id="trailing-slash"),
    ],
)
async def test_the_path_served_is_the_one_telegram_calls(tmp_path: Path, url: str, served: str) -> None:
    async with webhook_world(tmp_path, url=url) as (world, _server):
        assert world.settings.webhook.effective_path == served
        reply = await asyncio.wait_for(world.client.ask(world.admin, "/items"), 15)
        info = await world.app.bot.get_webhook_info()
    assert "open items" in reply.text.lower()
    assert info.url == url and not info.last_error_message


async def test_a_path_other_than_the_urls_is_served_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Only a proxy that rewrites the path makes it right: say so at start."""
    with caplog.at_level(logging.WARNING, logger="bot.webhook"):
        async with webhook_world(tmp_path, path="/internal") as (world, server):
            assert world.settings.webhook.effective_path == "/internal"
            async with httpx.AsyncClient() as http:
                served = await http.post(f"http://127.0.0.1:{server.port}/internal", json={})
    assert served.status_code == 403  # served there (and guarded by the secret)
    warned = [r.getMessage() for r in caplog.records if "webhook.path" in r.getMessage()]
    assert warned and "/internal" in warned[0] and "/telegram" in warned[0], warned


@pytest.mark.parametrize("http_port", [False, True], ids=["run_polling", "polling-with-http-server"])
async def test_polling_on_postgresql_refuses_to_delete_a_webhook_that_is_set(
    tmp_path: Path, postgresql_database: Database, http_port: bool
) -> None:
    """A stray polling instance on the cluster's database would deleteWebhook (PTB's polling
    does) and silently stop the webhook instances: it stops instead, saying why."""
    from telegram import Bot

    from tests.e2e.test_secrets import run_nextsteps
    from tests.e2e.webhook_harness import free_port

    async with Emulator() as emu:
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            await bot.set_webhook(WEBHOOK_URL, secret_token=SECRET)
        env = {
            "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
            "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
            "NEXTSTEPS_DATABASE__URL": str(postgresql_database.url),
        }
        if http_port:
            env["NEXTSTEPS_WEBHOOK__PORT"] = str(free_port())
        code, output = await run_nextsteps(tmp_path, env, "run")
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            info = await bot.get_webhook_info()
        calls = dict(emu.world.calls)
    last = (output.strip().splitlines() or [""])[-1]
    assert code == 2, output
    assert last.startswith("refusing to start with long polling"), output
    # (the test database's password, "nextsteps", is redacted in the URL too)
    assert "webhook https://" in last and "'webhook.url'" in last and "deleteWebhook" in last
    assert info.url == WEBHOOK_URL, "the webhook is still set"
    assert "deletewebhook" not in calls and "getupdates" not in calls
