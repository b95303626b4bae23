"""Report import speed: parse + store of a 200-step report and a 10,000-step work plan.

Each run uses a fresh SQLite file database with the Istanbul parties, parses a generated report
(an "Agreed actions" numbered list, owners in parentheses, a mix of deadlines) with
``core.reports.parse_report`` and stores it with ``store_report``, as an import does.
Prints the time of each part and the target lines ("met" / "NOT met"; nothing is asserted).
Targets: 200 steps < 2 s, 10,000 steps < 30 s, end to end.

    python bench/bench_import.py [--steps 200,10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import verdict  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from core import parties  # noqa: E402
from core.reports import parse_report, store_report  # noqa: E402
from core.seed import PARTIES  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Item  # noqa: E402

TARGETS = {200: 2.0, 10_000: 30.0}
OWNERS = ["Secretariat", "Chairmanship", "Sweden", "Pakistan", "Co-Chair"]
DEADLINES = ["by 31 March 2025", "within 6 weeks", "before the next meeting", "in Q3 2025", "by end of 2025"]


def report(steps: int) -> str:
    lines = [
        "Work plan of the 33rd Senior Officials Meeting",
        "Date: 5 December 2024",
        "",
        "Agreed actions",
        "",
    ]
    for n in range(1, steps + 1):
        lines.append(
            f"{n}. Prepare deliverable {n} on migration statistics for the region "
            f"{DEADLINES[n % len(DEADLINES)]} ({OWNERS[n % len(OWNERS)]})"
        )
    return "\n".join(lines) + "\n"


def run(steps: int) -> tuple[float, float]:
    text = report(steps)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.sqlite")
        db.migrate()
        with db.session() as session:
            for name, aliases in PARTIES:
                parties.add_party(session=session, name=name, aliases=aliases)
        started = time.perf_counter()
        with db.session() as session:
            draft = parse_report(session=session, text=text)
        parsed = time.perf_counter()
        with db.session() as session:
            result = store_report(session=session, draft=draft, meeting_margin_days=14)
        stored = time.perf_counter()
        with db.session() as session:
            count = session.exec(select(func.count()).select_from(Item)).one()
        db.dispose()
    if len(draft.steps) != steps or len(result.created) != steps or count != steps:
        sys.exit(f"{steps} steps: parsed {len(draft.steps)}, stored {len(result.created)}, rows {count}")
    return parsed - started, stored - parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="200,10000")
    args = parser.parse_args()
    for steps in (int(s) for s in args.steps.split(",")):
        parse_s, store_s = run(steps)
        total = parse_s + store_s
        target = TARGETS.get(steps)
        line = f"{steps:>6,} steps: parse {parse_s:6.2f} s, store {store_s:6.2f} s, total {total:6.2f} s"
        if target is not None:
            line += f"  (target < {target:g} s: {verdict(total < target)})"
        print(line)


if __name__ == "__main__":
    main()
