"""/report, /chart, /export and /calendar through the emulator, on the demo's data: the Istanbul
next steps as of Monday 13 Feb 2023, with the status changes and notes of the weeks before.

Files are downloaded from the emulator and opened as people would: the Word file with python-docx,
the PDF's text with pypdf, the CSV with the csv module, the XLSX with openpyxl, the calendar with
icalendar."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.demo import PERSONAS, _prepare
from bot.emulator.client import Sent
from bot.handlers import reports
from core import clock
from core.chart import report_figure
from core.config import load_settings
from core.progress import build_progress_report
from core.seed import DEMO_NOW, NEXT_STEPS
from storage.db import Database
from tests.e2e.harness import BotWorld, assert_clean, bot_world

PNG = b"\x89PNG\r\n\x1a\n"
BOM = b"\xef\xbb\xbf"
FILE_WAIT = 30.0  # the first report pays matplotlib's import and font loading
TODAY = "2023-02-13"
SWEDEN_SLUG = "reference-group-chair-sweden"


@pytest.fixture(autouse=True)
def _restore_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The demo data moves the clock to 13 Feb 2023; put it back after the test."""
    monkeypatch.setattr(clock, "_offset", timedelta(0))
    yield


def seed_demo(tmp_path: Path) -> str:
    """The demo's database (as ``nextsteps demo`` prepares it), before the bot starts."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    db = Database(url)
    db.migrate()
    _prepare(db, load_settings(None))
    db.dispose()
    return url


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path, db_url=seed_demo(tmp_path), seed=False) as w:
        yield w
        await assert_clean(w)


async def person(world: BotWorld, key: str) -> int:
    """A demo persona (enrolled by the demo's seed) as an emulator user."""
    found = next(p for p in PERSONAS if p.key == key)
    return await world.client.user(found.name, user_id=found.user_id)


async def ask_files(world: BotWorld, user: int, text: str, count: int) -> list[Sent]:
    return await world.client.say(user, text, expect=count, timeout=FILE_WAIT)


def docx_rows(data: bytes) -> list[list[str]]:
    """Every row of every table in the Word file, header rows included."""
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def pdf_text(data: bytes) -> str:
    """The PDF's text layer, whitespace collapsed (table cells wrap lines anywhere)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def status_by_number(rows: list[list[str]]) -> dict[str, str]:
    """ "#1" -> "done", from the Word table (the header row left out)."""
    header = rows[0]
    number, status = header.index("No."), header.index("Status")
    return {row[number]: row[status] for row in rows if row[number].startswith("#")}


async def test_report_sends_summary_word_pdf_and_chart(world: BotWorld) -> None:
    summary, docx, pdf, chart = await ask_files(world, world.admin, "/report", 4)

    assert summary.text.startswith("Progress on the next steps of the 32nd Senior Officials Meeting")
    assert "Status as of 13 Feb 2023" in summary.text
    assert "5 steps: 1 open, 2 in progress, 1 blocked, 1 done. 20% done, 0 overdue." in summary.text
    assert summary.text.endswith("\nNot updated since 1 Dec 2022: Reference Group Chair — Pakistan")
    assert summary.entities and summary.entities[0]["type"] == "bold"  # the title

    assert docx.document is not None and docx.document["file_name"] == f"nextsteps-progress-{TODAY}.docx"
    assert pdf.document is not None and pdf.document["file_name"] == f"nextsteps-progress-{TODAY}.pdf"
    rows = docx_rows(await world.client.download(docx))
    assert status_by_number(rows) == {
        "#1": "done",
        "#2": "in progress",
        "#3": "open",
        "#4": "blocked",
        "#5": "in progress",
    }
    texts = [row[rows[0].index("Next step (as agreed)")] for row in rows[1:]]
    assert texts == [text for text, _, _ in NEXT_STEPS]  # verbatim
    fourth = next(row for row in rows if row[0] == "#4")
    assert "Waiting for the host country to confirm the venue." in " ".join(fourth)

    text = pdf_text(await world.client.download(pdf))
    assert "Status as of 13 Feb 2023" in text and "20% done, 0 overdue" in text
    assert "Chairmanship (Türkiye)" in text and "Reference Group Chair — Sweden" in text

    assert chart.photo is not None and chart.photo["width"] >= 1000
    assert (await world.client.download(chart)).startswith(PNG)
    assert "as of 13 Feb 2023" in chart.text


def test_the_demos_report_and_chart_agree_and_name_the_party_that_did_nothing(tmp_path: Path) -> None:
    """Step #5 belongs to the Chairmanship, Sweden and Pakistan; only Sweden's Sven updated it."""
    db = Database(seed_demo(tmp_path))
    with db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=DEMO_NOW.date(), timezone="UTC", prepared_by="Ada"
        )
    db.dispose()
    assert [q.name for q in report.quiet] == ["Reference Group Chair — Pakistan"]
    pakistan = report.quiet[0]
    assert (pakistan.open_items, pakistan.last_update) == (1, None)
    # the chart counts #5 in three bars, but its legend and footer count steps, as the report
    assert sum(sum(c.values()) for c in report.by_party.values()) == 7
    figure = report_figure(report)
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["Done 1", "In progress 2", "Open 1", "Blocked 1", "Dropped 0"]
    assert figure.axes[0].get_xlabel().startswith("5 steps\n")


async def test_report_as_of_a_past_date_shows_that_days_statuses(world: BotWorld) -> None:
    summary, docx, pdf, _ = await ask_files(world, world.admin, "/report 2023-01-15", 4)
    assert "Status as of 15 Jan 2023" in summary.text
    assert docx.document is not None and docx.document["file_name"] == "nextsteps-progress-2023-01-15.docx"
    # #4 was blocked on 6 Feb and #5 in progress on 25 Jan: neither yet on 15 Jan
    assert status_by_number(docx_rows(await world.client.download(docx))) == {
        "#1": "done",
        "#2": "in progress",
        "#3": "open",
        "#4": "open",
        "#5": "open",
    }
    assert "Waiting for the host country" not in pdf_text(await world.client.download(pdf))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/report 2023-02-30", "2023-02-30 is not a date"),
        ("/report yesterday", "/report YYYY-MM-DD"),
        ("/report 2023-02-14", "still to come"),
        ("/report 1999-12-31", "before anything NextSteps could know"),
        ("/chart yesterday", "/chart YYYY-MM-DD"),
        ("/chart 2023-02-14", "still to come"),
        ("/chart 1999-12-31", "before anything NextSteps could know"),
    ],
)
async def test_a_bad_date_gets_a_reply_and_no_files(world: BotWorld, typed: str, expected: str) -> None:
    reply = await world.client.ask(world.admin, typed)
    assert expected in reply.text and reply.document is None
    assert await world.client.quiet(world.admin, seconds=0.5) == []


async def test_a_chairs_report_and_exports_hold_only_their_partys_items(world: BotWorld) -> None:
    sven = await person(world, "sven")
    summary, docx, pdf, chart = await ask_files(world, sven, "/report", 4)
    assert "Steps of Reference Group Chair — Sweden" in summary.text
    assert chart.photo is not None and chart.text.startswith("📊 Reference Group Chair — Sweden: steps")
    assert "1 step: 1 in progress" in summary.text
    assert docx.document is not None
    assert docx.document["file_name"] == f"nextsteps-progress-{SWEDEN_SLUG}-{TODAY}.docx"
    assert status_by_number(docx_rows(await world.client.download(docx))) == {"#5": "in progress"}
    assert "Chairmanship will reach out" not in pdf_text(await world.client.download(pdf))

    (export,) = await ask_files(world, sven, "/export csv", 1)
    assert export.document is not None
    assert export.document["file_name"] == f"nextsteps-items-{SWEDEN_SLUG}-{TODAY}.csv"
    rows = list(csv.reader(io.StringIO((await world.client.download(export)).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["5"]

    (calendar,) = await ask_files(world, sven, "/calendar", 1)
    events = Calendar.from_ical(await world.client.download(calendar)).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]).split()[0] for e in events) == ["#5", "33rd"]


async def test_a_stranger_gets_nothing(world: BotWorld) -> None:
    sam = await person(world, "sam")
    for command in ("/report", "/chart", "/export csv", "/calendar"):
        reply = await world.client.ask(sam, command)
        assert "You are not registered yet" in reply.text
        assert reply.document is None and reply.photo is None
    assert await world.client.quiet(sam, seconds=0.5) == []


async def test_observers_are_refused_by_default(world: BotWorld) -> None:
    olga = await person(world, "olga")
    for command in ("/report", "/chart", "/export xlsx", "/export"):
        reply = await world.client.ask(olga, command)
        assert "for the secretariat and the chairs" in reply.text, command
        assert reply.document is None and reply.photo is None and reply.buttons == []
    assert await world.client.quiet(olga, seconds=0.5) == []


async def test_observers_get_the_report_when_the_secretariat_allows_it(tmp_path: Path) -> None:
    url = seed_demo(tmp_path)
    async with bot_world(tmp_path, db_url=url, seed=False, reports={"progress_for_observers": True}) as world:
        olga = await person(world, "olga")
        summary, docx, _, chart = await ask_files(world, olga, "/report", 4)
        assert "5 steps" in summary.text and docx.document is not None and chart.photo is not None
        await assert_clean(world)


async def test_export_csv_reads_back_with_a_bom_and_every_item(world: BotWorld) -> None:
    (export,) = await ask_files(world, world.admin, "/export csv", 1)
    assert export.document is not None and export.document["file_name"] == f"nextsteps-items-{TODAY}.csv"
    assert "5 items" in export.text
    data = await world.client.download(export)
    assert data.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row["No."] for row in rows] == ["1", "2", "3", "4", "5"]
    assert [row["Next step"] for row in rows] == [text for text, _, _ in NEXT_STEPS]  # commas kept
    assert rows[3]["Status"] == "blocked" and rows[3]["Latest note"].startswith("Waiting for the host")
    assert rows[4]["Owners"].count(";") == 2


async def test_export_xlsx_has_date_cells(world: BotWorld) -> None:
    (export,) = await ask_files(world, world.admin, "/export xlsx", 1)
    assert export.document is not None and export.document["file_name"] == f"nextsteps-items-{TODAY}.xlsx"
    sheet = load_workbook(io.BytesIO(await world.client.download(export))).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    due = header.index("Due date") + 1
    values = [sheet.cell(row=r, column=due).value for r in range(2, sheet.max_row + 1)]
    assert len(values) == 5 and all(isinstance(v, datetime) for v in values)
    assert values[1] is not None and values[1].date() == date(2023, 4, 26)  # before the 10 May meeting
    assert sheet.freeze_panes == "A2"


async def test_export_without_a_format_offers_buttons(world: BotWorld) -> None:
    choice = await world.client.ask(world.admin, "/export")
    assert "/export csv" in choice.text and choice.buttons == [
        "📄 CSV",
        "📊 Excel (XLSX)",
        "📅 Calendar (ICS)",
    ]
    answer, (export,) = await world.client.press(world.admin, choice, "📊 Excel (XLSX)", expect=1)
    assert "XLSX" in answer["text"]
    assert export.document is not None and export.document["file_name"].endswith(".xlsx")
    unknown = await world.client.ask(world.admin, "/export pdf")
    assert "“pdf” is not an export format" in unknown.text and len(unknown.buttons) == 3
    answer, _ = await world.client.press(world.admin, choice, data="ex:../../etc")  # forged
    assert answer["show_alert"] and "out of date" in answer["text"]


def events_by_number(data: bytes, status: str = "CONFIRMED") -> dict[int, Any]:
    """Item number -> its event, of the open items (or of the closed ones: "CANCELLED")."""
    events = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        summary = str(event["SUMMARY"])
        if summary.startswith("#") and str(event["STATUS"]) == status:
            events[int(summary[1:].split()[0])] = event
    return events


async def test_export_ics_has_an_event_per_open_item_and_bumps_sequence_after_due(world: BotWorld) -> None:
    (first,) = await ask_files(world, world.admin, "/export ics", 1)
    assert first.document is not None and first.document["file_name"] == f"nextsteps-deadlines-{TODAY}.ics"
    before = events_by_number(await world.client.download(first))
    assert sorted(before) == [2, 3, 4, 5]  # #1 is done (9 Jan): its event is cancelled
    (done,) = events_by_number(await world.client.download(first), "CANCELLED").values()
    assert str(done["SUMMARY"]).startswith("#1 ") and int(done.decoded("SEQUENCE")) == 1
    assert all(e["DTSTART"].params.get("VALUE") == "DATE" for e in before.values())

    reply = await world.client.ask(world.admin, "/due 3 end of March 2023")
    assert "#3" in reply.text
    (second,) = await ask_files(world, world.admin, "/export ics", 1)
    after = events_by_number(await world.client.download(second))
    assert {n: str(e["UID"]) for n, e in after.items()} == {n: str(e["UID"]) for n, e in before.items()}
    assert int(after[3].decoded("SEQUENCE")) == int(before[3].decoded("SEQUENCE")) + 1
    assert after[3].decoded("DTSTART") == date(2023, 3, 31)
    assert int(after[2].decoded("SEQUENCE")) == int(before[2].decoded("SEQUENCE"))


async def test_chart_is_a_phone_sized_png(world: BotWorld) -> None:
    (chart,) = await ask_files(world, world.admin, "/chart", 1)
    assert chart.photo is not None and chart.photo["width"] >= 1000
    assert (await world.client.download(chart)).startswith(PNG)


async def test_chart_as_of_a_past_date_is_that_days_chart(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Any] = []
    real_chart = reports.report_chart

    def spy(report: Any) -> bytes:
        drawn.append(report)
        return real_chart(report)

    monkeypatch.setattr(reports, "report_chart", spy)
    (chart,) = await ask_files(world, world.admin, "/chart 2023-01-01", 1)
    assert chart.photo is not None and "as of 1 Jan 2023" in chart.text
    (report,) = drawn
    assert report.as_of == date(2023, 1, 1)
    # by then only #2 had moved (in progress on 12 Dec); #1 was done on 9 Jan
    assert report.counts == {"open": 4, "in_progress": 1, "blocked": 0, "done": 0, "dropped": 0}


async def test_another_chat_is_answered_while_a_chart_renders(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_chart = reports.report_chart

    def slow_chart(report: Any) -> bytes:
        time.sleep(2.0)  # as a chart of many parties on a slow machine
        return real_chart(report)

    monkeypatch.setattr(reports, "report_chart", slow_chart)
    tarik = await person(world, "tarik")
    await world.client.skip()
    # the emulator, the bot and this test share one event loop: a chart drawn on it would stall
    # all three, so the time is taken from before /chart is sent
    started = time.monotonic()
    await world.client.send(world.admin, "/chart")
    await asyncio.sleep(0.3)  # the chart is being drawn
    listing = await world.client.ask(tarik, "/items", timeout=5)
    waited = time.monotonic() - started
    assert "open items (4)" in listing.text
    assert waited < 1.5, f"/items was answered {waited:.2f} s after /chart was sent"
    (chart,) = await world.client.replies(world.admin, 1, timeout=FILE_WAIT)
    assert chart.photo is not None and chart.seq > listing.seq
