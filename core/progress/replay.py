"""Replaying an item's history: its status, last update and latest note as they stood at a moment.

Pure: takes the item's events (any order) and the moment; the database is read elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.models import ItemEvent, Status

CHANGE_KINDS = frozenset({"status", "note"})


@dataclass(frozen=True)
class StateAt:
    status: Status
    last_update: datetime | None
    latest_note: str | None
    latest_note_at: datetime | None


def status_value(value: str | None) -> Status | None:
    """The status an event recorded, or None (none recorded, or a word this version lacks)."""
    try:
        return Status(value) if value else None
    except ValueError:
        return None


def state_at(events: Iterable[ItemEvent], *, before: datetime, current: Status) -> StateAt:
    """The item's state from the events strictly before ``before``.

    The status is the last one set (by creation or a status change) before the moment; with none
    recorded before it, the status the first later change started from; with no change at all,
    ``current`` (the item has never changed)."""
    ordered = sorted(events, key=lambda e: (e.at, e.id or 0))
    status: Status | None = None
    last_update: datetime | None = None
    note: str | None = None
    note_at: datetime | None = None
    for event in ordered:
        if event.at >= before:
            if status is None and event.kind == "status":
                status = status_value(event.old_value)
            if status is not None:
                break
            continue
        if event.kind in ("created", "status"):
            status = status_value(event.new_value) or status
        last_update = event.at
        if event.note:
            note, note_at = event.note, event.at
    return StateAt(
        status=status or current, last_update=last_update, latest_note=note, latest_note_at=note_at
    )
