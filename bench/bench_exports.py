"""Export speed: 10,000 items read for export, then written as XLSX, CSV, JSON and iCalendar.

A fresh SQLite file database (or ``--url``, e.g. a PostgreSQL database you made for it) gets the
Istanbul parties, the next meeting, ``--items`` items with one to three owners, a mix of
statuses and deadlines, and a note on every third item (written in bulk, as an import does).
Then, as ``/export`` does: ``export_rows`` (what the secretariat sees), and each file from those
rows. Prints each stage's time, the file size and the process's peak RSS after it; a target line
says "met" or "NOT met" (nothing is asserted). Target: XLSX of 10,000 items < 5 s, rows included.

    python bench/bench_exports.py [--items 10000] [--url URL]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import SYSTEM, verdict  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from core import meetings, parties  # noqa: E402
from core.calendar_export import to_ics  # noqa: E402
from core.exports import ExportRow, export_rows, to_csv, to_json, to_xlsx  # noqa: E402
from core.seed import PARTIES  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Item, ItemEvent, ItemOwner, Meeting, Party, Precision, Status  # noqa: E402

XLSX_TARGET_S = 5.0
STATUSES = [Status.OPEN, Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED, Status.DONE, Status.DROPPED]
DEADLINES = [
    ("by 31 March 2025", date(2025, 3, 31), Precision.DAY),
    ("in Q3 2025", date(2025, 9, 30), Precision.QUARTER),
    ("before the next meeting", date(2025, 11, 21), Precision.MEETING),
    ("by end of 2025", date(2025, 12, 31), Precision.YEAR),
    ("TBD", None, Precision.NONE),
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def seed(db: Database, count: int) -> None:
    with db.session() as session:
        for name, aliases in PARTIES:
            parties.add_party(session=session, name=name, aliases=aliases)
        meetings.set_next_meeting(session=session, actor=SYSTEM, held_on=date(2025, 12, 5), name="34th SOM")
        source = Meeting(name="33rd Senior Officials Meeting", held_on=date(2024, 12, 5))
        session.add(source)
        session.flush()
        party_ids = [p.id for p in session.exec(select(Party)).all() if p.id is not None]
        now = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
        session.execute(
            insert(Item),
            [
                {
                    "id": n,
                    "text": f"Prepare deliverable {n} on migration statistics, with the partners' "
                    f'comments ("draft {n % 7}"), for the region',
                    "meeting_id": source.id,
                    "paragraph_ref": f"§{n // 100}.{n % 100}",
                    "status": STATUSES[n % len(STATUSES)],
                    "due_text": DEADLINES[n % len(DEADLINES)][0],
                    "due_date": DEADLINES[n % len(DEADLINES)][1],
                    "due_precision": DEADLINES[n % len(DEADLINES)][2],
                    "created_at": now,
                    "updated_at": now + timedelta(minutes=n),
                }
                for n in range(1, count + 1)
            ],
        )
        session.execute(
            insert(ItemOwner),
            [
                {"item_id": n, "party_id": party_ids[(n + k) % len(party_ids)]}
                for n in range(1, count + 1)
                for k in range(1 + n % 3)
            ],
        )
        session.execute(
            insert(ItemEvent),
            [{"item_id": n, "at": now, "kind": "created", "new_value": "open"} for n in range(1, count + 1)]
            + [
                {
                    "item_id": n,
                    "at": now + timedelta(days=1),
                    "kind": "note",
                    "note": f"Update on {n}; on track",
                }
                for n in range(1, count + 1, 3)
            ],
        )


def timed(label: str, make: Callable[[], bytes]) -> float:
    started = time.perf_counter()
    data = make()
    took = time.perf_counter() - started
    print(f"  {label:<5} {took:6.2f} s  {len(data) / 1e6:6.2f} MB  peak RSS {peak_rss_mb():6.0f} MB")
    return took


def run(db: Database, count: int) -> None:
    print(f"peak RSS with the exporters imported: {peak_rss_mb():.0f} MB")
    started = time.perf_counter()
    seed(db, count)
    print(f"{count:,} items seeded in {time.perf_counter() - started:.2f} s; peak RSS {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    with db.session() as session:
        rows: list[ExportRow] = export_rows(session=session, actor=None)
        upcoming = meetings.next_meeting(session=session)
    read_s = time.perf_counter() - started
    assert len(rows) == count, f"{len(rows)} rows for {count} items"
    print(f"  rows  {read_s:6.2f} s  {len(rows):,} rows   peak RSS {peak_rss_mb():6.0f} MB")

    xlsx_s = timed("xlsx", lambda: to_xlsx(rows))
    timed("csv", lambda: to_csv(rows))
    timed("json", lambda: to_json(rows))
    timed(
        "ics", lambda: to_ics(rows=rows, next_meeting=upcoming, bot_username="bench_bot", calendar_name="x")
    )
    total = read_s + xlsx_s
    print(f"XLSX of {count:,} items, rows included: {total:.2f} s (target < {XLSX_TARGET_S:g} s: ", end="")
    print(f"{verdict(total < XLSX_TARGET_S)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--url", help="an empty database to use instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{tmp}/bench.sqlite")
        db.migrate()
        try:
            run(db, args.items)
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
