"""The progress report's short chat summary: plain lines (no markup; the bot escapes them for
HTML) that fit under the attached document as its caption."""

from __future__ import annotations

from core.progress.model import ProgressReport, ReportRow
from core.progress.text import fmt_date, subtitle, summary_line

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
        quiet = f"\nNot updated since {fmt_date(report.since_on)}: {names}"
        room = SUMMARY_LIMIT - len(body)
        if room > 40:
            body += _shorten(quiet, room) if len(quiet) > room else quiet
    return _shorten_lines(body, SUMMARY_LIMIT)


def _shorten_lines(text: str, limit: int) -> str:
    """A last guard for very long titles or party lists: cut at ``limit`` with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
