"""The progress report as a Word document: landscape A4, a real table per source meeting whose
header row repeats on every page, "Page N of M" in the footer. What secretariats paste into
meeting papers."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from core.progress.model import ProgressReport, ReportSection
from core.progress.text import (
    COLUMNS,
    cells,
    change_line,
    fmt_date,
    meeting_heading,
    subtitle,
    summary_line,
)
from storage.models import Status

# cm, landscape A4 less 1.5 cm margins (26.7 cm): the step and the note get the room
COLUMN_WIDTHS_CM = (1.2, 1.5, 7.6, 3.2, 3.6, 2.0, 2.1, 5.5)
STATUS_FILL = {  # light tints of the bot's emoji colours; open stays white
    Status.IN_PROGRESS: "DCE8F7",
    Status.DONE: "DDF0DD",
    Status.BLOCKED: "F8DCDC",
    Status.DROPPED: "E6E6E6",
}
HEADER_FILL = "D9D9D9"
TABLE_STYLE = "Report Table Text"


def render_docx(report: ProgressReport) -> bytes:
    """The report as a .docx file."""
    document = Document()
    _page_setup(document)
    _styles(document)
    document.add_heading(report.title, level=1)
    document.add_paragraph(subtitle(report))
    document.add_heading("Summary", level=2)
    document.add_paragraph(summary_line(report))
    for section in report.sections:
        document.add_heading(meeting_heading(section.meeting_name, section.held_on, section.place), level=2)
        _table(document, section)
    document.add_heading(f"Changes since {report.since_label}", level=2)
    for change in report.changes:
        document.add_paragraph(change_line(change), style="List Bullet")
    if not report.changes:
        document.add_paragraph("No status changes or notes in this period.")
    document.add_heading(f"Not updated since {fmt_date(report.since_on)}", level=2)
    for quiet in report.quiet:
        last = fmt_date(quiet.last_update) if quiet.last_update else "never"
        steps = f"{quiet.open_items} open step{'s' if quiet.open_items != 1 else ''}"
        document.add_paragraph(f"{quiet.name} — {steps}, last update {last}", style="List Bullet")
    if not report.quiet:
        document.add_paragraph("Every owner with open steps has updated at least one of them.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    paragraph.add_run("1")  # shown until Word updates the field
    char("end")


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for level, size in ((1, 16), (2, 12)):
        heading = document.styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    cell_style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = normal
    cell_style.font.size = Pt(9)
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.space_before = Pt(0)


def _table(document: DocumentObject, section: ReportSection) -> None:
    table = document.add_table(rows=0, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    header = table.add_row()
    _repeat_as_header(header._tr)
    for cell, text in zip(header.cells, COLUMNS, strict=True):
        _fill(cell, text, bold=True)
        _shade(cell, HEADER_FILL)
    for row in section.rows:
        texts = cells(row)
        for index, (cell, text) in enumerate(zip(table.add_row().cells, texts, strict=True)):
            _fill(cell, text, bold=index == 5 and row.overdue)
            if index == 5 and row.status in STATUS_FILL:
                _shade(cell, STATUS_FILL[row.status])
            if index == 4 and row.overdue:
                cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)


def _fill(cell: _Cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_STYLE
    run = paragraph.add_run(text)
    if bold:
        run.bold = True


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(tr: CT_Row) -> None:
    """Mark a row as the table's header: Word repeats it at the top of every page."""
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(element)
