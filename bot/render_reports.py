"""What /report, /chart, /export and /calendar say around the files they send: the summary,
captions, usage lines and the export format buttons."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import CAPTION_LIMIT
from bot.render import esc, fmt_date
from core.export_files import count_events
from core.exports import ExportRow

EXPORT_CALLBACK_PREFIX = "ex:"
# the formats /export offers in chat (JSON is for scripts: `nextsteps export --format json`)
CHAT_EXPORTS = {
    "csv": "📄 CSV",
    "xlsx": "📊 Excel (XLSX)",
    "ics": "📅 Calendar (ICS)",
}
EXPORT_USAGE = "Use /export csv, /export xlsx or /export ics — or choose:"
REPORT_USAGE = (
    "Use /report for today, or /report YYYY-MM-DD for the status as of that day, e.g. /report 2023-03-01."
)
CHART_USAGE = (
    "Use /chart for today, or /chart YYYY-MM-DD for the status as of that day, e.g. /chart 2023-03-01."
)
NOT_FOR_OBSERVERS = (
    "The progress report, the chart and the exports are for the secretariat and the chairs. "
    "Ask the secretariat if you need them."
)
DOCX_CAPTION = "Word — to paste into the meeting papers"
PDF_CAPTION = "PDF — for circulation"


def report_summary(summary: str) -> str:
    """The plain summary from ``core.documents.render_summary`` as HTML: its title in bold."""
    title, _, rest = summary.partition("\n")
    return f"<b>{esc(title)}</b>\n{esc(rest)}" if rest else f"<b>{esc(title)}</b>"


def chart_caption(as_of: date, party: str | None) -> str:
    whose = f"{esc(party)}: steps" if party else "Steps"
    return f"📊 {whose} per status and party, as of {fmt_date(as_of)}."


def export_choices() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{EXPORT_CALLBACK_PREFIX}{fmt}")]
            for fmt, label in CHAT_EXPORTS.items()
        ]
    )


def unknown_format(text: str) -> str:
    return f"“{esc(text[:40])}” is not an export format. {EXPORT_USAGE}"


def export_caption(fmt: str, rows: list[ExportRow], party: str | None) -> str:
    """One line under an export: what it holds and how to open it."""
    whose = f" of {esc(party)}" if party else ""
    count = len(rows)
    if fmt == "ics":
        events = count_events(rows)
        text = (
            f"📅 {events} deadline{'s' if events != 1 else ''}{whose} (open items) and the next meeting. "
            "Open the file to add them to your calendar; importing it again updates the events."
        )
    elif fmt == "xlsx":
        text = f"📊 {count} item{'s' if count != 1 else ''}{whose}, for Excel."
    else:
        text = (
            f"📄 {count} item{'s' if count != 1 else ''}{whose}, comma-separated (UTF-8). "
            "If Excel shows one column, use /export xlsx."
        )
    return text[:CAPTION_LIMIT]
