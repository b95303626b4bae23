"""Wrapped paragraphs and tables for the PDF, laid out here rather than by fpdf2's ``table()``
and ``multi_cell()``.

fpdf2 breaks lines by re-measuring the line for every character it adds (and measures each table
cell twice): a 1,000-step report took ~10 s. Here each word is measured once (and cached), lines
are placed with ``text()``, rows are sized from their wrapped lines, and a row that does not fit
moves to the next page under a repeated header row; a row taller than a whole page is split.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import TTFFont

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)


@dataclass(frozen=True)
class TableCell:
    text: str
    fill: RGB | None = None
    bold: bool = False
    colour: RGB = BLACK


class TextMeasure:
    """Widths (in the document's unit) of text in the font set on ``pdf`` when it was made."""

    def __init__(self, pdf: FPDF) -> None:
        font = pdf.current_font
        assert isinstance(font, TTFFont), "set an embedded (TTF) font first"
        self._cw = font.cw
        self._scale = pdf.font_size_pt * 0.001 / pdf.k
        self._cache: dict[str, float] = {}
        self.space = self.width(" ")

    def width(self, text: str) -> float:
        known = self._cache.get(text)
        if known is None:
            cw = self._cw
            known = self._cache[text] = sum(cw[ord(c)] for c in text) * self._scale
        return known

    def wrap(self, text: str, max_width: float) -> list[str]:
        """Lines of at most ``max_width``, broken between words (within a word only when the word
        alone is wider); the text's own line breaks are kept."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                width = self.width(word)
                if line and used + self.space + width <= max_width:
                    line, used = f"{line} {word}", used + self.space + width
                    continue
                if line:
                    lines.append(line)
                if width <= max_width:
                    line, used = word, width
                    continue
                pieces = self._break_word(word, max_width)
                lines.extend(pieces[:-1])
                line, used = pieces[-1], self.width(pieces[-1])
            lines.append(line)
        return lines

    def _break_word(self, word: str, max_width: float) -> list[str]:
        pieces, piece, used = [], "", 0.0
        for char in word:
            width = self.width(char)
            if piece and used + width > max_width:
                pieces.append(piece)
                piece, used = "", 0.0
            piece, used = piece + char, used + width
        pieces.append(piece)
        return pieces


def write_paragraph(pdf: FPDF, text: str, *, line_height: float, bullet: bool = False) -> None:
    """Wrapped lines at the left margin in the current font, onto new pages as needed; a bullet
    paragraph hangs its lines after the bullet."""
    measure = TextMeasure(pdf)
    indent = measure.width("•  ") if bullet else 0.0
    font_mm = pdf.font_size_pt / pdf.k
    for number, line in enumerate(measure.wrap(text, pdf.epw - indent)):
        if pdf.get_y() + line_height > pdf.page_break_trigger:
            pdf.add_page()
        baseline = pdf.get_y() + line_height / 2 + 0.3 * font_mm
        if bullet and number == 0:
            pdf.text(pdf.l_margin, baseline, "•")
        if line:
            pdf.text(pdf.l_margin + indent, baseline, line)
        pdf.set_xy(pdf.l_margin, pdf.get_y() + line_height)


class TableWriter:
    """Draws rows of wrapped cells at the current position, a header row on top of each page."""

    def __init__(
        self,
        pdf: FPDF,
        *,
        family: str,
        size_pt: float,
        widths: Sequence[float],
        header: Sequence[TableCell],
        line_height: float,
        padding: float = 1.0,
    ) -> None:
        self.pdf, self.family, self.size_pt = pdf, family, size_pt
        self.widths, self.header = tuple(widths), tuple(header)
        self.line_height, self.padding = line_height, padding
        self._measures: dict[bool, TextMeasure] = {}
        for bold in (True, False):  # regular last: the font left set
            self._font(bold)
            self._measures[bold] = TextMeasure(pdf)
        self._page_top = -1.0  # y just below the header on the current page

    def _font(self, bold: bool) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", self.size_pt)

    def _lines(self, row: Sequence[TableCell]) -> list[list[str]]:
        inner = [w - 2 * self.padding for w in self.widths]
        return [self._measures[c.bold].wrap(c.text, width) for c, width in zip(row, inner, strict=True)]

    def _height(self, lines: Sequence[Sequence[str]]) -> float:
        return max(len(cell) for cell in lines) * self.line_height + 2 * self.padding

    def _room(self) -> float:
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def write(self, rows: Iterable[Sequence[TableCell]]) -> None:
        header_lines = self._lines(self.header)
        if self._room() < self._height(header_lines) + self.line_height + 2 * self.padding:
            self.pdf.add_page()
        self._draw(self.header, header_lines, self._height(header_lines))
        self._page_top = self.pdf.get_y()
        for row in rows:
            self._write_row(row, self._lines(row))
        self.pdf.set_x(self.pdf.l_margin)

    def _new_page(self) -> None:
        self.pdf.add_page()
        lines = self._lines(self.header)
        self._draw(self.header, lines, self._height(lines))
        self._page_top = self.pdf.get_y()

    def _write_row(self, row: Sequence[TableCell], lines: list[list[str]]) -> None:
        while True:
            height = self._height(lines)
            if height <= self._room():
                self._draw(row, lines, height)
                return
            if self.pdf.get_y() > self._page_top:  # rows above it on this page: start a new one
                self._new_page()
                continue
            fit = max(1, int((self._room() - 2 * self.padding) // self.line_height))
            self._draw(row, [cell[:fit] for cell in lines], fit * self.line_height + 2 * self.padding)
            lines = [cell[fit:] or [""] for cell in lines]
            self._new_page()

    def _draw(self, row: Sequence[TableCell], lines: Sequence[Sequence[str]], height: float) -> None:
        pdf = self.pdf
        x, top = pdf.l_margin, pdf.get_y()
        font_mm = self.size_pt / pdf.k
        for cell, cell_lines, width in zip(row, lines, self.widths, strict=True):
            if cell.fill is not None:
                pdf.set_fill_color(*cell.fill)
                pdf.rect(x, top, width, height, style="DF")
            else:
                pdf.rect(x, top, width, height)
            if cell.bold:
                self._font(True)
            if cell.colour != BLACK:
                pdf.set_text_color(*cell.colour)
            for number, text in enumerate(cell_lines):
                if text:
                    baseline = (
                        top + self.padding + number * self.line_height + self.line_height / 2 + 0.3 * font_mm
                    )
                    pdf.text(x + self.padding, baseline, text)
            if cell.colour != BLACK:
                pdf.set_text_color(*BLACK)
            if cell.bold:
                self._font(False)
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
