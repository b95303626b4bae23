"""The current time, in one place so tests can move it; local dates per timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """Aware UTC now."""
    return datetime.now(UTC)


def today_in(timezone: str, at: datetime | None = None) -> date:
    """The calendar date in ``timezone`` at ``at`` (default: now)."""
    return (at or now()).astimezone(ZoneInfo(timezone)).date()
