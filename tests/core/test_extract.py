"""Finding agreed actions in the layouts real reports use (synthetic fixtures, same layouts)."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import BadInput
from core.extract import extract
from core.reports import parse_report
from storage.db import Database
from storage.models import Precision

BULLETED_SECTION = """Report of the Fourth Regional Workshop on Water Data
14 to 16 May 2024, Lisbon, Portugal

1. Introduction

Participants discussed many things. The Secretariat will keep an archive of all slides.

5. Next steps

The following next steps were agreed:

▪ A questionnaire will be sent to all focal points in the first half of 2024.

▪ The Working Group will draft a guidance note by 30 September 2024.

▪ Another workshop will be organised in early 2025 (Secretariat).

Annexes
"""

CONCLUSIONS_PER_ITEM = """Board of Fisheries Coordination
Report of the twelfth session
(Nairobi, 3 and 4 June 2024)

II. Catch statistics

7. The Chair thanked members. She requested the Secretariat to circulate the slides.

Conclusions

8. The Board requested the statistics team to publish the revised tables by October 2024.

9. The Board welcomed the progress made in the pilot countries.

III. Dates and venue of the thirteenth session

10. It was proposed that the thirteenth session be held in Rome on 5 and 6 May 2025.

Conclusion

11. The Board approved the dates and venue of its thirteenth session.
"""

LETTERED_DECISION = """Commission on Forest Statistics
Report on the ninth session (2–5 April 2024)

9/101
Forest inventories

The Commission:

(a) Welcomed the report of the Secretariat;

(b) Noted the concerns of some Member States and requested the Bureau to prepare a roadmap, and
encouraged Member States to share their inventories;

(c) Took note of the work of the task force;

(d) Requested the Secretariat to report to the Commission at its tenth session.
"""

MARKDOWN_TABLE = """# Expert Group on Ports — 3rd meeting
Date: 2024-03-12

## Agreed actions

| Action | Responsible | Deadline |
|---|---|---|
| Circulate the draft terms of reference | Secretariat | 31 March 2024 |
| Nominate two experts | All partners | TBD |
| Prepare a note on tariffs | Jane Doe, Ministry of Ports | Next meeting |
"""

ASCIIDOC_TABLE = """= Meeting Summary: Data Subgroup - 2024-05-08

== Action Items

[cols="3,2,1"]
|===
| Action | Owner | Due Date

| Check the glossary against the manual
| Ana Silva
| Next subgroup meeting

| Post the notes to the wiki
| Ben Okoro
| This week

|===
"""

SCATTERED = """Minutes of the Joint Committee on Trade
Geneva, 12–13 March 2024

Tariff schedules

The delegations exchanged views on tariff schedules. It was agreed that the Secretariat should
compile the schedules before 1 June 2024.

Market access

Members were invited to submit their comments by 30 June 2024. The two Governments would
encourage their industries to pursue discussions.

Other matters

It was noted that the weather was fine.
"""


def texts(found: object) -> list[str]:
    return [a.text for a in found.actions]  # type: ignore[attr-defined]


def test_bulleted_next_steps_section() -> None:
    found = extract(BULLETED_SECTION)
    assert (found.meeting_date, found.place) == (date(2024, 5, 14), "Lisbon, Portugal")
    assert [a.ref for a in found.actions] == ["§5.1", "§5.2", "§5.3"]
    first, second, third = found.actions
    assert first.deadline and first.deadline.due_date == date(2024, 6, 30)
    assert second.owners == ["Working Group"] and second.deadline
    assert second.deadline.due_date == date(2024, 9, 30)
    assert third.owners == ["Secretariat"] and third.deadline and third.deadline.due_date == date(2025, 4, 30)
    assert all("Next steps" in a.why for a in found.actions)  # the archive sentence is not a step


def test_conclusions_after_each_agenda_item() -> None:
    found = extract(CONCLUSIONS_PER_ITEM)
    assert found.meeting_date == date(2024, 6, 3)
    assert texts(found) == [
        "The Board requested the statistics team to publish the revised tables by October 2024."
    ]
    (only,) = found.actions
    assert only.ref == "¶8" and only.owners == ["statistics team"]
    assert only.deadline and only.deadline.due_date == date(2024, 10, 31)
    assert "Conclusions" in only.why and 0.5 <= only.confidence <= 1


def test_lettered_decision_with_a_lead_in() -> None:
    found = extract(LETTERED_DECISION)
    assert texts(found) == [
        "requested the Bureau to prepare a roadmap",
        "encouraged Member States to share their inventories;",
        "Requested the Secretariat to report to the Commission at its tenth session.",
    ]
    assert [a.ref for a in found.actions] == ["9/101 (b)", "9/101 (b) #2", "9/101 (d)"]
    assert [a.owners for a in found.actions] == [["Bureau"], ["Member States"], ["Secretariat"]]
    last = found.actions[-1].deadline
    assert last and last.meeting_linked  # the body's next session


@pytest.mark.parametrize("layout", [MARKDOWN_TABLE, ASCIIDOC_TABLE])
def test_action_tables(layout: str) -> None:
    found = extract(layout)
    assert found.actions and all("owner column" in a.why for a in found.actions)
    if layout is MARKDOWN_TABLE:
        assert found.meeting_date == date(2024, 3, 12)
        assert [a.owners for a in found.actions] == [
            ["Secretariat"],
            ["All partners"],
            ["Jane Doe", "Ministry of Ports"],
        ]
        due = [a.deadline for a in found.actions]
        assert due[0] and due[0].due_date == date(2024, 3, 31)
        assert due[1] and due[1].precision is Precision.NONE
        assert due[2] and due[2].meeting_linked
    else:
        assert found.meeting_date == date(2024, 5, 8)
        assert texts(found) == ["Check the glossary against the manual", "Post the notes to the wiki"]
        assert found.actions[0].deadline and found.actions[0].deadline.meeting_linked
        assert found.actions[1].deadline and found.actions[1].deadline.due_date == date(2024, 5, 12)  # Sunday


def test_scattered_agreements_and_requests() -> None:
    found = extract(SCATTERED)
    assert found.meeting_date == date(2024, 3, 12) and found.place == "Geneva"
    assert texts(found) == [
        "It was agreed that the Secretariat should compile the schedules before 1 June 2024.",
        "Members were invited to submit their comments by 30 June 2024.",
        "The two Governments would encourage their industries to pursue discussions.",
    ]
    agreed, invited, encourage = found.actions
    assert (
        agreed.owners == ["Secretariat"] and agreed.deadline and agreed.deadline.due_date == date(2024, 5, 31)
    )
    assert (
        invited.owners == ["Members"] and invited.deadline and invited.deadline.due_date == date(2024, 6, 30)
    )
    assert encourage.owners == ["two Governments"] and encourage.deadline is None


def test_a_list_does_not_break_at_one_hundred() -> None:
    text = "Work plan 2025\nDate: 6 January 2025\n\nAgreed actions\n\n" + "\n".join(
        f"{n}. The Secretariat will prepare deliverable number {n} by 31 December 2025."
        for n in range(1, 151)
    )
    found = extract(text)
    assert len(found.actions) == 150
    assert [a.ref for a in found.actions[98:101]] == ["#99", "#100", "#101"]
    assert (
        found.actions[99].text == "The Secretariat will prepare deliverable number 100 by 31 December 2025."
    )


PDF_LIKE = """Report of the Second Meeting of the Network on Skills
Vienna, 12–13 March 2024

Follow-up actions

1. The Secretariat will circulate the revised
questionnaire to all members of the network by 15 April
2024.
2. Member States will nominate national contacts
for the

NETWORK ON SKILLS — REPORT
7

NETWORK ON SKILLS — REPORT
8

pilot phase before the end of May 2024.
3. The Chair will convene an online meeting in June 2024.

NETWORK ON SKILLS — REPORT
9
"""


def test_pdf_text_with_broken_lines_and_page_headers_inside_a_list() -> None:
    found = extract(PDF_LIKE)
    assert texts(found) == [
        "The Secretariat will circulate the revised questionnaire to all members of the network "
        "by 15 April 2024.",
        "Member States will nominate national contacts for the pilot phase before the end of May 2024.",
        "The Chair will convene an online meeting in June 2024.",
    ]
    assert [a.owners for a in found.actions] == [["Secretariat"], ["Member States"], ["Chair"]]
    assert [a.deadline.due_date for a in found.actions if a.deadline] == [
        date(2024, 4, 15),
        date(2024, 5, 31),
        date(2024, 6, 30),
    ]


def test_no_date_in_the_report_is_said_and_relative_deadlines_stay_unresolved(
    sqlite_database: Database,
) -> None:
    text = (
        "Notes of the coordination call\n\nNext steps\n\n"
        "- The Secretariat will share the slides within 2 weeks.\n"
    )
    with sqlite_database.session() as session:
        draft = parse_report(session=session, text=text, today=date(2030, 1, 1))
    assert draft.meeting_date is None and draft.missing == ["date"]
    (step,) = draft.steps
    assert step.deadline_phrase == "within 2 weeks" and step.deadline
    assert step.deadline.due_date is None  # not counted from today
    assert step.doubtful and step.key == "1"
    assert step.unknown_owners == ["Secretariat"] and step.unknown_owner == "Secretariat"


def test_nothing_that_reads_like_an_action_is_refused(sqlite_database: Database) -> None:
    with sqlite_database.session() as session, pytest.raises(BadInput, match="couldn't find"):
        parse_report(session=session, text="Minutes\n\nWe talked about the weather.\n")


# Title blocks as PDFs and word processors give them (invented bodies, the shapes of real ones).
UN_LETTERHEAD = """X/99/7

United Nations

Report of the Committee on Water
Statistics and Hydrology
Thirty-first session
(2–6 June 2031)

General Assembly
Official Records
Ninetieth Session
Supplement No. 7

Chapter I
Organization of the session

1. The Committee on Water Statistics and Hydrology held its thirty-first session at the Palais des
Nations from 2 to 6 June 2031.
"""
BODY_THEN_SESSION = """Y/2031/5-Y/CN.9/2031/2

United Nations

Commission on Soil Data
Report on the twelfth session
(10–13 March 2031)

Economic and Social Council
Official Records, 2031
Supplement No. 3
"""
AT_ITS_SESSION = """Council of Coastal Agencies
for Coordination

CCA/2031/1
Distr.: General
9 May 2031

English only

Report of the Technical Committee on Tides at its
seventh session
(Harbour House, Lisbon, 3 and 4 April 2031)

I. Introduction
"""
WRAPPED_WORKSHOP = """Report
Second regional expert
consultation workshop
for the

review of the fisheries
monitoring guidelines
Setting the scene
5 to 7 May 2031, Accra, Ghana

1. Introduction
"""
TRAILING_PLACE_AND_DATE = """Dakar, 4 February 1961

CONFIDENTIAL

Report of Regional Fisheries Advisory Council Dakar, 4th February, 1961

INTRODUCTION
"""
MINUTES_SUMMARY = """= Meeting Summary: Task team 2 - 2031-02-03
:revdate: 2031-02-03

== Attendees
"""
PROSE_DATE_NO_PLACE = (
    "Agreed Minutes of Meetings of the Joint Heads of Customs\n\n"
    "In their discussions held 14-15 and 21-22 April 2031, Heads of Customs agreed that the "
    "following points should be recorded for their Governments.\n"  # one line, as a paragraph
)


@pytest.mark.parametrize(
    ("text", "name", "when", "place"),
    [
        (
            UN_LETTERHEAD,
            "Committee on Water Statistics and Hydrology, thirty-first session",
            date(2031, 6, 2),
            "Palais des Nations",
        ),
        (BODY_THEN_SESSION, "Commission on Soil Data, twelfth session", date(2031, 3, 10), None),
        (
            AT_ITS_SESSION,
            "Technical Committee on Tides, seventh session",
            date(2031, 4, 3),
            "Harbour House, Lisbon",
        ),
        (
            WRAPPED_WORKSHOP,
            "Second regional expert consultation workshop for the review of the fisheries monitoring "
            "guidelines",
            date(2031, 5, 5),
            "Accra, Ghana",
        ),
        (TRAILING_PLACE_AND_DATE, "Regional Fisheries Advisory Council, Dakar", date(1961, 2, 4), "Dakar"),
        (MINUTES_SUMMARY, "Task team 2 meeting", date(2031, 2, 3), None),
        (PROSE_DATE_NO_PLACE, "Meetings of the Joint Heads of Customs", date(2031, 4, 14), None),
    ],
)
def test_title_blocks(text: str, name: str, when: date, place: str | None) -> None:
    found = extract(text)
    assert (found.name, found.meeting_date, found.place) == (name, when, place)


def test_a_long_title_is_cut_on_a_word_boundary() -> None:
    words = " ".join(f"topic{n} and" for n in range(40))
    found = extract(f"Report of the Conference on {words} the rest\n12 May 2031\n")
    assert found.name and len(found.name) <= 150
    assert found.name.startswith("Conference on topic0 and topic1")
    assert not found.name.endswith((" and", " of", " the", ","))
    assert found.name.split()[-1].startswith("topic")


GENERAL_RULES = """Council on River Basins
Report on the ninth session
(Lagos, 3–5 March 2031)

Decisions and recommendations

1. The decisions and recommendations in the present report will be implemented by the
Secretariat in the light of the deliberations.

2. The Council decided to maintain the current deadlines for the posting of documents.

3. The Council advised that each technical briefing be accompanied by a short note and that the
format of the annual report remain as per current practice.

4. Both segments will take place in person at the headquarters of the Council.

5. The Council advised that indicative budgets be provided with new policies.

6. It was decided that the basin plans must be submitted by the members by 1 September 2031, and
that consultations should subsequently take place before the middle of November.

7. The Council recommended that members should share their flood data with the United
Nations; its regional commissions and all other partners.

8. It was agreed that the first meeting of the expert group be convened by the Government of
Ghana not later than 15 July 2031.
"""


def test_general_rules_against_non_actions() -> None:
    found = extract(GENERAL_RULES)
    by_ref = {a.ref.split()[0]: a for a in found.actions}
    # the report about itself, status quo, working-method norms and events are not tasks
    assert not {"¶1", "¶2", "¶3", "¶4"} & set(by_ref)
    assert by_ref["¶5"].text.startswith("The Council advised that indicative budgets be provided")
    continued = [a for a in found.actions if a.text.startswith("that consultations should")]
    assert continued and continued[0].deadline and continued[0].deadline.due_date == date(2031, 11, 14)
    shared = [a for a in found.actions if "flood data" in a.text]
    assert shared and shared[0].text.endswith("all other partners.")  # a stray ";" does not cut it
    convened = by_ref["¶8"]
    assert convened.owners == ["Government of Ghana"]
    assert convened.deadline and convened.deadline.due_date == date(2031, 7, 15)


# Variety a secretariat will send: minutes' action lines, action-point codes, decision headings,
# bilingual headers, Windows line endings, task tables without a heading, nested lists, bullets.
VARIETY: dict[str, str] = {}
VARIETY["action_lines"] = """Minutes of the Data Task Team meeting
Date: 4 February 2031

1. Review of the glossary
The team went through the glossary.
Action: Secretariat to circulate the revised glossary by 20 February 2031.

2. Workplan
Discussion on the workplan.
ACTION: Maria Lopez to draft the workplan outline by end of March 2031.
Action - Chair to contact the donors before the next meeting.
"""
VARIETY["ap_codes"] = """Steering Group meeting, Nairobi, 5 May 2031

Action points
AP1: Secretariat to update the risk register by 30 May 2031.
AP2 - Kenya to host the next workshop in September 2031.
AP3 (Chair): write to the partners within two weeks.
"""
VARIETY["decision_headings"] = """Conference of the Parties, third session
Geneva, 2–4 June 2031

Decision 3/1: Budget
The Conference of the Parties requests the Secretariat to prepare a revised budget by 1 October 2031.

Decision 3/2: Reporting
The Conference of the Parties invites Parties to submit their national reports by 31 December 2031.
"""
VARIETY["bilingual"] = """Comité des pêches / Committee on Fisheries
Rapport de la dixième session / Report of the tenth session
Rome, 2–4 juin 2031 / Rome, 2–4 June 2031

Décisions / Decisions
Le Comité a demandé au Secrétariat de préparer un rapport.
The Committee requested the Secretariat to prepare a report on catches by 30 November 2031.
"""
VARIETY["crlf_nbsp"] = (
    "Working\u00a0Group Meeting\r\nDate:\u00a012\u00a0March\u00a02031\r\n\r\nNext steps\r\n\r\n"
    "-\u00a0The Secretariat will circulate the\u00a0notes by 20\u00a0March\u00a02031.\r\n"
    "-\u00a0Members will send comments within\u00a02\u00a0weeks.\r\n"
)
VARIETY["md_lead"] = """| Activity | Lead | Timeline |
|---|---|---|
| Draft the terms of reference | Secretariat | 30 April 2031 |
| Map existing data sources | Focal points | Q3 2031 |
"""
VARIETY["md_focal"] = """| Task | Focal point | Target date |
|---|---|---|
| Draft the terms of reference | Secretariat | 30 April 2031 |
| Map existing data sources | Ghana | end of June 2031 |
"""
VARIETY["nested"] = """Expert Group meeting
Vienna, 3 March 2031

Next steps
1) The Secretariat will:
   a) circulate the draft report by 15 March 2031;
   b) organise a webinar in April 2031;
2) Members will send their data by 30 June 2031.
"""
VARIETY["bullets"] = """Regional Forum meeting
Lima, 3 March 2031

Next steps
● The Secretariat will circulate the summary by 10 March 2031.
○ Peru will host the next forum in 2032.
 Members will nominate focal points by 1 April 2031.
– The Chair will write to the partners within one month.
◦ The Bureau will review the workplan by 30 June 2031.
"""


def steps(key: str) -> list[tuple[str, list[str], date | None, str]]:
    found = extract(VARIETY[key])
    return [(a.ref, a.owners, a.deadline.due_date if a.deadline else None, a.text) for a in found.actions]


def test_minutes_action_lines() -> None:
    found = steps("action_lines")
    assert [(owners, due) for _, owners, due, _ in found] == [
        (["Secretariat"], date(2031, 2, 20)),
        (["Maria Lopez"], date(2031, 3, 31)),
        (["Chair"], None),
    ]
    last = extract(VARIETY["action_lines"]).actions[-1].deadline
    assert last and last.meeting_linked


def test_action_point_codes_are_the_references() -> None:
    assert steps("ap_codes") == [
        (
            "AP1",
            ["Secretariat"],
            date(2031, 5, 30),
            "Secretariat to update the risk register by 30 May 2031.",
        ),
        ("AP2", ["Kenya"], date(2031, 9, 30), "Kenya to host the next workshop in September 2031."),
        ("AP3", ["Chair"], date(2031, 5, 19), "write to the partners within two weeks."),
    ]


def test_decision_headings_give_the_reference() -> None:
    found = extract(VARIETY["decision_headings"])
    assert found.name == "Conference of the Parties, third session" and found.place == "Geneva"
    assert [(a.ref, a.owners) for a in found.actions] == [("3/1", ["Secretariat"]), ("3/2", ["Parties"])]


def test_bilingual_header_still_finds_the_english_actions() -> None:
    found = extract(VARIETY["bilingual"])
    assert found.name and "Committee on Fisheries" in found.name
    assert found.meeting_date == date(2031, 6, 2)
    assert [(a.owners, a.deadline.due_date if a.deadline else None) for a in found.actions] == [
        (["Secretariat"], date(2031, 11, 30))
    ]


def test_windows_line_endings_and_non_breaking_spaces() -> None:
    found = extract(VARIETY["crlf_nbsp"])
    assert (found.name, found.meeting_date) == ("Working Group Meeting", date(2031, 3, 12))
    assert [a.text for a in found.actions] == [
        "The Secretariat will circulate the notes by 20 March 2031.",
        "Members will send comments within 2 weeks.",
    ]
    assert found.actions[1].deadline and found.actions[1].deadline.due_date == date(2031, 3, 26)


@pytest.mark.parametrize(
    ("key", "owners", "due"),
    [
        ("md_lead", [["Secretariat"], ["Focal points"]], [date(2031, 4, 30), date(2031, 9, 30)]),
        ("md_focal", [["Secretariat"], ["Ghana"]], [date(2031, 4, 30), date(2031, 6, 30)]),
    ],
)
def test_a_report_that_is_only_a_task_table(key: str, owners: list[list[str]], due: list[date]) -> None:
    found = extract(VARIETY[key])
    assert [a.text for a in found.actions] == ["Draft the terms of reference", "Map existing data sources"]
    assert [a.owners for a in found.actions] == owners
    assert [a.deadline.due_date for a in found.actions if a.deadline] == due
    assert found.meeting_date is None  # a task's date is not the meeting's: the preview asks


def test_nested_numbered_lists_inherit_the_lead_in_owner() -> None:
    assert [(ref, owners) for ref, owners, _, _ in steps("nested")] == [
        ("#1 (a)", ["Secretariat"]),
        ("#1 (b)", ["Secretariat"]),
        ("#2", ["Members"]),
    ]


def test_bullet_characters() -> None:
    found = steps("bullets")
    assert [owners for _, owners, _, _ in found] == [
        ["Secretariat"],
        ["Peru"],
        ["Members"],
        ["Chair"],
        ["Bureau"],
    ]
    assert all(text[0].isupper() and text[0] not in "●○◦–" for _, _, _, text in found)


WRAPPED_TASKS = [
    "update the policy formulation framework to enable a more streamlined and predictable process",
    "share the revised template for country strategic plans with the membership before the next session",
    "propose a list of session agenda items on which the advice of the advisory committees is needed",
    "review the mechanisms in place for decommissioning outdated policies as part of the annual compendium",
    "strengthen the key messages in oversight documents in line with the proposals of the working group",
    "prepare responses on the points outlined in the External Auditor's separate report on competencies",
    "provide regular updates to the Board on the implementation of the recommendations of the review",
    "implement a streamlined consultation process that begins with a four-week online consultation",
    "organise two informal consultations for the membership to review the advanced policy draft",
    "translate the governance handbook into the official languages of the Board and publish it online",
    "submit the updated oversight framework for the Board's approval at its first regular session",
    "conduct broad internal and external consultations with stakeholders to inform the policy process",
]
# item 4 as a PDF wraps it: an inline list whose "(ii)" and "and (iii)" land at the start of lines
WRAPPED_ITEM_4 = [
    "4) recommendation 4.1: the Board endorsed a phased approach for engagement on policy formulation,",
    "which entails: (i) a strategic informal discussion between management and the Board, informed by a",
    "(ii) two informal consultations for the membership to review the advanced draft, noting that further",
    "consultations may be called by the Board as necessary, including an online written consultation;",
    "and (iii) submission of the final policy for approval. The Board further requested the Secretariat to",
    f"{WRAPPED_TASKS[3]};",
]


def _decision_report(wrap: int | None) -> str:
    """The same decision, as a text file (a paragraph a line) or as a PDF's text layer gives it:
    lines hard-wrapped at ``wrap`` characters, a running header and a page number every 11 lines."""
    import textwrap

    items = [
        f"{n}) recommendation {n}.1: the Board requested the Secretariat to {task}, taking into account "
        "the views expressed by members during the session;"
        for n, task in enumerate(WRAPPED_TASKS, start=1)
    ]
    items[3] = " ".join(WRAPPED_ITEM_4)
    paragraphs = [
        "Having considered the report of the working group on the governance review, the Executive Board:",
        "i) approved the implementation plan for all remaining recommendations of the review, as follows:",
        *items,
        "ii) requested the Secretariat to report on the progress made at the next regular session.",
    ]
    head = "Executive Board\nReport of the annual session\nRome, 10-12 June 2024\n\nDecisions\n\n"
    if wrap is None:
        return head + "\n\n".join(paragraphs) + "\n"
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += WRAPPED_ITEM_4 if paragraph.startswith("4) ") else textwrap.wrap(paragraph, wrap)
    body: list[str] = []
    for number, line in enumerate(lines):
        if number and number % 11 == 0:
            body += [str(number // 11 + 1), "WFP/EB.A/2024 - page header"]  # footer, then next header
        body.append(line)
    return head + "\n".join(body) + "\n"


def test_a_hard_wrapped_nested_list_with_page_furniture_gives_the_same_steps_as_the_text() -> None:
    wrapped = _decision_report(wrap=100)
    assert "\n(ii) two informal" in wrapped and "\nand (iii) submission" in wrapped
    assert wrapped.count("page header") >= 3
    plain, found = extract(_decision_report(wrap=None)), extract(wrapped)
    assert [(a.ref, a.text, a.owners) for a in found.actions] == [
        (a.ref, a.text, a.owners) for a in plain.actions
    ]
    texts = [a.text for a in found.actions]
    for task in WRAPPED_TASKS:  # every item of the nested list, with its whole text
        assert any(task in text for text in texts), task
    assert not any("page header" in text or text.startswith(("(ii)", "and (iii)")) for text in texts)
    assert all(a.owners == ["Secretariat"] for a in found.actions)
    assert (
        "\n".join(texts).count("taking into account the views expressed by members during the session") == 11
    )


def test_the_wrap_width_is_read_only_from_hard_wrapped_text() -> None:
    from core.extract.layout import clean_lines, wrap_width

    assert wrap_width(clean_lines(_decision_report(wrap=100))) in range(95, 105)
    assert wrap_width(clean_lines(_decision_report(wrap=None))) is None
    assert wrap_width(clean_lines(BULLETED_SECTION)) is None


@pytest.mark.parametrize(
    ("written", "owner"),
    [
        ("That States Parties", "States Parties"),  # "That States Parties will ensure …" under "decides:"
        ("member Governments should", "member Governments"),  # "… by member Governments should, at …"
        ("the Bureau will", "Bureau"),
        ("That the Secretariat shall not", "Secretariat"),
        ("All team members", "All team members"),  # a determiner is part of the name as written
        ("each member Government", "each member Government"),
        ("Tom Kralidis (Chair, Expert Team on Metadata)", "Tom Kralidis"),
    ],
)
def test_owners_are_cleaned_of_what_the_sentence_left_on_them(written: str, owner: str) -> None:
    from core.extract.actions import clean_owner

    assert clean_owner(written) == owner


def test_that_and_a_modal_never_end_up_in_an_owner() -> None:
    found = extract(
        "Meeting of States Parties\nVienna, 3-7 March 2025\n\nDecisions\n\n"
        "The Meeting of States Parties decides:\n\n"
        "(a) That States Parties will ensure flexibility in implementing the action plan by 1 May 2025;\n\n"
        "(b) That contributions by member Governments should, at their option, be paid by 1 June 2025.\n"
    )
    assert [a.owners for a in found.actions] == [["States Parties"], ["member Governments"]]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Tom Kralidis (Chair, Expert Team on Metadata) will present", "Tom Kralidis will present"),
        ("Ms. Ana Silva (Brazil) will draft the note", "Ms. Ana Silva will draft the note"),
        ("Ge Peng (Chair)", "Ge Peng"),
        ("The Chair (Türkiye) will convene", "The Chair (Türkiye) will convene"),  # a role, not a person
        ("World Food Programme (WFP) will report", "World Food Programme (WFP) will report"),
        ("Statistics Division (UNSD) will", "Statistics Division (UNSD) will"),
    ],
)
def test_a_persons_parenthesised_title_is_no_owner(text: str, kept: str) -> None:
    from core.extract.actions import without_titles

    assert without_titles(text) == kept


def test_a_persons_title_does_not_make_the_party_of_that_title_an_owner(sqlite_database: Database) -> None:
    from core import parties

    report = (
        "Expert Team meeting\n12 March 2024, Geneva\n\nNext steps\n\n"
        "- Tom Kralidis (Chair, Expert Team on Metadata) will present the profile in April 2024.\n"
        "- The Chair will circulate the summary by 30 March 2024.\n"
    )
    with sqlite_database.session() as session:
        parties.add_party(session=session, name="Chairmanship", aliases=["Chair"])
        draft = parse_report(session=session, text=report, today=date(2024, 3, 12))
        found = [([p.name for p in s.owners], s.unknown_owners) for s in draft.steps]
    assert found == [([], ["Tom Kralidis"]), (["Chairmanship"], [])]


def test_an_open_straight_quote_masks_what_it_quotes() -> None:
    from core.extract.clauses import mask_quotes

    clause = 'the Board approved the rule as follows: "The Executive Director shall submit documentation'
    assert "shall" not in mask_quotes(clause) and "approved" in mask_quotes(clause)
    assert mask_quotes('He said "yes" and the Secretariat will act').endswith("the Secretariat will act")


def test_an_asciidoc_table_without_blank_lines_between_rows() -> None:
    found = extract(
        "= Sub-group meeting - 2026-01-15\n\n== Action Items\n\n|===\n| Action | Owner | Due Date\n"
        "| Review the definitions in Chapter 5; check if terms need to be\nadded to provisions\n"
        "| William Wright\n| Next meeting\n"
        "| Contact Yiming regarding GitHub access\n| David Berry\n| TBD\n|===\n"
    )
    assert [(a.text, a.owners) for a in found.actions] == [
        (
            "Review the definitions in Chapter 5; check if terms need to be added to provisions",
            ["William Wright"],
        ),
        ("Contact Yiming regarding GitHub access", ["David Berry"]),
    ]


def test_report_of_the_body_names_the_meeting_over_an_agenda_title() -> None:
    found = extract(
        "Consideration and adoption of the final document\nof the Meeting\n"
        "Report of the third Meeting of States Parties to the Treaty on the\nProhibition of Nuclear Weapons\n"
        "I. Introduction\n"
        "1. The Meeting decided that the Secretariat will publish the report by 1 May 2025.\n"
    )
    assert found.name == "Third Meeting of States Parties to the Treaty on the Prohibition of Nuclear Weapons"


@pytest.mark.parametrize(
    ("sentence", "owner"),
    [
        (
            "The Board requested the oversight functions to further strengthen their key messages.",
            "oversight functions",
        ),
        (
            "The Council invited the Secretariat to also consider the findings by June 2025.",
            "Secretariat",
        ),
    ],
)
def test_a_split_infinitive_is_still_a_request_to_its_object(sentence: str, owner: str) -> None:
    found = extract(f"Executive Board, annual session\nRome, 10 June 2024\n\nDecisions\n\n1. {sentence}\n")
    (action,) = found.actions
    assert action.owners == [owner]


def test_to_further_with_a_noun_after_it_is_no_request() -> None:
    found = extract(
        "Executive Board, annual session\nRome, 10 June 2024\n\nDecisions\n\n"
        "1. The Board referred the matter to further the aims of the strategy.\n"
        "2. The Secretariat will circulate the minutes by 1 July 2024.\n"
    )
    assert [a.owners for a in found.actions] == [["Secretariat"]]


def test_a_relative_clause_does_not_make_a_recommendation_a_statement() -> None:
    """'which is a core value' describes; the recommendation is still that the Assembly act."""
    found = extract(
        "Committee for Programme and Coordination, sixty-fifth session\nNew York, 12 May 2025\n\n"
        "Conclusions and recommendations\n\n"
        "12. The Committee also recommended that the General Assembly request the Secretary-General, "
        "in his capacity as Chair of CEB, to continue to foster multilingualism, which is a core value "
        "of the United Nations system.\n"
        "13. The Committee agreed that the report is comprehensive.\n"
        "14. The Committee agreed that the programme, which was well designed, is on track.\n"
    )
    (action,) = found.actions
    assert sorted(action.owners) == ["General Assembly", "Secretary-General"]


def test_its_request_to_someone_to_act_names_them_too() -> None:
    found = extract(
        "Committee for Programme and Coordination, sixty-fifth session\nNew York, 12 May 2025\n\n"
        "Conclusions and recommendations\n\n"
        "14. The Committee recommended that the General Assembly reiterate its request to the "
        "Secretary-General, in his capacity as the Chair of CEB, to explore options to improve reporting.\n"
    )
    (action,) = found.actions
    assert sorted(action.owners) == ["General Assembly", "Secretary-General"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "(b) Decides that the fifty-seventh session of the Commission shall be held in New York "
            "from 3 to 6 March 2026;",
            ("Fifty-seventh session of the Commission", date(2026, 3, 3)),
        ),
        (
            "the Meeting decided to hold the first Review Conference during the week of "
            "30 November to 4 December 2026, at United Nations Headquarters in New York.",
            ("First Review Conference", date(2026, 11, 30)),
        ),
        ("The next meeting will take place in Vienna on 5 May 2026.", ("Next meeting", date(2026, 5, 5))),
        (
            "The Committee approved the dates and location of its fiftieth session: 2 and 3 October 2025.",
            ("Fiftieth session", date(2025, 10, 2)),
        ),
        ("The fifty-fifth session was held from 1 to 4 March 2024.", None),  # before this meeting
        ("The next meeting will discuss the budget for 2026.", None),  # no day it is held
        ("The Secretariat will circulate the draft by 5 May 2026.", None),  # no meeting
        # a plenary meeting of this session, a workshop, a deadline: none is the next meeting
        ("At its 2nd meeting, held on 11 March 2025, the Commission adopted its agenda.", None),
        ("The Commission decided to hold a workshop before the next session, on 12 September 2025.", None),
        (
            "The Commission requested a report at its fifty-seventh session, to be held in 2026, "
            "and no later than 1 December 2025.",
            None,
        ),
    ],
)
def test_the_next_meeting_the_report_fixes(sentence: str, expected: tuple[str, date] | None) -> None:
    agenda = "".join(f"{n}. The Commission considered item {n} of its agenda.\n\n" for n in range(1, 9))
    closing = "".join(f"{n}. The Chair closed item {n}.\n" for n in range(20, 27))
    found = extract(
        f"Statistical Commission, fifty-sixth session\nNew York, 4-7 March 2025\n\n{agenda}"
        f"Date and venue of the next session\n\n{sentence}\n\n"
        f"Decisions\n\n10. The Secretariat will circulate the minutes by 30 April 2025.\n\n{closing}"
    )
    assert found.meeting_date == date(2025, 3, 4)
    assert found.next_meeting == expected


def test_a_next_meeting_read_in_a_report_of_29_february() -> None:
    found = extract(
        "Working Group, third meeting\nGeneva, 29 February 2024\n\n"
        "Action points\n1. The Secretariat will circulate the minutes by 15 March 2024.\n\n"
        "The next meeting will be held on 5 May 2024.\n"
    )
    assert found.meeting_date == date(2024, 2, 29)
    assert found.next_meeting == ("Next meeting", date(2024, 5, 5))
