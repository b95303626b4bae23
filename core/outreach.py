"""What a due follow-up says, gathered fresh at send time; None when it is no longer wanted."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from core import items as item_service
from core.items import ItemCard, is_overdue
from core.meetings import next_meeting
from core.parties import sorted_parties
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
    Status,
)

DUE_SOON_DAYS = 14


@dataclass
class PartyProgress:
    party: Party
    open_items: int
    updates: int
    updated_by: list[str]


@dataclass
class Digest:
    today: date
    since: datetime
    counts: dict[Status, int]
    overdue: list[ItemCard]
    due_soon: list[ItemCard]
    changes: list[tuple[ItemEvent, int]]
    meeting: Meeting | None
    unreachable: list[str] = field(default_factory=list)
    party_first: int | None = None


@dataclass
class Content:
    kind: FollowupKind
    card: ItemCard | None = None
    cards: list[ItemCard] = field(default_factory=list)
    by_party: list[tuple[Party, list[ItemCard]]] = field(default_factory=list)
    meeting: Meeting | None = None
    days_before: int | None = None
    progress: list[PartyProgress] = field(default_factory=list)
    digest: Digest | None = None
    reasons: list[str] = field(default_factory=list)


def _cards(session: Session, item_ids: list[int]) -> list[ItemCard]:
    return [item_service.get_card(session=session, item_id=i, history=False) for i in item_ids]


def _sent_nudges(session: Session, item_id: int, due: date) -> int:
    """How many rounds of overdue nudges went out for this deadline (not how many messages)."""
    keys = session.exec(
        select(Followup.key).where(
            col(Followup.kind) == FollowupKind.OVERDUE,
            col(Followup.item_id) == item_id,
            col(Followup.state) == FollowupState.SENT,
            col(Followup.key).endswith(f":{due}"),
        )
    ).all()
    return max((int(key.split(":")[3]) for key in keys), default=0)


def _active_party_items(session: Session, party_id: int) -> list[int]:
    return [
        i
        for i in session.exec(
            select(Item.id)
            .join(ItemOwner, col(ItemOwner.item_id) == Item.id)
            .where(ItemOwner.party_id == party_id, col(Item.status).in_(ACTIVE_STATUSES))
            .order_by(col(Item.due_date).is_(None), col(Item.due_date), col(Item.id))
        ).all()
        if i is not None
    ]


def content_for(
    *, session: Session, row: Followup, today: date, escalate_after: int, premeeting_days: tuple[int, ...]
) -> Content | None:
    """The message a follow-up row stands for, or None if there is nothing to say any more."""
    kind = row.kind
    if kind in (FollowupKind.DEADLINE, FollowupKind.OVERDUE):
        assert row.item_id is not None
        item = session.get(Item, row.item_id)
        if item is None or item.status not in ACTIVE_STATUSES or item.due_date is None:
            return None
        if not row.key.endswith(f":{item.due_date}"):
            return None  # the deadline moved since this was planned
        return Content(
            kind=kind, card=item_service.get_card(session=session, item_id=row.item_id, history=False)
        )
    if kind is FollowupKind.ESCALATION:
        groups: dict[int, list[ItemCard]] = defaultdict(list)
        parties: dict[int, Party] = {}
        for item in session.exec(
            select(Item).where(col(Item.status).in_(ACTIVE_STATUSES), col(Item.due_date) < today)
        ).all():
            assert item.id is not None and item.due_date is not None
            if _sent_nudges(session, item.id, item.due_date) < escalate_after:
                continue
            card = item_service.get_card(session=session, item_id=item.id, history=False)
            for party in card.owners:
                assert party.id is not None
                parties[party.id] = party
                groups[party.id].append(card)
        if not groups:
            return None
        by_party = sorted(((parties[p], cards) for p, cards in groups.items()), key=lambda pc: pc[0].name)
        return Content(kind=kind, by_party=by_party)
    if kind in (FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT):
        meeting = session.get(Meeting, row.meeting_id) if row.meeting_id else None
        if meeting is None or not meeting.is_next or meeting.held_on is None:
            return None
        days = int(row.key.split(":")[3])
        if kind is FollowupKind.PREMEETING:
            member = session.get(Member, row.member_id) if row.member_id else None
            if member is None or member.party_id is None:
                return None
            item_ids = _active_party_items(session, member.party_id)
            if not item_ids:
                return None
            return Content(kind=kind, cards=_cards(session, item_ids), meeting=meeting, days_before=days)
        earlier = [d for d in premeeting_days if d > days]
        since_day = meeting.held_on - timedelta(days=min(earlier)) if earlier else today - timedelta(days=30)
        return Content(
            kind=kind,
            meeting=meeting,
            days_before=days,
            progress=party_progress(session, since=datetime.combine(since_day, time(), tzinfo=UTC)),
        )
    return None


def party_progress(session: Session, *, since: datetime) -> list[PartyProgress]:
    """For each party with open items: who from it updated anything since ``since``."""
    open_counts = Counter(
        session.exec(
            select(ItemOwner.party_id)
            .join(Item, col(Item.id) == ItemOwner.item_id)
            .where(col(Item.status).in_(ACTIVE_STATUSES))
        ).all()
    )
    updates: dict[int, list[str]] = defaultdict(list)
    for party_id, name in session.exec(
        select(Member.party_id, Member.display_name)
        .join(ItemEvent, col(ItemEvent.actor_member_id) == Member.id)
        .where(col(ItemEvent.at) >= since, col(ItemEvent.kind).in_(["status", "note"]))
    ).all():
        if party_id is not None:
            updates[party_id].append(name)
    result = []
    for party in sorted_parties(session.exec(select(Party)).all()):
        assert party.id is not None
        if open_counts.get(party.id):
            names = updates.get(party.id, [])
            result.append(PartyProgress(party, open_counts[party.id], len(names), sorted(set(names))))
    return result


def build_digest(
    *, session: Session, today: date, since: datetime, party_id: int | None = None, secretariat: bool = False
) -> Digest:
    """Counts, overdue, due soon, changes since ``since``, the meeting countdown."""
    counts = {status: 0 for status in Status}
    for status, number in session.exec(select(Item.status, func.count()).group_by(col(Item.status))).all():
        counts[Status(status)] = int(number)
    active = session.exec(
        select(Item.id)
        .where(col(Item.status).in_(ACTIVE_STATUSES), col(Item.due_date).is_not(None))
        .order_by(col(Item.due_date), col(Item.id))
    ).all()
    cards = _cards(session, [i for i in active if i is not None])
    overdue = [c for c in cards if is_overdue(c.item, today)]
    soon = [
        c
        for c in cards
        if c.item.due_date and today <= c.item.due_date <= today + timedelta(days=DUE_SOON_DAYS)
    ]
    if party_id is not None:

        def mine_first(card: ItemCard) -> bool:
            return party_id not in card.owner_ids

        overdue.sort(key=mine_first)
        soon.sort(key=mine_first)
    changes = [
        (event, event.item_id)
        for event in session.exec(
            select(ItemEvent)
            .where(col(ItemEvent.at) >= since, col(ItemEvent.kind).in_(["status", "note"]))
            .order_by(col(ItemEvent.at))
        ).all()
    ]
    unreachable = []
    if secretariat:
        unreachable = [
            m.display_name or str(m.telegram_user_id)
            for m in session.exec(select(Member).where(Member.reachable == False)).all()  # noqa: E712
        ]
    return Digest(
        today=today,
        since=since,
        counts=counts,
        overdue=overdue,
        due_soon=soon,
        changes=changes,
        meeting=next_meeting(session=session),
        unreachable=unreachable,
        party_first=party_id,
    )
