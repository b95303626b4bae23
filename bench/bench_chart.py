"""The status chart at scale: render time for 500 and 5,000 items, and memory over many charts.

Prints the cold first chart (matplotlib import and font loading included), then the median and
worst of warm renders for 500 items / 30 parties and 5,000 items / 60 parties (25 bars + "others"),
then RSS after 10 and after 50 more charts and the figures still alive: a leak (pyplot's figure
registry, a cache keyed by figure) would show as growth. Target: < 0.5 s for 500 items.

    python bench/bench_chart.py [--runs 20]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
from datetime import date

from core.chart import status_chart
from storage.models import ACTIVE_STATUSES, Status

NAMES = [
    "Україна",
    "Türkiye",
    "საქართველო",
    "Magyarország",
    "Azərbaycan",
    "Ελλάδα",
    "Հայաստան",
    "Bosnia and Herzegovina",
    "Permanent International Secretariat",
    "Working Group on Transport",
]
WEIGHTS = {Status.OPEN: 4, Status.IN_PROGRESS: 3, Status.DONE: 3, Status.BLOCKED: 1, Status.DROPPED: 0.5}
AS_OF = date(2023, 2, 13)


def data(items: int, parties: int, seed: int = 1) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Counts per party and overdue per party for ``items`` steps, one owner each."""
    rng = random.Random(seed)
    names = (NAMES + [f"Party {n}" for n in range(parties)])[:parties]
    by_party: dict[str, dict[str, int]] = {}
    overdue: dict[str, int] = {}
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    for _ in range(items):
        party = rng.choice(names)
        status = rng.choices(statuses, weights)[0]
        counts = by_party.setdefault(party, {})
        counts[status.value] = counts.get(status.value, 0) + 1
        if status in ACTIVE_STATUSES and rng.random() < 0.3:
            overdue[party] = overdue.get(party, 0) + 1
    return by_party, overdue


def render(items: int, parties: int, seed: int = 1) -> tuple[float, int]:
    by_party, overdue = data(items, parties, seed)
    started = time.perf_counter()
    totals = {s.value: sum(c.get(s.value, 0) for c in by_party.values()) for s in Status}
    png = status_chart(
        by_party=by_party,
        overdue_by_party=overdue,
        totals=totals,
        overdue=sum(overdue.values()),
        title="32nd SOM, Istanbul",
        as_of=AS_OF,
    )
    return time.perf_counter() - started, len(png)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def live_figures() -> int:
    from matplotlib.figure import Figure

    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"RSS before matplotlib: {rss_mb():.0f} MB")
    cold, size = render(500, 30)
    print(f"cold first chart (import + fonts + render), 500 items: {cold * 1000:.0f} ms, {size // 1024} KB")
    for items, parties in ((500, 30), (5_000, 60)):
        times = [render(items, parties, seed)[0] * 1000 for seed in range(args.runs)]
        verdict = "met" if items > 500 or max(times) < 500 else "NOT met"
        print(
            f"{items:>5} items / {parties} parties: median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms over {args.runs} renders"
            + (f"  (target < 500 ms: {verdict})" if items == 500 else "")
        )
    for _ in range(10):
        render(500, 30)
    after_10 = rss_mb()
    for seed in range(50):
        render(500, 30, seed)
    after_60 = rss_mb()
    print(
        f"RSS after 10 charts {after_10:.0f} MB, after 50 more {after_60:.0f} MB "
        f"(growth {after_60 - after_10:+.1f} MB); peak RSS {peak_rss_mb():.0f} MB; "
        f"Figure objects alive: {live_figures()}"
    )


if __name__ == "__main__":
    main()
