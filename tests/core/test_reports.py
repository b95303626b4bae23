"""Reading meeting reports: the Istanbul report and other layouts, owners, deadlines, bad files."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from core import parties
from core.errors import BadInput
from core.reports import MAX_REPORT_BYTES, parse_report, read_report, store_report
from core.seed import PARTIES
from storage.db import Database
from storage.models import Item, Precision

ISTANBUL = Path(__file__).parents[1] / "data" / "bp-som32-istanbul-2022.txt"


@pytest.fixture
def db(sqlite_database: Database) -> Database:
    with sqlite_database.session() as session:
        for name, aliases in PARTIES:
            parties.add_party(session=session, name=name, aliases=aliases)
        parties.add_party(session=session, name="Austria", aliases=["AT"])
    return sqlite_database


def owners(step: object) -> list[str]:
    return [p.name for p in step.owners]  # type: ignore[attr-defined]


def test_istanbul_report_gives_its_five_next_steps(db: Database) -> None:
    with db.session() as session:
        draft = parse_report(session=session, text=read_report(ISTANBUL.name, ISTANBUL.read_bytes()))
    assert (draft.meeting_name, draft.meeting_date, draft.place) == (
        "32nd Senior Officials Meeting",
        date(2022, 12, 1),
        "Istanbul, Türkiye",
    )
    assert [s.ref for s in draft.steps] == ["§13.1", "§13.2", "§13.3", "§13.4", "§13.5"]
    one, two, three, four, five = draft.steps
    assert one.text.startswith("The Chairmanship will provide time until early 2023 for partner countries")
    assert owners(one) == ["Chairmanship (Türkiye)"]
    assert one.deadline and (one.deadline.text, one.deadline.due_date) == (
        "until early 2023",
        date(2023, 4, 30),
    )
    assert owners(two) == ["Chairmanship (Türkiye)"] and two.deadline is None  # -> before the next meeting
    assert three.needs_owner  # nobody is named: flagged, not guessed
    assert three.deadline and three.deadline.due_date == date(2023, 12, 31)
    assert four.deadline and four.deadline.precision is Precision.MEETING
    assert set(owners(five)) == {
        "Chairmanship (Türkiye)",
        "Reference Group Chair — Sweden",
        "Reference Group Chair — Pakistan",
    }


ACTION_POINTS = """Budapest Process — 12th Working Group Meeting
Date: 14 March 2024
Location: Vienna

Summary of the discussion...

Action points
1. Circulate the revised Terms of Reference to all members by 31 March 2024 (Secretariat)
2. Propose dates for the study visit within 6 weeks (Hungary)
3. Share national statistics ahead of the next meeting (Austria)
4. Prepare a concept note in Q3 2024 (Ministry of Magic)

Closing
The meeting ended at 17:00.
"""

MARKDOWN_TABLE = """# 33rd Senior Officials Meeting

Date: 5 December 2023

## The way forward

| Action | Owner | Deadline |
|---|---|---|
| Finalise the Ministerial Declaration | Chairmanship | end of March 2024 |
| Update the Call for Action annex | Secretariat | 30.04.2024 |

## Annex
Participants list.
"""


def test_numbered_action_points_with_owners_in_parentheses(db: Database) -> None:
    with db.session() as session:
        draft = parse_report(session=session, text=ACTION_POINTS)
    assert draft.meeting_date == date(2024, 3, 14)
    assert [s.ref for s in draft.steps] == ["#1", "#2", "#3", "#4"]
    assert draft.steps[0].text == "Circulate the revised Terms of Reference to all members by 31 March 2024"
    assert owners(draft.steps[0]) == ["Secretariat (ICMPD)"]
    assert draft.steps[0].deadline and draft.steps[0].deadline.due_date == date(2024, 3, 31)
    assert owners(draft.steps[1]) == ["Co-Chair (Hungary)"]
    assert draft.steps[1].deadline and draft.steps[1].deadline.due_date == date(2024, 4, 25)  # 6 weeks
    assert owners(draft.steps[2]) == ["Austria"]
    # an owner the report names but nobody knows is offered as a new party, never dropped
    assert not draft.steps[3].owners and draft.steps[3].unknown_owners == ["Ministry of Magic"]
    assert not draft.steps[3].needs_owner and draft.steps[3].unknown_owner == "Ministry of Magic"
    assert draft.steps[3].deadline and draft.steps[3].deadline.due_date == date(2024, 9, 30)


def test_markdown_table(db: Database) -> None:
    with db.session() as session:
        draft = parse_report(session=session, text=MARKDOWN_TABLE)
    assert draft.meeting_name == "33rd Senior Officials Meeting"
    assert [(s.text, owners(s)) for s in draft.steps] == [
        ("Finalise the Ministerial Declaration", ["Chairmanship (Türkiye)"]),
        ("Update the Call for Action annex", ["Secretariat (ICMPD)"]),
    ]
    assert [s.deadline.due_date for s in draft.steps if s.deadline] == [date(2024, 3, 31), date(2024, 4, 30)]


def test_docx_with_a_bulleted_follow_up_list(db: Database) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Silk Routes Regional Meeting")
    document.add_paragraph("Date: 2 February 2024")
    document.add_heading("Follow-up", level=2)
    document.add_paragraph("Sweden will share the pilot results by June 2024", style="List Bullet")
    document.add_paragraph("Pakistan will host the next expert meeting in 2025", style="List Bullet")
    document.add_paragraph("Thank you all.")
    buffer = io.BytesIO()
    document.save(buffer)
    with db.session() as session:
        draft = parse_report(session=session, text=read_report("report.docx", buffer.getvalue()))
    assert [owners(s) for s in draft.steps] == [
        ["Reference Group Chair — Sweden"],
        ["Reference Group Chair — Pakistan"],
    ]
    assert [s.deadline.due_date for s in draft.steps if s.deadline] == [date(2024, 6, 30), date(2025, 12, 31)]


def test_pdf_with_a_text_layer(db: Database) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in [
        "34th Senior Officials Meeting",
        "Date: 10 October 2024",
        "",
        "Decisions",
        "- The Secretariat will publish the report within 2 weeks",
        "- Austria will organise the study visit before the next meeting",
    ]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    with db.session() as session:
        draft = parse_report(session=session, text=read_report("report.pdf", bytes(pdf.output())))
    assert [owners(s) for s in draft.steps] == [["Secretariat (ICMPD)"], ["Austria"]]
    assert draft.steps[0].deadline and draft.steps[0].deadline.due_date == date(2024, 10, 24)
    assert draft.steps[1].deadline and draft.steps[1].deadline.precision is Precision.MEETING


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"   \n", "empty"),
        ("binary.txt", b"\x00\x01\x02binary", "doesn't look like a text report"),
        ("huge.txt", b"x" * (MAX_REPORT_BYTES + 1), "too big"),
        ("latin1.txt", "Café".encode("latin-1"), "isn't UTF-8"),
        ("broken.docx", b"PK not really", "can't open that DOCX"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "PDF"),
    ],
)
def test_bad_files_get_a_clear_message(name: str, content: bytes, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_report(name, content)
    assert message in str(caught.value)


def test_a_report_without_an_action_section_is_refused(db: Database) -> None:
    with db.session() as session, pytest.raises(BadInput, match="couldn't find a section of agreed actions"):
        parse_report(session=session, text="Minutes\nDate: 1 May 2024\n\nWe talked a lot.\n")


def test_storing_twice_does_not_duplicate(db: Database) -> None:
    from sqlmodel import select

    with db.session() as session:
        draft = parse_report(session=session, text=read_report(ISTANBUL.name, ISTANBUL.read_bytes()))
        draft.steps[2].owners = [draft.steps[0].owners[0]]
        first = store_report(session=session, draft=draft, meeting_margin_days=14)
        again = store_report(session=session, draft=draft, meeting_margin_days=14)
    assert len(first.created) == 5 and again.created == [] and len(again.skipped) == 5
    with db.session() as session:
        assert len(session.exec(select(Item)).all()) == 5


def test_one_overlong_step_is_shortened_and_flagged_not_the_whole_report_refused(db: Database) -> None:
    detail = "a very detailed analysis of the situation " * 60
    long_step = f"The Secretariat will prepare {detail}by June 2024."
    text = (
        "Coordination meeting\nVienna, 12 March 2024\n\nAgreed actions\n"
        f"1. {long_step}\n2. The Chairmanship will circulate the agenda by 30 April 2024.\n"
    )
    with db.session() as session:
        draft = parse_report(session=session, text=text)
    assert len(draft.steps) == 2
    first, second = draft.steps
    assert len(first.text) <= 1500 and first.text.endswith("…")
    assert first.text.startswith("The Secretariat will")
    assert first.doubtful and "shortened from" in first.why
    assert not second.doubtful and second.text.startswith("The Chairmanship will circulate")
