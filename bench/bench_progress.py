"""Progress report speed: the report for 1,000 steps built from the database (statuses replayed
from the history), rendered as DOCX and PDF, and the chat summary.

A fresh SQLite file database holds one meeting's steps owned by parties with names in several
scripts, up to three history events per step (created, a status change with a note, a note); it
is seeded by a child process, so the peak RSS printed is that of building and rendering (as in
the bot: the libraries loaded, one report in memory), not of seeding. Prints
the time of each part (best of ``--runs``), the sizes, peak RSS, and the target lines ("met" /
"NOT met"; nothing is asserted). Targets: DOCX + PDF < 2 s, leaving the chart room within the
issue's 3 s for the whole /report; peak RSS < 250 MB.

    python bench/bench_progress.py [--steps 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import verdict  # noqa: E402

from core import clock, items, meetings, parties  # noqa: E402
from core.documents import render_docx, render_pdf, render_summary  # noqa: E402
from core.permissions import Actor  # noqa: E402
from core.progress import ProgressReport, build_progress_report  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import ItemEvent, Meeting, Role, Status  # noqa: E402

T = TypeVar("T")
SYSTEM = Actor(
    member_id=0, user_id=0, role=Role.SECRETARIAT, party_id=None, name="Secretariat", timezone="UTC"
)
PARTIES = ["Türkiye", "Magyarország", "Україна", "Sweden", "Pakistan", "Ελλάδα", "Azərbaycan", "Қазақстан"]
DEADLINES = ["by 31 March 2023", "before the next meeting", "in Q3 2023", "end of 2023", "early 2023"]
STATUSES = [Status.IN_PROGRESS, Status.DONE, Status.BLOCKED, Status.IN_PROGRESS, Status.OPEN]
AGREED = datetime(2022, 12, 1, 16, 0, tzinfo=UTC)
AS_OF = date(2023, 4, 20)
TARGET_FILES_S = 2.0
TARGET_RSS_MB = 250


def seed(db: Database, steps: int) -> None:
    clock_now = clock.now
    clock.now = lambda: AGREED
    try:
        with db.session() as session:
            for name in PARTIES:
                parties.add_party(session=session, name=name)
            meeting = Meeting(
                name="32nd Senior Officials Meeting", held_on=date(2022, 12, 1), place="Istanbul"
            )
            session.add(meeting)
            session.flush()
            meetings.set_next_meeting(
                session=session, actor=SYSTEM, held_on=date(2023, 5, 10), name="33rd Senior Officials Meeting"
            )
            ids = []
            for n in range(steps):
                owners = [PARTIES[n % len(PARTIES)]] + (
                    [PARTIES[(n + 3) % len(PARTIES)]] if n % 4 == 0 else []
                )
                ids.append(
                    items.create_item(
                        session=session,
                        actor=None,
                        text=(
                            f"{owners[0]} will share its comments on the draft declaration, "
                            f"annex {n % 7 + 1}, with the secretariat and the partner countries "
                            "ahead of the consultations;"
                        ),
                        owner_names=owners,
                        due_phrase=DEADLINES[n % len(DEADLINES)],
                        today=date(2022, 12, 1),
                        meeting_margin_days=14,
                        meeting_id=meeting.id,
                        paragraph_ref=f"§{13 + n // 100}.{n % 100 + 1}",
                    ).number
                )
            for n, item_id in enumerate(ids):
                status = STATUSES[n % len(STATUSES)]
                at = AGREED + timedelta(days=10 + n % 120, hours=n % 9)
                if status is not Status.OPEN:
                    session.add(
                        ItemEvent(
                            item_id=item_id,
                            at=at,
                            actor_name="Chair",
                            kind="status",
                            old_value="open",
                            new_value=status.value,
                            note=f"Progress on step {n + 1}: consultations held, text agreed in principle.",
                        )
                    )
                session.add(
                    ItemEvent(
                        item_id=item_id,
                        at=at + timedelta(days=7),
                        actor_name="Secretariat",
                        kind="note",
                        note="Reminder sent; answer expected before the next meeting.",
                    )
                )
    finally:
        clock.now = clock_now


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(work: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed-only", metavar="URL", help=argparse.SUPPRESS)  # the child's work
    args = parser.parse_args()
    if args.seed_only:
        db = Database(args.seed_only)
        db.migrate()
        seed(db, args.steps)
        db.dispose()
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite"
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--steps", str(args.steps), "--seed-only", url], check=True)
        print(
            f"seeded {args.steps} steps with history in {time.perf_counter() - start:.1f} s (child process)"
        )
        db = Database(url)

        def build() -> ProgressReport:
            with db.session() as session:
                return build_progress_report(
                    session=session, actor=None, as_of=AS_OF, timezone="Europe/Vienna", prepared_by="Bench"
                )

        def once() -> tuple[tuple[float, ProgressReport], tuple[float, bytes], tuple[float, bytes]]:
            build_s, report = timed(build)
            return (build_s, report), timed(lambda: render_docx(report)), timed(lambda: render_pdf(report))

        # one report first, as one /report in the bot: the peak RSS of that; then the best of runs
        rss_before = peak_rss_mb()
        runs = [once()]
        rss_one = peak_rss_mb()
        runs += [once() for _ in range(args.runs - 1)]
        db.dispose()
    build_s, report = min((run[0] for run in runs), key=lambda timing: timing[0])
    docx_s, docx = min((run[1] for run in runs), key=lambda timing: timing[0])
    pdf_s, pdf = min((run[2] for run in runs), key=lambda timing: timing[0])
    summary_s, summary = timed(lambda: render_summary(report))
    print(f"report: {len(report.rows)} rows, {len(report.changes)} changes, {report.overdue} overdue")
    print(f"best of {args.runs}:")
    print(f"  build (query + replay)  {build_s * 1000:7.0f} ms")
    print(f"  DOCX                    {docx_s * 1000:7.0f} ms  {len(docx) / 1024:7.0f} KiB")
    print(f"  PDF                     {pdf_s * 1000:7.0f} ms  {len(pdf) / 1024:7.0f} KiB")
    print(f"  summary                 {summary_s * 1000:7.1f} ms  {len(summary)} characters")
    total = build_s + docx_s + pdf_s
    print(f"build + DOCX + PDF < {TARGET_FILES_S:.0f} s: {total:.2f} s — {verdict(total < TARGET_FILES_S)}")
    print(f"peak RSS: {rss_before:.0f} MB with the libraries loaded, {rss_one:.0f} MB after one report")
    print(
        f"peak RSS < {TARGET_RSS_MB} MB: {peak_rss_mb():.0f} MB after {args.runs} — "
        f"{verdict(peak_rss_mb() < TARGET_RSS_MB)}"
    )


if __name__ == "__main__":
    main()
