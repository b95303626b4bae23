"""The real ``nextsteps`` process never prints a secret, even when it fails because of one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.emulator import Emulator
from tests.conftest import POSTGRES_ENV

NEXTSTEPS = str(Path(sys.executable).parent / "nextsteps")
TOKEN = "5555:AAH-the-emulators-secret-part"
REJECTED = "5555:AAH-a-token-telegram-refuses"


async def run_nextsteps(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Start the installed command, wait for it to stop (killing it after 30 s); stdout + stderr."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    full_env.update(env)
    proc = await asyncio.create_subprocess_exec(
        NEXTSTEPS,
        *args,
        cwd=tmp_path,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace")


@pytest.mark.parametrize(
    ("token", "base_url_suffix"),
    [
        pytest.param(TOKEN, "wrong/", id="wrong-api-base-url"),
        pytest.param(REJECTED, "", id="rejected-token"),
    ],
)
async def test_run_with_a_bad_token_or_url_never_prints_the_token(
    tmp_path: Path, token: str, base_url_suffix: str
) -> None:
    async with Emulator(token=TOKEN) as emu:
        code, output = await run_nextsteps(
            tmp_path,
            {
                "NEXTSTEPS_TELEGRAM__TOKEN": token,
                "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url + base_url_suffix,
                "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
                "NEXTSTEPS_DATABASE__URL": f"sqlite:///{tmp_path / 'run.db'}",
                "NEXTSTEPS_LOGGING__LEVEL": "DEBUG",  # the most the bot ever prints
            },
            "run",
        )
    assert code != 0, output
    assert "NextSteps is starting" in output  # it got as far as talking to the Bot API
    assert token.split(":")[1] not in output, output
    assert token not in output
    last = output.strip().splitlines()[-1]
    assert last.startswith("telegram error: the Bot API refused the token"), output
    assert "'telegram.token'" in last and "'telegram.api_base_url'" in last


async def test_a_database_that_refuses_the_password_never_prints_it(tmp_path: Path) -> None:
    server = urlsplit(os.environ.get(POSTGRES_ENV) or "postgresql+psycopg://x@127.0.0.1:1/x")
    password = "pw-s3cr3t-not-the-real-one"
    url = f"postgresql+psycopg://nextsteps:{password}@{server.hostname}:{server.port}/postgres"
    code, output = await run_nextsteps(tmp_path, {"NEXTSTEPS_DATABASE__URL": url}, "migrate")
    assert code == 1, output
    assert output.startswith("database error:") and output.strip().count("\n") == 0, output
    assert password not in output


@pytest.mark.parametrize("configured", ["", "configured-Webhook_secret-42"], ids=["generated", "configured"])
async def test_webhook_mode_at_debug_never_prints_the_webhook_secret(tmp_path: Path, configured: str) -> None:
    """PTB logs setWebhook's parameters at DEBUG, the secret token among them: the generated one
    (kept in the database) is redacted like a configured one."""
    from bot.emulator import EmulatorClient
    from tests.e2e.test_webhook_instances import wait_healthy
    from tests.e2e.webhook_harness import PUBLIC, free_port, start_instance

    port = free_port()
    async with Emulator(token=TOKEN) as emu, EmulatorClient(emu.control_url) as client:
        emu.add_user("Ada", user_id=4242, started=True)
        emu.webhook.route(PUBLIC, [f"http://127.0.0.1:{port}"])
        bot = await start_instance(
            emu,
            tmp_path,
            f"sqlite:///{tmp_path / 'run.db'}",
            port,
            admins=[4242],
            name="bot",
            env={"NEXTSTEPS_LOGGING__LEVEL": "DEBUG", "NEXTSTEPS_WEBHOOK__SECRET_TOKEN": configured},
        )
        try:
            await wait_healthy(port)
            for _ in range(100):
                if emu.webhook.secret_token:
                    break
                await asyncio.sleep(0.1)
            reply = await client.ask(4242, "/whoami")  # delivered with the secret header
        finally:
            bot.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bot.wait(), 30)
        secret = emu.webhook.secret_token
    output = (tmp_path / "bot.log").read_text(errors="replace")
    assert reply.text and secret and (secret == configured or not configured)
    assert "setWebhook" in output, "DEBUG shows the setWebhook call"
    assert secret not in output, output
    assert "<webhook secret>" in output
