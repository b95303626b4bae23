"""``nextsteps report`` and ``nextsteps export`` as an operator runs them, on the demo's data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from core import clock
from tests.e2e.test_cli import run_cli
from tests.e2e.test_reports_exports import seed_demo, status_by_number


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The demo's database; its seeding moves this process's clock, put back after the test.
    (The CLI runs on the real clock: long after the demo's dates.)"""
    monkeypatch.setattr(clock, "_offset", timedelta(0))
    return {"NEXTSTEPS_DATABASE__URL": seed_demo(tmp_path)}


def test_report_as_of_a_day_writes_a_word_file_named_after_it(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_cli("report", "--as-of", "2023-01-15", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "nextsteps-progress-2023-01-15.docx"
    assert f"Wrote {path.name}" in result.stdout
    assert "5 steps: 3 open, 1 in progress, 1 done." in result.stdout
    document = Document(str(path))
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert status_by_number(rows) == {
        "#1": "done",
        "#2": "in progress",
        "#3": "open",
        "#4": "open",
        "#5": "open",
    }


def test_report_as_pdf_and_markdown_and_for_one_meeting(tmp_path: Path, env: dict[str, str]) -> None:
    pdf = run_cli(
        "report", "--as-of", "2023-02-13", "--format", "pdf", "--out", "som.pdf", cwd=tmp_path, env=env
    )
    assert pdf.returncode == 0, pdf.stderr
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "som.pdf").pages)
    assert "Status as of 13 Feb 2023" in text and "Chairmanship (Türkiye)" in text

    md = run_cli(
        "report",
        "--as-of",
        "2023-02-13",
        "--meeting",
        "32nd senior officials meeting",  # case aside
        "--format",
        "md",
        "--out",
        "-",
        cwd=tmp_path,
        env=env,
    )
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Progress on the next steps of the 32nd Senior Officials Meeting")
    assert "| #4 | §13.4 |" in md.stdout and "| blocked |" in md.stdout
    assert "20% done" in md.stderr  # the summary goes to the terminal, not into the file


def test_report_refuses_an_unknown_meeting_and_bad_dates(tmp_path: Path, env: dict[str, str]) -> None:
    unknown = run_cli("report", "--meeting", "Vienna SOM", cwd=tmp_path, env=env)
    assert unknown.returncode == 2
    assert (
        "no meeting called 'Vienna SOM'" in unknown.stderr
        and "32nd Senior Officials Meeting" in unknown.stderr
    )
    assert "Traceback" not in unknown.stderr
    bad = run_cli("report", "--as-of", "13/02/2023", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "--as-of" in bad.stderr
    future = run_cli("report", "--as-of", "2999-01-01", cwd=tmp_path, env=env)
    assert future.returncode == 2 and "after today" in future.stderr
    early = run_cli("report", "--as-of", "1900-01-01", cwd=tmp_path, env=env)
    assert early.returncode == 2 and "before 2000-01-01" in early.stderr  # as the bot's /report
    binary = run_cli("report", "--format", "docx", "--out", "-", cwd=tmp_path, env=env)
    assert binary.returncode == 2 and "--out FILE" in binary.stderr
    assert list(tmp_path.glob("nextsteps-*")) == []  # nothing written


def test_export_every_format(tmp_path: Path, env: dict[str, str]) -> None:
    csv_run = run_cli("export", "--format", "csv", "--out", "-", cwd=tmp_path, env=env)
    assert csv_run.returncode == 0, csv_run.stderr
    rows = list(csv.DictReader(io.StringIO(csv_run.stdout.removeprefix("\ufeff"))))
    assert csv_run.stdout.startswith("\ufeff") and [r["No."] for r in rows] == ["1", "2", "3", "4", "5"]

    xlsx_run = run_cli("export", "--format", "xlsx", cwd=tmp_path, env=env)
    assert xlsx_run.returncode == 0, xlsx_run.stderr
    (path,) = tmp_path.glob("nextsteps-items-*.xlsx")
    assert re.fullmatch(r"nextsteps-items-\d{4}-\d{2}-\d{2}\.xlsx", path.name)
    sheet = load_workbook(path).active
    assert sheet is not None and sheet.max_row == 6 and isinstance(sheet["F2"].value, datetime)

    json_run = run_cli("export", "--format", "json", "--out", "items.json", cwd=tmp_path, env=env)
    assert json_run.returncode == 0 and "5 item(s) exported." in json_run.stdout
    assert [i["status"] for i in json.loads((tmp_path / "items.json").read_text())][3] == "blocked"

    ics_run = run_cli("export", "--format", "ics", "--bot", "@som_bot", "--out", "-", cwd=tmp_path, env=env)
    assert ics_run.returncode == 0, ics_run.stderr
    events = Calendar.from_ical(ics_run.stdout).walk("VEVENT")
    assert len(events) == 5  # four open items and the next meeting
    assert any("https://t.me/som_bot?start=i2" in str(e["DESCRIPTION"]) for e in events)


def test_export_ics_without_a_bot_name_or_token_says_what_to_give(
    tmp_path: Path, env: dict[str, str]
) -> None:
    result = run_cli("export", "--format", "ics", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "--bot USERNAME" in result.stderr
    missing = run_cli("export", cwd=tmp_path, env=env)
    assert missing.returncode == 2 and "--format" in missing.stderr
