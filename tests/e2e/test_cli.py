"""The installed ``nextsteps`` command: config errors in one line, migrate, and run for real."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.emulator import Emulator, EmulatorClient

NEXTSTEPS = str(Path(sys.executable).parent / "nextsteps")


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    full_env.update(env or {})
    return subprocess.run(
        [NEXTSTEPS, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60
    )


def test_run_without_token_stops_with_one_line_naming_the_key(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "telegram.token" in result.stderr and "Traceback" not in result.stderr


def test_unknown_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[telegram]\ntoken = "1:x"\n[database]\nurll = "sqlite://"\n')
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "config error: unknown key 'database.urll'"


def test_bad_timezone_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "alt.toml"
    cfg.write_text('[secretariat]\ntimezone = "Europe/Atlantis"\n')
    result = run_cli("run", "--config", str(cfg), cwd=tmp_path)
    assert result.returncode == 2
    assert "secretariat.timezone" in result.stderr and "Europe/Atlantis" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_environment_overrides_are_validated_too(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path, env={"NEXTSTEPS_SECRETARIAT__TIMEZONE": "Nowhere"})
    assert result.returncode == 2 and "secretariat.timezone" in result.stderr


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    result = run_cli("run", "--config", "nope.toml", cwd=tmp_path)
    assert result.returncode == 2 and "nope.toml" in result.stderr


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_with_json_logs_the_final_error_is_a_json_log_line(tmp_path: Path, level: str) -> None:
    env = {
        "NEXTSTEPS_LOGGING__FORMAT": "json",
        "NEXTSTEPS_LOGGING__LEVEL": level,
        "NEXTSTEPS_DATABASE__URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}",
    }
    result = run_cli("migrate", cwd=tmp_path, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # a traceback goes inside the line, as exc_info
    line = json.loads(lines[0])
    assert line["level"] == "ERROR" and line["logger"] == "nextsteps" and line["time"].endswith("Z")
    assert line["message"].startswith("database error:"), line
    assert ("Traceback" in line.get("exc_info", "")) is (level == "DEBUG")


@pytest.mark.parametrize("config", ["", '[telegram]\ntokn = "1:x"\n'], ids=["no-token", "unknown-key"])
def test_with_json_logs_a_config_error_is_a_json_log_line(tmp_path: Path, config: str) -> None:
    (tmp_path / "config.toml").write_text(config)
    result = run_cli("run", cwd=tmp_path, env={"NEXTSTEPS_LOGGING__FORMAT": "json"})
    assert result.returncode == 2
    line = json.loads(result.stderr)
    assert line["level"] == "ERROR" and line["message"].startswith("config error:"), line


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    result = run_cli(
        "migrate", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"}
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()
    again = run_cli(
        "migrate", cwd=tmp_path, env={"NEXTSTEPS_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"}
    )
    assert again.returncode == 0


async def test_nextsteps_run_serves_users_with_token_from_environment(tmp_path: Path) -> None:
    """The real process, configured only by file + environment, answering over real HTTP."""
    async with Emulator(token="5555:run-test-token-abcdef") as emu, EmulatorClient(emu.control_url) as client:
        (tmp_path / "config.toml").write_text(
            f'[telegram]\napi_base_url = "{emu.base_url}"\napi_file_url = "{emu.file_url}"\n'
            f"poll_timeout_seconds = 1\n[secretariat]\nadmins = [42]\n"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
        env["NEXTSTEPS_TELEGRAM__TOKEN"] = emu.token
        env["NEXTSTEPS_DATABASE__URL"] = f"sqlite:///{tmp_path / 'run.db'}"
        proc = await asyncio.create_subprocess_exec(
            NEXTSTEPS, "run", cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            admin = await client.user("Ada", user_id=42)
            welcome = await client.ask(admin, "/start", timeout=30)
            assert "You are <b>secretariat</b>" not in welcome.text and "You are secretariat" in welcome.text
            reply = await client.ask(admin, "/party add Sweden | SE")
            assert "Added party Sweden" in reply.text
        finally:
            proc.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        log = stderr.decode()
        assert proc.returncode == 0, log
        assert emu.token not in log and "run-test-token" not in log
        assert "NextSteps is starting" in log


def test_schedule_prints_planned_followups_in_local_time(tmp_path: Path) -> None:
    from datetime import date

    from core import members
    from core.seed import seed_istanbul
    from storage.db import Database
    from storage.models import Role
    from tests.conftest import SYSTEM

    url = f"sqlite:///{tmp_path / 's.db'}"
    db = Database(url)
    db.migrate()
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2027, 1, 20), meeting_margin_days=14, system_actor=SYSTEM
        )
        sven = members.enroll(
            session=session, user_id=4242, display_name="Sven", party_name="Sweden", role=Role.CHAIR
        )
        sven.timezone = "Europe/Stockholm"
        members.enroll(
            session=session, user_id=4343, display_name="Parveen", party_name="Pakistan", role=Role.CHAIR
        )
    db.dispose()
    env = {"NEXTSTEPS_DATABASE__URL": url}
    result = run_cli("schedule", "--until", "2027-01-31", "--member", "4242", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(
        "09:00 Europe/Stockholm" in line and "Sven" in line and "deadline" in line and "#5" in line
        for line in lines
    )
    assert any("premeeting" in line and "Sven" in line for line in lines)
    assert not any("Parveen" in line for line in lines)
    assert lines[-1].endswith("follow-up(s) until 2027-01-31.")
    bad = run_cli("schedule", "--until", "someday", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "--until" in bad.stderr


def test_import_the_istanbul_report_from_the_command_line(tmp_path: Path) -> None:
    from sqlmodel import select

    from core import parties
    from core.seed import PARTIES
    from storage.db import Database
    from storage.models import Item, ItemOwner, Meeting

    report = Path(__file__).parents[1] / "data" / "bp-som32-istanbul-2022.txt"
    url = f"sqlite:///{tmp_path / 'i.db'}"
    db = Database(url)
    db.migrate()
    with db.session() as session:
        for name, aliases in PARTIES:
            parties.add_party(session=session, name=name, aliases=aliases)
    env = {"NEXTSTEPS_DATABASE__URL": url}

    preview = run_cli("import", str(report), cwd=tmp_path, env=env)
    assert preview.returncode == 0, preview.stderr
    assert "32nd Senior Officials Meeting — 2022-12-01, Istanbul, Türkiye" in preview.stdout
    assert "1. [§13.1] The Chairmanship will provide time until early 2023" in preview.stdout
    assert "due: until early 2023 -> 2023-04-30" in preview.stdout
    assert "⚠ NO OWNER" in preview.stdout and "Dry run: 5 step(s) found, nothing stored." in preview.stdout

    refused = run_cli("import", str(report), "--yes", cwd=tmp_path, env=env)
    assert refused.returncode == 2 and "§13.3 has no owner" in refused.stderr

    done = run_cli("import", str(report), "--yes", "--owner", "3=Chairmanship", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "Imported 5 step(s) as items #1, #2, #3, #4, #5." in done.stdout
    again = run_cli("import", str(report), "--yes", "--owner", "3=Chairmanship", cwd=tmp_path, env=env)
    assert "Imported 0 step(s)" in again.stdout and "5 already imported" in again.stdout

    with db.session() as session:
        rows = session.exec(select(Item).order_by(Item.id)).all()
        assert [r.paragraph_ref for r in rows] == ["§13.1", "§13.2", "§13.3", "§13.4", "§13.5"]
        assert rows[1].due_text == "before the next meeting" and rows[3].due_precision == "meeting"
        assert len(session.exec(select(ItemOwner).where(ItemOwner.item_id == rows[4].id)).all()) == 3
        assert session.exec(select(Meeting.name)).all() == ["32nd Senior Officials Meeting"]
    db.dispose()


def test_import_a_report_without_a_date_or_known_owners_from_the_command_line(tmp_path: Path) -> None:
    from sqlmodel import select

    from storage.db import Database
    from storage.models import Item, Party

    report = tmp_path / "minutes.md"
    report.write_text(
        "Coordination call\n\nAgreed actions\n"
        "- The Bureau will circulate the revised terms of reference within 30 days.\n"
        "- The Secretariat will update the website by end of June 2024.\n"
    )
    url = f"sqlite:///{tmp_path / 'i.db'}"
    env = {"NEXTSTEPS_DATABASE__URL": url}
    preview = run_cli("import", str(report), cwd=tmp_path, env=env)
    assert preview.returncode == 0, preview.stderr
    assert "⚠ NO DATE — give --date YYYY-MM-DD" in preview.stdout
    assert "new in the report: Bureau" in preview.stdout or "new in the report: the Bureau" in preview.stdout

    dry = run_cli("import", str(report), "--add-parties", cwd=tmp_path, env=env)
    assert dry.returncode == 0 and "Would add party" in dry.stdout and "Dry run" in dry.stdout
    refused = run_cli("import", str(report), "--yes", "--add-parties", cwd=tmp_path, env=env)
    assert refused.returncode != 0 and "date" in (refused.stderr + refused.stdout)
    db = Database(url)
    with db.session() as session:
        assert session.exec(select(Party)).all() == []  # neither the dry run nor the refusal added any
    db.dispose()
    args = ("--yes", "--add-parties", "--meeting", "Coordination call 3", "--date", "2024-03-12")
    done = run_cli("import", str(report), *args, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "Imported 2 step(s)" in done.stdout
    db = Database(url)
    with db.session() as session:
        rows = session.exec(select(Item).order_by(Item.id)).all()
        assert rows[0].due_date is not None and rows[0].due_date.isoformat() == "2024-04-11"
        assert len(session.exec(select(Party)).all()) == 2
    db.dispose()
