"""Report files built in tests: a small DOCX, a zip bomb, a DOCX slow to read, a long PDF."""

from __future__ import annotations

import io
import zipfile

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def small_docx(*lines: str) -> bytes:
    import docx

    document = docx.Document()
    for line in lines or ("Working Group Meeting", "Next steps", "1. Sweden will share the draft by 2027."):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_body(
    megabytes: float, paragraph: bytes = b"<w:p><w:r><w:t>aaaaaaaaaaaa</w:t></w:r></w:p>"
) -> bytes:
    """A valid DOCX whose document.xml is ``megabytes`` of ``paragraph``: a few hundred KB zipped."""
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, source.read(info.filename))
                continue
            with archive.open("word/document.xml", "w", force_zip64=True) as body:
                body.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>")
                chunk = paragraph * 4096
                for _ in range(int(megabytes * 1024 * 1024) // len(chunk)):
                    body.write(chunk)
                body.write(b"</w:body></w:document>")
    return out.getvalue()


def long_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(0, 8, f"Page {number + 1}: Next steps: Sweden will report by 2027.")
    return bytes(pdf.output())


def pdf_with_page_furniture(title: str, paragraphs: list[str], *, furniture: str) -> bytes:
    """A PDF as reports come: ``furniture`` as header and a page number as footer on every page,
    paragraphs wrapped by the PDF at the page width (so lines break mid-sentence) across pages."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, furniture, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, str(self.page_no()), align="C")

    pdf = Report()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
