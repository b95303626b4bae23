"""The report's words, shared by every format: dates, cells, the summary line, change lines.

Plain text only: each renderer escapes or styles it as its format needs.
"""

from __future__ import annotations

from datetime import date

from core.progress.model import STATUS_ORDER, STATUS_WORD, Change, ProgressReport, ReportRow
from storage.models import Precision

COLUMNS: tuple[str, ...] = (
    "No.",
    "Ref",
    "Next step (as agreed)",
    "Owners",
    "Deadline",
    "Status",
    "Last update",
    "Latest note",
)


def fmt_date(day: date) -> str:
    """ "1 Dec 2022", as the bot writes dates."""
    return f"{day.day} {day:%b %Y}"


def deadline_cell(row: ReportRow) -> str:
    """The phrase as agreed and, when it was vaguer than a day, the date it resolves to; overdue
    said in words (as the bot shows a deadline)."""
    phrase = row.due_text or "no deadline"
    if row.due_date is None:
        if row.due_precision is Precision.MEETING:
            return f"{phrase} (meeting date not set yet)"
        return phrase
    text = phrase if row.due_precision is Precision.DAY else f"{phrase} (by {fmt_date(row.due_date)})"
    return f"{text} — overdue" if row.overdue else text


def status_cell(row: ReportRow) -> str:
    return STATUS_WORD[row.status]


def note_cell(row: ReportRow) -> str:
    if not row.latest_note:
        return ""
    return f"{row.latest_note} ({fmt_date(row.latest_note_on)})" if row.latest_note_on else row.latest_note


def cells(row: ReportRow) -> tuple[str, ...]:
    """One table row, in the order of ``COLUMNS``."""
    return (
        f"#{row.item_id}",
        row.ref,
        row.text,
        ", ".join(row.owners),
        deadline_cell(row),
        status_cell(row),
        fmt_date(row.last_update) if row.last_update else "",
        note_cell(row),
    )


def meeting_heading(name: str, held_on: date | None, place: str | None) -> str:
    details = ", ".join(part for part in (place, fmt_date(held_on) if held_on else None) if part)
    return f"{name} ({details})" if details else name


def subtitle(report: ProgressReport) -> str:
    """ "Status as of 13 Feb 2023 · Next meeting: 10 May 2023 · Prepared by Ada"."""
    parts = [f"Status as of {fmt_date(report.as_of)}"]
    if report.party:
        parts.append(f"Steps of {report.party}")
    if report.next_meeting_on:
        parts.append(f"Next meeting: {fmt_date(report.next_meeting_on)}")
    parts.append(f"Prepared by {report.prepared_by}")
    return " · ".join(parts)


def counts_text(report: ProgressReport) -> str:
    """ "5 steps: 1 open, 2 in progress, 1 blocked, 1 done" (statuses with no step left out)."""
    total = report.total
    shown = [f"{report.counts[s.value]} {STATUS_WORD[s]}" for s in STATUS_ORDER if report.counts[s.value]]
    head = f"{total} step{'s' if total != 1 else ''}"
    return f"{head}: {', '.join(shown)}" if shown else head


def summary_line(report: ProgressReport) -> str:
    """Counts, % done, overdue and what changed in the period, in one sentence."""
    return (
        f"{counts_text(report)}. {report.percent_done}% done, {report.overdue} overdue. "
        f"{report.changed} changed status and {report.updated} were updated since {report.since_label}."
    )


def change_line(change: Change) -> str:
    """ "3 Jan 2023 · #2 §13.2 · Ada: open → in progress “Letters sent.”"."""
    ref = f"#{change.item_id}" + (f" {change.ref}" if change.ref else "")
    who = change.actor_name or "someone"
    if change.kind == "status":
        old = STATUS_WORD[change.old_status] if change.old_status else "?"
        new = STATUS_WORD[change.new_status] if change.new_status else "?"
        line = f"{fmt_date(change.on)} · {ref} · {who}: {old} → {new}"
    else:
        line = f"{fmt_date(change.on)} · {ref} · {who}: note"
    return f"{line} “{change.note}”" if change.note else line
