"""The progress report as text: the short chat summary (plain lines, no markup; the bot escapes
them for HTML) and the whole report as Markdown (``nextsteps report --format md``)."""

from __future__ import annotations

from core.i18n import translator
from core.progress.model import ProgressReport, ReportRow
from core.progress.text import (
    cells,
    change_line,
    changes_heading,
    columns,
    fmt_date,
    meeting_heading,
    no_changes,
    quiet_heading,
    quiet_lines,
    quiet_summary,
    subtitle,
    summary_heading,
    summary_line,
)

SUMMARY_LIMIT = 900  # under Telegram's 1,024-character caption, with room for the bot's markup
STEP_CHARS = 70
OVERDUE_SHOWN = 5


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _overdue_line(row: ReportRow, lang: str) -> str:
    ref = f"#{row.item_id}" + (f" {row.ref}" if row.ref else "")
    due = ""
    if row.due_date:
        due = " " + translator(lang).gettext("(due {date})").format(date=fmt_date(row.due_date, lang))
    owners = f" — {', '.join(row.owners)}" if row.owners else ""
    return f"• {ref} {_shorten(row.text, STEP_CHARS)}{due}{owners}"


def render_summary(report: ProgressReport) -> str:
    """Title, date, the summary line and the longest-overdue steps, at most ``SUMMARY_LIMIT``
    characters: lines that do not fit are left out, and the count of those said."""
    tr = translator(report.lang)

    def more_line(count: int) -> str:
        return "\n" + tr.gettext("… and {count} more in the report").format(count=count)

    lines = [report.title, subtitle(report), "", summary_line(report)]
    overdue = report.overdue_rows
    if overdue:
        lines += ["", tr.gettext("Overdue:")]
    body = "\n".join(lines)
    shown = 0
    for row in overdue[:OVERDUE_SHOWN]:
        line = _overdue_line(row, report.lang)
        more = len(overdue) - shown - 1
        tail = more_line(more) if more else ""
        if len(body) + 1 + len(line) + len(tail) > SUMMARY_LIMIT:
            break
        body += "\n" + line
        shown += 1
    if shown < len(overdue):
        body += more_line(len(overdue) - shown)
    if report.quiet:
        quiet = quiet_summary(report)
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
    lang = report.lang
    header = columns(lang)
    lines = [f"# {report.title}", "", subtitle(report), "", f"## {summary_heading(lang)}", ""]
    lines.append(summary_line(report))
    for section in report.sections:
        heading = meeting_heading(section.meeting_name, section.held_on, section.place, lang)
        lines += ["", f"## {heading}", ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(_cell(c) for c in cells(row, lang)) + " |" for row in section.rows]
    lines += ["", f"## {changes_heading(report)}", ""]
    lines += [f"- {change_line(change, lang)}" for change in report.changes] or [no_changes(report)]
    lines += ["", f"## {quiet_heading(report)}", ""]
    quiet = quiet_lines(report)
    lines += [f"- {line}" for line in quiet] if report.quiet else quiet
    return "\n".join(lines) + "\n"
