"""The files people take away: which export formats there are, what each file is called, and its
bytes. Shared by ``/export``, ``/calendar``, ``/report`` and ``nextsteps export | report``.

Reading (``read_export``, in the caller's session) and writing (``render_export``, pure and
CPU-bound, for a worker thread) are apart, so a bot never holds a database thread while an XLSX
is being written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.calendar_export import to_ics
from core.exports import ExportRow, export_rows, to_csv, to_json, to_xlsx
from core.meetings import next_meeting
from core.permissions import Actor
from storage.models import Meeting, Party

EXPORT_FORMATS = ("csv", "xlsx", "ics", "json")
REPORT_FORMATS = ("docx", "pdf", "md")
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "png": "image/png",
}
# what the file holds, in its name: nextsteps-items-2023-02-13.xlsx, nextsteps-deadlines-….ics
FILE_KIND = {"csv": "items", "xlsx": "items", "json": "items", "ics": "deadlines"}
PARTY_SLUG_CHARS = 32
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ExportSource:
    """What an export is made of: the rows an actor may see, the next meeting, whose items."""

    rows: list[ExportRow]
    next_meeting: Meeting | None
    party: str | None  # a chair's (or observer's) party; None: everyone's items


def read_export(*, session: Session, actor: Actor | None, observers: bool = False) -> ExportSource:
    """The rows ``actor`` may export (``core.exports.export_rows``: PermissionDenied for an
    observer unless ``observers``), the next meeting, and the party they are limited to."""
    rows = export_rows(session=session, actor=actor, observers=observers)
    party = None
    if actor is not None and not actor.is_secretariat and actor.party_id is not None:
        found = session.get(Party, actor.party_id)
        party = found.name if found is not None else None
    return ExportSource(rows=rows, next_meeting=next_meeting(session=session), party=party)


def render_export(source: ExportSource, fmt: str, *, bot_username: str, title: str) -> bytes:
    """The file's bytes in ``fmt`` (one of ``EXPORT_FORMATS``); ValueError for any other."""
    if fmt == "csv":
        return to_csv(source.rows)
    if fmt == "xlsx":
        return to_xlsx(source.rows, title=title)
    if fmt == "json":
        return to_json(source.rows)
    if fmt == "ics":
        return to_ics(
            rows=source.rows, next_meeting=source.next_meeting, bot_username=bot_username, calendar_name=title
        )
    raise ValueError(f"unknown export format {fmt!r}")


def export_title(party: str | None) -> str:
    """The sheet or calendar name: "NextSteps" or "NextSteps — Sweden"."""
    return f"NextSteps — {party}" if party else "NextSteps"


def slug(text: str, limit: int = PARTY_SLUG_CHARS) -> str:
    """``text`` as a file-name part: ASCII letters and digits joined by "-" ("Türkiye" ->
    "turkiye"); "" when nothing is left (a name in another script)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")[:limit].strip("-")


def file_name(kind: str, day: date, ext: str, *, party: str | None = None) -> str:
    """ "nextsteps-progress-2023-02-13.docx", with the party when the file holds one party's items:
    "nextsteps-items-sweden-2023-02-13.csv"."""
    parts = ["nextsteps", kind]
    party_part = slug(party) if party else ""
    if party_part:
        parts.append(party_part)
    return f"{'-'.join(parts)}-{day.isoformat()}.{ext}"


def count_events(rows: Sequence[ExportRow]) -> int:
    """How many item events a calendar of these rows holds (open items with a resolved deadline)."""
    return sum(1 for row in rows if row.is_active and row.due_date is not None)
