"""The progress report as a PDF for circulation: landscape A4, DejaVu Sans embedded (party names
in Latin, Greek and Cyrillic scripts render, and come out of the text layer as written), a table
per source meeting with wrapped cells and the header repeated on each page, "Page N of M" in the
footer. The table and long paragraphs are laid out by ``core.documents.pdf_layout``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from fpdf import FPDF

from core.documents.pdf_layout import TableCell, TableWriter, write_paragraph
from core.i18n import translator
from core.progress.model import ProgressReport, ReportSection
from core.progress.text import (
    cells,
    change_line,
    changes_heading,
    columns,
    fmt_date,
    meeting_heading,
    no_changes,
    quiet_heading,
    quiet_lines,
    subtitle,
    summary_heading,
    summary_line,
)
from storage.models import Status

FONT = "DejaVu"
COLUMN_WIDTHS_MM = (12, 15, 76, 32, 36, 20, 21, 55)  # landscape A4 less 15 mm margins: 267 mm
TABLE_FONT_PT = 8
STATUS_FILL = {  # light tints of the bot's emoji colours, as in the Word version
    Status.IN_PROGRESS: (220, 232, 247),
    Status.DONE: (221, 240, 221),
    Status.BLOCKED: (248, 220, 220),
    Status.DROPPED: (230, 230, 230),
}
HEADER_FILL = (217, 217, 217)
HEADING_COLOUR = (31, 58, 95)
OVERDUE_COLOUR = (160, 28, 28)
KEEP_WITH_HEADING_MM = 25  # room a heading needs below it for a few lines of what it heads


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    """matplotlib's own DejaVu Sans (regular, bold): a Unicode font every install has."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        raise FileNotFoundError(f"DejaVu Sans is missing from matplotlib's fonts in {folder}")
    return regular, bold


class _ReportPDF(FPDF):
    """Footer on every page: the report's date and the page number."""

    def __init__(self, footer_text: str, page_words: str) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.footer_text = footer_text
        self.page_words = page_words  # "Page {page} of {pages}" in the reader's language

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 90, 90)
        # {nb}: fpdf2's alias for the page count, filled in when the document is written
        page = self.page_words.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 6, f"{self.footer_text} · {page}", align="C")


def render_pdf(report: ProgressReport) -> bytes:
    """The report as a .pdf file."""
    lang = report.lang
    tr = translator(lang)
    regular, bold = font_files()
    pdf = _ReportPDF(
        tr.gettext("Status as of {date}").format(date=fmt_date(report.as_of, lang)),
        tr.gettext("Page {page} of {pages}"),
    )
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(report.title)
    pdf.set_author(report.prepared_by)
    pdf.set_creator("NextSteps")
    pdf.set_lang(lang)
    pdf.add_page()

    _heading(pdf, report.title, 15)
    _paragraph(pdf, subtitle(report))
    _heading(pdf, summary_heading(lang), 12)
    _paragraph(pdf, summary_line(report))
    for section in report.sections:
        _heading(pdf, meeting_heading(section.meeting_name, section.held_on, section.place, lang), 12)
        _table(pdf, section, lang)
    _heading(pdf, changes_heading(report), 12)
    for change in report.changes:
        _paragraph(pdf, change_line(change, lang), bullet=True)
    if not report.changes:
        _paragraph(pdf, no_changes(report))
    _heading(pdf, quiet_heading(report), 12)
    for line in quiet_lines(report):
        _paragraph(pdf, line, bullet=bool(report.quiet))
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: int) -> None:
    if pdf.get_y() + KEEP_WITH_HEADING_MM > pdf.page_break_trigger:
        pdf.add_page()  # no heading alone at the foot of a page
    else:
        pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf: FPDF, text: str, *, bullet: bool = False) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(0, 0, 0)
    write_paragraph(pdf, text, line_height=5, bullet=bullet)


def _table(pdf: FPDF, section: ReportSection, lang: str) -> None:
    pdf.set_text_color(0, 0, 0)
    writer = TableWriter(
        pdf,
        family=FONT,
        size_pt=TABLE_FONT_PT,
        widths=COLUMN_WIDTHS_MM,
        header=[TableCell(title, fill=HEADER_FILL, bold=True) for title in columns(lang)],
        line_height=TABLE_FONT_PT * 0.45,
    )

    def row_cells(texts: tuple[str, ...], status: Status, overdue: bool) -> list[TableCell]:
        row = [TableCell(text) for text in texts]
        row[4] = TableCell(texts[4], bold=overdue, colour=OVERDUE_COLOUR if overdue else (0, 0, 0))
        row[5] = TableCell(texts[5], fill=STATUS_FILL.get(status))
        return row

    writer.write(row_cells(cells(row, lang), row.status, row.overdue) for row in section.rows)
    pdf.ln(2)
