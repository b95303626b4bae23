"""What a progress report holds: plain, frozen values the renderers (DOCX, PDF, chat) and the
chart read; nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core.i18n import SOURCE_LANGUAGE
from core.items import STATUS_WORD as STATUS_WORD  # the bot's status words (documents: no emoji)
from storage.models import Precision, Status

# The order statuses are counted and shown in: what is still to do first, then what is settled.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.BLOCKED,
    Status.DONE,
    Status.DROPPED,
)
# The earliest day a report may be "as of" (/report, /chart, ``nextsteps report --as-of``): before
# it, nothing NextSteps tracks can have happened.
EARLIEST_AS_OF = date(2000, 1, 1)


@dataclass(frozen=True)
class ReportRow:
    """One next step as it stood at the end of the report's date."""

    item_id: int
    ref: str  # the paragraph as agreed ("§13.2"), or "" when the step has none
    text: str  # verbatim
    owners: tuple[str, ...]
    due_text: str  # the deadline as agreed ("before the next meeting")
    due_date: date | None  # as resolved
    due_precision: Precision  # how precisely the phrase gave the date (DAY: the phrase says it)
    status: Status  # as of the report's date, replayed from the history
    overdue: bool  # still active as of the date and its resolved deadline before it
    last_update: date | None  # local date of the latest change as of the date (creation counts)
    latest_note: str | None
    latest_note_on: date | None


@dataclass(frozen=True)
class ReportSection:
    """The steps agreed at one meeting (``meeting_id`` None: steps with no source meeting)."""

    meeting_id: int | None
    meeting_name: str
    held_on: date | None
    place: str | None
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True)
class Change:
    """A status change or a note inside the report's period."""

    item_id: int
    ref: str
    text: str
    at: datetime  # UTC
    on: date  # local date
    actor_name: str
    kind: str  # "status" | "note"
    old_status: Status | None
    new_status: Status | None
    note: str | None


@dataclass(frozen=True)
class QuietParty:
    """An owner with steps still open as of the date that has made no status change or note on
    any of its steps since the period start: changes count for the party of the person who made
    them, so a co-owner's or the secretariat's change on a shared step is not this party's."""

    name: str
    open_items: int
    last_update: date | None  # its own latest status change or note on its steps, as of the date


@dataclass(frozen=True)
class ProgressReport:
    """A progress report "as of" a date, for everyone (``party`` None) or one party's steps.

    The period ("changes since") starts at the most recent pre-meeting follow-up sent on or before
    the report's date, if any was sent after the source meeting; otherwise at the start of the
    (latest) source meeting's day. ``since_label`` says which, in words.

    ``lang`` is the reader's language: the title, ``since_label`` and the section of steps with no
    meeting are in it, and every renderer writes the report's own words in it (dates via Babel);
    the steps, notes, party and meeting names stay as written.
    """

    title: str
    source_meetings: tuple[str, ...]
    next_meeting: str | None
    next_meeting_on: date | None
    as_of: date
    timezone: str
    prepared_by: str
    generated_at: datetime  # UTC
    party: str | None  # a chair's report covers this party's steps only
    since: datetime  # UTC start of the period
    since_on: date  # its local date
    since_label: str  # "the pre-meeting follow-up of 12 Apr 2023" / "the meeting of 1 Dec 2022"
    sections: tuple[ReportSection, ...]
    counts: dict[str, int]  # status value -> steps, every status present
    overdue: int
    changed: int  # steps whose status changed in the period
    updated: int  # steps with a status change or a note in the period
    changes: tuple[Change, ...]
    quiet: tuple[QuietParty, ...]
    # for the chart: party name -> status value -> steps (every status present); party -> overdue
    by_party: dict[str, dict[str, int]] = field(default_factory=dict)
    overdue_by_party: dict[str, int] = field(default_factory=dict)
    lang: str = SOURCE_LANGUAGE

    @property
    def rows(self) -> list[ReportRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent_done(self) -> int:
        """Done steps as a share of the steps still expected (dropped ones are not), rounded."""
        expected = self.total - self.counts[Status.DROPPED.value]
        return round(100 * self.counts[Status.DONE.value] / expected) if expected else 0

    @property
    def overdue_rows(self) -> list[ReportRow]:
        """Overdue steps, longest overdue first."""
        late = [row for row in self.rows if row.overdue]
        return sorted(late, key=lambda row: (row.due_date or self.as_of, row.item_id))
