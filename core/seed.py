"""The Istanbul meeting (32nd SOM, 1 Dec 2022) with its five next steps: demo and test data."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core import items, meetings, parties
from core.permissions import Actor
from storage.models import Item, Meeting

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
