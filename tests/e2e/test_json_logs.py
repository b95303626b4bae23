"""The real ``nextsteps run`` with ``logging.format = "json"``: every log line is a JSON object,
and the token is redacted there as in text logs."""

from __future__ import annotations

import json
from pathlib import Path

from bot.emulator import Emulator
from tests.e2e.test_secrets import REJECTED, TOKEN, run_nextsteps


async def test_json_logs_are_one_object_per_line_without_the_token(tmp_path: Path) -> None:
    async with Emulator(token=TOKEN) as emu:
        code, output = await run_nextsteps(
            tmp_path,
            {
                "NEXTSTEPS_TELEGRAM__TOKEN": REJECTED,
                "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
                "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
                "NEXTSTEPS_DATABASE__URL": f"sqlite:///{tmp_path / 'run.db'}",
                "NEXTSTEPS_LOGGING__LEVEL": "INFO",
                "NEXTSTEPS_LOGGING__FORMAT": "json",
            },
            "run",
        )
    assert code != 0, output
    assert REJECTED not in output and REJECTED.split(":")[1] not in output, output
    events = [json.loads(line) for line in output.strip().splitlines()]  # every line is JSON
    last = events[-1]  # the command's own error, as a JSON line too
    assert last["level"] == "ERROR"
    assert last["message"].startswith("telegram error: the Bot API refused the token")
    assert any(e["message"].startswith("NextSteps is starting") for e in events)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in events)
    assert any("<token>" in e["message"] + e.get("exc_info", "") for e in events), output
