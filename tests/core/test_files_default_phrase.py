"""The bot's own default deadline ("before the next meeting", stored when none was given) in the
reader's language in every file: the Word, PDF and Markdown reports, the CSV and XLSX exports and
the calendar; a phrase the secretariat typed stays exactly as written, and English stays English."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from core import items
from core.calendar_export import to_ics
from core.deadlines import DEFAULT_DUE
from core.documents import render_docx, render_markdown, render_pdf
from core.exports import export_rows, headers, to_csv, to_xlsx
from core.progress import build_progress_report
from storage.db import Database
from tests.core.progress_data import TZ, History, build_history

DEFAULT = {
    "en": "before the next meeting",
    "ru": "до следующего совещания",
    "tr": "bir sonraki toplantıdan önce",
}
TYPED = "end of January 2023"  # as the secretariat typed it (step §13.1)
UNDATED_STEP = "Sweden will report back on the workshop;"  # given no deadline: the default is stored
NBSP = "\u202f"
DEADLINE = 4  # the export's "Deadline" column: the phrase as agreed


@pytest.fixture
def history(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    history = build_history(sqlite_database, monkeypatch)
    with history.db.session() as session:
        item = items.create_item(
            session=session,
            actor=None,
            text=UNDATED_STEP,
            owner_names=["Sweden"],
            due_phrase=None,
            today=date(2023, 2, 18),
            meeting_margin_days=14,
        )
        assert item.item.due_text == DEFAULT_DUE
    return history


def flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def report_files(history: History, lang: str) -> dict[str, str]:
    """Each report file's text: the Word tables' cells, the PDF's text layer, the Markdown."""
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 20), timezone=TZ, prepared_by="Ada", lang=lang
        )
    document = Document(io.BytesIO(render_docx(report)))
    word = " | ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages)
    return {"docx": flat(word), "pdf": flat(pdf), "markdown": flat(render_markdown(report))}


def export_deadlines(history: History, lang: str) -> dict[str, dict[str, str]]:
    """The deadline column of the CSV and the XLSX, by step text."""
    with history.db.session() as session:
        rows = export_rows(session=session, actor=None)
    column = DEADLINE
    table = list(csv.reader(io.StringIO(to_csv(rows, lang=lang).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, lang=lang))).active
    assert sheet is not None
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert table[0][column] == headers(lang)[column] == str(cells[0][column])
    return {
        "csv": {r[2]: r[column] for r in table[1:]},
        "xlsx": {str(r[2]): str(r[column]) for r in cells[1:]},
    }


def calendar_descriptions(history: History, lang: str) -> dict[str, str]:
    """Each item event's description, by its first line (the step)."""
    with history.db.session() as session:
        data = to_ics(
            rows=export_rows(session=session, actor=None),
            next_meeting=None,
            bot_username="nextsteps_bot",
            calendar_name="NextSteps",
            lang=lang,
        )
    descriptions = [str(e["DESCRIPTION"]) for e in Calendar.from_ical(data).walk("VEVENT")]
    return {d.splitlines()[0]: d for d in descriptions}


@pytest.mark.parametrize("lang", ["ru", "tr"])
def test_reports_translate_the_default_deadline_and_keep_the_typed_one(history: History, lang: str) -> None:
    for kind, text in report_files(history, lang).items():
        assert DEFAULT[lang] in text, kind
        assert DEFAULT["en"] not in text, kind
        assert TYPED in text, kind  # the agreed phrase, verbatim


@pytest.mark.parametrize("lang", ["ru", "tr"])
def test_csv_and_xlsx_translate_the_default_deadline_and_keep_the_typed_one(
    history: History, lang: str
) -> None:
    for kind, deadlines in export_deadlines(history, lang).items():
        assert deadlines[UNDATED_STEP] == DEFAULT[lang], kind
        typed = [d for step, d in deadlines.items() if step.startswith("Türkiye will circulate")]
        assert typed == [TYPED], kind
        assert DEFAULT["en"] not in deadlines.values(), kind


@pytest.mark.parametrize(
    ("lang", "as_agreed"),
    [("ru", "Срок, как согласовано: {deadline}"), ("tr", "Kararlaştırılan son tarih: {deadline}")],
    ids=["ru", "tr"],
)
def test_calendar_translates_the_default_deadline_and_keeps_the_typed_one(
    history: History, lang: str, as_agreed: str
) -> None:
    descriptions = calendar_descriptions(history, lang)
    assert as_agreed.format(deadline=DEFAULT[lang]) in descriptions[UNDATED_STEP].splitlines()
    typed = next(d for step, d in descriptions.items() if step.startswith("Türkiye will circulate"))
    assert as_agreed.format(deadline=TYPED) in typed.splitlines()
    assert all(DEFAULT["en"] not in d for d in descriptions.values())


def test_english_files_keep_the_default_deadline_as_before(history: History) -> None:
    for kind, text in report_files(history, "en").items():
        assert DEFAULT["en"] in text and TYPED in text, kind
    for kind, deadlines in export_deadlines(history, "en").items():
        assert deadlines[UNDATED_STEP] == DEFAULT["en"], kind
    description = calendar_descriptions(history, "en")[UNDATED_STEP]
    assert f"Deadline as agreed: {DEFAULT['en']}" in description.splitlines()
