"""Meetings: the next meeting, its countdown, and re-resolving deadlines tied to it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, case, or_, update
from sqlmodel import Session, col, select

from core.deadlines import resolve_linked

__all__ = [
    "linked_item_ids",
    "make_next_meeting",
    "next_meeting",
    "reresolve_linked_items",
    "resolve_linked",
    "set_next_meeting",
]
from core import clock, limits
from core.errors import BadInput, PermissionDenied
from core.parties import normalise_name
from core.permissions import Actor, can_manage
from storage.models import ACTIVE_STATUSES, Item, Meeting, Precision

MAX_MEETING_NAME = limits.MEETING_NAME.most


def next_meeting(*, session: Session) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.is_next == True)).first()  # noqa: E712


def set_next_meeting(
    *, session: Session, actor: Actor, held_on: date, name: str, place: str | None = None
) -> tuple[Meeting, int]:
    """Make (or move) the next meeting; return it and how many item deadlines now follow it.

    A meeting with the same name is moved rather than duplicated. Open items tied to the
    previous next meeting (or to "the next meeting" before any was set) follow the new one.
    """
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can set the next meeting.")
    return make_next_meeting(session=session, held_on=held_on, name=name, place=place)


def make_next_meeting(
    *, session: Session, held_on: date, name: str, place: str | None = None
) -> tuple[Meeting, int]:
    """``set_next_meeting``'s work, for a caller that has checked the right to (a report's import
    sets the next meeting the report fixes)."""
    name = " ".join(name.split())
    if not name:
        raise BadInput("Give the meeting a name: /meeting set 2023-12-05 33rd SOM, Vienna")
    limits.check_length(limits.MEETING_NAME, name)
    if place is not None:
        place = " ".join(place.split()) or None
        limits.check_length(limits.PLACE, place or "")
    previous = next_meeting(session=session)
    key = normalise_name(name)
    meeting = next((m for m in session.exec(select(Meeting)).all() if normalise_name(m.name) == key), None)
    if meeting is None:
        meeting = Meeting(name=name, created_at=clock.now())
        session.add(meeting)
    meeting.held_on = held_on
    if place:
        meeting.place = place
    if previous is not None and previous is not meeting:
        previous.is_next = False
    meeting.is_next = True
    session.flush()
    assert meeting.id is not None

    follows: ColumnElement[bool] = col(Item.due_meeting_id).is_(None)
    if previous is not None:
        follows = or_(follows, col(Item.due_meeting_id) == previous.id)
    session.execute(
        update(Item)
        .where(
            col(Item.due_precision) == Precision.MEETING,
            col(Item.status).in_(ACTIVE_STATUSES),
            follows,
        )
        .values(due_meeting_id=meeting.id)
    )
    return meeting, reresolve_linked_items(session=session, meeting=meeting)


def linked_item_ids(*, session: Session, meeting_id: int) -> list[int]:
    """Items whose deadline is tied to this meeting."""
    rows = session.exec(select(Item.id).where(col(Item.due_meeting_id) == meeting_id)).all()
    return [i for i in rows if i is not None]


def reresolve_linked_items(*, session: Session, meeting: Meeting) -> int:
    """Recompute the due date of every item tied to ``meeting``; one UPDATE per offset. An item whose
    date moves gets its calendar SEQUENCE raised."""
    linked = col(Item.due_meeting_id) == meeting.id
    offsets = session.exec(select(Item.due_offset_days).where(linked).distinct()).all()
    total = 0
    for offset in offsets:
        same_offset = (
            col(Item.due_offset_days).is_(None) if offset is None else col(Item.due_offset_days) == offset
        )
        due = resolve_linked(meeting.held_on, offset)
        moved = col(Item.due_date).is_distinct_from(due)
        result = session.execute(
            update(Item)
            .where(linked, same_offset)
            # a moved date is a new version of the item's calendar event
            .values(due_date=due, ical_sequence=Item.ical_sequence + case((moved, 1), else_=0))
        )
        total += result.rowcount  # type: ignore[attr-defined]
    return total


def meeting_names(*, session: Session) -> list[str]:
    """Every meeting's name, by date (undated last): e.g. to say which ones a name could mean."""
    found = session.exec(select(Meeting)).all()
    return [m.name for m in sorted(found, key=lambda m: (m.held_on is None, m.held_on, m.id or 0))]
