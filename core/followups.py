"""The follow-up planner: pure rules from items, meetings and people to (who, what, when, why).

Nothing here touches the database or Telegram; ``core.schedule`` feeds it and stores the plan.
Every planned follow-up has a stable key, so re-planning never duplicates what was sent.
Local times are computed per recipient with zoneinfo. Deliberate DST choices: a local time
that does not exist (the spring-forward gap) is moved forward by the gap; a local time that
occurs twice (fall-back) means its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.config import WEEKDAYS, FollowupSettings
from storage.models import ACTIVE_STATUSES, FollowupKind, Role, Status

ESSENTIAL = frozenset({FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT, FollowupKind.DIGEST})


def parse_clock(value: str) -> time:
    hours, minutes = (int(part) for part in value.split(":"))
    return time(hours, minutes)


@dataclass(frozen=True)
class Rules:
    offsets_days: tuple[int, ...]
    send_time: time
    weekend: frozenset[int]
    overdue_repeat_days: int
    escalate_after_nudges: int
    max_overdue_nudges: int
    premeeting_days: tuple[int, ...]
    digest_weekday: int
    digest_time: time
    secretariat_timezone: str

    @classmethod
    def from_settings(cls, settings: FollowupSettings, secretariat_timezone: str) -> Rules:
        return cls(
            offsets_days=tuple(settings.reminder_offsets_days),
            send_time=parse_clock(settings.send_time),
            weekend=settings.weekend,
            overdue_repeat_days=settings.overdue_repeat_days,
            escalate_after_nudges=settings.escalate_after_nudges,
            max_overdue_nudges=settings.max_overdue_nudges,
            premeeting_days=tuple(settings.premeeting_days),
            digest_weekday=WEEKDAYS.index(settings.digest_weekday),
            digest_time=parse_clock(settings.digest_time),
            secretariat_timezone=secretariat_timezone,
        )


@dataclass(frozen=True)
class Recipient:
    member_id: int
    chat_id: int
    party_id: int | None
    role: Role
    timezone: str
    reachable: bool = True
    reminders_enabled: bool = True
    quiet: tuple[time, time] | None = None


@dataclass(frozen=True)
class ItemFacts:
    item_id: int
    status: Status
    due_date: date | None
    owner_party_ids: frozenset[int]


@dataclass(frozen=True)
class MeetingFacts:
    meeting_id: int
    held_on: date


@dataclass(frozen=True)
class DigestChat:
    """A chat subscribed to the weekly digest. A person's own chat gets it on their wall clock
    (``timezone``; None: the secretariat's, as for groups) and names them (``member_id``)."""

    chat_id: int
    timezone: str | None = None
    member_id: int | None = None


@dataclass(frozen=True)
class Planned:
    key: str
    kind: FollowupKind
    chat_id: int
    due_at: datetime  # UTC
    reason: str
    member_id: int | None = None
    item_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class About:
    """What a planned follow-up is about, read back from its key, so each reader's language can
    tell it (the stored ``reason`` is English, for the logs)."""

    kind: FollowupKind
    day: date | None = None  # the deadline, the meeting's or the digest's day
    number: int = 0  # days before the deadline or the meeting, or the nudge's number
    item_id: int | None = None
    item_ids: tuple[int, ...] = ()  # an escalation's items


def about(kind: FollowupKind, key: str, reason: str = "") -> About | None:
    """The facts in a key written by this module (None for anything else)."""
    parts = key.split(":")
    try:
        if kind in (FollowupKind.DEADLINE, FollowupKind.OVERDUE) and len(parts) == 5:
            return About(kind, date.fromisoformat(parts[4]), int(parts[3]), item_id=int(parts[1]))
        if kind in (FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT) and len(parts) == 5:
            return About(kind, date.fromisoformat(parts[2]), int(parts[3]))
        if kind is FollowupKind.ESCALATION and len(parts) == 3:
            ids = tuple(int(n) for n in re.findall(r"#(\d+)", reason))
            return About(kind, date.fromisoformat(parts[2]), item_ids=ids)
        if kind is FollowupKind.DIGEST and len(parts) == 3:
            return About(kind, date.fromisoformat(parts[2]))
    except ValueError:
        return None
    return None


# -- local time ----------------------------------------------------------------------------
def local_moment(day: date, at: time, timezone: str) -> datetime:
    """``day`` at ``at`` on the wall clock of ``timezone``, as an aware UTC datetime."""
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, at)
    aware = wall.replace(tzinfo=zone, fold=0)
    # For a wall time in a spring-forward gap, fold=0 applies the offset from before the
    # change, which is the instant the wall time "moved forward by the gap" names.
    return aware.astimezone(UTC)


def previous_working_day(day: date, weekend: frozenset[int]) -> date:
    """``day``, or the nearest working day before it."""
    for _ in range(7):
        if day.weekday() not in weekend:
            return day
        day -= timedelta(days=1)
    return day


def next_working_day(day: date, weekend: frozenset[int]) -> date:
    for _ in range(7):
        if day.weekday() not in weekend:
            return day
        day += timedelta(days=1)
    return day


def outside_quiet_hours(moment: datetime, recipient: Recipient) -> datetime:
    """Move ``moment`` to the end of the recipient's quiet window if it falls inside it."""
    if recipient.quiet is None:
        return moment
    start, end = recipient.quiet
    if start == end:
        return moment
    zone = ZoneInfo(recipient.timezone)
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return moment
    end_day = local.date() if (start < end or clock < end) else local.date() + timedelta(days=1)
    return local_moment(end_day, end, recipient.timezone)


def _at(day: date, at: time, recipient: Recipient) -> datetime:
    return outside_quiet_hours(local_moment(day, at, recipient.timezone), recipient)


# -- the plan --------------------------------------------------------------------------------
class ByParty(dict[int, list[Recipient]]):
    """Recipients indexed by party, so finding an item's owners doesn't scan everyone."""

    @classmethod
    def of(cls, recipients: Iterable[Recipient]) -> ByParty:
        index = cls()
        for recipient in recipients:
            if recipient.party_id is not None:
                index.setdefault(recipient.party_id, []).append(recipient)
        return index


def owners_of(item: ItemFacts, recipients: Sequence[Recipient] | ByParty) -> Iterator[Recipient]:
    index = recipients if isinstance(recipients, ByParty) else ByParty.of(recipients)
    for party_id in sorted(item.owner_party_ids):
        yield from index.get(party_id, ())


def _wants(recipient: Recipient, kind: FollowupKind) -> bool:
    return recipient.reachable and (kind in ESSENTIAL or recipient.reminders_enabled)


ALL_DAYS = (date.min, date.max)


def deadline_reminders(
    item: ItemFacts,
    recipients: Sequence[Recipient] | ByParty,
    rules: Rules,
    days: tuple[date, date] = ALL_DAYS,
) -> Iterator[Planned]:
    """Reminders N days before the deadline, moved off weekends; one per day at most."""
    if item.status not in ACTIVE_STATUSES or item.due_date is None:
        return
    for recipient in owners_of(item, recipients):
        if not _wants(recipient, FollowupKind.DEADLINE):
            continue
        days_used: set[date] = set()
        for offset in sorted(rules.offsets_days):  # nearest first: it wins a shared day
            day = previous_working_day(item.due_date - timedelta(days=offset), rules.weekend)
            if day in days_used:
                continue
            days_used.add(day)
            if not days[0] <= day <= days[1]:
                continue
            when = "today" if offset == 0 else f"in {offset} day{'s' if offset != 1 else ''}"
            yield Planned(
                key=f"deadline:{item.item_id}:{recipient.member_id}:{offset}:{item.due_date}",
                kind=FollowupKind.DEADLINE,
                chat_id=recipient.chat_id,
                member_id=recipient.member_id,
                item_id=item.item_id,
                due_at=_at(day, rules.send_time, recipient),
                reason=f"#{item.item_id} due {when} ({item.due_date})",
            )


def nudge_days(due: date, rules: Rules, until: date) -> Iterator[tuple[int, date]]:
    """(n, day) of the overdue nudges: the first working day after ``due``, then every N days."""
    first = next_working_day(due + timedelta(days=1), rules.weekend)
    n, day = 1, first
    while day <= until and n <= rules.max_overdue_nudges:
        yield n, day
        n += 1
        day = next_working_day(first + timedelta(days=(n - 1) * rules.overdue_repeat_days), rules.weekend)


def overdue_nudges(
    item: ItemFacts,
    recipients: Sequence[Recipient] | ByParty,
    rules: Rules,
    until: date,
    since: date = date.min,
) -> Iterator[Planned]:
    if item.status not in ACTIVE_STATUSES or item.due_date is None:
        return
    for n, day in nudge_days(item.due_date, rules, until):
        if day < since:
            continue
        for recipient in owners_of(item, recipients):
            if not _wants(recipient, FollowupKind.OVERDUE):
                continue
            yield Planned(
                key=f"overdue:{item.item_id}:{recipient.member_id}:{n}:{item.due_date}",
                kind=FollowupKind.OVERDUE,
                chat_id=recipient.chat_id,
                member_id=recipient.member_id,
                item_id=item.item_id,
                due_at=_at(day, rules.send_time, recipient),
                reason=f"#{item.item_id} overdue since {item.due_date} (nudge {n})",
            )


def escalations(
    items: Iterable[ItemFacts], recipients: Sequence[Recipient], rules: Rules, until: date
) -> Iterator[Planned]:
    """One message per secretariat member on each day some item reaches its Nth nudge."""
    days: dict[date, list[int]] = {}
    for item in items:
        if item.status not in ACTIVE_STATUSES or item.due_date is None:
            continue
        for n, day in nudge_days(item.due_date, rules, until):
            if n == rules.escalate_after_nudges:
                days.setdefault(day, []).append(item.item_id)
                break
    for recipient in recipients:
        if recipient.role is not Role.SECRETARIAT or not _wants(recipient, FollowupKind.ESCALATION):
            continue
        for day, item_ids in days.items():
            yield Planned(
                key=f"escalation:{recipient.member_id}:{day}",
                kind=FollowupKind.ESCALATION,
                chat_id=recipient.chat_id,
                member_id=recipient.member_id,
                due_at=_at(day, rules.send_time, recipient),
                reason="overdue after repeated nudges: " + ", ".join(f"#{i}" for i in sorted(item_ids)),
            )


def premeeting_followups(
    meeting: MeetingFacts | None,
    parties_with_open: frozenset[int],
    recipients: Sequence[Recipient],
    rules: Rules,
) -> Iterator[Planned]:
    """Before the next meeting: each chair with open items, and a report to the secretariat."""
    if meeting is None:
        return
    for days in rules.premeeting_days:
        day = previous_working_day(meeting.held_on - timedelta(days=days), rules.weekend)
        for recipient in recipients:
            if not _wants(recipient, FollowupKind.PREMEETING):
                continue
            base = f"{meeting.meeting_id}:{meeting.held_on}:{days}:{recipient.member_id}"
            if recipient.role is Role.CHAIR and recipient.party_id in parties_with_open:
                kind, key = FollowupKind.PREMEETING, f"premeeting:{base}"
            elif recipient.role is Role.SECRETARIAT:
                kind, key = FollowupKind.PREMEETING_REPORT, f"premeeting_report:{base}"
            else:
                continue
            yield Planned(
                key=key,
                kind=kind,
                chat_id=recipient.chat_id,
                member_id=recipient.member_id,
                meeting_id=meeting.meeting_id,
                due_at=_at(day, rules.send_time, recipient),
                reason=f"{days} days before the meeting on {meeting.held_on}",
            )


def weekly_digests(
    chats: Iterable[int | DigestChat], rules: Rules, start: date, until: date
) -> Iterator[Planned]:
    """The digest for each subscribed chat on the digest weekday at the digest time: in a
    person's own timezone for their private chat, in the secretariat's for a group."""
    subscribed = [DigestChat(c) if isinstance(c, int) else c for c in chats]
    day = start + timedelta(days=(rules.digest_weekday - start.weekday()) % 7)
    while day <= until:
        for chat in subscribed:
            yield Planned(
                key=f"digest:{chat.chat_id}:{day}",
                kind=FollowupKind.DIGEST,
                chat_id=chat.chat_id,
                member_id=chat.member_id,
                due_at=local_moment(day, rules.digest_time, chat.timezone or rules.secretariat_timezone),
                reason=f"weekly digest for {day}",
            )
        day += timedelta(days=7)


def plan(
    *,
    items: Sequence[ItemFacts],
    recipients: Sequence[Recipient],
    meeting: MeetingFacts | None,
    digest_chats: Sequence[int | DigestChat],
    rules: Rules,
    start: datetime,
    end: datetime,
    kinds: frozenset[FollowupKind] = frozenset(FollowupKind),
    parties_with_open: frozenset[int] | None = None,
) -> list[Planned]:
    """Everything due in [start, end): the whole plan for those items, people and meeting.

    ``parties_with_open`` (parties owning an active item) defaults to what ``items`` says.
    """
    until = (end + timedelta(days=1)).date()
    since = (start - timedelta(days=1)).date()  # local days can't be further off than a day
    owners = ByParty.of(recipients)
    planned: list[Planned] = []
    if FollowupKind.DEADLINE in kinds:
        for item in items:
            planned.extend(deadline_reminders(item, owners, rules, (since, until)))
    if FollowupKind.OVERDUE in kinds:
        for item in items:
            planned.extend(overdue_nudges(item, owners, rules, until, since))
    if FollowupKind.ESCALATION in kinds:
        planned.extend(escalations(items, recipients, rules, until))
    if kinds & {FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT}:
        if parties_with_open is None:
            parties_with_open = frozenset(
                party for item in items if item.status in ACTIVE_STATUSES for party in item.owner_party_ids
            )
        planned.extend(
            p for p in premeeting_followups(meeting, parties_with_open, recipients, rules) if p.kind in kinds
        )
    if FollowupKind.DIGEST in kinds:
        planned.extend(weekly_digests(digest_chats, rules, (start - timedelta(days=1)).date(), until))
    return [p for p in planned if start <= p.due_at < end]


def deadline_window(rules: Rules, start: datetime, end: datetime) -> tuple[date, date]:
    """Only items with a deadline in this range can have a reminder or nudge in [start, end)."""
    earliest = start.date() - timedelta(days=rules.overdue_repeat_days * rules.max_overdue_nudges + 7)
    latest = end.date() + timedelta(days=max(rules.offsets_days, default=0) + 7)
    return earliest, latest
