"""SQLModel tables: meetings, parties, members, action items with owners, history, invites."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from storage.db import UTCDateTime, utcnow


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"


ACTIVE_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.BLOCKED)


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    OBSERVER = "observer"


class Precision(StrEnum):
    """How precisely a deadline was written; the resolved date is the latest date it allows."""

    DAY = "day"
    MONTH = "month"
    PERIOD = "period"  # early/mid/late of a month or year
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    MEETING = "meeting"  # tied to a meeting's date (minus a margin)
    NONE = "none"  # "TBD", or nothing written


def _utc_column(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


def _enum_column(enum: type[StrEnum], *, index: bool = False) -> Column[str]:
    """Store an enum as its plain value in a VARCHAR: no database enum types to migrate."""
    return Column(
        SAEnum(enum, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        nullable=False,
        index=index,
    )


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="Senior Officials Meeting", max_length=100)
    held_on: date | None = None
    place: str | None = Field(default=None, max_length=200)
    is_next: bool = Field(default=False, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Party(SQLModel, table=True):
    """An owner of next steps: "Chairmanship (Türkiye)", "Reference Group Chair — Sweden" …"""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Member(SQLModel, table=True):
    """A Telegram user known to the bot, bound to a party with a role."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    party_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    role: Role = Field(sa_column=_enum_column(Role))
    display_name: str = Field(default="", max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    reachable: bool = True
    joined_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    reminders_enabled: bool = True  # non-essential reminders; pre-meeting follow-ups stay on
    quiet_start: str | None = Field(default=None, max_length=5)  # "HH:MM" local
    quiet_end: str | None = Field(default=None, max_length=5)
    # "en", "ru", "tr": from Telegram's language_code at first contact, then /lang; None = not yet known
    language: str | None = Field(default=None, max_length=8)


def new_ical_uid() -> str:
    """A globally unique iCalendar UID for an item."""
    return f"{uuid4()}@nextsteps"


class Item(SQLModel, table=True):
    """An agreed next step with its deadline as written and as resolved."""

    id: int | None = Field(default=None, primary_key=True)
    text: str
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    paragraph_ref: str | None = Field(default=None, max_length=50)
    status: Status = Field(default=Status.OPEN, sa_column=_enum_column(Status, index=True))
    due_text: str = Field(default="", max_length=200)
    due_date: date | None = Field(default=None, index=True)
    due_precision: Precision = Field(default=Precision.NONE, sa_column=_enum_column(Precision))
    due_meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    due_offset_days: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # the item's calendar event: a UID that never changes (not the row id, which another
    # database reuses) and a SEQUENCE raised whenever its text or resolved deadline changes and
    # when it is closed or reopened (its export then cancels or restores the event)
    ical_uid: str = Field(default_factory=new_ical_uid, max_length=64, unique=True, index=True)
    ical_sequence: int = 0


class ItemOwner(SQLModel, table=True):
    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    party_id: int = Field(foreign_key="party.id", primary_key=True, index=True)


class ItemEvent(SQLModel, table=True):
    """Append-only history of every change to an item: who, when, old -> new, note."""

    __table_args__ = (Index("ix_itemevent_item_at", "item_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    actor_name: str = Field(default="", max_length=200)
    kind: str = Field(max_length=20)  # created | status | note | due | owners
    old_value: str | None = None
    new_value: str | None = None
    note: str | None = None


class Invite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    party_id: int = Field(foreign_key="party.id")
    role: Role = Field(sa_column=_enum_column(Role))
    uses_left: int
    expires_at: datetime = Field(sa_column=_utc_column())
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class MemberEvent(SQLModel, table=True):
    """Append-only history of a member's party and role: when, old -> new, by which invite.

    ``kind``: joined (first invite), changed (confirmed a change), kept (declined a change),
    unchanged (opened an invite for what they already are)."""

    __table_args__ = (Index("ix_memberevent_member_at", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    kind: str = Field(max_length=20)
    old_party_id: int | None = Field(default=None, foreign_key="party.id")
    new_party_id: int | None = Field(default=None, foreign_key="party.id")
    old_role: str | None = Field(default=None, max_length=20)
    new_role: str | None = Field(default=None, max_length=20)
    invite_id: int | None = Field(default=None, foreign_key="invite.id", index=True)


class GroupChat(SQLModel, table=True):
    """A group the secretariat enabled (or disabled) for item commands."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    title: str = Field(default="", max_length=200)
    enabled: bool = False
    language: str | None = Field(default=None, max_length=8)  # the secretariat's /lang here; None = English
    changed_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class FollowupKind(StrEnum):
    DEADLINE = "deadline"  # N days before an item's deadline
    OVERDUE = "overdue"  # first working day after it, then weekly
    ESCALATION = "escalation"  # to the secretariat, after repeated nudges
    PREMEETING = "premeeting"  # to chairs before the next meeting
    PREMEETING_REPORT = "premeeting_report"  # to the secretariat: who has updated
    DIGEST = "digest"  # weekly, to subscribed chats
    AWAY = "away"  # one summary of what fell due while the bot was down


class FollowupState(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"  # marked before the send: a crash here means at most one duplicate
    SENT = "sent"
    FAILED = "failed"  # the recipient can't be reached (blocked, never started, chat gone)
    CANCELLED = "cancelled"  # no longer wanted (item closed, deadline moved …)
    FOLDED = "folded"  # fell due during downtime; summarised in one "while I was away" message


class Followup(SQLModel, table=True):
    """One planned message and, once sent, its ledger entry. ``key`` makes it exactly once."""

    __table_args__ = (Index("ix_followup_state_due", "state", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: FollowupKind = Field(sa_column=_enum_column(FollowupKind))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    due_at: datetime = Field(sa_column=_utc_column())
    reason: str = Field(default="", max_length=300)
    state: FollowupState = Field(default=FollowupState.PLANNED, sa_column=_enum_column(FollowupState))
    attempts: int = 0
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=300)
    # a 'sending' row whose lease ended, and whose sender is gone, goes back to 'planned'
    lease_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    # after a failed try: not before this (kept apart from due_at, so a re-plan keeps the backoff)
    retry_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class Subscription(SQLModel, table=True):
    """A chat that receives the weekly digest."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    title: str = Field(default="", max_length=200)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    last_digest_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class PlanState(SQLModel, table=True):
    """How far ahead the stored plan was complete: after a downtime, the plan is caught up
    from here, so what fell due meanwhile is sent (or folded) instead of silently skipped."""

    id: int | None = Field(default=None, primary_key=True)
    planned_until: datetime = Field(sa_column=_utc_column())


class BroadcastState(StrEnum):
    DRAFT = "draft"  # text set, audience being chosen, nothing sent
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    ALL = "all"
    CHAIRS = "chairs"
    PARTIES = "parties"
    GROUPS = "groups"  # chats subscribed to the digest that are groups


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # marked before the send: a crash here means at most one duplicate
    SENT = "sent"
    FAILED = "failed"


class Broadcast(SQLModel, table=True):
    """A message from the secretariat to an audience; one Delivery per recipient."""

    id: int | None = Field(default=None, primary_key=True)
    text_html: str
    created_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))  # where the sender sees progress
    progress_message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    progress_final: bool = False  # the progress message shows the final counts
    audience: Audience | None = Field(
        default=None,
        sa_column=Column(
            SAEnum(Audience, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
            nullable=True,
        ),
    )
    party_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state: BroadcastState = Field(default=BroadcastState.DRAFT, sa_column=_enum_column(BroadcastState))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    started_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class Delivery(SQLModel, table=True):
    __table_args__ = (
        Index("ix_delivery_broadcast_state", "broadcast_id", "state"),
        UniqueConstraint("broadcast_id", "chat_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    label: str = Field(default="", max_length=200)  # who, for the report
    state: DeliveryState = Field(default=DeliveryState.PENDING, sa_column=_enum_column(DeliveryState))
    attempts: int = 0
    not_before: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    reason: str | None = Field(default=None, max_length=300)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    acked_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    lease_until: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class InboxState(StrEnum):
    PENDING = "pending"  # stored, confirmed to Telegram, not yet handled
    DONE = "done"


class InboxUpdate(SQLModel, table=True):
    """Every update, stored before Telegram is told it arrived; handled once, in order per chat."""

    __table_args__ = (Index("ix_inboxupdate_state", "state", "update_id"),)

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payload: str
    state: InboxState = Field(default=InboxState.PENDING, sa_column=_enum_column(InboxState))
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    done_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))


class ImportPreview(SQLModel, table=True):
    """A report import the secretariat is reviewing: the draft (JSON) and the chat messages that
    show it. Kept in the database so a restart or a second instance loses nothing; a day old, it
    is forgotten."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=16, unique=True)  # the handle in buttons: im:<token>:…
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    member_id: int | None = Field(default=None, foreign_key="member.id")
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {"summary": message id, "pages": {message id: page}, "prompts": {message id: [kind, step key]}}
    messages: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    expires_at: datetime = Field(sa_column=_utc_column())


class SharedSetting(SQLModel, table=True):
    """A value every instance must agree on, made once by whichever starts first (the webhook's
    secret token when the config gives none)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class ChatLease(SQLModel, table=True):
    """Whose turn it is to handle a chat's stored updates: one instance at a time, so a chat's
    updates are handled in order even when Telegram delivers them to different instances. A lease
    that is not renewed (its instance died) expires and another instance takes the chat over."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    holder: str = Field(max_length=128)
    expires_at: datetime = Field(sa_column=_utc_column())
