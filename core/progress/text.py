"""The report's words, shared by every format: dates, cells, the summary line, change lines.

Plain text only: each renderer escapes or styles it as its format needs. Every function writes in
a reader's language: a report's own (``ProgressReport.lang``) or the ``lang`` given (English by
default); the steps, notes, party and meeting names are written as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from babel.lists import format_list

from core.deadlines import phrase_shown
from core.i18n import N_, SOURCE_LANGUAGE, format_day, translator
from core.items import status_word as status_word  # chart and documents read it from here
from core.progress.model import STATUS_ORDER, Change, ProgressReport, ReportRow
from storage.models import Precision

COLUMNS: tuple[str, ...] = (
    N_("No."),
    N_("Ref"),
    N_("Next step (as agreed)"),
    N_("Owners"),
    N_("Deadline"),
    N_("Status"),
    N_("Last update"),
    N_("Latest note"),
)
NO_MEETING = N_("Other next steps")  # the section of steps agreed at no recorded meeting
PREPARED_BY_SECRETARIAT = N_("the Secretariat")  # ``nextsteps report`` without --prepared-by
_SOMEONE = N_("someone")
_NEVER = N_("never")
_SINCE_REPORT_DAY = N_("the report's date")


@lru_cache(maxsize=4096)  # a report writes the same few days thousands of times
def fmt_date(day: date, lang: str = SOURCE_LANGUAGE) -> str:
    """ "1 Dec 2022", as the bot writes dates; "1 декабря 2022 г.", "1 Aralık 2022"."""
    return format_day(day, lang)


def columns(lang: str = SOURCE_LANGUAGE) -> tuple[str, ...]:
    """The table's header row in ``lang``."""
    tr = translator(lang)
    return tuple(tr.gettext(title) for title in COLUMNS)


def capitalised(text: str, lang: str = SOURCE_LANGUAGE) -> str:
    """The first letter in capitals, as the language writes it (Turkish i → İ, ı → I)."""
    if not text:
        return text
    first = text[0]
    if lang == "tr" and first in "iı":
        first = "İ" if first == "i" else "I"
    return first.upper() + text[1:]


def deadline_cell(row: ReportRow, lang: str = SOURCE_LANGUAGE) -> str:
    """The phrase as agreed and, when it was vaguer than a day, the date it resolves to; overdue
    said in words (as the bot shows a deadline)."""
    tr = translator(lang)
    # the agreed words verbatim; the bot's own default ("before the next meeting") translated
    phrase = phrase_shown(row.due_text, tr)
    if row.due_date is None:
        if row.due_precision is Precision.MEETING:
            return tr.gettext("{deadline} (meeting date not set yet)").format(deadline=phrase)
        return phrase
    text = (
        phrase
        if row.due_precision is Precision.DAY
        else tr.gettext("{deadline} (by {date})").format(deadline=phrase, date=fmt_date(row.due_date, lang))
    )
    return tr.gettext("{deadline} — overdue").format(deadline=text) if row.overdue else text


def status_cell(row: ReportRow, lang: str = SOURCE_LANGUAGE) -> str:
    return status_word(row.status, lang)


def note_cell(row: ReportRow, lang: str = SOURCE_LANGUAGE) -> str:
    if not row.latest_note:
        return ""
    if row.latest_note_on is None:
        return row.latest_note
    return f"{row.latest_note} ({fmt_date(row.latest_note_on, lang)})"


def cells(row: ReportRow, lang: str = SOURCE_LANGUAGE) -> tuple[str, ...]:
    """One table row, in the order of ``COLUMNS``."""
    return (
        f"#{row.item_id}",
        row.ref,
        row.text,
        ", ".join(row.owners),
        deadline_cell(row, lang),
        status_cell(row, lang),
        fmt_date(row.last_update, lang) if row.last_update else "",
        note_cell(row, lang),
    )


def no_meeting_name(lang: str = SOURCE_LANGUAGE) -> str:
    """The name of the section of steps that came from no meeting, in ``lang``."""
    return translator(lang).gettext(NO_MEETING)


def meeting_heading(name: str, held_on: date | None, place: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    details = ", ".join(part for part in (place, fmt_date(held_on, lang) if held_on else None) if part)
    return f"{name} ({details})" if details else name


def report_title(source_names: Sequence[str], next_meeting: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    """ "Progress on the next steps of the <meeting(s)> → <next meeting>"; ``source_names``: the
    meetings the steps came from (not the no-meeting section)."""
    tr = translator(lang)
    named = list(source_names)
    if not named:
        title = tr.gettext("Progress on the next steps")
    else:
        # English as it always read ("A and B and C"); other languages join as Babel (CLDR) says
        meetings = " and ".join(named) if lang == SOURCE_LANGUAGE else format_list(named, locale=lang)
        title = tr.gettext("Progress on the next steps of the {meetings}").format(meetings=meetings)
    return f"{title} → {next_meeting}" if next_meeting is not None else title


def since_label(kind: str, day: date, meeting: str | None = None, lang: str = SOURCE_LANGUAGE) -> str:
    """Where the period starts, in words that follow "since": ``kind`` "meeting" (``meeting``
    held on ``day``), "first" (the first step recorded on ``day``), "followup" (the pre-meeting
    follow-up sent on ``day``) or "report" (nothing before the report's date)."""
    tr = translator(lang)
    when = fmt_date(day, lang)
    if kind == "meeting":
        return tr.gettext("the {meeting} ({date})").format(meeting=meeting, date=when)
    if kind == "first":
        return tr.gettext("the first step was recorded ({date})").format(date=when)
    if kind == "followup":
        return tr.gettext("the pre-meeting follow-up of {date}").format(date=when)
    return tr.gettext(_SINCE_REPORT_DAY)


def subtitle(report: ProgressReport) -> str:
    """ "Status as of 13 Feb 2023 · Next meeting: 10 May 2023 · Prepared by Ada"."""
    lang = report.lang
    tr = translator(lang)
    parts = [tr.gettext("Status as of {date}").format(date=fmt_date(report.as_of, lang))]
    if report.party:
        parts.append(tr.gettext("Steps of {party}").format(party=report.party))
    if report.next_meeting_on:
        parts.append(tr.gettext("Next meeting: {date}").format(date=fmt_date(report.next_meeting_on, lang)))
    parts.append(tr.gettext("Prepared by {name}").format(name=report.prepared_by))
    return " · ".join(parts)


def steps_count(count: int, lang: str = SOURCE_LANGUAGE) -> str:
    """ "1 step", "5 steps"; "5 шагов"."""
    return translator(lang).ngettext("{count} step", "{count} steps", count).format(count=count)


def counts_text(report: ProgressReport) -> str:
    """ "5 steps: 1 open, 2 in progress, 1 blocked, 1 done" (statuses with no step left out)."""
    lang = report.lang
    tr = translator(lang)
    shown = [
        tr.gettext("{count} {status}").format(count=report.counts[s.value], status=status_word(s, lang))
        for s in STATUS_ORDER
        if report.counts[s.value]
    ]
    head = steps_count(report.total, lang)
    return f"{head}: {', '.join(shown)}" if shown else head


def summary_line(report: ProgressReport) -> str:
    """Counts, % done, overdue and what changed in the period, in one sentence."""
    tr = translator(report.lang)
    return tr.gettext(
        "{counts}. {percent}% done, {overdue} overdue. "
        "{changed} changed status and {updated} were updated since {since}."
    ).format(
        counts=counts_text(report),
        percent=report.percent_done,
        overdue=report.overdue,
        changed=report.changed,
        updated=report.updated,
        since=report.since_label,
    )


def changes_heading(report: ProgressReport) -> str:
    return translator(report.lang).gettext("Changes since {since}").format(since=report.since_label)


def no_changes(report: ProgressReport) -> str:
    return translator(report.lang).gettext("No status changes or notes in this period.")


def quiet_heading(report: ProgressReport) -> str:
    lang = report.lang
    return translator(lang).gettext("Not updated since {date}").format(date=fmt_date(report.since_on, lang))


def quiet_summary(report: ProgressReport) -> str:
    """ "Not updated since 15 Feb 2023: Hungary, Türkiye" (the chat summary's last line)."""
    lang = report.lang
    return (
        translator(lang)
        .gettext("Not updated since {date}: {parties}")
        .format(date=fmt_date(report.since_on, lang), parties=", ".join(q.name for q in report.quiet))
    )


def quiet_lines(report: ProgressReport) -> list[str]:
    """ "Hungary — 1 open step, last update 20 Jan 2023", one per quiet owner; or one sentence
    saying every owner has updated something."""
    lang = report.lang
    tr = translator(lang)
    if not report.quiet:
        return [tr.gettext("Every owner with open steps has updated at least one of them.")]
    lines = []
    for quiet in report.quiet:
        last = fmt_date(quiet.last_update, lang) if quiet.last_update else tr.gettext(_NEVER)
        steps = tr.ngettext("{count} open step", "{count} open steps", quiet.open_items).format(
            count=quiet.open_items
        )
        lines.append(
            tr.gettext("{party} — {steps}, last update {date}").format(
                party=quiet.name, steps=steps, date=last
            )
        )
    return lines


def summary_heading(lang: str = SOURCE_LANGUAGE) -> str:
    return translator(lang).gettext("Summary")


def change_line(change: Change, lang: str = SOURCE_LANGUAGE) -> str:
    """ "3 Jan 2023 · #2 §13.2 · Ada: open → in progress “Letters sent.”"."""
    tr = translator(lang)
    ref = f"#{change.item_id}" + (f" {change.ref}" if change.ref else "")
    who = change.actor_name or tr.gettext(_SOMEONE)
    when = fmt_date(change.on, lang)
    if change.kind == "status":
        old = status_word(change.old_status, lang) if change.old_status else "?"
        new = status_word(change.new_status, lang) if change.new_status else "?"
        line = f"{when} · {ref} · {who}: {old} → {new}"
    else:
        line = f"{when} · {ref} · {who}: " + tr.gettext("note")
    return f"{line} “{change.note}”" if change.note else line
