"""The progress report as text: the short chat summary (plain lines, no markup; the bot escapes
them for HTML) and the whole report as Markdown (``nextsteps report --format md``)."""

from __future__ import annotations

from core.progress.model import ProgressReport, ReportRow
from core.progress.text import (
    COLUMNS,
    cells,
    change_line,
    fmt_date,
    meeting_heading,
    subtitle,
    summary_line,
)

SUMMARY_LIMIT = 900  # under Telegram's 1,024-character caption, with room for the bot's markup
STEP_CHARS = 70
OVERDUE_SHOWN = 5


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _overdue_line(row: ReportRow) -> str:
    ref = f"#{row.item_id}" + (f" {row.ref}" if row.ref else "")
    due = f" (due {fmt_date(row.due_date)})" if row.due_date else ""
    owners = f" — {', '.join(row.owners)}" if row.owners else ""
    return f"• {ref} {_shorten(row.text, STEP_CHARS)}{due}{owners}"


def render_summary(report: ProgressReport) -> str:
    """Title, date, the summary line and the longest-overdue steps, at most ``SUMMARY_LIMIT``
    characters: lines that do not fit are left out, and the count of those said."""
    lines = [report.title, subtitle(report), "", summary_line(report)]
    overdue = report.overdue_rows
    if overdue:
        lines += ["", "Overdue:"]
    body = "\n".join(lines)
    shown = 0
    for row in overdue[:OVERDUE_SHOWN]:
        line = _overdue_line(row)
        more = len(overdue) - shown - 1
        tail = f"\n… and {more} more in the report" if more else ""
        if len(body) + 1 + len(line) + len(tail) > SUMMARY_LIMIT:
            break
        body += "\n" + line
        shown += 1
    if shown < len(overdue):
        body += f"\n… and {len(overdue) - shown} more in the report"
    if report.quiet:
        names = ", ".join(q.name for q in report.quiet)
        quiet = f"Not updated since {fmt_date(report.since_on)}: {names}"
        room = SUMMARY_LIMIT - len(body) - 1  # the line break before it
        if room > 40:
            body += "\n" + _shorten(quiet, room)
    return _shorten_lines(body, SUMMARY_LIMIT)


def _shorten_lines(text: str, limit: int) -> str:
    """A last guard for very long titles or party lists: cut at ``limit`` with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cell(text: str) -> str:
    """A table cell: one line, pipes escaped (GitHub-flavoured Markdown tables)."""
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(report: ProgressReport) -> str:
    """The whole report, as the DOCX has it: title, subtitle, summary, a table per source
    meeting, the period's changes and the owners who have been quiet."""
    lines = [f"# {report.title}", "", subtitle(report), "", "## Summary", "", summary_line(report)]
    for section in report.sections:
        lines += ["", f"## {meeting_heading(section.meeting_name, section.held_on, section.place)}", ""]
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
        lines += ["| " + " | ".join(_cell(c) for c in cells(row)) + " |" for row in section.rows]
    lines += ["", f"## Changes since {report.since_label}", ""]
    lines += [f"- {change_line(change)}" for change in report.changes] or [
        "No status changes or notes in this period."
    ]
    lines += ["", f"## Not updated since {fmt_date(report.since_on)}", ""]
    for quiet in report.quiet:
        last = fmt_date(quiet.last_update) if quiet.last_update else "never"
        steps = f"{quiet.open_items} open step{'s' if quiet.open_items != 1 else ''}"
        lines.append(f"- {quiet.name} — {steps}, last update {last}")
    if not report.quiet:
        lines.append("Every owner with open steps has updated at least one of them.")
    return "\n".join(lines) + "\n"
