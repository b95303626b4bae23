"""Exports of the items as tables people open elsewhere: CSV, XLSX (Excel) and JSON.

``export_rows`` reads one row per item (what an actor may see); ``to_csv``, ``to_xlsx`` and
``to_json`` turn rows into the bytes of a file. The calendar (.ics) is ``core.calendar_export``.
The caller owns the session (as for every service here); nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func
from sqlalchemy import select as select_columns  # sqlmodel's select types up to four columns
from sqlmodel import Session, col, select

from core.deadlines import phrase_shown
from core.errors import PermissionDenied
from core.i18n import N_, SOURCE_LANGUAGE, translator
from core.items import status_word
from core.parties import normalise_name
from core.permissions import Actor
from storage.models import ACTIVE_STATUSES, Item, ItemEvent, ItemOwner, Meeting, Party, Role, Status

OWNER_SEPARATOR = "; "
# Excel (and LibreOffice) run a CSV cell that starts with one of these as a formula: such a cell
# gets a leading apostrophe, the usual defence (OWASP "CSV injection"); XLSX cells are typed instead
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One item with every field an export shows; ``last_update`` is in the reader's timezone."""

    number: int
    ref: str | None
    text: str
    owners: tuple[str, ...]
    deadline: str  # the phrase as agreed: "ahead of the next Senior Officials Meeting"
    due_date: date | None  # the latest date the phrase allows
    precision: str
    status: Status
    last_update: datetime
    latest_note: str | None
    meeting: str | None  # the meeting the step came from
    ical_uid: str
    ical_sequence: int

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class _Column:
    header: str
    width: float  # in Excel's character units
    wrap: bool = False


# the header row: English here, in the reader's language in the file (``headers``)
COLUMNS = (
    _Column(N_("No."), 6),
    _Column(N_("Ref"), 9),
    _Column(N_("Next step"), 60, wrap=True),
    _Column(N_("Owners"), 28, wrap=True),
    _Column(N_("Deadline (as agreed)"), 28, wrap=True),
    _Column(N_("Due date"), 12),
    _Column(N_("Precision"), 10),
    _Column(N_("Status"), 12),
    _Column(N_("Last update"), 17),
    _Column(N_("Latest note"), 45, wrap=True),
    _Column(N_("Meeting"), 28, wrap=True),
)
HEADERS = tuple(c.header for c in COLUMNS)
_DUE, _UPDATED = HEADERS.index("Due date"), HEADERS.index("Last update")
# how precisely the deadline phrase gave the date (``Precision`` values), as the files say it
PRECISION_WORD = {
    "day": N_("day"),
    "month": N_("month"),
    "period": N_("part of a month or year"),
    "quarter": N_("quarter"),
    "half": N_("half-year"),
    "year": N_("year"),
    "meeting": N_("meeting date"),
    "none": N_("none"),
}


def headers(lang: str = SOURCE_LANGUAGE) -> tuple[str, ...]:
    """The header row of the CSV and the XLSX in ``lang``."""
    tr = translator(lang)
    return tuple(tr.gettext(header) for header in HEADERS)


def export_rows(*, session: Session, actor: Actor | None, observers: bool = False) -> list[ExportRow]:
    """One row per item this actor may export, by number.

    ``None`` (the CLI) and the secretariat get every item; a chair the items their party owns;
    an observer the same, but only when ``observers`` (the setting reports.progress_for_observers)
    allows it, else PermissionDenied. A member without a party gets no rows.
    """
    if actor is not None and actor.role is Role.OBSERVER and not observers:
        raise PermissionDenied("Exports are for the secretariat and the chairs.")
    # columns, not Item objects: building 10,000 ORM objects is most of an export's time
    query = select_columns(
        col(Item.id),
        col(Item.paragraph_ref),
        col(Item.text),
        col(Item.due_text),
        col(Item.due_date),
        col(Item.due_precision),
        col(Item.status),
        col(Item.updated_at),
        col(Item.ical_uid),
        col(Item.ical_sequence),
        col(Meeting.name),
    ).outerjoin(Meeting, col(Meeting.id) == Item.meeting_id)
    party_id: int | None = None
    if actor is not None and not actor.is_secretariat:
        if actor.party_id is None:
            return []
        party_id = actor.party_id
        query = query.where(col(Item.id).in_(_items_of(party_id)))
    found = session.execute(query.order_by(col(Item.id))).all()
    owners = _owner_names(session, party_id)
    notes = _latest_notes(session, party_id)
    zone = ZoneInfo(actor.timezone) if actor is not None and actor.timezone != "UTC" else None
    return [
        ExportRow(
            number=number,
            ref=ref,
            text=text,
            owners=tuple(owners.get(number, ())),
            deadline=due_text,
            due_date=due_date,
            precision=precision.value,
            status=status,
            last_update=updated_at.astimezone(zone) if zone else updated_at,
            latest_note=notes.get(number),
            meeting=meeting_name,
            ical_uid=uid,
            ical_sequence=sequence,
        )
        for (
            number,
            ref,
            text,
            due_text,
            due_date,
            precision,
            status,
            updated_at,
            uid,
            sequence,
            meeting_name,
        ) in found
    ]


def _items_of(party_id: int) -> Any:
    return select(ItemOwner.item_id).where(ItemOwner.party_id == party_id)


def _owner_names(session: Session, party_id: int | None) -> dict[int, list[str]]:
    """Owner names per item, in the order the bot lists parties (one query, no id list)."""
    query = select(ItemOwner.item_id, Party.name).join(Party, col(Party.id) == ItemOwner.party_id)
    if party_id is not None:
        query = query.where(col(ItemOwner.item_id).in_(_items_of(party_id)))
    owners: dict[int, list[str]] = defaultdict(list)
    for item_id, name in sorted(session.exec(query).all(), key=lambda r: (normalise_name(r[1]), r[1])):
        owners[item_id].append(name)
    return owners


def _latest_notes(session: Session, party_id: int | None) -> dict[int, str]:
    """Each item's most recent note (from a note or a status change with a note)."""
    rank = (
        func.row_number()
        .over(
            partition_by=col(ItemEvent.item_id), order_by=(col(ItemEvent.at).desc(), col(ItemEvent.id).desc())
        )
        .label("rank")
    )
    noted = select(ItemEvent.item_id, ItemEvent.note, rank).where(col(ItemEvent.note).is_not(None))
    if party_id is not None:
        noted = noted.where(col(ItemEvent.item_id).in_(_items_of(party_id)))
    latest = noted.subquery()
    rows = session.execute(select(latest.c.item_id, latest.c.note).where(latest.c.rank == 1)).all()
    return {item_id: note for item_id, note in rows}


# -- the files ------------------------------------------------------------------------------------


def _cells(row: ExportRow, lang: str = SOURCE_LANGUAGE) -> list[Any]:
    """The row's values in column order: dates stay dates, the rest is text (or the number); the
    precision and status words in ``lang`` (English writes the precision as stored), and the
    deadline as agreed, but for the bot's own default phrase, which is in ``lang`` too."""
    tr = translator(lang)
    precision = row.precision
    if lang != SOURCE_LANGUAGE and precision in PRECISION_WORD:
        precision = tr.gettext(PRECISION_WORD[precision])
    return [
        row.number,
        row.ref or "",
        row.text,
        OWNER_SEPARATOR.join(row.owners),
        phrase_shown(row.deadline, tr) if row.deadline else "",
        row.due_date,
        precision,
        status_word(row.status, lang),
        row.last_update.replace(tzinfo=None, second=0, microsecond=0),
        row.latest_note or "",
        row.meeting or "",
    ]


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(rows: Sequence[ExportRow], *, lang: str = SOURCE_LANGUAGE) -> bytes:
    """Comma-separated, UTF-8 with a BOM (so Excel reads the encoding), CRLF rows, quoted as needed;
    the header row and the status words in ``lang``."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers(lang))
    for row in rows:
        cells = _cells(row, lang)
        cells[_DUE] = row.due_date.isoformat() if row.due_date else ""
        cells[_UPDATED] = f"{cells[_UPDATED]:%Y-%m-%d %H:%M}"
        writer.writerow([_csv_safe(c) if isinstance(c, str) else c for c in cells])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[ExportRow], *, title: str = "Next steps", lang: str = SOURCE_LANGUAGE) -> bytes:
    """One sheet: a bold header row that stays in view, sized columns, a filter on every column,
    real date cells (shown as YYYY-MM-DD), long text wrapped. Written streaming (write-only). The
    header row and the status words in ``lang``."""
    workbook = Workbook(write_only=True)
    # a sheet name has at most 31 characters and none of []:*?/\
    sheet = workbook.create_sheet(title=_SHEET_NAME_UNSAFE.sub(" ", title)[:31].strip() or "Next steps")
    assert isinstance(sheet, WriteOnlyWorksheet)
    # set before the first row is written; a write-only sheet has these (from Worksheet._setup),
    # its type stubs don't say so
    layout: Any = sheet
    for index, column in enumerate(COLUMNS, start=1):
        layout.column_dimensions[get_column_letter(index)].width = column.width
    layout.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header = []
    for name in headers(lang):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    # One cell per column, styled once and given each row's value in turn: a write-only sheet
    # writes a row out as it is appended, so the cells are free again for the next row. Making
    # and styling 110,000 cells one by one was a third of a 10,000-item export.
    cells = [_styled_cell(sheet, column) for column in COLUMNS]
    for row in rows:
        for cell, value in zip(cells, _cells(row, lang), strict=True):
            if isinstance(value, str):
                # control characters (a PDF's form feed) are not allowed in an XLSX cell
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.value = value or None  # an empty cell is left out of the file
                if value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
            else:
                cell.value = value
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _styled_cell(sheet: WriteOnlyWorksheet, column: _Column) -> Cell:
    """A cell styled as the column's cells are: wrapped or not, top-aligned, dates as
    YYYY-MM-DD (a date value keeps a date format it is given)."""
    cell = WriteOnlyCell(sheet)
    cell.alignment = Alignment(wrap_text=column.wrap or None, vertical="top")
    if column.header == "Due date":
        cell.number_format = "yyyy-mm-dd"
    elif column.header == "Last update":
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def to_json(rows: Sequence[ExportRow]) -> bytes:
    """A JSON array of objects with stable keys; dates ISO 8601, the last update with its offset."""
    data = [
        {
            "number": r.number,
            "ref": r.ref,
            "text": r.text,
            "owners": list(r.owners),
            "deadline": r.deadline,
            "due_date": r.due_date.isoformat() if r.due_date else None,
            "precision": r.precision,
            "status": r.status.value,
            "last_update": r.last_update.isoformat(timespec="seconds"),
            "latest_note": r.latest_note,
            "meeting": r.meeting,
            "ical_uid": r.ical_uid,
        }
        for r in rows
    ]
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
