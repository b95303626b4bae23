"""The progress report's files read back: the Word table with python-docx, the PDF's text layer
with pypdf (party names in any script come out exactly), and the chat summary's length."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from core.documents import render_docx, render_pdf, render_summary
from core.documents.markdown import SUMMARY_LIMIT
from core.progress import ProgressReport, build_progress_report
from core.progress.model import QuietParty
from core.progress.text import COLUMNS, fmt_date, summary_line
from storage.db import Database
from tests.core.progress_data import STEPS, TZ, History, build_history

NAMES = ("Türkiye", "Magyarország", "Україна")


@pytest.fixture
def history(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build_history(sqlite_database, monkeypatch)


def report_of(history: History, as_of: date = date(2023, 2, 20)) -> ProgressReport:
    with history.db.session() as session:
        return build_progress_report(session=session, actor=None, as_of=as_of, timezone=TZ, prepared_by="Ada")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_docx_has_a_real_table_with_every_row_and_the_summary(history: History) -> None:
    report = report_of(history)
    document = Document(BytesIO(render_docx(report)))
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == list(COLUMNS)
    assert [row[1] for row in rows[1:]] == ["§13.1", "§13.2", "§13.3", "§13.4"]
    assert [row[2] for row in rows[1:]] == [text for _, text, _, _ in STEPS]  # verbatim
    assert rows[3][3] == "Türkiye, Україна"
    assert rows[2][4] == "by 15 February 2023 — overdue"  # a day: the phrase says the date
    assert rows[3][4] == "before the next meeting (by 26 Apr 2023)"
    assert [row[5] for row in rows[1:]] == ["done", "open", "open", "in progress"]
    assert rows[2][7] == "Venue booked. (20 Jan 2023)"
    paragraphs = [p.text for p in document.paragraphs]
    assert summary_line(report) in paragraphs
    assert "4 steps: 2 open, 1 in progress, 1 done. 25% done, 1 overdue." in summary_line(report)
    assert any(
        p.startswith("17 Feb 2023 · #4 §13.4 · Chair of Sweden: open → in progress") for p in paragraphs
    )
    assert "Magyarország — 1 open step, last update 20 Jan 2023" in paragraphs


def test_docx_is_landscape_with_a_repeating_header_row_and_page_numbers(history: History) -> None:
    document = Document(BytesIO(render_docx(report_of(history))))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    header = document.tables[0].rows[0]._tr
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml


def test_pdf_text_layer_has_the_rows_and_non_latin_names_exactly(history: History) -> None:
    report = report_of(history)
    data = render_pdf(report)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for name in NAMES:
        assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
    for ref in ("§13.1", "§13.2", "§13.3", "§13.4"):
        assert ref in text
    assert "§13.5" not in text  # created after the report's date
    flat = " ".join(text.split())
    assert "25% done, 1 overdue" in flat
    assert "Sweden will convene the Reference Group;" in flat
    assert "Page 1 of 1" in flat


def test_pdf_of_many_rows_runs_over_pages_with_headers_repeated(history: History) -> None:
    report = report_of(history)
    section = report.sections[0]
    long = replace(report, sections=(replace(section, rows=section.rows * 30),))
    reader = PdfReader(BytesIO(render_pdf(long)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    assert all("Latest note" in page for page in pages[:-1])
    assert f"Page 2 of {len(pages)}" in " ".join(pages[1].split())


def test_summary_fits_a_caption_and_names_the_overdue_steps(history: History) -> None:
    report = report_of(history)
    summary = render_summary(report)
    assert len(summary) <= SUMMARY_LIMIT
    assert summary_line(report) in summary
    assert "#2 §13.2 Magyarország will host the thematic workshop" in summary
    assert "Not updated since 15 Feb 2023: Magyarország, Türkiye, Україна" in summary


def test_summary_of_a_long_report_stays_under_the_limit(history: History) -> None:
    report = report_of(history, date(2023, 12, 1))  # every open step overdue by then
    section = report.sections[0]
    many = replace(report, sections=(replace(section, rows=section.rows * 200),))
    summary = render_summary(many)
    assert len(summary) <= SUMMARY_LIMIT
    assert "more in the report" in summary


def test_summary_keeps_the_quiet_parties_on_their_own_line_when_both_are_long(history: History) -> None:
    report = report_of(history, date(2023, 12, 1))
    section = report.sections[0]
    quiet = tuple(
        QuietParty(name=f"Reference Group Chair — Country {n}", open_items=1, last_update=None)
        for n in range(40)
    )
    many = replace(report, sections=(replace(section, rows=section.rows * 200),), quiet=quiet)
    summary = render_summary(many)
    assert len(summary) <= SUMMARY_LIMIT
    lines = summary.split("\n")
    more = next(line for line in lines if "more in the report" in line)
    assert more.startswith("… and ") and more.endswith(" more in the report")
    assert lines[-1].startswith(f"Not updated since {fmt_date(report.since_on)}: Reference Group Chair")
    assert lines[-1].endswith("…")


def test_docx_cells_keep_markup_characters_and_line_breaks(history: History) -> None:
    report = report_of(history)
    section = report.sections[0]
    odd = replace(section.rows[0], text="Draft <b>&</b> “quotes”\nsecond line\x07", ref="§1 & 2")
    document = Document(BytesIO(render_docx(replace(report, sections=(replace(section, rows=(odd,)),)))))
    row = document.tables[0].rows[1].cells
    assert row[1].text == "§1 & 2"
    assert row[2].text == "Draft <b>&</b> “quotes”\nsecond line"


def test_overdue_deadlines_stand_out_in_the_docx(history: History) -> None:
    document = Document(BytesIO(render_docx(report_of(history))))
    overdue = document.tables[0].rows[2].cells[4].paragraphs[0].runs[0]
    on_time = document.tables[0].rows[1].cells[4].paragraphs[0].runs[0]
    assert overdue.bold and overdue.font.color.rgb is not None
    assert not on_time.bold


def test_a_step_longer_than_a_page_is_split_over_pages_with_nothing_lost(history: History) -> None:
    report = report_of(history)
    section = report.sections[0]
    words = [f"word{n}" for n in range(1200)]
    huge = replace(section.rows[0], text=" ".join(words) + " " + "x" * 400)  # and one unbreakable word
    data = render_pdf(replace(report, sections=(replace(section, rows=(huge, *section.rows[1:])),)))
    reader = PdfReader(BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    found = re.findall(r"word\d+", text)
    assert found == words
    assert text.replace("\n", "").count("x" * 400) == 1


def test_a_chair_without_a_party_gets_an_empty_report_in_every_format(history: History) -> None:
    nobody = replace(history.chairs["Sweden"], party_id=None)
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=nobody, as_of=date(2023, 4, 3), timezone=TZ, prepared_by="x"
        )
    assert report.rows == [] and report.total == 0 and report.percent_done == 0
    assert Document(BytesIO(render_docx(report))).tables == []
    assert "No status changes or notes" in pdf_text(render_pdf(report))
    assert render_summary(report).startswith("Progress on the next steps")
