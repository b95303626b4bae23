"""Tables in a report's text: Markdown pipe tables and AsciiDoc ``|===`` tables, read as rows of
named cells (the header row names the columns: Action, Owner/Responsible, Deadline/Due …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TEXT_COLUMN = re.compile(r"action|step|what|task|item|activit|description|follow", re.IGNORECASE)
_OWNER_COLUMN = re.compile(
    r"owner|responsib|who|lead|actor|assign|by whom|focal point|in charge|accountable", re.IGNORECASE
)
_DUE_COLUMN = re.compile(r"due|deadline|when|date|timeline|time ?frame|by when|target", re.IGNORECASE)


@dataclass
class Row:
    """One table row: the action's text and, when the table has such columns, owner and due."""

    text: str
    owner: str | None = None
    due: str | None = None
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


def _clean(cell: str) -> str:
    cell = re.sub(r"https?://\S+?\[([^\]]*)\]", r"\1", cell)
    cell = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", cell)
    cell = re.sub(r"\*\*|__|`", "", cell)
    return " ".join(cell.split())


def _rows(grid: list[list[str]]) -> list[Row]:
    """Rows named by the header row; a table without an action-like header gives no rows."""
    if len(grid) < 2:
        return []
    header = [_clean(c).lower() for c in grid[0]]
    text_at = next((i for i, h in enumerate(header) if _TEXT_COLUMN.search(h)), None)
    owner_at = next((i for i, h in enumerate(header) if _OWNER_COLUMN.search(h)), None)
    due_at = next((i for i, h in enumerate(header) if _DUE_COLUMN.search(h) and i != text_at), None)
    if text_at is None and owner_at is None:
        return []
    if text_at is None:
        text_at = next(i for i in range(len(header)) if i not in (owner_at, due_at))
    rows = []
    for cells in grid[1:]:
        cells = [_clean(c) for c in cells]
        if all(set(c) <= set("-: =") for c in cells):
            continue  # |---|---|
        text = cells[text_at] if text_at < len(cells) else ""
        if not text:
            continue

        def cell(at: int | None, cells: list[str] = cells) -> str | None:
            return cells[at] or None if at is not None and at < len(cells) else None

        rows.append(Row(text, cell(owner_at), cell(due_at), cells, header))
    return rows


FURNITURE = "\x00"  # a line of page furniture (a running header, a page number) that was dropped


def _asciidoc(lines: list[str], columns: int | None) -> list[list[str]]:
    """Cells grouped in rows: ``columns`` wide, else as wide as the first row written on one line
    ("| Action | Owner | Due"), else as the first group of lines up to a blank one."""
    cells: list[str] = []
    groups: list[list[str]] = [[]]
    first_line: list[str] = []
    for line in lines:
        if line == FURNITURE:
            continue
        stripped = line.strip()
        if not stripped:
            if groups[-1]:
                groups.append([])
            continue
        if stripped.startswith("|"):
            parts = [p.strip() for p in stripped[1:].split("|")]
            first_line = first_line or parts
            cells.extend(parts)
            groups[-1].extend(parts)
        elif cells:
            cells[-1] = f"{cells[-1]} {stripped}"
            groups[-1][-1] = f"{groups[-1][-1]} {stripped}"
    width = columns or (len(first_line) if len(first_line) > 1 else len(groups[0]) if groups[0] else 1)
    return [cells[i : i + width] for i in range(0, len(cells), width)]


def find_tables(lines: list[str]) -> list[tuple[int, int, list[Row]]]:
    """(first line, line after the table, rows) of each table, in order."""
    found: list[tuple[int, int, list[Row]]] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("|==="):
            end = next(
                (j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("|===")), len(lines)
            )
            columns = None
            for back in range(max(0, i - 3), i):
                if m := re.search(r'cols="?([^"\]]+)', lines[back]):
                    columns = len(m[1].split(","))
            found.append((i, min(end + 1, len(lines)), _rows(_asciidoc(lines[i + 1 : end], columns))))
            i = end + 1
            continue
        if stripped.startswith("|") and stripped.count("|") >= 3:
            end = i
            while end < len(lines) and (lines[end].strip().startswith("|") or lines[end] == FURNITURE):
                end += 1
            while lines[end - 1] == FURNITURE:
                end -= 1
            grid = [
                [c for c in line.strip().strip("|").split("|")] for line in lines[i:end] if line != FURNITURE
            ]
            if end - i >= 2:
                found.append((i, end, _rows(grid)))
                i = end
                continue
        i += 1
    return found
