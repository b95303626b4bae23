"""What /report, /chart, /export and /calendar say around the files they send: the summary,
captions, usage lines and the export format buttons, in the reader's language."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import CAPTION_LIMIT
from bot.render import esc
from core.export_files import count_events
from core.exports import ExportRow
from core.i18n import N_, SOURCE_LANGUAGE, format_day, translator

EXPORT_CALLBACK_PREFIX = "ex:"
# the formats /export offers in chat (JSON is for scripts: `nextsteps export --format json`)
CHAT_EXPORTS = {
    "csv": N_("📄 CSV"),
    "xlsx": N_("📊 Excel (XLSX)"),
    "ics": N_("📅 Calendar (ICS)"),
}
EXPORT_USAGE = N_("Use /export csv, /export xlsx or /export ics — or choose:")
REPORT_USAGE = N_(
    "Use /report for today, or /report YYYY-MM-DD for the status as of that day, e.g. /report 2023-03-01."
)
CHART_USAGE = N_(
    "Use /chart for today, or /chart YYYY-MM-DD for the status as of that day, e.g. /chart 2023-03-01."
)
NOT_FOR_OBSERVERS = N_(
    "The progress report, the chart and the exports are for the secretariat and the chairs. "
    "Ask the secretariat if you need them."
)
DOCX_CAPTION = N_("Word — to paste into the meeting papers")
PDF_CAPTION = N_("PDF — for circulation")
BUTTON_OUT_OF_DATE = N_("That button is out of date. Use /export csv, xlsx or ics.")
PREPARING = N_("Preparing the {format} file…")
_OPEN_CALENDAR = N_("Open the file to add them to your calendar; importing it again updates the events.")
_ONE_COLUMN = N_("If Excel shows one column, use /export xlsx.")


def report_summary(summary: str) -> str:
    """The plain summary from ``core.documents.render_summary`` as HTML: its title in bold."""
    title, _, rest = summary.partition("\n")
    return f"<b>{esc(title)}</b>\n{esc(rest)}" if rest else f"<b>{esc(title)}</b>"


def chart_caption(as_of: date, party: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    when = format_day(as_of, lang)
    if party:
        text = tr.gettext("📊 {party}: steps per status and party, as of {date}.")
        return text.format(party=esc(party), date=when)[:CAPTION_LIMIT]
    return tr.gettext("📊 Steps per status and party, as of {date}.").format(date=when)


def export_choices(lang: str = SOURCE_LANGUAGE) -> InlineKeyboardMarkup:
    tr = translator(lang)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(tr.gettext(label), callback_data=f"{EXPORT_CALLBACK_PREFIX}{fmt}")]
            for fmt, label in CHAT_EXPORTS.items()
        ]
    )


def export_usage(lang: str = SOURCE_LANGUAGE) -> str:
    return translator(lang).gettext(EXPORT_USAGE)


def unknown_format(text: str, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    return tr.gettext("“{text}” is not an export format. {usage}").format(
        text=esc(text[:40]), usage=tr.gettext(EXPORT_USAGE)
    )


def export_caption(fmt: str, rows: list[ExportRow], party: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    """One line under an export: what it holds and how to open it."""
    tr = translator(lang)
    count = len(rows)
    whose = esc(party) if party else ""
    if fmt == "ics":
        events = count_events(rows)
        if party:
            text = tr.ngettext(
                "📅 {count} deadline of {party} (open items) and the next meeting.",
                "📅 {count} deadlines of {party} (open items) and the next meeting.",
                events,
            )
        else:
            text = tr.ngettext(
                "📅 {count} deadline (open items) and the next meeting.",
                "📅 {count} deadlines (open items) and the next meeting.",
                events,
            )
        text = text.format(count=events, party=whose) + " " + tr.gettext(_OPEN_CALENDAR)
    elif fmt == "xlsx":
        if party:
            text = tr.ngettext(
                "📊 {count} item of {party}, for Excel.", "📊 {count} items of {party}, for Excel.", count
            )
        else:
            text = tr.ngettext("📊 {count} item, for Excel.", "📊 {count} items, for Excel.", count)
        text = text.format(count=count, party=whose)
    else:
        if party:
            text = tr.ngettext(
                "📄 {count} item of {party}, comma-separated (UTF-8).",
                "📄 {count} items of {party}, comma-separated (UTF-8).",
                count,
            )
        else:
            text = tr.ngettext(
                "📄 {count} item, comma-separated (UTF-8).",
                "📄 {count} items, comma-separated (UTF-8).",
                count,
            )
        text = text.format(count=count, party=whose) + " " + tr.gettext(_ONE_COLUMN)
    return text[:CAPTION_LIMIT]
