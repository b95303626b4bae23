"""The current time, in one place so tests can move it; local dates per timezone.

The demo runs "as of" the weeks after the Istanbul meeting: ``run_from`` shifts this clock once,
and from then on it runs in real time from there. Nothing else ever shifts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_offset = timedelta(0)


def now() -> datetime:
    """Aware UTC now (shifted only in the demo)."""
    return datetime.now(UTC) + _offset


def run_from(moment: datetime) -> None:
    """Make ``now()`` read ``moment`` at this instant and run on from there (the demo's clock)."""
    global _offset
    if moment.tzinfo is None:
        raise ValueError("run_from needs an aware datetime")
    _offset = moment - datetime.now(UTC)


def today_in(timezone: str, at: datetime | None = None) -> date:
    """The calendar date in ``timezone`` at ``at`` (default: now)."""
    return (at or now()).astimezone(ZoneInfo(timezone)).date()
