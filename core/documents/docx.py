"""The progress report as a Word document: landscape A4, a real table per source meeting whose
header row repeats on every page, "Page N of M" in the footer. What secretariats paste into
meeting papers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from core.i18n import translator
from core.progress.model import ProgressReport, ReportSection
from core.progress.text import (
    cells,
    change_line,
    changes_heading,
    columns,
    meeting_heading,
    no_changes,
    quiet_heading,
    quiet_lines,
    subtitle,
    summary_heading,
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
OVERDUE_COLOUR = "A01C1C"
CellLook = tuple[str, str | None, bool, str | None]  # text, fill, bold, colour (hex RGB)
TABLE_STYLE = "Report Table Text"
TABLE_STYLE_ID = "ReportTableText"  # python-docx's id for the style it adds under that name
BULLET_STYLE_ID = "ListBullet"  # "List Bullet" in python-docx's default template


def render_docx(report: ProgressReport) -> bytes:
    """The report as a .docx file."""
    lang = report.lang
    document = Document()
    document.core_properties.language = lang
    _page_setup(document, lang)
    _styles(document)
    document.add_heading(_plain(report.title), level=1)
    document.add_paragraph(_plain(subtitle(report)))
    document.add_heading(summary_heading(lang), level=2)
    document.add_paragraph(_plain(summary_line(report)))
    for section in report.sections:
        heading = meeting_heading(section.meeting_name, section.held_on, section.place, lang)
        document.add_heading(_plain(heading), level=2)
        _table(document, section, lang)
    document.add_heading(_plain(changes_heading(report)), level=2)
    for change in report.changes:
        _bullet(document, change_line(change, lang))
    if not report.changes:
        document.add_paragraph(no_changes(report))
    document.add_heading(_plain(quiet_heading(report)), level=2)
    for line in quiet_lines(report):
        if report.quiet:
            _bullet(document, line)
        else:
            document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document: DocumentObject, lang: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # "Page {page} of {pages}" in the reader's words, the numbers as Word fields in their places
    words = translator(lang).gettext("Page {page} of {pages}")
    for part in re.split(r"(\{page\}|\{pages\})", words):
        if part == "{page}":
            _field(footer, "PAGE")
        elif part == "{pages}":
            _field(footer, "NUMPAGES")
        elif part:
            footer.add_run(part)


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


def _bullet(document: DocumentObject, text: str) -> None:
    # the style by id: python-docx's lookup by name scans every style on each call
    document.add_paragraph(_plain(text))._p.style = BULLET_STYLE_ID


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for level, size in ((1, 16), (2, 12)):
        heading = document.styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    cell_style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    assert (
        cell_style.style_id == TABLE_STYLE_ID and document.styles["List Bullet"].style_id == BULLET_STYLE_ID
    )
    cell_style.base_style = normal
    cell_style.font.size = Pt(9)
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.space_before = Pt(0)


def _table(document: DocumentObject, section: ReportSection, lang: str) -> None:
    header = columns(lang)
    table = document.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    # rows as XML, parsed in one go: python-docx's cell-by-cell API takes ~1 s per 1,000 rows
    rows = [_row_xml([(title, HEADER_FILL, True, None) for title in header], header=True)]
    for row in section.rows:
        texts = cells(row, lang)
        row_cells: list[CellLook] = [(text, None, False, None) for text in texts]
        row_cells[4] = (texts[4], None, row.overdue, OVERDUE_COLOUR if row.overdue else None)
        row_cells[5] = (texts[5], STATUS_FILL.get(row.status), False, None)
        rows.append(_row_xml(row_cells))
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    for tr in list(parsed):
        table._tbl.append(tr)


_TWIPS_PER_CM = 567
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain(text: str) -> str:
    """The text without the control characters XML cannot hold (a stray one from a chat)."""
    return _NOT_XML.sub("", text)


def _text_xml(text: str) -> str:
    """A run's text: XML-escaped, without what XML can't hold, line breaks as breaks."""
    parts = [escape(part) for part in _plain(text).split("\n")]
    return "<w:br/>".join(f'<w:t xml:space="preserve">{part}</w:t>' for part in parts)


def _row_xml(row: Sequence[CellLook], *, header: bool = False) -> str:
    """One table row: (text, fill, bold, colour) per cell. A header row repeats on every page."""
    xml = ["<w:tr>", "<w:trPr><w:tblHeader/></w:trPr>" if header else ""]
    for (text, fill, bold, colour), width in zip(row, COLUMN_WIDTHS_CM, strict=True):
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        look = ("<w:b/>" if bold else "") + (f'<w:color w:val="{colour}"/>' if colour else "")
        xml.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(width * _TWIPS_PER_CM)}" w:type="dxa"/>{shading}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/></w:pPr>'
            f"<w:r>{f'<w:rPr>{look}</w:rPr>' if look else ''}{_text_xml(text)}</w:r></w:p></w:tc>"
        )
    xml.append("</w:tr>")
    return "".join(xml)
