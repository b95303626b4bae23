"""The Istanbul meeting (32nd SOM, 1 Dec 2022) with its five next steps: demo and test data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from core import clock, items, meetings, parties
from core.permissions import Actor
from storage.models import Item, ItemEvent, Meeting, Status

PARTIES: list[tuple[str, list[str]]] = [
    ("Chairmanship (Türkiye)", ["Chairmanship", "Chair", "Türkiye", "Turkey"]),
    ("Co-Chair (Hungary)", ["Co-Chair", "Hungary"]),
    ("Secretariat (ICMPD)", ["Secretariat", "ICMPD"]),
    ("Reference Group Chair — Sweden", ["Sweden", "RG Sweden"]),
    ("Reference Group Chair — Pakistan", ["Pakistan", "RG Pakistan"]),
]

ISTANBUL = ("32nd Senior Officials Meeting", date(2022, 12, 1), "Istanbul, Türkiye")

# (verbatim text, owners, deadline phrase) from paragraph 13 of the report
NEXT_STEPS: list[tuple[str, list[str], str]] = [
    (
        "The Chairmanship will provide time until early 2023 for partner countries to revert back on "
        "the proposals should they have any specific concerns or additional suggestions;",
        ["Chairmanship"],
        "until early 2023",
    ),
    (
        "The Chairmanship will reach out to specific countries suggested for the geographical expansion "
        "of the dialogue;",
        ["Chairmanship"],
        "before the next meeting",
    ),
    (
        "The thematic related queries and comments will be discussed during the consultations held in "
        "2023 for the drafting of new Ministerial Declaration;",
        ["Chairmanship"],
        "in 2023",
    ),
    (
        "The Chairmanship will initiate preparations for the Ministerial Conference ahead of the next "
        "Senior Officials Meeting;",
        ["Chairmanship"],
        "ahead of the next Senior Officials Meeting",
    ),
    (
        "The Chairmanship will convene a meeting with the Reference Group Chairs, Sweden and Pakistan, "
        "to discuss how to establish a more defined role for the Reference Group in the future.",
        ["Chairmanship", "Sweden", "Pakistan"],
        "before the next meeting",
    ),
]


def seed_istanbul(
    *,
    session: Session,
    next_meeting_on: date | None,
    meeting_margin_days: int,
    system_actor: Actor,
) -> list[int]:
    """Create the parties, the Istanbul meeting and its next steps (once); return the item ids."""
    for name, aliases in PARTIES:
        if parties.find_party(session=session, name=name) is None:
            parties.add_party(session=session, name=name, aliases=aliases)
    meeting = session.exec(select(Meeting).where(Meeting.name == ISTANBUL[0])).first()
    if meeting is None:
        meeting = Meeting(name=ISTANBUL[0], held_on=ISTANBUL[1], place=ISTANBUL[2])
        session.add(meeting)
        session.flush()
    if next_meeting_on is not None:
        meetings.set_next_meeting(
            session=session, actor=system_actor, held_on=next_meeting_on, name="33rd Senior Officials Meeting"
        )
    existing = session.exec(select(Item.id).where(Item.meeting_id == meeting.id)).all()
    if existing:
        return [i for i in existing if i is not None]
    ids = []
    for number, (text, owners, due) in enumerate(NEXT_STEPS, start=1):
        card = items.create_item(
            session=session,
            actor=None,
            text=text,
            owner_names=owners,
            due_phrase=due,
            today=ISTANBUL[1],
            meeting_margin_days=meeting_margin_days,
            meeting_id=meeting.id,
            paragraph_ref=f"§13.{number}",
        )
        ids.append(card.number)
    return ids


# The demo runs as of a Monday ten weeks after Istanbul, with the 33rd SOM ahead and a little
# history behind: what a secretariat would see while preparing the progress report.
DEMO_NOW = datetime(2023, 2, 13, 8, 30, tzinfo=UTC)
DEMO_SEEDED_AT = datetime(2022, 12, 1, 16, 0, tzinfo=UTC)  # the next steps were agreed that afternoon
DEMO_NEXT_MEETING = date(2023, 5, 10)
# (when, item number, who (party alias), status or None, note)
DEMO_HISTORY: list[tuple[datetime, int, str, Status | None, str | None]] = [
    (
        datetime(2022, 12, 12, 9, 15, tzinfo=UTC),
        2,
        "Chairmanship",
        Status.IN_PROGRESS,
        "Letters sent to the four countries suggested for the expansion.",
    ),
    (
        datetime(2023, 1, 9, 14, 0, tzinfo=UTC),
        1,
        "Chairmanship",
        Status.DONE,
        "No objections received by the deadline; two partners sent suggestions.",
    ),
    (
        datetime(2023, 1, 25, 10, 30, tzinfo=UTC),
        5,
        "Sweden",
        Status.IN_PROGRESS,
        "Meeting with the Chairmanship and Pakistan set for 7 March.",
    ),
    (
        datetime(2023, 2, 6, 16, 45, tzinfo=UTC),
        4,
        "Chairmanship",
        Status.BLOCKED,
        "Waiting for the host country to confirm the venue.",
    ),
    (
        datetime(2023, 2, 9, 11, 0, tzinfo=UTC),
        2,
        "Chairmanship",
        None,
        "Two of the four countries replied; follow-up calls next week.",
    ),
]


def seed_demo_history(*, session: Session, item_ids: list[int], actors: dict[str, Actor]) -> None:
    """Status changes and notes in the weeks after Istanbul, each at its own time (once)."""
    if session.exec(select(ItemEvent.id).where(ItemEvent.kind != "created")).first() is not None:
        return
    for when, number, who, status, note in DEMO_HISTORY:
        clock.run_from(when)
        item_id, actor = item_ids[number - 1], actors[who]
        if status is not None:
            items.set_status(session=session, actor=actor, item_id=item_id, status=status, note=note)
        elif note:
            items.add_note(session=session, actor=actor, item_id=item_id, text=note)
    clock.run_from(DEMO_NOW)
