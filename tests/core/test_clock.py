"""One clock: the bot reads the time only through ``core.clock``, so a test that moves it moves
everything (deadlines, digests, previews that expire, the dates people see)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
# Telegram's own clock (message dates in the emulator) is not the bot's.
SCANNED = [
    path
    for package in ("bot", "core", "storage")
    for path in (ROOT / package).rglob("*.py")
    if "emulator" not in path.parts
]
NAIVE = re.compile(
    r"\bdate\.today\(|\bdatetime\.today\(|\bdatetime\.utcnow\(|\bdatetime\.now\(\s*\)"
    r"|\btime\.time\(\)|\btime\.localtime\("
)
ANY_NOW = re.compile(r"\bdatetime\.now\(")
STORAGE_NOW = re.compile(r"\butcnow\(")
# core/clock.py is the clock. storage/db.py's aware utcnow() only fills column defaults and the
# inbox's own bookkeeping: storage may not import core, and every time a person sees is stamped
# by core with clock.now().
CLOCK = {ROOT / "core" / "clock.py", ROOT / "storage" / "db.py"}
STORAGE = {path for path in SCANNED if path.parts[len(ROOT.parts)] == "storage"}


def _calls(pattern: re.Pattern[str], allowed: frozenset[Path] | set[Path] = frozenset()) -> list[str]:
    found = []
    for path in SCANNED:
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if pattern.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_naive_or_second_clock_in_the_source_tree() -> None:
    assert _calls(NAIVE) == [], "use core.clock.now() or core.clock.today_in(timezone)"
    assert _calls(ANY_NOW, CLOCK) == [], "use core.clock.now()"
    assert _calls(STORAGE_NOW, STORAGE) == [], "outside storage, the time is core.clock.now()"


def test_the_scan_sees_what_it_forbids() -> None:
    for line in (
        "x = date.today()",
        "datetime.now()",
        "datetime.utcnow()",
        "datetime.today()",
        "time.time()",
    ):
        assert NAIVE.search(line), line
    assert not NAIVE.search("clock.now()") and not NAIVE.search("datetime.now(UTC)")
    assert ANY_NOW.search("datetime.now(UTC)") and STORAGE_NOW.search("at=utcnow()")
    assert len(SCANNED) > 30 and STORAGE
