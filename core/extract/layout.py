"""A report's text -> blocks: headings, paragraphs, list items and table rows, in document order.

PDF and DOCX text comes broken: lines wrapped mid-sentence, page headers, footers and page
numbers in the middle of a list. Those are repaired here (repeated short lines and lone page
numbers dropped, wrapped lines re-joined), so the rest of the extraction reads whole paragraphs.
A text hard-wrapped at a page width (a PDF's text layer, a mail wrapped at 72) is recognised by
its line lengths: there a full line continues on the next one unless it ends a sentence or the
next line starts a list item of its own, across the page furniture in between.
Every block knows the heading it sits under and the lead-in it continues ("The Commission:").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from core.extract.tables import FURNITURE, Row, find_tables

# list labels: 13. 13.2 101. 1) (a) (iv) a) i. — and bullets
_NUMBER = re.compile(r"^(?P<label>\d{1,5})[.)]\s+")
_MULTI = re.compile(r"^(?P<label>\d{1,4}(?:\.\d{1,4})+)\.?\s+")
_PAREN = re.compile(r"^\((?P<label>[a-z]{1,2}|[ivxlc]{1,6}|\d{1,4})\)\s+", re.IGNORECASE)
_CLOSE = re.compile(r"^(?P<label>[a-z]|[ivxlc]{1,6})[.)]\s+(?=\S)")
_UPPER = re.compile(r"^(?P<label>[IVXLC]{1,6}|[A-Z])\.\s+(?=[A-Z])")
_BULLET = re.compile(
    r"^(?:[-*•▪◦‣–—·●○■□➢►▸❖✓✔⁃∙⦁>+\uf0a7\uf0b7\uf0d8\uf076]|\*{1,3}|\.{1,3}(?=\s)|o(?=\s+[A-Z]))\s+"
)  # "\uf0b7" and friends: Word's Symbol-font bullets; "o": its second-level bullet
# action-point codes: "AP1:", "AP 2 -", "A3.", "AI-4 (Chair):"
_CODE = re.compile(
    r"^(?P<label>(?:AP|AI|A)[\s-]?\d{1,3}(?:\.\d{1,3})?)\s*(?:\((?P<who>[^()]{2,60})\))?\s*[:.)–—-]\s+(?=\S)"
)
_MD_HEADING = re.compile(r"^(?:#{1,6}|={1,6})\s+(?P<text>.+?)\s*#*$")
_BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*]{2,100})\*\*:?$")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*of\s*\d{1,4})?$|^page\s+\d+", re.IGNORECASE
)
_PAGE_OF = re.compile(r"^(?:\S+\s+)?(\d{1,4})\s*/\s*(\d{1,4})$")  # "3/20", "25-07634 3/20"
_OMISSION = re.compile(r"^\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*$")
_ADOC_ATTR = re.compile(r"^(?::[\w-]+:.*|\[[^\]]*\]|//.*)$")
_END = re.compile(r"[.;:!?…)\]”\"'’]$|:[-—–]$")
_JOINER = re.compile(
    r"\b(?:the|a|an|of|to|and|or|by|for|in|on|at|with|from|that|which|its|their|his|her|as|is|are|"
    r"was|were|be|will|shall|should|would|may|this|these|those|into|under|between|among)$",
    re.IGNORECASE,
)


@dataclass
class Block:
    """One paragraph, list item, heading or table row, with where it sits in the document."""

    kind: str  # "heading" | "para" | "item" | "row"
    text: str
    label: str = ""  # the item's own number or letter as written ("13", "(a)", "iv"), "" for bullets
    style: str = ""  # "num", "multi", "paren-alpha", "alpha", "roman", "upper", "bullet"
    heading: str = ""  # the heading(s) this block sits under, innermost last
    heading_label: str = ""  # the nearest numbered heading or paragraph ("13", "56/101")
    lead: str = ""  # the lead-in this item continues ("The Statistical Commission:")
    lead_label: str = ""
    row: Row | None = None
    index: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def _strip_markup(line: str) -> str:
    line = re.sub(r"https?://\S+?\[([^\]]*)\]", r"\1", line)  # AsciiDoc link[text]
    line = re.sub(r"\[([^\]]+)\]\((?:https?://|#)[^)]*\)", r"\1", line)  # Markdown [text](url)
    line = re.sub(r"\*\*|__", "", line)
    return line.replace("\u00ad", "").replace("\u00a0", " ")


def _label(line: str) -> tuple[str, str, str]:
    """(style, label, rest) of a list item line, or ("", "", line)."""
    for style, pattern in (
        ("multi", _MULTI),
        ("num", _NUMBER),
        ("paren", _PAREN),
        ("close", _CLOSE),
        ("upper", _UPPER),
    ):
        if m := pattern.match(line):
            rest = line[m.end() :].strip()
            if not rest:
                break
            label = m["label"]
            if style in ("paren", "close"):
                style += "-roman" if re.fullmatch(r"[ivxlc]+", label, re.IGNORECASE) and label != "c" else ""
            return style, label, rest
    if m := _CODE.match(line):
        rest = line[m.end() :].strip()
        return "code", " ".join(m["label"].split()), f"{rest} ({m['who']})" if m["who"] else rest
    if m := _BULLET.match(line):
        rest = line[m.end() :].strip()
        if rest:
            return "bullet", "", rest
    return "", "", line


def clean_lines(text: str, *, mark: str = "") -> list[str]:
    """Lines without page furniture: lone page numbers, running headers and footers (short lines
    repeated at least three times outside tables), omission marks and AsciiDoc attributes; each
    dropped line is left as ``mark`` (a blank line by default), so line numbers stay."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    counts = Counter(
        line.strip()
        for line in lines
        if line.strip() and len(line.strip()) <= 80 and not line.lstrip().startswith("|")
    )
    # "3/20" … "4/20" is a page footer (one total, many pages); "56/101", "56/102" are decisions
    totals = Counter(m[2] for line in lines if (m := _PAGE_OF.match(line.strip())))
    kept: list[str] = []
    for line in lines:
        plain = line.strip()
        if (m := _PAGE_OF.match(plain)) and totals[m[2]] >= 2:
            kept.append(mark)
            continue
        if _PAGE_NUMBER.match(plain):
            kept.append(mark)
            continue
        if _OMISSION.match(plain) or _ADOC_ATTR.match(plain):
            kept.append("")
            continue
        if (
            counts[plain] >= 3
            and not _label(plain)[0]
            and not _MD_HEADING.match(plain)
            and not plain.endswith((":", ".", ";", ":—", ":-"))
        ):
            kept.append(mark)  # a running header or footer
            continue
        kept.append(line)
    return kept


def _is_heading_text(text: str) -> bool:
    words = text.split()
    return (
        0 < len(text) <= 90
        and len(words) <= 14
        and not _END.search(text)
        and (text[0].isupper() or text[0].isdigit())
        and not re.search(r"\b(?:will|shall|should|must)\b", text)
    )


def wrap_width(lines: list[str]) -> int | None:
    """The width (in characters) a hard-wrapped text was broken at, or None for a text whose lines
    are paragraphs: many lines near one longest length, most of those broken mid-sentence, and
    hardly any beyond it."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip() and line != FURNITURE)
    if len(lengths) < 10:
        return None
    width = lengths[max(0, math.ceil(len(lengths) * 0.98) - 1)]
    if width < 40 or width > 200:
        return None
    near = [line for line in lines if line != FURNITURE and 0.8 * width <= len(line.strip()) <= 1.05 * width]
    broken = sum(1 for line in near if not _END.search(line.strip()))  # broken mid-sentence
    beyond = sum(1 for n in lengths if n > 1.1 * width)
    if len(near) < 0.2 * len(lengths) or broken < 0.5 * len(near) or beyond > 0.01 * len(lengths):
        return None
    return width


_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"]


def _previous_label(label: str) -> str | None:
    """The label before this one in its list ("3" -> "2", "c" -> "b", "iv" -> "iii"), or None."""
    if label.isdigit():
        return str(int(label) - 1) if int(label) > 1 else None
    if label.lower() in _ROMAN[1:]:
        previous = _ROMAN[_ROMAN.index(label.lower()) - 1]
        return previous.upper() if label.isupper() else previous
    if len(label) == 1 and label.isalpha() and label.lower() != "a":
        return chr(ord(label) - 1)
    return None


def _continues_inline_list(paragraph: str, line: str) -> bool:
    """A wrapped line that starts with the next label of a list written inline in the paragraph
    ("… which entails: (i) conducting …; " + "(ii) convening …")."""
    if not (m := re.match(r"^(\(?)([a-zA-Z]{1,4}|\d{1,3})([.)])\s", line)):
        return False
    opening, label, closing = m.groups()
    previous = _previous_label(label)
    if previous is None:
        return False
    return bool(re.search(r"\s" + re.escape(f"{opening}{previous}{closing}") + r"\s", paragraph))


def _wrapped_on(previous: str, last_line: str, line: str, width: int) -> bool:
    """In a hard-wrapped text, does ``line`` continue the paragraph whose last line is ``last_line``?
    Only a full line can have been broken by the wrap; then the next line continues it unless the
    line ended a sentence (or a clause, with ";") before a capital, or the next one starts a list
    item of its own."""
    first_word = line.split()[0]
    if len(last_line) < 0.75 * width or len(last_line) + 1 + len(first_word) < 0.9 * width:
        return False  # room for the next word: the line was ended on purpose
    if previous.startswith("|") or line.startswith("|") or _MD_HEADING.match(line):
        return False
    if re.search(r"[.!?;][\"')\]”’]?$", last_line) and (line[0].isupper() or line[0].isdigit()):
        return False
    style = _label(line)[0]
    if style == "bullet":
        return False
    if style:
        return _continues_inline_list(previous, line) or not _END.search(last_line)
    return True


def _paragraphs(lines: list[str], width: int | None = None) -> list[tuple[str, int]]:
    """Logical lines: wrapped lines joined; (text, blank lines before it). ``width``: the width a
    hard-wrapped text was broken at (``wrap_width``); page furniture between its lines is skipped."""
    out: list[tuple[str, int]] = []
    blanks = 0
    last_line = ""
    for raw in lines:
        if raw == FURNITURE:
            if width is None:
                blanks += 1
            continue
        line = _strip_markup(raw).strip()
        if not line:
            blanks += 1
            continue
        if out and width and blanks == 0 and _wrapped_on(out[-1][0], last_line, line, width):
            out[-1] = (f"{out[-1][0]} {line}", out[-1][1])
            last_line = line
            continue
        last_line = line
        style, _, _ = _label(line)
        if out and not style and not _MD_HEADING.match(line) and not line.startswith("|"):
            previous, gap = out[-1]
            wrapped = not _END.search(previous) and not previous.startswith("|")
            starts_low = line[0].islower() or line[0] in "(,;"
            long_line = len(previous) >= 60 if width is None else False  # a wrapped text: _wrapped_on
            if wrapped and (
                (blanks == 0 and (starts_low or _JOINER.search(previous) or long_line))
                or (blanks > 0 and starts_low and _JOINER.search(previous))
                or (blanks > 0 and starts_low and len(previous) >= 60)
            ):
                out[-1] = (f"{previous} {line}", gap)
                blanks = 0
                continue
        out.append((line, blanks))
        blanks = 0
    return out


def blocks(text: str) -> list[Block]:
    """The report as blocks, tables first taken out whole."""
    lines = clean_lines(text, mark=FURNITURE)
    width = wrap_width(lines)
    tables = find_tables(lines)
    result: list[Block] = []
    heading_stack: list[str] = []
    heading_label = ""
    leads: list[tuple[str, str, str]] = []  # (style of the items it leads, text, label)
    last_kind = ""
    position = 0
    for start, end, rows in [*tables, (len(lines), len(lines), [])]:
        segment = _paragraphs(lines[position:start], width)
        for i, (line, gap) in enumerate(segment):
            if m := (_MD_HEADING.match(line) or _BOLD_LINE.match(line)):
                title = m["text"].strip().rstrip(":")
                heading_stack = (
                    [title] if line.startswith(("# ", "= ", "== ")) else [*heading_stack[-1:], title]
                )
                num = re.match(r"^(\d{1,4}(?:\.\d{1,4})*)\.?\s", title)
                heading_label = num[1] if num else ""
                result.append(Block("heading", title, heading=" / ".join(heading_stack)))
                leads, last_kind = [], "heading"
                continue
            style, label, rest = _label(line)
            following = segment[i + 1][0] if i + 1 < len(segment) else ""
            next_style = _label(following)[0] if following else ""
            plain_heading = _is_heading_text(line) and (
                not style or style in ("upper", "multi") or (style == "num" and next_style != style)
            )
            if plain_heading and style == "num" and len(rest.split()) > 6:
                plain_heading = False
            if plain_heading:
                title = line.rstrip(":")
                if last_kind == "heading" and gap <= 1 and heading_stack:
                    heading_stack[-1] = f"{heading_stack[-1]} / {title}"
                else:
                    heading_stack = [title]
                if num := re.match(
                    r"^(?:(?:decision|resolution|recommendation|item)\s+)?"
                    r"(\d{1,4}(?:\.\d{1,4})*|\d{1,4}/\d{1,4})[.:]?(?:\s|$)",
                    title,
                    re.IGNORECASE,
                ):
                    heading_label = num[1]
                elif not (last_kind == "heading" and gap <= 1):
                    heading_label = ""
                result.append(Block("heading", title, heading=" / ".join(heading_stack)))
                leads, last_kind = [], "heading"
                continue
            kind = "item" if style else "para"
            if kind == "para":
                leads = []
            elif any(entry[0] == style for entry in leads):
                while leads and leads.pop()[0] != style:
                    pass  # back to the lead-in this item is a sibling of
            lead = " ".join(entry[1] for entry in leads)
            lead_label = next((entry[2] for entry in reversed(leads) if entry[2]), "")
            block = Block(
                kind,
                rest,
                label=label,
                style=style,
                heading=" / ".join(heading_stack),
                heading_label=heading_label,
                lead=lead,
                lead_label=lead_label,
            )
            result.append(block)
            last_kind = kind
            if style == "num" and not leads:
                heading_label = label
            if re.search(r":\s*[-—–]?\s*$", rest):
                leads.append((style or "para", rest, label or heading_label))
        for row in rows:
            result.append(
                Block(
                    "row", row.text, heading=" / ".join(heading_stack), heading_label=heading_label, row=row
                )
            )
        if rows:
            last_kind = "row"
        position = end
    for index, block in enumerate(result):
        block.index = index
    return result
