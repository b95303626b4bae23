"""Broadcasts: a draft, its audience, one delivery row per recipient, and the delivery record.

Deliveries are claimed (pending -> sending) before each send (``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL, then a conditional update), so two senders never take the same delivery. Each
claim carries a short lease that its sender renews while it works (``renew_leases``);
``release_expired`` retries what a sender that is gone left 'sending': at most one duplicate per
crash, no loss. Only with a single process (SQLite) are all 'sending' rows retried at start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from core import clock, groups, limits
from core.errors import BadInput, NotFound, PermissionDenied
from core.i18n import N_, SOURCE_LANGUAGE
from core.permissions import Actor, can_manage
from storage.models import (
    Audience,
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryState,
    GroupChat,
    Member,
    Party,
    Role,
    Subscription,
)

UNREACHABLE = N_("unreachable: blocked the bot or never started it")  # recorded in English, shown translated
MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)  # renewed while its sender works


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    member_id: int | None
    label: str
    reachable: bool


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    pending: int
    acked: int


def _require_secretariat(actor: Actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can broadcast.")


def get(*, session: Session, actor: Actor, broadcast_id: int) -> Broadcast:
    _require_secretariat(actor)
    broadcast = session.get(Broadcast, broadcast_id) if limits.is_id(broadcast_id) else None
    if broadcast is None:
        raise NotFound("There is no broadcast {number}. /broadcasts lists them.", number=broadcast_id)
    return broadcast


def create_draft(*, session: Session, actor: Actor, text_html: str, chat_id: int) -> Broadcast:
    _require_secretariat(actor)
    if not text_html.strip():
        raise BadInput("What should I send? /broadcast your message — or reply /broadcast to a message.")
    limits.check_html_length(limits.BROADCAST_TEXT, text_html)
    broadcast = Broadcast(
        text_html=text_html, created_by_member_id=actor.member_id, chat_id=chat_id, created_at=clock.now()
    )
    session.add(broadcast)
    session.flush()
    return broadcast


def _draft(session: Session, actor: Actor, broadcast_id: int) -> Broadcast:
    broadcast = get(session=session, actor=actor, broadcast_id=broadcast_id)
    if broadcast.state is BroadcastState.SENDING:
        raise BadInput("Broadcast {number} is already being sent.", number=broadcast_id)
    if broadcast.state is BroadcastState.DONE:
        raise BadInput("Broadcast {number} was already sent.", number=broadcast_id)
    if broadcast.state is BroadcastState.CANCELLED:
        raise BadInput("Broadcast {number} was cancelled.", number=broadcast_id)
    return broadcast


def choose_audience(*, session: Session, actor: Actor, broadcast_id: int, audience: Audience) -> Broadcast:
    broadcast = _draft(session, actor, broadcast_id)
    broadcast.audience = audience
    if audience is not Audience.PARTIES:
        broadcast.party_ids = []
    return broadcast


def toggle_party(*, session: Session, actor: Actor, broadcast_id: int, party_id: int) -> Broadcast:
    broadcast = _draft(session, actor, broadcast_id)
    if not limits.is_id(party_id) or session.get(Party, party_id) is None:
        raise NotFound("That party no longer exists.")
    chosen = set(broadcast.party_ids)
    chosen ^= {party_id}
    broadcast.party_ids = sorted(chosen)
    broadcast.audience = Audience.PARTIES
    return broadcast


def recipients(*, session: Session, broadcast: Broadcast) -> list[Recipient]:
    """Who the broadcast goes to, as chosen so far."""
    audience = broadcast.audience
    if audience is None:
        return []
    subs = session.exec(select(Subscription).where(col(Subscription.chat_id) < 0)).all()
    groups = [Recipient(s.chat_id, None, s.title or f"group {s.chat_id}", True) for s in subs]
    if audience is Audience.GROUPS:
        return groups
    query = select(Member, Party).join(Party, col(Party.id) == Member.party_id, isouter=True)
    if audience is Audience.CHAIRS:
        query = query.where(col(Member.role) == Role.CHAIR)
    elif audience is Audience.PARTIES:
        query = query.where(col(Member.party_id).in_(broadcast.party_ids or [-1]))
    rows = session.exec(query.order_by(col(Member.id))).all()
    result = []
    for member, party in rows:
        label = member.display_name or str(member.telegram_user_id)
        if party is not None:
            label += f" ({party.name})"
        result.append(Recipient(member.telegram_user_id, member.id, label, member.reachable))
    return result + groups if audience is Audience.ALL else result


def start(*, session: Session, actor: Actor, broadcast_id: int, now: datetime) -> int:
    """Create the deliveries and mark the broadcast sending; return how many will be tried."""
    broadcast = _draft(session, actor, broadcast_id)
    targets = recipients(session=session, broadcast=broadcast)
    if not targets:
        raise BadInput("Nobody to send to: choose an audience with at least one recipient.")
    table = Delivery.__table__  # type: ignore[attr-defined]
    session.execute(
        table.insert(),
        [
            {
                "broadcast_id": broadcast_id,
                "chat_id": r.chat_id,
                "member_id": r.member_id,
                "label": r.label[:200],
                "state": DeliveryState.PENDING if r.reachable else DeliveryState.FAILED,
                "reason": None if r.reachable else UNREACHABLE,
                "attempts": 0,
            }
            for r in {r.chat_id: r for r in targets}.values()
        ],
    )
    broadcast.state = BroadcastState.SENDING
    broadcast.started_at = now
    return sum(r.reachable for r in targets)


def sender_language(*, session: Session, broadcast: Broadcast) -> str:
    """The language the sender's progress message is written in: the group's, in a group; else
    the sender's own."""
    return groups.chat_language(session=session, chat_id=broadcast.chat_id)


def recipient_languages(*, session: Session, deliveries: Sequence[Delivery]) -> dict[int, str]:
    """Each delivery's reader's language (delivery id -> language): a member's own, a group's
    as the secretariat set it there; English when not known. One query per kind for the batch."""
    member_ids = {d.member_id for d in deliveries if d.member_id is not None}
    group_chats = {d.chat_id for d in deliveries if d.member_id is None}
    by_member: dict[int | None, str | None] = {}
    by_chat: dict[int, str | None] = {}
    if member_ids:
        query = select(Member.id, Member.language).where(col(Member.id).in_(member_ids))
        for member_id, language in session.exec(query).all():
            by_member[member_id] = language
    if group_chats:
        chats = select(GroupChat.chat_id, GroupChat.language).where(col(GroupChat.chat_id).in_(group_chats))
        for chat_id, language in session.exec(chats).all():
            by_chat[chat_id] = language
    languages = {}
    for d in deliveries:
        if d.id is None:
            continue
        found = by_member.get(d.member_id) if d.member_id is not None else by_chat.get(d.chat_id)
        languages[d.id] = found or SOURCE_LANGUAGE
    return languages


def cancel(*, session: Session, actor: Actor, broadcast_id: int) -> Broadcast:
    broadcast = _draft(session, actor, broadcast_id)
    broadcast.state = BroadcastState.CANCELLED
    return broadcast


def progress(*, session: Session, broadcast_id: int) -> Progress:
    states: Counter[DeliveryState] = Counter()
    acked = 0
    for state, acked_at in session.exec(
        select(Delivery.state, Delivery.acked_at).where(Delivery.broadcast_id == broadcast_id)
    ).all():
        states[DeliveryState(state)] += 1
        acked += acked_at is not None
    pending = states[DeliveryState.PENDING] + states[DeliveryState.SENDING]
    total = sum(states.values())
    return Progress(total, states[DeliveryState.SENT], states[DeliveryState.FAILED], pending, acked)


def claim(*, session: Session, broadcast_id: int, now: datetime, limit: int) -> list[Delivery]:
    """Take up to ``limit`` pending deliveries: each becomes 'sending' for exactly one taker."""
    rows = session.exec(
        select(Delivery)
        .where(
            Delivery.broadcast_id == broadcast_id,
            col(Delivery.state) == DeliveryState.PENDING,
            (col(Delivery.not_before).is_(None)) | (col(Delivery.not_before) <= now),
        )
        .order_by(col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: deliveries another sender holds are skipped
    ).all()
    taken = []
    for row in rows:
        won = session.execute(
            update(Delivery)
            .where(col(Delivery.id) == row.id, col(Delivery.state) == DeliveryState.PENDING)
            .values(state=DeliveryState.SENDING, attempts=Delivery.attempts + 1, lease_until=now + LEASE)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            session.refresh(row)
            taken.append(row)
    return taken


def mark_sent(*, session: Session, delivery_id: int, message_id: int, now: datetime) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(state=DeliveryState.SENT, message_id=message_id, sent_at=now, reason=None, lease_until=None)
    )


def mark_failed(*, session: Session, delivery_id: int, reason: str) -> None:
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(state=DeliveryState.FAILED, reason=reason[:300], lease_until=None)
    )


def mark_retry(*, session: Session, delivery: Delivery, now: datetime, wait: timedelta, reason: str) -> None:
    """Back to pending after a 429, 5xx or network error; gives up after MAX_ATTEMPTS."""
    assert delivery.id is not None
    if delivery.attempts >= MAX_ATTEMPTS:
        mark_failed(
            session=session,
            delivery_id=delivery.id,
            reason=f"gave up after {delivery.attempts} tries: {reason}",
        )
        return
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery.id)
        .values(state=DeliveryState.PENDING, not_before=now + wait, reason=reason[:300], lease_until=None)
    )


def move_chat(*, session: Session, delivery_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: send there instead (right away)."""
    session.execute(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(chat_id=new_chat_id, state=DeliveryState.PENDING, not_before=None)
    )


def finish_if_done(*, session: Session, broadcast_id: int, now: datetime) -> bool:
    remaining = session.exec(
        select(Delivery.id).where(
            Delivery.broadcast_id == broadcast_id,
            col(Delivery.state).in_([DeliveryState.PENDING, DeliveryState.SENDING]),
        )
    ).first()
    if remaining is not None:
        return False
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is not None and broadcast.state is BroadcastState.SENDING:
        broadcast.state = BroadcastState.DONE
        broadcast.finished_at = now
    return True


def resume_interrupted(*, session: Session, single_process: bool) -> list[int]:
    """At start: the broadcasts to resume. With a single process (SQLite), deliveries its previous
    run left 'sending' are retried now; with several instances, only through their leases."""
    if single_process:
        session.execute(
            update(Delivery)
            .where(col(Delivery.state) == DeliveryState.SENDING)
            .values(state=DeliveryState.PENDING, lease_until=None)
        )
    return sending_broadcasts(session=session)


def sending_broadcasts(*, session: Session) -> list[int]:
    """Broadcasts with deliveries still to make, or whose sender hasn't yet been shown the final
    counts (a crash between the last delivery and the last edit): both need their task."""
    unfinished = col(Broadcast.state) == BroadcastState.SENDING
    unshown = and_(
        col(Broadcast.state) == BroadcastState.DONE,
        col(Broadcast.progress_message_id).is_not(None),
        col(Broadcast.progress_final).is_(False),
    )
    return [
        b for b in session.exec(select(Broadcast.id).where(or_(unfinished, unshown))).all() if b is not None
    ]


def recent(*, session: Session, actor: Actor, limit: int = 10) -> list[tuple[Broadcast, Progress]]:
    _require_secretariat(actor)
    rows = session.exec(
        select(Broadcast)
        .where(col(Broadcast.state) != BroadcastState.DRAFT)
        .order_by(col(Broadcast.id).desc())
        .limit(limit)
    ).all()
    return [(b, progress(session=session, broadcast_id=b.id)) for b in rows if b.id is not None]


def failures(*, session: Session, broadcast_id: int) -> Sequence[Delivery]:
    return session.exec(
        select(Delivery)
        .where(Delivery.broadcast_id == broadcast_id, col(Delivery.state) == DeliveryState.FAILED)
        .order_by(col(Delivery.id))
    ).all()


def acknowledge(*, session: Session, delivery_id: int, chat_id: int, now: datetime) -> bool:
    """'Got it' pressed in ``chat_id``; False if that button isn't this chat's."""
    delivery = session.get(Delivery, delivery_id) if limits.is_id(delivery_id) else None
    if delivery is None or delivery.chat_id != chat_id:
        return False
    if delivery.acked_at is None:
        delivery.acked_at = now
    return True


def mark_progress_final(*, session: Session, broadcast_id: int) -> None:
    session.execute(update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(progress_final=True))


def renew_leases(*, session: Session, delivery_ids: Collection[int], now: datetime) -> None:
    """The deliveries this process is still sending keep their claim for another ``LEASE``."""
    if delivery_ids:
        session.execute(
            update(Delivery)
            .where(col(Delivery.id).in_(list(delivery_ids)), col(Delivery.state) == DeliveryState.SENDING)
            .values(lease_until=now + LEASE)
        )


def release_expired(*, session: Session, now: datetime, in_flight: Collection[int] = ()) -> int:
    """'sending' deliveries whose lease ended, and that this process isn't sending
    (``in_flight``), go back to pending: a dead sender strands nothing while the bot runs."""
    query = update(Delivery).where(
        col(Delivery.state) == DeliveryState.SENDING,
        or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now),
    )
    if in_flight:
        query = query.where(col(Delivery.id).not_in(list(in_flight)))
    result = session.execute(query.values(state=DeliveryState.PENDING, lease_until=None))
    return int(result.rowcount)  # type: ignore[attr-defined]
