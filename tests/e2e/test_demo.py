"""``nextsteps demo`` works with no token and no internet, driven through its terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NEXTSTEPS = str(Path(sys.executable).parent / "nextsteps")


def run_demo(
    tmp_path: Path, *args: str, script: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``nextsteps <args>`` typed into as a person would, with no NEXTSTEPS_* settings but ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    return subprocess.run(
        [NEXTSTEPS, *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**clean, **(env or {})},
    )


def test_demo_chat_from_the_terminal(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/items all",
            "/item 2",
            ":as sven",
            "/item 5",
            "2",  # press [2] ✅ Done
            ":reply Agreed with Pakistan",
            "/item 5",
            ":as sam",
            "/items",
            ":quit",
        ]
    )
    result = run_demo(tmp_path, "demo", "--db", str(tmp_path / "demo.db"), script=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "All items (5)" in out
    # the demo runs in the weeks after Istanbul, with some history: nothing is years overdue
    assert "the demo's clock reads Monday 13 February 2023" in out
    assert "⏰ before the next meeting (by 26 Apr 2023)" in out and "overdue" not in out.lower()
    assert "12 Dec 2022 10:15 · Tarık: ⚪ open → 🔵 in progress" in out
    assert "1 Dec 2022 17:00 · created by NextSteps" in out
    assert "[2] ✅ Done" in out and "#5 is now done." in out
    assert "#5 · ✅ done" in out
    assert "Note added to #5." in out and "Sven: 📝 “Agreed with Pakistan”" in out
    assert "You are not registered yet" in out
    assert "Traceback" not in result.stderr
    assert (tmp_path / "demo.db").exists()


def test_make_run_falls_back_to_the_demo_without_a_token(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "run", "--demo-if-no-token", script=":quit\n")
    assert result.returncode == 0, result.stderr
    assert "No bot token configured: starting the local demo" in result.stdout
    assert "NextSteps demo" in result.stdout


def test_demo_in_russian_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    result = run_demo(tmp_path, "demo", "--lang", "ru", "--db", db, script="/items all\n/help\n:quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "13 февраля 2023" in out  # the demo's clock, in Russian
    assert "Ваша роль" in out  # /help answered in Russian
    assert "All items" not in out and "What you can do" not in out
    assert "Traceback" not in result.stderr


def test_a_kept_demo_database_continues_where_it_left_off(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    first = run_demo(tmp_path, "demo", "--db", db, script="/whoami\n/items all\n/item 2\n:quit\n")
    assert first.returncode == 0, first.stderr
    # the next session's first lines are answered too (a fresh emulator numbers updates from 1
    # again, which the bot took for redeliveries of what it had stored)
    again = run_demo(tmp_path, "demo", "--db", db, script="/item 5\n/whoami\n:quit\n")
    assert again.returncode == 0, again.stderr
    assert "#5 · " in again.stdout  # /item 5's card
    assert "You are Ada (id 100)" in again.stdout  # /whoami
