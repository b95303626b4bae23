"""Building a progress report from the database: which steps, their state as of a date, the
period's changes, and who has been quiet.

The caller owns the session (it only reads). Owners and deadlines are the items' current ones:
the history records status changes, notes and the deadline phrase, not owners or resolved dates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import clock
from core.errors import NotFound
from core.i18n import SOURCE_LANGUAGE
from core.meetings import next_meeting
from core.parties import normalise_name, party_sort_key
from core.permissions import Actor
from core.progress.model import (
    STATUS_ORDER,
    Change,
    ProgressReport,
    QuietParty,
    ReportRow,
    ReportSection,
)
from core.progress.replay import CHANGE_KINDS, state_at, status_value
from core.progress.text import no_meeting_name, report_title, since_label
from storage.models import (
    ACTIVE_STATUSES,
    Followup,
    FollowupKind,
    FollowupState,
    Item,
    ItemEvent,
    ItemOwner,
    Meeting,
    Member,
    Party,
    Role,
)


def start_of_day(day: date, timezone: str) -> datetime:
    """The UTC moment ``day`` begins in ``timezone``."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def find_source_meeting(*, session: Session, name: str) -> Meeting | None:
    """The meeting called ``name`` (case, accents and punctuation aside), e.g. for ``--meeting``."""
    key = normalise_name(name)
    return next((m for m in session.exec(select(Meeting)).all() if normalise_name(m.name) == key), None)


def _item_filter(party_id: int | None, chair: bool, meeting_id: int | None, cutoff: datetime) -> list[Any]:
    """Which steps the report covers: created before the cutoff, of the meeting, of the party."""
    where: list[Any] = [col(Item.created_at) < cutoff]
    if meeting_id is not None:
        where.append(col(Item.meeting_id) == meeting_id)
    if chair:
        where.append(col(Item.id).in_(select(ItemOwner.item_id).where(ItemOwner.party_id == party_id)))
    return where


def build_progress_report(
    *,
    session: Session,
    actor: Actor | None,
    as_of: date,
    timezone: str,
    meeting_id: int | None = None,
    prepared_by: str,
    lang: str = SOURCE_LANGUAGE,
) -> ProgressReport:
    """The report as of the end of ``as_of`` in ``timezone``: every step created by then, with its
    status replayed from the history up to that moment.

    ``actor`` None (the CLI) or the secretariat: every step; a chair: their party's steps (none
    without a party). Observers see everything here: whether they may ask is the caller's rule.
    ``meeting_id`` keeps the steps agreed at that meeting (NotFound if there is no such meeting).
    ``lang``: the reader's language, for the report's own words (``ProgressReport.lang``).
    """
    cutoff = start_of_day(as_of + timedelta(days=1), timezone)
    zone = ZoneInfo(timezone)
    meetings = {m.id: m for m in session.exec(select(Meeting)).all()}
    if meeting_id is not None and meeting_id not in meetings:
        raise NotFound("There is no meeting #{number}.", number=meeting_id)
    chair = actor is not None and actor.role is Role.CHAIR
    party_id = actor.party_id if actor is not None and chair else None
    party = session.get(Party, party_id) if party_id is not None else None

    where = _item_filter(party_id, chair, meeting_id, cutoff)
    items = list(session.exec(select(Item).where(*where).order_by(col(Item.id))).all())
    owners, events = _owners_and_history(session, select(Item.id).where(*where), cutoff)
    # whose change an event is: its author's party (a member may have left it since: the party
    # they are in now is the best the database knows)
    party_of_member = dict(session.exec(select(Member.id, Member.party_id)).all())

    sources = [meetings[m] for m in {i.meeting_id for i in items} if m is not None]
    since, since_kind, since_meeting = _period_start(session, sources, items, party_id, cutoff, timezone)
    since_on = since.astimezone(zone).date()

    def local(at: datetime | None) -> date | None:
        return at.astimezone(zone).date() if at is not None else None

    rows_by_meeting: dict[int | None, list[ReportRow]] = defaultdict(list)
    party_last: dict[str, datetime] = {}  # a party's latest status change or note on its steps
    changed_parties: set[str] = set()  # parties that made one in the period
    changes: list[Change] = []
    for item in items:
        assert item.id is not None
        item_owners = sorted(owners[item.id], key=party_sort_key)
        state = state_at(events[item.id], before=cutoff, current=item.status)
        row = ReportRow(
            item_id=item.id,
            ref=item.paragraph_ref or "",
            text=item.text,
            owners=tuple(p.name for p in item_owners),
            due_text=item.due_text,
            due_date=item.due_date,
            due_precision=item.due_precision,
            status=state.status,
            overdue=state.status in ACTIVE_STATUSES and item.due_date is not None and item.due_date < as_of,
            last_update=local(state.last_update),
            latest_note=state.latest_note,
            latest_note_on=local(state.latest_note_at),
        )
        rows_by_meeting[item.meeting_id].append(row)
        updates = [e for e in events[item.id] if e.kind in CHANGE_KINDS]
        in_period = [e for e in updates if e.at >= since]
        # an owner has updated a step when one of its own members did: a co-owner's or the
        # secretariat's change on a shared step is not theirs
        owner_names = {p.id: p.name for p in item_owners}
        for event in updates:
            by = owner_names.get(party_of_member.get(event.actor_member_id))
            if by is None:
                continue
            party_last[by] = max(party_last.get(by, event.at), event.at)
            if event.at >= since:
                changed_parties.add(by)
        changes.extend(_change(row, event, zone) for event in in_period)

    sections = _sections(rows_by_meeting, meetings, lang)
    rows = [row for section in sections for row in section.rows]
    counts = Counter(row.status for row in rows)
    by_party, overdue_by_party, open_by_party = _tally_by_party(rows)
    changes.sort(key=lambda c: (c.at, c.item_id))
    quiet = tuple(
        QuietParty(name=name, open_items=open_by_party[name], last_update=local(party_last.get(name)))
        for name in by_party
        if open_by_party[name] and name not in changed_parties
    )
    following = next_meeting(session=session)
    source_names = tuple(s.meeting_name for s in sections)
    return ProgressReport(
        title=report_title(
            [s.meeting_name for s in sections if s.meeting_id is not None],
            following.name if following else None,
            lang,
        ),
        source_meetings=source_names,
        next_meeting=following.name if following else None,
        next_meeting_on=following.held_on if following else None,
        as_of=as_of,
        timezone=timezone,
        prepared_by=prepared_by,
        generated_at=clock.now(),
        party=party.name if party else None,
        since=since,
        since_on=since_on,
        since_label=since_label(since_kind, since_on, since_meeting, lang),
        sections=tuple(sections),
        counts={s.value: counts.get(s, 0) for s in STATUS_ORDER},
        overdue=sum(row.overdue for row in rows),
        changed=len({c.item_id for c in changes if c.kind == "status"}),
        updated=len({c.item_id for c in changes}),
        changes=tuple(changes),
        quiet=quiet,
        by_party=by_party,
        overdue_by_party=overdue_by_party,
        lang=lang,
    )


def _owners_and_history(
    session: Session, item_ids: SelectOfScalar[int] | SelectOfScalar[None], cutoff: datetime
) -> tuple[dict[int, list[Party]], dict[int, list[ItemEvent]]]:
    """Each step's owners, and its history before the cutoff (one query each, any number of steps)."""
    owners: dict[int, list[Party]] = defaultdict(list)
    for item_id, owner in session.exec(
        select(ItemOwner.item_id, Party)
        .join(Party, col(Party.id) == ItemOwner.party_id)
        .where(col(ItemOwner.item_id).in_(item_ids))
    ).all():
        owners[item_id].append(owner)
    events: dict[int, list[ItemEvent]] = defaultdict(list)
    for event in session.exec(
        select(ItemEvent).where(col(ItemEvent.item_id).in_(item_ids), col(ItemEvent.at) < cutoff)
    ).all():
        events[event.item_id].append(event)
    return owners, events


def _tally_by_party(
    rows: Sequence[ReportRow],
) -> tuple[dict[str, dict[str, int]], dict[str, int], Counter[str]]:
    """Per owner, by name: steps per status (every status present), overdue steps, open steps."""
    by_party: dict[str, dict[str, int]] = {}
    overdue: Counter[str] = Counter()
    still_open: Counter[str] = Counter()
    for row in rows:
        for name in row.owners:
            by_party.setdefault(name, {s.value: 0 for s in STATUS_ORDER})[row.status.value] += 1
            overdue[name] += row.overdue
            still_open[name] += row.status in ACTIVE_STATUSES
    names = sorted(by_party, key=lambda n: (normalise_name(n), n))
    return {n: by_party[n] for n in names}, {n: overdue[n] for n in names}, still_open


def _period_start(
    session: Session,
    sources: Sequence[Meeting],
    items: Sequence[Item],
    party_id: int | None,
    cutoff: datetime,
    timezone: str,
) -> tuple[datetime, str, str | None]:
    """Where "changes since" starts: the latest pre-meeting follow-up sent (to the party's members,
    for a chair) after the latest source meeting and before the cutoff; else that meeting's day.
    With which kind of start it is (``core.progress.text.since_label``) and the meeting's name."""
    held = [m for m in sources if m.held_on is not None and start_of_day(m.held_on, timezone) < cutoff]
    latest = max(held, key=lambda m: (m.held_on, m.id or 0), default=None)
    if latest is not None and latest.held_on is not None:
        start, kind, meeting = start_of_day(latest.held_on, timezone), "meeting", latest.name
    elif items:
        first = min(i.created_at for i in items)
        start, kind, meeting = (
            start_of_day(first.astimezone(ZoneInfo(timezone)).date(), timezone),
            "first",
            None,
        )
    else:
        return cutoff, "report", None
    query = select(Followup.sent_at).where(
        Followup.kind == FollowupKind.PREMEETING,
        Followup.state == FollowupState.SENT,
        col(Followup.sent_at) >= start,
        col(Followup.sent_at) < cutoff,
    )
    if party_id is not None:
        query = query.where(col(Followup.member_id).in_(select(Member.id).where(Member.party_id == party_id)))
    sent = session.exec(query.order_by(col(Followup.sent_at).desc()).limit(1)).first()
    if sent is not None:
        return sent, "followup", None
    return start, kind, meeting


def _change(row: ReportRow, event: ItemEvent, zone: ZoneInfo) -> Change:
    return Change(
        item_id=row.item_id,
        ref=row.ref,
        text=row.text,
        at=event.at,
        on=event.at.astimezone(zone).date(),
        actor_name=event.actor_name,
        kind=event.kind,
        old_status=status_value(event.old_value) if event.kind == "status" else None,
        new_status=status_value(event.new_value) if event.kind == "status" else None,
        note=event.note,
    )


def _sections(
    rows_by_meeting: dict[int | None, list[ReportRow]], meetings: dict[int | None, Meeting], lang: str
) -> list[ReportSection]:
    """One section per source meeting, oldest meeting first; steps without one last."""

    def order(meeting_id: int | None) -> tuple[int, date, int]:
        meeting = meetings.get(meeting_id)
        if meeting is None:
            return 1, date.max, 0
        return 0, meeting.held_on or date.max, meeting.id or 0

    sections = []
    for meeting_id in sorted(rows_by_meeting, key=order):
        meeting = meetings.get(meeting_id)
        sections.append(
            ReportSection(
                meeting_id=meeting_id if meeting else None,
                meeting_name=meeting.name if meeting else no_meeting_name(lang),
                held_on=meeting.held_on if meeting else None,
                place=meeting.place if meeting else None,
                rows=tuple(rows_by_meeting[meeting_id]),
            )
        )
    return sections
