"""The progress report, the chart and the exports in Russian and Turkish: the documents' own words
(title, "status as of", summary, table headers, status words, "changes since", "not updated since",
page numbers) in the reader's language with Babel's dates; the steps, notes, party, people's and
meeting names exactly as written (Türkiye, Magyarország, Україна), in the PDF's text layer too."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from core.chart import chart_figure, report_figure
from core.documents import render_docx, render_markdown, render_pdf, render_summary
from core.documents.markdown import STEP_CHARS, SUMMARY_LIMIT
from core.exports import HEADERS, export_rows, headers, to_csv, to_xlsx
from core.progress import ProgressReport, build_progress_report
from core.progress.text import COLUMNS, columns, summary_line
from storage.db import Database
from tests.core.progress_data import MEETING, NEXT, STEPS, TZ, History, build_history
from tests.english import assert_no_english

NAMES = ("Türkiye", "Magyarország", "Україна", "Sweden")
PEOPLE = (*(f"Chair of {name}" for name in NAMES), "Ada")
NOTES = ("Drafting.", "Venue booked.", "Date set.")
# never translated: the steps and their deadline phrases as agreed, notes, names of parties, people,
# meetings and places
VERBATIM = (
    *(text for _, text, _, _ in STEPS),
    *(text[: STEP_CHARS - 1].rstrip() for _, text, _, _ in STEPS),  # as the chat summary shortens them
    *(due for _, _, _, due in STEPS),
    *NAMES,
    *PEOPLE,
    *NOTES,
    MEETING,
    NEXT,
    "Istanbul",
)
RU_HEADER = [
    "№",
    "Ссылка",
    "Следующий шаг (как согласовано)",
    "Ответственные",
    "Срок",
    "Статус",
    "Последнее обновление",
    "Последняя заметка",
]
TR_HEADER = [
    "No.",
    "Paragraf",
    "Sonraki adım (kararlaştırıldığı gibi)",
    "Sorumlular",
    "Son tarih",
    "Durum",
    "Son güncelleme",
    "Son not",
]
NBSP = "\u202f"  # CLDR puts a narrow no-break space before Russian "г."


@pytest.fixture
def history(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build_history(sqlite_database, monkeypatch)


def report_in(history: History, lang: str) -> ProgressReport:
    with history.db.session() as session:
        return build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 20), timezone=TZ, prepared_by="Ada", lang=lang
        )


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def flat(text: str) -> str:
    """Whitespace as one space (the PDF's text layer and Babel's no-break spaces alike)."""
    return " ".join(text.replace(NBSP, " ").split())


def test_russian_word_file_has_russian_headers_summary_and_names_as_written(history: History) -> None:
    report = report_in(history, "ru")
    assert report.title == f"Ход выполнения следующих шагов: {MEETING} → {NEXT}"
    assert report.since_label == f"напоминания перед совещанием от 15 февраля 2023{NBSP}г."
    document = Document(BytesIO(render_docx(report)))
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == RU_HEADER == list(columns("ru"))
    assert [row[2] for row in rows[1:]] == [text for _, text, _, _ in STEPS]  # verbatim
    assert rows[3][3] == "Türkiye, Україна"
    assert [row[5] for row in rows[1:]] == ["выполнен", "открыт", "открыт", "в работе"]
    assert rows[2][4] == "by 15 February 2023 — просрочен"  # the phrase as agreed, overdue in Russian
    # the bot's own default deadline in Russian (only the phrases people typed stay as written)
    assert rows[3][4] == f"до следующего совещания (до 26 апреля 2023{NBSP}г.)"
    assert rows[2][7] == f"Venue booked. (20 января 2023{NBSP}г.)"

    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[1].startswith(f"Состояние на 20 февраля 2023{NBSP}г. · Следующее совещание: 10 мая")
    assert paragraphs[1].endswith("Подготовил(а): Ada")
    summary = summary_line(report)
    assert summary in paragraphs
    assert summary.startswith("4 шага: открыт: 2, в работе: 1, выполнен: 1. Выполнено 25%, просрочено: 1.")
    assert "Сводка" in paragraphs and "Изменения после напоминания перед совещанием" in " ".join(paragraphs)
    assert any(
        p.startswith("17 февраля 2023") and "Chair of Sweden: открыт → в работе" in p for p in paragraphs
    )
    assert f"Magyarország — 1 открытый шаг, последнее обновление: 20 января 2023{NBSP}г." in paragraphs
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer.startswith("Стр. ") and " из " in footer
    for text in [*paragraphs, *(cell for row in rows for cell in row)]:
        assert_no_english(text, VERBATIM)


def test_turkish_pdf_keeps_cyrillic_and_turkish_letters_in_its_text_layer(history: History) -> None:
    report = report_in(history, "tr")
    text = pdf_text(render_pdf(report))
    for name in ("Türkiye", "Magyarország", "Україна"):
        assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
    assert "Україна and Türkiye will prepare a joint paper" in text  # the step, verbatim
    assert "20 Şubat 2023 itibarıyla durum" in text  # the footer and the subtitle
    assert "Sayfa 1 / 1" in text
    assert "Son güncelleme" in text and "Sorumlular" in text
    assert "4 adım: açık: 2, devam ediyor: 1, tamamlandı: 1. %25 tamamlandı, 1 gecikmiş." in text
    assert "Hazırlayan: Ada" in text
    assert "Progress on the next steps" not in text and "Page 1 of" not in text
    markdown = render_markdown(report)
    assert "| " + " | ".join(TR_HEADER) + " |" in markdown
    assert "## 15 Şubat 2023 tarihinden beri güncellenmeyenler" in markdown
    assert_no_english(markdown, VERBATIM)


def test_russian_pdf_text_layer_is_russian_with_cyrillic_intact(history: History) -> None:
    report = report_in(history, "ru")
    text = flat(pdf_text(render_pdf(report)))
    assert flat(summary_line(report)) in text
    assert "Последняя заметка" in text and "Стр. 1 из 1" in text
    assert "Україна" in text and "Magyarország" in text and "Türkiye" in text
    assert "Без обновлений с 15 февраля 2023 г." in text
    assert "Summary" not in text and "Status as of" not in text


def test_summaries_fit_a_caption_in_every_language(history: History) -> None:
    for lang in ("en", "ru", "tr"):
        summary = render_summary(report_in(history, lang))
        assert len(summary) <= SUMMARY_LIMIT
    ru = render_summary(report_in(history, "ru"))
    assert "Просрочено:" in ru and "(срок 15 февраля 2023" in ru
    assert "Без обновлений с 15 февраля 2023" in ru
    assert_no_english(ru, VERBATIM)
    tr = render_summary(report_in(history, "tr"))
    assert "Gecikmiş:" in tr and "15 Şubat 2023 tarihinden beri güncellenmeyenler:" in tr
    assert_no_english(tr, VERBATIM)


def test_english_stays_as_it_was(history: History) -> None:
    report = report_in(history, "en")
    assert report.title == f"Progress on the next steps of the {MEETING} → {NEXT}"
    assert list(columns("en")) == list(COLUMNS)
    assert "4 steps: 2 open, 1 in progress, 1 done. 25% done, 1 overdue." in summary_line(report)


def test_chart_words_in_russian_and_turkish(history: History) -> None:
    for lang, legend, status_as_of in (
        (
            "ru",
            ["Выполнен 1", "В работе 1", "Открыт 2", "Заблокирован 0", "Снят 0"],
            "Состояние на 20 февраля",
        ),
        ("tr", ["Tamamlandı 1", "Devam ediyor 1", "Açık 2", "Engellendi 0", "Bırakıldı 0"], "20 Şubat 2023"),
    ):
        report = report_in(history, lang)
        figure = report_figure(report)
        assert [t.get_text() for t in figure.legends[0].get_texts()] == legend
        heading = figure.get_suptitle()
        assert status_as_of in heading and MEETING in " ".join(heading.split())
        labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
        assert set(labels) == set(NAMES)  # as written
        xlabel = figure.axes[0].get_xlabel()
        assert_no_english(f"{heading}\n{xlabel}\n{' '.join(legend)}", VERBATIM)
    ru = report_in(history, "ru")
    empty = chart_figure(
        by_party={}, overdue_by_party={}, totals={}, overdue=0, title="", as_of=ru.as_of, lang="ru"
    )
    assert "Пунктов пока нет" in [t.get_text() for t in empty.texts]


def test_turkish_csv_and_xlsx_header_rows_and_status_words(history: History) -> None:
    with history.db.session() as session:
        rows = export_rows(session=session, actor=None)
    table = list(csv.reader(io.StringIO(to_csv(rows, lang="tr").decode("utf-8-sig"))))
    assert tuple(table[0]) == headers("tr") != HEADERS
    assert table[0][:3] == ["No.", "Paragraf", "Sonraki adım"] and "Durum" in table[0]
    status = table[0].index("Durum")
    assert {row[status] for row in table[1:]} <= {
        "açık",
        "devam ediyor",
        "tamamlandı",
        "engellendi",
        "bırakıldı",
    }
    texts = [row[2] for row in table[1:]]
    assert "Україна and Türkiye will prepare a joint paper on the Silk Routes region;" in texts
    sheet = load_workbook(io.BytesIO(to_xlsx(rows, title="NextSteps", lang="tr"))).active
    assert sheet is not None
    assert tuple(cell.value for cell in sheet[1]) == headers("tr")
    due = headers("tr").index("Bitiş tarihi") + 1
    assert sheet.cell(row=2, column=due).number_format == "yyyy-mm-dd"  # still a date cell
    # English, as before
    assert next(csv.reader(io.StringIO(to_csv(rows).decode("utf-8-sig")))) == list(HEADERS)
