"""A report's text -> blocks: headings, paragraphs, list items and table rows, in document order.

PDF and DOCX text comes broken: lines wrapped mid-sentence, page headers, footers and page
numbers in the middle of a list. Those are repaired here (repeated short lines and lone page
numbers dropped, wrapped lines re-joined), so the rest of the extraction reads whole paragraphs.
Every block knows the heading it sits under and the lead-in it continues ("The Commission:").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from core.extract.tables import Row, find_tables

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


def clean_lines(text: str) -> list[str]:
    """Lines without page furniture: lone page numbers, running headers and footers (short lines
    repeated at least three times outside tables), omission marks and AsciiDoc attributes."""
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
            kept.append("")
            continue
        if _PAGE_NUMBER.match(plain) or _OMISSION.match(plain) or _ADOC_ATTR.match(plain):
            kept.append("")
            continue
        if (
            counts[plain] >= 3
            and not _label(plain)[0]
            and not _MD_HEADING.match(plain)
            and not plain.endswith((":", ".", ";", ":—", ":-"))
        ):
            kept.append("")  # a running header or footer
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


def _paragraphs(lines: list[str]) -> list[tuple[str, int]]:
    """Logical lines: wrapped lines joined; (text, blank lines before it)."""
    out: list[tuple[str, int]] = []
    blanks = 0
    for raw in lines:
        line = _strip_markup(raw).strip()
        if not line:
            blanks += 1
            continue
        style, _, _ = _label(line)
        if out and not style and not _MD_HEADING.match(line) and not line.startswith("|"):
            previous, gap = out[-1]
            wrapped = not _END.search(previous) and not previous.startswith("|")
            starts_low = line[0].islower() or line[0] in "(,;"
            if wrapped and (
                (blanks == 0 and (starts_low or _JOINER.search(previous) or len(previous) >= 60))
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
    lines = clean_lines(text)
    tables = find_tables(lines)
    result: list[Block] = []
    heading_stack: list[str] = []
    heading_label = ""
    leads: list[tuple[str, str, str]] = []  # (style of the items it leads, text, label)
    last_kind = ""
    position = 0
    for start, end, rows in [*tables, (len(lines), len(lines), [])]:
        segment = _paragraphs(lines[position:start])
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
