"""File names people see in their downloads, the export formats, and the whole report as Markdown."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.documents import render_markdown
from core.export_files import export_title, file_name, render_export, slug
from core.progress import build_progress_report
from core.progress.text import COLUMNS
from storage.db import Database
from tests.core.progress_data import TZ, History, build_history


def test_file_names_say_what_when_and_whose() -> None:
    assert file_name("progress", date(2023, 2, 13), "docx") == "nextsteps-progress-2023-02-13.docx"
    assert (
        file_name("items", date(2023, 2, 13), "csv", party="Reference Group Chair — Sweden")
        == "nextsteps-items-reference-group-chair-sweden-2023-02-13.csv"
    )
    assert (
        file_name("items", date(2023, 2, 13), "csv", party="Türkiye")
        == "nextsteps-items-turkiye-2023-02-13.csv"
    )
    # a name in another script is spelt in Latin letters, so a chair's file never takes the
    # name of the secretariat's (everyone's) file
    everyone = file_name("items", date(2023, 2, 13), "csv")
    assert (
        file_name("items", date(2023, 2, 13), "csv", party="Україна")
        == "nextsteps-items-ukraina-2023-02-13.csv"
    )
    names = {
        name: file_name("progress", date(2023, 2, 13), "pdf", party=name)
        for name in ("Україна", "Ελλάδα", "საქართველო", "Հայաստան", "Србија", "Kırgızistan", "中国", "日本")
    }
    assert names["Ελλάδα"] == "nextsteps-progress-ellada-2023-02-13.pdf"
    assert names["საქართველო"] == "nextsteps-progress-sakartvelo-2023-02-13.pdf"
    assert names["Հայաստան"] == "nextsteps-progress-hayastan-2023-02-13.pdf"
    assert names["Kırgızistan"] == "nextsteps-progress-kirgizistan-2023-02-13.pdf"
    # a script with no Latin spelling here: "party-" and a short hash, one per name
    assert re.fullmatch(r"nextsteps-progress-party-[0-9a-f]{8}-2023-02-13\.pdf", names["中国"])
    assert len(set(names.values())) == len(names) and everyone not in names.values()


def test_slug_is_short_and_safe() -> None:
    assert slug("../../etc/passwd") == "etc-passwd"
    assert len(slug("A very long party name " * 5)) <= 32 and not slug("x" * 40 + " y").endswith("-")
    assert export_title(None) == "NextSteps" and export_title("Sweden") == "NextSteps — Sweden"


def test_an_unknown_format_is_refused() -> None:
    from core.export_files import ExportSource

    with pytest.raises(ValueError, match="pdf"):
        render_export(
            ExportSource(rows=[], next_meeting=None, party=None), "pdf", bot_username="b", title="t"
        )


@pytest.fixture
def history(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build_history(sqlite_database, monkeypatch)


def test_markdown_report_has_a_table_row_per_step_and_the_changes(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 4, 3), timezone=TZ, prepared_by="Ada"
        )
    text = render_markdown(report)
    lines = text.splitlines()
    assert lines[0] == f"# {report.title}"
    assert "| " + " | ".join(COLUMNS) + " |" in lines
    rows = [line for line in lines if line.startswith("| #")]
    assert len(rows) == len(report.rows) and all(line.count(" | ") == len(COLUMNS) - 1 for line in rows)
    assert "Україна, Türkiye" in text or "Türkiye, Україна" in text
    assert f"## Changes since {report.since_label}" in text
    assert "“as discussed”" in text  # verbatim, quotes kept
