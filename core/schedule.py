"""The stored plan and ledger of follow-ups: re-planning, claiming what is due, recording sends.

The database is the source of truth. ``sync_plan`` turns the planner's output for a scope into
rows (new keys planned, moved ones re-timed, unwanted ones cancelled; sent ones never touched).
``claim_due`` marks due rows as *sending* before anything is sent (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, then a conditional update), so a concurrent tick, in this process or
another instance, can't take the same row, and a crash mid-send leaves a trace (policy: at most
one duplicate per crash, no loss). Every claim carries a short lease that its sender renews
(``renew_leases``) while it works; ``release_expired`` puts a row whose lease ended, its sender
gone, back to *planned*. Only with a single process (SQLite) does ``reset_interrupted`` put back
every 'sending' row at start: there they can only be the previous run's.
A failed try waits in ``retry_at``, apart from ``due_at``, so a re-plan never undoes the backoff.
Re-plans are serialised, in this process by a lock and across instances by a transaction
advisory lock, and their inserts ignore keys that already exist, so two re-plans never collide.

Transactions: functions taking ``session`` run in the caller's transaction; ``sync_in_chunks``
opens its own, short ones.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, update
from sqlmodel import Session, col, select

from core.followups import (
    DigestChat,
    ItemFacts,
    MeetingFacts,
    Planned,
    Recipient,
    Rules,
    deadline_window,
    parse_clock,
    plan,
)
from core.meetings import next_meeting
from storage.db import REPLAN_LOCK, Database, insert_ignoring_conflicts, serialise_transaction
from storage.models import (
    ACTIVE_STATUSES,
    Followup,
    FollowupKind,
    FollowupState,
    Item,
    ItemOwner,
    Member,
    PlanState,
    Status,
    Subscription,
)

ALL_KINDS = frozenset(FollowupKind) - {FollowupKind.AWAY}
ITEM_KINDS = frozenset({FollowupKind.DEADLINE, FollowupKind.OVERDUE})
MEETING_KINDS = frozenset({FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT})
RETRY_AFTER = timedelta(minutes=2)
CHUNK = 2000  # items per transaction when re-planning many: keeps SQLite write locks short
SMALL_SCOPE = 50  # up to this many items, load only their owners' members
MAX_ATTEMPTS = 10
LEASE = timedelta(seconds=60)  # renewed while its sender works; then a sender that is gone is retried
_REPLAN_LOCK = threading.Lock()  # one re-plan transaction at a time in this process


@dataclass(frozen=True)
class PlanScope:
    """What to re-plan. ``None`` item or member ids mean: all of them."""

    kinds: frozenset[FollowupKind] = ALL_KINDS
    item_ids: frozenset[int] | None = None
    member_ids: frozenset[int] | None = None

    @classmethod
    def everything(cls) -> PlanScope:
        return cls()

    @classmethod
    def items(cls, item_ids: Collection[int]) -> PlanScope:
        return cls(kinds=ITEM_KINDS, item_ids=frozenset(item_ids))

    @classmethod
    def members(cls, member_ids: Collection[int]) -> PlanScope:
        """Everything about these people, their own digest included (it follows their timezone)."""
        return cls(kinds=ALL_KINDS, member_ids=frozenset(member_ids))

    @classmethod
    def meeting(cls, linked_item_ids: Collection[int]) -> PlanScope:
        return cls(kinds=ITEM_KINDS | MEETING_KINDS, item_ids=frozenset(linked_item_ids))

    @classmethod
    def digests(cls) -> PlanScope:
        return cls(kinds=frozenset({FollowupKind.DIGEST}))


@dataclass
class SyncResult:
    added: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0


def load_recipients(
    session: Session,
    default_timezone: str,
    member_ids: Collection[int] | None = None,
    party_ids: Collection[int] | None = None,
) -> list[Recipient]:
    query = select(Member)
    if member_ids is not None:
        query = query.where(col(Member.id).in_(member_ids))
    if party_ids is not None:
        query = query.where(col(Member.party_id).in_(party_ids))
    recipients = []
    for m in session.exec(query).all():
        assert m.id is not None
        quiet = (
            (parse_clock(m.quiet_start), parse_clock(m.quiet_end)) if m.quiet_start and m.quiet_end else None
        )
        recipients.append(
            Recipient(
                member_id=m.id,
                chat_id=m.telegram_user_id,
                party_id=m.party_id,
                role=m.role,
                timezone=m.timezone or default_timezone,
                reachable=m.reachable,
                reminders_enabled=m.reminders_enabled,
                quiet=quiet,
            )
        )
    return recipients


def load_digest_chats(session: Session, member_ids: Collection[int] | None = None) -> list[DigestChat]:
    """Subscribed chats; a person's private chat with their timezone (``member_ids``: only theirs)."""
    rows = session.exec(
        select(Subscription.chat_id, Member.id, Member.timezone).join(
            Member, col(Member.telegram_user_id) == Subscription.chat_id, isouter=True
        )
    ).all()
    chats = []
    for chat_id, member_id, timezone in rows:
        private = chat_id > 0 and member_id is not None
        if member_ids is not None and not (private and member_id in member_ids):
            continue
        chats.append(DigestChat(chat_id, timezone, member_id) if private else DigestChat(chat_id))
    return chats


def load_items(
    session: Session,
    item_ids: Collection[int] | None = None,
    party_ids: Collection[int] | None = None,
    due_between: tuple[date, date] | None = None,
) -> list[ItemFacts]:
    """Facts about active items (closed ones need no follow-up), optionally by deadline range."""
    query = select(col(Item.id), col(Item.status), col(Item.due_date)).where(
        col(Item.status).in_(ACTIVE_STATUSES)
    )
    if item_ids is not None:
        query = query.where(col(Item.id).in_(item_ids))
    if party_ids is not None:
        owned = select(ItemOwner.item_id).where(col(ItemOwner.party_id).in_(party_ids))
        query = query.where(col(Item.id).in_(owned))
    if due_between is not None:
        query = query.where(col(Item.due_date).between(*due_between))
    rows = session.exec(query).all()
    owners: dict[int, set[int]] = defaultdict(set)
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for item_id, party_id in session.exec(
            select(ItemOwner.item_id, ItemOwner.party_id).where(col(ItemOwner.item_id).in_(chunk))
        ).all():
            owners[item_id].add(party_id)
    return [
        ItemFacts(item_id=i, status=Status(s), due_date=d, owner_party_ids=frozenset(owners[i]))
        for i, s, d in rows
        if i is not None
    ]


def parties_with_open_items(session: Session) -> frozenset[int]:
    return frozenset(
        session.exec(
            select(ItemOwner.party_id)
            .join(Item, col(Item.id) == ItemOwner.item_id)
            .where(col(Item.status).in_(ACTIVE_STATUSES))
            .distinct()
        ).all()
    )


def desired(
    session: Session,
    *,
    rules: Rules,
    scope: PlanScope,
    start: datetime,
    end: datetime,
    everyone: list[Recipient] | None = None,
) -> list[Planned]:
    """The planner's output for ``scope`` over [start, end); ``everyone`` saves reloading members."""
    window = deadline_window(rules, start, end)
    item_kinds = scope.kinds & ITEM_KINDS
    if scope.member_ids is not None:
        recipients = load_recipients(session, rules.secretariat_timezone, member_ids=scope.member_ids)
        parties = {r.party_id for r in recipients if r.party_id is not None}
        items = load_items(session, party_ids=parties, due_between=window) if parties and item_kinds else []
    elif scope.item_ids is not None:
        items = load_items(session, item_ids=scope.item_ids, due_between=window) if item_kinds else []
        parties = {p for item in items for p in item.owner_party_ids}
        if everyone is not None:
            recipients = everyone
        elif scope.kinds - ITEM_KINDS:
            recipients = load_recipients(session, rules.secretariat_timezone)
        else:  # one or a few items: only their owners' members matter
            recipients = (
                load_recipients(session, rules.secretariat_timezone, party_ids=parties) if parties else []
            )
    else:
        recipients = (
            everyone if everyone is not None else load_recipients(session, rules.secretariat_timezone)
        )
        items = load_items(session, due_between=window) if item_kinds else []
    meeting = next_meeting(session=session)
    facts = (
        MeetingFacts(meeting.id, meeting.held_on)
        if meeting is not None and meeting.id is not None and meeting.held_on is not None
        else None
    )
    digest_chats = (
        load_digest_chats(session, member_ids=scope.member_ids) if FollowupKind.DIGEST in scope.kinds else []
    )
    planned = plan(
        items=items,
        recipients=recipients,
        meeting=facts,
        digest_chats=digest_chats,
        rules=rules,
        start=start,
        end=end,
        kinds=item_kinds | (scope.kinds & {FollowupKind.DIGEST}),
    )
    other_kinds = scope.kinds - ITEM_KINDS - {FollowupKind.DIGEST}
    if other_kinds:
        escalation_items = (
            load_items(session, due_between=window) if FollowupKind.ESCALATION in other_kinds else []
        )
        planned += plan(
            items=escalation_items,
            recipients=recipients,
            meeting=facts,
            digest_chats=[],
            rules=rules,
            start=start,
            end=end,
            kinds=other_kinds,
            parties_with_open=parties_with_open_items(session)
            if other_kinds & MEETING_KINDS
            else frozenset(),
        )
    return planned


def _scope_filter(scope: PlanScope) -> ColumnElement[bool]:
    kinds = col(Followup.kind).in_(scope.kinds)
    if scope.item_ids is None and scope.member_ids is None:
        return kinds
    parts: list[ColumnElement[bool]] = []
    if scope.item_ids is not None:
        parts.append(col(Followup.item_id).in_(scope.item_ids))
    if scope.member_ids is not None:
        parts.append(col(Followup.member_id).in_(scope.member_ids))
    if scope.item_ids is not None and scope.kinds & MEETING_KINDS:
        parts.append(col(Followup.kind).in_(scope.kinds & MEETING_KINDS))
    return and_(kinds, or_(*parts) if parts else false())


def sync_plan(
    *,
    session: Session,
    rules: Rules,
    now: datetime,
    horizon_days: int,
    grace_hours: int,
    scope: PlanScope,
    catch_up_from: datetime | None = None,
    everyone: list[Recipient] | None = None,
) -> SyncResult:
    """Make the stored plan for ``scope`` match what the rules say now.

    Newly wanted follow-ups already in the past are skipped (no stale news after a change),
    except from ``catch_up_from`` on: after a downtime, what the stored plan did not yet cover.
    """
    fresh_from = now if catch_up_from is None else min(now, catch_up_from)
    start = min(now - timedelta(hours=grace_hours), fresh_from)
    end = now + timedelta(days=horizon_days)
    wanted = {
        p.key: p for p in desired(session, rules=rules, scope=scope, start=start, end=end, everyone=everyone)
    }
    existing = {
        key: (row_id, state, due_at)
        for row_id, key, state, due_at in session.exec(
            select(Followup.id, Followup.key, Followup.state, Followup.due_at).where(
                _scope_filter(scope), col(Followup.due_at) >= start
            )
        ).all()
    }
    missing = [k for k in wanted if k not in existing]
    # keys planned outside this scope's rows (e.g. the same key under another member filter)
    for chunk_start in range(0, len(missing), 900):
        chunk = missing[chunk_start : chunk_start + 900]
        for row_id, key, state, due_at in session.exec(
            select(Followup.id, Followup.key, Followup.state, Followup.due_at).where(
                col(Followup.key).in_(chunk)
            )
        ).all():
            existing[key] = (row_id, state, due_at)

    result = SyncResult()
    to_insert = []
    moves: list[dict[str, object]] = []
    revive: list[dict[str, object]] = []
    for key, p in wanted.items():
        if key not in existing:
            if p.due_at < fresh_from:
                # Newly wanted but already past (a new item, member or subscription): don't
                # send stale news. What was planned before a downtime is already stored.
                continue
            to_insert.append(
                {
                    "key": key,
                    "kind": p.kind,
                    "chat_id": p.chat_id,
                    "member_id": p.member_id,
                    "item_id": p.item_id,
                    "meeting_id": p.meeting_id,
                    "due_at": p.due_at,
                    "reason": p.reason[:300],
                    "state": FollowupState.PLANNED,
                    "attempts": 0,
                }
            )
            continue
        row_id, state, due_at = existing[key]
        if state is FollowupState.PLANNED and due_at != p.due_at:
            moves.append({"row_id": row_id, "due_at": p.due_at})
        elif state is FollowupState.CANCELLED:
            revive.append({"row_id": row_id, "due_at": p.due_at})
    cancel = [
        row_id
        for key, (row_id, state, _) in existing.items()
        if state is FollowupState.PLANNED and key not in wanted
    ]
    if to_insert:
        # Core executemany, no ORM bookkeeping; a key another re-plan just stored is left alone
        insert_ignoring_conflicts(session, Followup.__table__, to_insert, keys=["key"])  # type: ignore[attr-defined]
    if moves:
        _update_rows(session, moves, state=FollowupState.PLANNED, was=FollowupState.PLANNED)
    if revive:
        _update_rows(session, revive, state=FollowupState.PLANNED, was=FollowupState.CANCELLED)
    for chunk_start in range(0, len(cancel), 900):
        session.execute(
            update(Followup)
            .where(
                col(Followup.id).in_(cancel[chunk_start : chunk_start + 900]),
                col(Followup.state) == FollowupState.PLANNED,
            )
            .values(state=FollowupState.CANCELLED)
        )
    result.added, result.moved, result.revived, result.cancelled = (
        len(to_insert),
        len(moves),
        len(revive),
        len(cancel),
    )
    return result


def sync_in_chunks(
    *,
    db: Database,
    rules: Rules,
    now: datetime,
    horizon_days: int,
    grace_hours: int,
    scope: PlanScope,
    catch_up_from: datetime | None = None,
) -> SyncResult:
    """Re-plan a big scope in short transactions: items in chunks, then everything else.

    Each chunk is its own transaction, so the bot's other writes never wait long for SQLite.
    """
    total = SyncResult()
    big = scope.member_ids is None and (scope.item_ids is None or len(scope.item_ids) > SMALL_SCOPE)

    def run(part: PlanScope) -> None:
        # Everything a chunk plans from is read inside its transaction, under the lock: a change
        # re-planned between two chunks (e.g. /reminders off) is what the next chunks see.
        with _REPLAN_LOCK, db.session(completes_work=False) as session:
            serialise_transaction(session, REPLAN_LOCK)  # another instance's re-plan goes first
            # a big re-plan loads all members once per chunk rather than per owner party
            everyone = load_recipients(session, rules.secretariat_timezone) if big else None
            result = sync_plan(
                session=session,
                rules=rules,
                now=now,
                horizon_days=horizon_days,
                grace_hours=grace_hours,
                scope=part,
                catch_up_from=catch_up_from,
                everyone=everyone,
            )
        total.added += result.added
        total.moved += result.moved
        total.cancelled += result.cancelled
        total.revived += result.revived

    item_kinds = scope.kinds & ITEM_KINDS
    if item_kinds and scope.member_ids is None:
        if scope.item_ids is None:
            start = min(now - timedelta(hours=grace_hours), catch_up_from or now)
            end = now + timedelta(days=horizon_days)
            with db.session() as session:
                ids = [f.item_id for f in load_items(session, due_between=deadline_window(rules, start, end))]
                _cancel_for_closed_items(session)
        else:
            ids = sorted(scope.item_ids)
        for offset in range(0, len(ids), CHUNK):
            run(PlanScope(kinds=item_kinds, item_ids=frozenset(ids[offset : offset + CHUNK])))
        rest = scope.kinds - ITEM_KINDS
        if rest:
            run(PlanScope(kinds=rest))
        return total
    run(scope)
    return total


def planned_until(*, session: Session) -> datetime | None:
    """Up to when the stored plan was last complete (None: never planned)."""
    state = session.get(PlanState, 1)
    return state.planned_until if state else None


def set_planned_until(*, session: Session, moment: datetime) -> None:
    state = session.get(PlanState, 1)
    if state is None:
        session.add(PlanState(id=1, planned_until=moment))
    else:
        state.planned_until = moment


def _cancel_for_closed_items(session: Session) -> None:
    """Planned reminders of items that are no longer active (a safety net; sends re-check too)."""
    closed = select(Item.id).where(col(Item.status).not_in(ACTIVE_STATUSES))
    session.execute(
        update(Followup)
        .where(
            col(Followup.state) == FollowupState.PLANNED,
            col(Followup.kind).in_(ITEM_KINDS),
            col(Followup.item_id).in_(closed),
        )
        .values(state=FollowupState.CANCELLED)
    )


def _update_rows(
    session: Session, rows: list[dict[str, object]], *, state: FollowupState, was: FollowupState
) -> None:
    """Re-time rows, only if still in the state they were read in (a tick may have claimed one
    meanwhile: a row being sent is never put back to 'planned' by a re-plan)."""
    from sqlalchemy import bindparam

    table = Followup.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.state == was)
        .values(due_at=bindparam("due_at"), state=state),
        rows,
    )


# -- the ledger ----------------------------------------------------------------------------------
def reset_interrupted(*, session: Session) -> int:
    """At the start of the only process (SQLite): rows its previous run left 'sending' go back to
    'planned': at most one duplicate, never a loss. Several instances rely on leases instead."""
    result = session.execute(
        update(Followup)
        .where(col(Followup.state) == FollowupState.SENDING)
        .values(state=FollowupState.PLANNED, lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def renew_leases(*, session: Session, followup_ids: Collection[int], now: datetime) -> None:
    """The rows this process is still sending keep their claim for another ``LEASE``."""
    if followup_ids:
        session.execute(
            update(Followup)
            .where(col(Followup.id).in_(list(followup_ids)), col(Followup.state) == FollowupState.SENDING)
            .values(lease_until=now + LEASE)
        )


def release_expired(*, session: Session, now: datetime, in_flight: Collection[int] = ()) -> int:
    """'sending' rows whose lease ended go back to 'planned', except those this process is still
    sending (``in_flight``): a sender that died can't strand a follow-up while the bot runs."""
    query = update(Followup).where(
        col(Followup.state) == FollowupState.SENDING,
        or_(col(Followup.lease_until).is_(None), col(Followup.lease_until) < now),
    )
    if in_flight:
        query = query.where(col(Followup.id).not_in(list(in_flight)))
    result = session.execute(query.values(state=FollowupState.PLANNED, lease_until=None))
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass
class Claimed:
    send: list[Followup] = field(default_factory=list)
    folded: dict[int, list[Followup]] = field(default_factory=dict)  # chat -> rows
    more: bool = False  # due rows may be left: claim again


def claim_due(
    *, session: Session, now: datetime, grace_hours: int, limit: int = 100, send_limit: int | None = None
) -> Claimed:
    """Take due rows: fresh ones become 'sending'; ones older than the grace are folded.

    Of the first ``limit`` due rows, every stale one is folded (a chat's rows in one summary),
    but at most ``send_limit`` fresh ones are taken: what a sender that dies holds waits for its
    lease to end, while the rest stays 'planned' for whoever sends next."""
    rows = session.exec(
        select(Followup)
        .where(
            col(Followup.state) == FollowupState.PLANNED,
            col(Followup.due_at) <= now,
            or_(col(Followup.retry_at).is_(None), col(Followup.retry_at) <= now),
        )
        .order_by(col(Followup.due_at), col(Followup.id))
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: rows another claimer holds are skipped
    ).all()
    claimed = Claimed(more=len(rows) == limit)
    stale_before = now - timedelta(hours=grace_hours)
    for row in rows:
        target = FollowupState.FOLDED if row.due_at < stale_before else FollowupState.SENDING
        if target is FollowupState.SENDING and send_limit is not None and len(claimed.send) >= send_limit:
            claimed.more = True  # rows are in due order: only fresh ones follow
            break
        won = session.execute(
            update(Followup)
            .where(col(Followup.id) == row.id, col(Followup.state) == FollowupState.PLANNED)
            .values(state=target, attempts=Followup.attempts + 1, lease_until=now + LEASE)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another tick took it
        session.refresh(row)
        if target is FollowupState.FOLDED:
            claimed.folded.setdefault(row.chat_id, []).append(row)
        else:
            claimed.send.append(row)
    return claimed


def record_away_summary(
    *, session: Session, chat_id: int, member_id: int | None, now: datetime, count: int
) -> Followup:
    """The one 'while I was away' message for folded rows, itself a ledger row (sent once)."""
    row = Followup(
        key=f"away:{chat_id}:{now.isoformat()}",
        kind=FollowupKind.AWAY,
        chat_id=chat_id,
        member_id=member_id,
        due_at=now,
        reason=f"{count} follow-ups fell due while the bot was down",
        state=FollowupState.SENDING,
        attempts=1,
        lease_until=now + LEASE,
    )
    session.add(row)
    session.flush()
    return row


def mark_sent(*, session: Session, followup_id: int, now: datetime) -> None:
    session.execute(
        update(Followup)
        .where(col(Followup.id) == followup_id)
        .values(state=FollowupState.SENT, sent_at=now, last_error=None, lease_until=None)
    )


def mark_failed(*, session: Session, followup_id: int, error: str) -> None:
    session.execute(
        update(Followup)
        .where(col(Followup.id) == followup_id)
        .values(state=FollowupState.FAILED, last_error=error[:300], lease_until=None)
    )


def cancel_planned_to_chat(*, session: Session, chat_id: int, reason: str) -> int:
    """A chat that can't be reached (blocked, kicked): what is planned to it is cancelled in the same
    transaction that records the failure, so no later tick tries it again. A re-plan revives the rows
    once the chat is reachable again."""
    result = session.execute(
        update(Followup)
        .where(col(Followup.chat_id) == chat_id, col(Followup.state) == FollowupState.PLANNED)
        .values(state=FollowupState.CANCELLED, last_error=reason[:300])
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def mark_cancelled(*, session: Session, followup_id: int, reason: str) -> None:
    session.execute(
        update(Followup)
        .where(col(Followup.id) == followup_id)
        .values(state=FollowupState.CANCELLED, last_error=reason[:300], lease_until=None)
    )


def mark_retry(*, session: Session, followup_id: int, at: datetime, error: str, attempts: int) -> None:
    """Try again later (429, network, 5xx): same row, same key, so never a duplicate."""
    if attempts >= MAX_ATTEMPTS:
        mark_failed(
            session=session, followup_id=followup_id, error=f"gave up after {attempts} attempts: {error}"
        )
        return
    session.execute(
        update(Followup)
        .where(col(Followup.id) == followup_id)
        .values(state=FollowupState.PLANNED, retry_at=at, last_error=error[:300], lease_until=None)
    )


@dataclass(frozen=True)
class ScheduleLine:
    due_at: datetime
    timezone: str
    recipient: str
    kind: FollowupKind
    item_id: int | None
    reason: str


def preview(
    *, session: Session, rules: Rules, now: datetime, until: datetime, user_id: int | None = None
) -> list[ScheduleLine]:
    """What the bot will send between now and ``until``, from the rules (nothing is stored)."""
    people = {m.id: m for m in session.exec(select(Member)).all()}
    planned = desired(session, rules=rules, scope=PlanScope.everything(), start=now, end=until)
    done = set(
        session.exec(
            select(Followup.key).where(
                col(Followup.key).in_([p.key for p in planned][:30000]),
                col(Followup.state).in_([FollowupState.SENT, FollowupState.FAILED, FollowupState.FOLDED]),
            )
        ).all()
    )
    lines = []
    for p in sorted(planned, key=lambda p: (p.due_at, p.key)):
        member = people.get(p.member_id) if p.member_id is not None else None
        if p.key in done or (user_id is not None and (member is None or member.telegram_user_id != user_id)):
            continue
        if member is not None:
            name, tz = (
                member.display_name or str(member.telegram_user_id),
                member.timezone or rules.secretariat_timezone,
            )
        else:
            name, tz = f"chat {p.chat_id}", rules.secretariat_timezone
        lines.append(ScheduleLine(p.due_at, tz, name, p.kind, p.item_id, p.reason))
    return lines
