"""Issue 11's three targets in one run: the whole /report for 1,000 steps (build from the
database, DOCX, PDF and the status chart) < 3 s; an XLSX export of 10,000 items (rows read and
written) < 5 s; and peak RSS < 250 MB with matplotlib loaded.

Both databases are fresh SQLite files seeded by child processes (``bench_progress.py`` and
``bench_exports.py`` seed them as their own benchmarks do), so the peak RSS printed is that of
this process: the libraries loaded, one report and one 10,000-row export made. The report is
timed cold (the first one after start: matplotlib's import and font loading included, as the
bot's first /report pays them) and warm (best of ``--runs``). Prints figures and "met" /
"NOT met" lines; nothing is asserted.

    python bench/bench_report_all.py [--steps 1000] [--items 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_progress import AS_OF  # noqa: E402
from benchkit import verdict  # noqa: E402

from core.chart import report_chart  # noqa: E402
from core.documents import render_docx, render_pdf  # noqa: E402
from core.export_files import read_export, render_export  # noqa: E402
from core.progress import build_progress_report  # noqa: E402
from storage.db import Database  # noqa: E402

REPORT_TARGET_S = 3.0
XLSX_TARGET_S = 5.0
RSS_TARGET_MB = 250
AS_OF_ARGS = {"timezone": "Europe/Vienna", "prepared_by": "Bench"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def seed_progress(url: str, steps: int) -> None:
    subprocess.run(
        [sys.executable, str(BENCH / "bench_progress.py"), "--steps", str(steps), "--seed-only", url],
        check=True,
    )


def _seed_exports_child(url: str, items: int) -> None:
    import bench_exports  # the child's work only

    db = Database(url)
    db.migrate()
    bench_exports.seed(db, items)
    db.dispose()


def seed_exports(url: str, items: int) -> None:
    subprocess.run([sys.executable, __file__, "--items", str(items), "--seed-exports-only", url], check=True)


def one_report(db: Database) -> dict[str, float]:
    """/report's work, part by part, in seconds."""
    times: dict[str, float] = {}
    started = time.perf_counter()
    with db.session() as session:
        report = build_progress_report(session=session, actor=None, as_of=AS_OF, **AS_OF_ARGS)
    times["build"] = time.perf_counter() - started
    for name, render in (
        ("docx", lambda: render_docx(report)),
        ("pdf", lambda: render_pdf(report)),
        ("chart", lambda: report_chart(report)),
    ):
        started = time.perf_counter()
        render()
        times[name] = time.perf_counter() - started
    times["total"] = sum(times.values())
    return times


def one_export(db: Database) -> tuple[int, float, float, int]:
    """Rows read and the XLSX written, as /export xlsx does: (rows, read s, write s, bytes)."""
    started = time.perf_counter()
    with db.session() as session:
        source = read_export(session=session, actor=None)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    data = render_export(source, "xlsx", bot_username="bench_bot", title="NextSteps")
    return len(source.rows), read_s, time.perf_counter() - started, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed-exports-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_exports_only:
        _seed_exports_child(args.seed_exports_only, args.items)
        return
    print(f"peak RSS with the libraries imported (matplotlib not yet): {peak_rss_mb():.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        report_url, export_url = f"sqlite:///{tmp}/report.sqlite", f"sqlite:///{tmp}/export.sqlite"
        started = time.perf_counter()
        seed_progress(report_url, args.steps)
        seed_exports(export_url, args.items)
        print(
            f"seeded {args.steps:,} steps with history and {args.items:,} items "
            f"in {time.perf_counter() - started:.1f} s (child processes)"
        )

        db = Database(report_url)
        cold = one_report(db)
        warm = min((one_report(db) for _ in range(args.runs)), key=lambda t: t["total"])
        db.dispose()
        rss_report = peak_rss_mb()
        print(f"/report of {args.steps:,} steps:")
        for label, times in (
            ("cold (first, matplotlib loaded)", cold),
            (f"warm (best of {args.runs})", warm),
        ):
            parts = "  ".join(f"{k} {v * 1000:5.0f} ms" for k, v in times.items() if k != "total")
            print(f"  {label:<32} {times['total']:5.2f} s   {parts}")
        print(f"  peak RSS after the reports: {rss_report:.0f} MB")

        db = Database(export_url)
        rows, read_s, write_s, size = one_export(db)
        db.dispose()
        print(
            f"XLSX of {rows:,} items: rows {read_s:.2f} s + write {write_s:.2f} s "
            f"= {read_s + write_s:.2f} s, {size / 1e6:.1f} MB"
        )

    peak = peak_rss_mb()
    print()
    print(
        f"report (DOCX + PDF + chart) < {REPORT_TARGET_S:g} s: cold {cold['total']:.2f} s — "
        f"{verdict(cold['total'] < REPORT_TARGET_S)}; warm {warm['total']:.2f} s — "
        f"{verdict(warm['total'] < REPORT_TARGET_S)}"
    )
    xlsx_s = read_s + write_s
    print(
        f"XLSX export of {rows:,} items < {XLSX_TARGET_S:g} s: {xlsx_s:.2f} s — "
        f"{verdict(xlsx_s < XLSX_TARGET_S)}"
    )
    print(
        f"peak RSS < {RSS_TARGET_MB} MB (matplotlib loaded): {peak:.0f} MB — {verdict(peak < RSS_TARGET_MB)}"
    )


if __name__ == "__main__":
    main()
