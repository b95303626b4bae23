"""/report, /chart, /export and /calendar in the reader's language, through the emulator, on the
demo's data (the Istanbul next steps as of Monday 13 Feb 2023): a Russian chair's summary, Word
file, PDF and chart; a Turkish chair's XLSX, CSV and calendar. The steps, notes, party, people's and
meeting names stay as written; every chat message is free of English and within Telegram's limits."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from sqlmodel import select

from bot.emulator.client import Sent
from bot.limits import CAPTION_LIMIT, MESSAGE_TEXT_LIMIT
from core.exports import headers
from storage.models import Item, ItemEvent, Meeting, Member, Party
from tests.core.test_documents_languages import RU_HEADER
from tests.e2e.harness import BotWorld, assert_clean, bot_world
from tests.e2e.test_reports_exports import (
    _restore_clock,  # noqa: F401  (the demo moves the clock: put it back after each test)
    ask_files,
    docx_rows,
    pdf_text,
    person,
    seed_demo,
)
from tests.english import assert_no_english

NBSP = "\u202f"  # Babel's narrow no-break space before Russian "г."
SWEDEN = "Reference Group Chair — Sweden"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path, db_url=seed_demo(tmp_path), seed=False) as w:
        yield w
        await assert_clean(w)


def verbatim(world: BotWorld) -> list[str]:
    """What is never translated: the steps and deadline phrases as agreed, notes, the names of
    parties, people and meetings (and their places)."""
    with world.db.session() as session:
        texts: list[str] = []
        for item in session.exec(select(Item)).all():
            texts += [item.text, item.due_text, item.paragraph_ref or ""]
        texts += [p.name for p in session.exec(select(Party)).all()]
        texts += [m.display_name for m in session.exec(select(Member)).all()]
        for meeting in session.exec(select(Meeting)).all():
            texts += [meeting.name, meeting.place or "", meeting.kind]
        texts += [e.note or "" for e in session.exec(select(ItemEvent)).all()]
        texts += [e.actor_name for e in session.exec(select(ItemEvent)).all()]
    return [t for t in texts if t]


def chat_text_ok(sent: Sent, keep: list[str], *, caption: bool = False) -> None:
    """A message for a Russian or Turkish reader: no English but what is kept as written, and
    within Telegram's limit for a text or a caption."""
    assert sent.text, "an empty message"
    assert len(sent.text.encode("utf-16-le")) // 2 <= (CAPTION_LIMIT if caption else MESSAGE_TEXT_LIMIT)
    assert_no_english(sent.text, keep)


async def test_russian_chairs_report_summary_word_pdf_and_chart_in_russian(world: BotWorld) -> None:
    sven = await person(world, "sven")
    await world.client.ask(sven, "/lang ru")
    keep = verbatim(world)
    summary, docx, pdf, chart = await ask_files(world, sven, "/report", 4)

    assert summary.text.startswith("Ход выполнения следующих шагов: 32nd Senior Officials Meeting")
    assert f"Состояние на 13 февраля 2023{NBSP}г. · Шаги стороны {SWEDEN}" in summary.text
    assert "1 шаг: в работе: 1. Выполнено 0%, просрочено: 0." in summary.text
    assert summary.entities and summary.entities[0]["type"] == "bold"  # the title
    chat_text_ok(summary, keep, caption=True)

    assert docx.text == "Word — для вставки в документы совещания"
    assert pdf.text == "PDF — для рассылки"
    assert chart.text == f"📊 {SWEDEN}: шаги по статусам и сторонам на 13 февраля 2023{NBSP}г."
    for sent in (docx, pdf, chart):
        chat_text_ok(sent, keep, caption=True)

    data = await world.client.download(docx)
    rows = docx_rows(data)
    assert rows[0] == RU_HEADER
    assert [(row[0], row[5]) for row in rows[1:]] == [("#5", "в работе")]
    with world.db.session() as session:
        step = session.get(Item, 5)
        assert step is not None
        assert rows[1][2] == step.text  # verbatim
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "Сводка" in paragraphs
    assert any(p.startswith("1 шаг: в работе: 1. Выполнено 0%, просрочено: 0. После ") for p in paragraphs)

    text = pdf_text(await world.client.download(pdf))
    assert "Состояние на 13 февраля 2023 г." in text.replace(NBSP, " ")
    assert "Последняя заметка" in text and "Стр. 1 из 1" in text
    assert SWEDEN in text  # a party's name as written
    assert "Status as of" not in text and "Page 1" not in text


async def test_russian_replies_and_errors_around_the_files(world: BotWorld) -> None:
    sven = await person(world, "sven")
    await world.client.ask(sven, "/lang ru")
    keep = verbatim(world)

    bad = await world.client.ask(sven, "/report 2023-02-30")
    assert bad.text.startswith("2023-02-30 — это не дата. Отправьте /report для отчёта на сегодня")
    future = await world.client.ask(sven, "/chart 2023-02-14")
    assert future.text.startswith("2023-02-14 ещё не наступило")
    choice = await world.client.ask(sven, "/export")
    assert choice.text == "Отправьте /export csv, /export xlsx или /export ics — или выберите:"
    assert choice.buttons == ["📄 CSV", "📊 Excel (XLSX)", "📅 Календарь (ICS)"]
    unknown = await world.client.ask(sven, "/export pdf")
    assert unknown.text.startswith("«pdf» — не формат выгрузки.")
    for sent in (bad, future, choice, unknown):
        chat_text_ok(sent, keep)

    answer, (export,) = await world.client.press(sven, choice, "📊 Excel (XLSX)", expect=1)
    assert answer["text"] == "Готовлю файл XLSX…"
    assert export.text == f"📊 1 пункт стороны {SWEDEN}, для Excel."
    (chart,) = await ask_files(world, sven, "/chart 2023-01-01", 1)
    assert chart.text == f"📊 {SWEDEN}: шаги по статусам и сторонам на 1 января 2023{NBSP}г."
    for sent in (export, chart):
        chat_text_ok(sent, keep, caption=True)

    olga = await person(world, "olga")  # an observer: refused, in Russian
    await world.client.ask(olga, "/lang ru")
    refused = await world.client.ask(olga, "/report")
    assert refused.text.startswith("Отчёт о ходе выполнения, диаграмма и выгрузки доступны секретариату")
    chat_text_ok(refused, keep)


async def test_turkish_chairs_exports_have_turkish_headers_and_read_back(world: BotWorld) -> None:
    tarik = await person(world, "tarik")
    await world.client.ask(tarik, "/lang tr")
    keep = verbatim(world)

    (xlsx,) = await ask_files(world, tarik, "/export xlsx", 1)
    assert xlsx.text.startswith("📊 Chairmanship (Türkiye) tarafının 5 maddesi, Excel için.")
    sheet = load_workbook(io.BytesIO(await world.client.download(xlsx))).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header == list(headers("tr"))
    assert header[:4] == ["No.", "Paragraf", "Sonraki adım", "Sorumlular"] and "Durum" in header
    status = header.index("Durum") + 1
    assert {sheet.cell(row=r, column=status).value for r in range(2, sheet.max_row + 1)} <= {
        "açık",
        "devam ediyor",
        "tamamlandı",
        "engellendi",
        "bırakıldı",
    }

    (export,) = await ask_files(world, tarik, "/export csv", 1)
    assert export.text.startswith("📄 Chairmanship (Türkiye) tarafının 5 maddesi, virgülle ayrılmış (UTF-8).")
    rows = list(csv.DictReader(io.StringIO((await world.client.download(export)).decode("utf-8-sig"))))
    assert len(rows) == 5 and all(row["No."].isdigit() for row in rows)
    with world.db.session() as session:
        texts = {str(i.id): i.text for i in session.exec(select(Item)).all()}
    assert all(row["Sonraki adım"] == texts[row["No."]] for row in rows)  # verbatim, commas kept

    (calendar,) = await ask_files(world, tarik, "/calendar", 1)
    assert calendar.text.startswith("📅 Chairmanship (Türkiye) tarafının")
    events = Calendar.from_ical(await world.client.download(calendar)).walk("VEVENT")
    described = [str(e["DESCRIPTION"]) for e in events if str(e["SUMMARY"]).startswith("#")]
    assert described and all("Sorumlular: " in d and "Telegram'da aç: " in d for d in described)
    for sent in (xlsx, export, calendar):
        chat_text_ok(sent, keep, caption=True)


def test_cli_report_and_export_in_russian_and_turkish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from core import clock
    from tests.e2e.test_cli import run_cli

    monkeypatch.setattr(clock, "_offset", timedelta(0))  # the CLI runs on the real clock
    env = {"NEXTSTEPS_DATABASE__URL": seed_demo(tmp_path)}
    md = run_cli(
        "report",
        "--as-of",
        "2023-02-13",
        "--format",
        "md",
        "--out",
        "-",
        "--lang",
        "ru",
        cwd=tmp_path,
        env=env,
    )
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Ход выполнения следующих шагов: 32nd Senior Officials Meeting")
    assert f"Состояние на 13 февраля 2023{NBSP}г." in md.stdout
    assert "Подготовил(а): Секретариат" in md.stdout  # the default --prepared-by, in Russian
    assert "| " + " | ".join(RU_HEADER) + " |" in md.stdout

    xlsx = run_cli("export", "--format", "xlsx", "--out", "items.xlsx", "--lang", "tr", cwd=tmp_path, env=env)
    assert xlsx.returncode == 0, xlsx.stderr
    sheet = load_workbook(tmp_path / "items.xlsx").active
    assert sheet is not None and [c.value for c in sheet[1]] == list(headers("tr"))
    english = run_cli("export", "--format", "csv", "--out", "-", cwd=tmp_path, env=env)  # en by default
    assert english.returncode == 0 and english.stdout.lstrip("\ufeff").startswith("No.,Ref,Next step,")
    refused = run_cli("report", "--lang", "de", cwd=tmp_path, env=env)
    assert refused.returncode != 0 and "--lang" in refused.stderr
