"""A small history for the progress-report tests: four steps of one meeting, owned by parties with
non-Latin names, changed over ten weeks, with a pre-meeting follow-up sent in between."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from core import clock, items, meetings, members, parties
from core.permissions import Actor
from storage.db import Database
from storage.models import Followup, FollowupKind, FollowupState, Meeting, Role, Status
from tests.conftest import SYSTEM

TZ = "Europe/Vienna"
MEETING = "32nd Senior Officials Meeting"
NEXT = "33rd Senior Officials Meeting"
AGREED = datetime(2022, 12, 1, 16, 0, tzinfo=UTC)
FOLLOWUP_SENT = datetime(2023, 2, 15, 8, 0, tzinfo=UTC)
NOW = datetime(2023, 4, 3, 9, 0, tzinfo=UTC)
# (ref, text, owners, deadline)
STEPS = [
    (
        "§13.1",
        "Türkiye will circulate the draft roadmap, “as discussed”, to all partners;",
        ["Türkiye"],
        "end of January 2023",
    ),
    (
        "§13.2",
        "Magyarország will host the thematic workshop on return and reintegration;",
        ["Magyarország"],
        "by 15 February 2023",
    ),
    (
        "§13.3",
        "Україна and Türkiye will prepare a joint paper on the Silk Routes region;",
        ["Україна", "Türkiye"],
        "before the next meeting",
    ),
    ("§13.4", "Sweden will convene the Reference Group;", ["Sweden"], "in 2023"),
]
LATE_STEP = ("§13.5", "A step added in March;", ["Sweden"], "in 2023")


@dataclass
class History:
    db: Database
    meeting_id: int
    ids: list[int]
    chairs: dict[str, Actor]  # by party; the secretariat's Ada as "Secretariat"


class Clock:
    """A clock the test moves: ``core.clock.now`` reads it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = AGREED
        monkeypatch.setattr(clock, "now", lambda: self.at)


def build_history(db: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    moment = Clock(monkeypatch)
    with db.session() as session:
        for name in ("Türkiye", "Magyarország", "Україна", "Sweden"):
            parties.add_party(session=session, name=name)
        meeting = Meeting(name=MEETING, held_on=date(2022, 12, 1), place="Istanbul")
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        meetings.set_next_meeting(session=session, actor=SYSTEM, held_on=date(2023, 5, 10), name=NEXT)
        ids = [
            items.create_item(
                session=session,
                actor=None,
                text=text,
                owner_names=owners,
                due_phrase=due,
                today=date(2022, 12, 1),
                meeting_margin_days=14,
                meeting_id=meeting.id,
                paragraph_ref=ref,
            ).number
            for ref, text, owners, due in STEPS
        ]
        chairs = {}
        for user_id, party in enumerate(("Türkiye", "Magyarország", "Україна", "Sweden"), start=1):
            member = members.enroll(
                session=session,
                user_id=user_id,
                display_name=f"Chair of {party}",
                party_name=party,
                role=Role.CHAIR,
            )
            chairs[party] = members.actor_for(member, TZ)
        ada = members.find_actor(
            session=session, user_id=9, display_name="Ada", admins=[9], default_timezone=TZ
        )
        assert ada is not None
        chairs["Secretariat"] = ada
        meeting_id = meeting.id

    def at(when: datetime) -> None:
        moment.at = when

    with db.session() as session:
        at(datetime(2023, 1, 10, 9, 0, tzinfo=UTC))
        items.set_status(
            session=session,
            actor=chairs["Türkiye"],
            item_id=ids[0],
            status=Status.IN_PROGRESS,
            note="Drafting.",
        )
        at(datetime(2023, 1, 20, 12, 0, tzinfo=UTC))
        items.add_note(session=session, actor=chairs["Magyarország"], item_id=ids[1], text="Venue booked.")
        # 1 Feb 00:30 in Vienna: after 31 January there, still on it in UTC
        at(datetime(2023, 1, 31, 23, 30, tzinfo=UTC))
        items.set_status(session=session, actor=chairs["Türkiye"], item_id=ids[0], status=Status.DONE)
        session.add(
            Followup(
                key="premeeting:test:1:21",
                kind=FollowupKind.PREMEETING,
                chat_id=4,
                member_id=chairs["Sweden"].member_id,
                meeting_id=meeting_id,
                due_at=FOLLOWUP_SENT,
                state=FollowupState.SENT,
                sent_at=FOLLOWUP_SENT,
            )
        )
        at(datetime(2023, 2, 17, 10, 0, tzinfo=UTC))
        items.set_status(
            session=session,
            actor=chairs["Sweden"],
            item_id=ids[3],
            status=Status.IN_PROGRESS,
            note="Date set.",
        )
        at(datetime(2023, 3, 1, 10, 0, tzinfo=UTC))
        ref, text, owners, due = LATE_STEP
        ids.append(
            items.create_item(
                session=session,
                actor=None,
                text=text,
                owner_names=owners,
                due_phrase=due,
                today=date(2023, 3, 1),
                meeting_margin_days=14,
                meeting_id=meeting_id,
                paragraph_ref=ref,
            ).number
        )
        at(datetime(2023, 3, 5, 10, 0, tzinfo=UTC))
        items.set_status(session=session, actor=ada, item_id=ids[2], status=Status.BLOCKED, note="No venue.")
    at(NOW)
    return History(db=db, meeting_id=meeting_id, ids=ids, chairs=chairs)
