"""Score the report import on a corpus of real reports: recall, precision, deadlines, owners, header.

    .venv/bin/python bench/score_reports.py [--dir ../shared/reports/dev] [--verbose] [--pdf]

``--pdf`` also scores each report as a PDF would come: the text laid out by
``tests.report_files.pdf_with_page_furniture`` (lines hard-wrapped at the page width, a running
header and a page number on every page), read back through ``core.reports.read_report`` as an
import reads an uploaded PDF. Characters the PDF's core font can't draw are replaced first (dashes,
quotes, bullets) and blank lines dropped (a PDF's text layer has none). The PDF figures are printed
under the text ones, per report and overall, so the PDF path is watched too.

Each ``NN-*.txt`` has an ``NN-*.expected.json`` (meeting name/date/place and the items a careful
officer would track: text, owners, deadline_phrase, due, relative_to). The text is run through
``core.reports.parse_report`` exactly as an import would (an empty SQLite database: no known
parties, so every owner is reported as written).

Definitions (fixed; change them only on purpose, the figures are compared over time):
- Words: lower-case runs of letters/digits longer than 2 characters, as sets.
- A found step matches an expected item when the found text covers >= 80% of the expected words
  and the expected words are >= 40% of the found ones (the found text is at most ~2.5x longer).
  Pairs are matched one-to-one, best overlap first.
- recall = matched / expected; precision = matched / found.
- Deadline right (over matched pairs): the found due date equals the expected ``due``; or the
  expected due is null, ``relative_to`` is "next meeting" and the found deadline is meeting-linked;
  or both have no date and the found one is not meeting-linked.
- Owners right (over matched pairs): with expected owners, every expected owner is matched by a
  found owner (known party or as written; names compared as ``core.parties.normalise_name`` word
  sets, one containing the other); with none expected, none found.
- Header: name right when >= 50% of the expected name's words are in the found name, or the found
  name has >= 3 words and >= 80% of them are in the expected name (a shorter but faithful name, as
  the title block writes it: the officer's name may add the parent body); date right when equal;
  place right when one contains the other's first word (null == null).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.errors import BadInput  # noqa: E402
from core.parties import normalise_name  # noqa: E402
from core.reports import ReportDraft, StepDraft, parse_report, read_report  # noqa: E402
from storage.db import Database  # noqa: E402

DEFAULT_DIR = (ROOT / ".." / "shared" / "reports" / "dev").resolve()
COVER = 0.8
SHARE = 0.4


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def overlap(expected: str, found: str) -> float:
    """0 unless the pair matches; else how well (for best-first one-to-one matching)."""
    e, f = words(expected), words(found)
    if not e or not f:
        return 0.0
    common = len(e & f)
    cover, share = common / len(e), common / len(f)
    return cover + share if cover >= COVER and share >= SHARE else 0.0


def owner_matches(expected: str, found: str) -> bool:
    e, f = set(normalise_name(expected).split()), set(normalise_name(found).split())
    return bool(e and f) and (e <= f or f <= e)


def found_owners(step: StepDraft) -> list[str]:
    return [p.name for p in step.owners] + list(step.unknown_owners)


def deadline_right(item: dict[str, object], step: StepDraft) -> bool:
    d = step.deadline
    due = d.due_date.isoformat() if d and d.due_date else None
    linked = bool(d and d.meeting_linked)
    if item["due"] is not None:
        return due == item["due"]
    if item.get("relative_to") == "next meeting":
        return linked
    return due is None and not linked


def owners_right(item: dict[str, object], step: StepDraft) -> bool:
    expected = [str(o) for o in item["owners"]]  # type: ignore[attr-defined]
    found = found_owners(step)
    if not expected:
        return not found
    return all(any(owner_matches(e, f) for f in found) for e in expected)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    deadlines: int = 0
    owners: int = 0
    header: int = 0
    header_total: int = 0

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, label: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f}%" if b else "    -"

        return (
            f"{label:<58} exp {self.expected:3} found {self.found:3} match {self.matched:3} | "
            f"recall {pct(self.matched, self.expected)} precision {pct(self.matched, self.found)} "
            f"deadlines {pct(self.deadlines, self.matched)} owners {pct(self.owners, self.matched)} "
            f"header {self.header}/{self.header_total}"
        )


def header_score(meeting: dict[str, object], draft: ReportDraft) -> tuple[int, list[str]]:
    right, notes = 0, []
    name_words = words(str(meeting.get("name") or ""))
    found_words = words(draft.meeting_name or "")
    common = len(name_words & found_words)
    if name_words and (
        common / len(name_words) >= 0.5 or (len(found_words) >= 3 and common / len(found_words) >= 0.8)
    ):
        right += 1
    else:
        notes.append(f"name {draft.meeting_name!r}")
    found_date = draft.meeting_date.isoformat() if draft.meeting_date else None
    if found_date == meeting.get("date"):
        right += 1
    else:
        notes.append(f"date {found_date}")
    place, found_place = meeting.get("place"), draft.place
    if (place is None and found_place is None) or (
        place
        and found_place
        and (
            normalise_name(str(place)).split()[0] in normalise_name(found_place)
            or normalise_name(found_place).split()[0] in normalise_name(str(place))
        )
    ):
        right += 1
    else:
        notes.append(f"place {found_place!r}")
    return right, notes


_PDF_SAFE = str.maketrans(
    {"•": "-", "▪": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "£": "GBP "}
)


def as_pdf_text(stem: str, text: str) -> str:
    """The text an import reads from ``text`` sent as a PDF with page furniture (deterministic)."""
    from tests.report_files import pdf_with_page_furniture

    safe = unicodedata.normalize("NFKD", text.translate(_PDF_SAFE))
    safe = "".join(c for c in safe if not unicodedata.combining(c))  # "é" -> "e"
    safe = safe.encode("latin-1", "replace").decode("latin-1")
    lines = [line for line in safe.splitlines() if line.strip()]
    pdf = pdf_with_page_furniture(lines[0], lines[1:], furniture=f"{stem[:20].upper()} - page header")
    return read_report("report.pdf", pdf)


def score_report(db: Database, text: str, expected: dict[str, object], verbose: bool) -> Score:
    items: list[dict[str, object]] = expected["items"]  # type: ignore[assignment]
    score = Score(expected=len(items), header_total=3)
    try:
        with db.session() as session:
            draft = parse_report(session=session, text=text, today=date(2000, 1, 1))
    except BadInput as exc:
        print(f"    refused: {exc}")
        return score
    score.found = len(draft.steps)
    pairs = sorted(
        (
            (overlap(str(item["text"]), step.text), i, j)
            for i, item in enumerate(items)
            for j, step in enumerate(draft.steps)
        ),
        reverse=True,
    )
    used_items: set[int] = set()
    used_steps: set[int] = set()
    for value, i, j in pairs:
        if value <= 0 or i in used_items or j in used_steps:
            continue
        used_items.add(i)
        used_steps.add(j)
        item, step = items[i], draft.steps[j]
        score.matched += 1
        ok_deadline, ok_owners = deadline_right(item, step), owners_right(item, step)
        score.deadlines += ok_deadline
        score.owners += ok_owners
        if verbose and not (ok_deadline and ok_owners):
            print(f"    ~ {step.ref} {step.text[:70]!r}")
            if not ok_deadline:
                print(
                    f"        deadline: found {step.deadline} / "
                    f"expected {item['due']} {item.get('relative_to')}"
                )
            if not ok_owners:
                print(f"        owners: found {found_owners(step)} / expected {item['owners']}")
    score.header, notes = header_score(expected["meeting"], draft)  # type: ignore[arg-type]
    if verbose:
        print(f"    read: name {draft.meeting_name!r} · date {draft.meeting_date} · place {draft.place!r}")
        for i, item in enumerate(items):
            if i not in used_items:
                print(f"    - missed: {str(item['text'])[:100]!r}")
        for j, step in enumerate(draft.steps):
            if j not in used_steps:
                print(f"    + extra {step.ref} ({step.confidence}, {step.why}): {step.text[:90]!r}")
        if notes:
            print(f"    header: {', '.join(notes)}")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--pdf", action="store_true", help="also score each report laid out as a PDF")
    args = parser.parse_args()
    reports = sorted(p for p in args.dir.glob("*.txt") if p.with_suffix(".expected.json").exists())
    if not reports:
        sys.exit(f"No reports with .expected.json in {args.dir}")
    total, total_pdf = Score(), Score()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/score.sqlite")
        db.migrate()
        for path in reports:
            expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
            text = path.read_text(encoding="utf-8")
            if args.verbose:
                print(path.name)
            score = score_report(db, text, expected, args.verbose)
            print(score.line(path.stem[:58]))
            total.add(score)
            if args.pdf:
                if args.verbose:
                    print(f"{path.stem} as PDF")
                pdf_score = score_report(db, as_pdf_text(path.stem, text), expected, args.verbose)
                print(pdf_score.line(f"{path.stem[:52]} [pdf]"))
                total_pdf.add(pdf_score)
        db.dispose()
    print(total.line("OVERALL"))
    if args.pdf:
        print(total_pdf.line("OVERALL [pdf]"))


if __name__ == "__main__":
    main()
