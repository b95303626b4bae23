"""Reading report files within budgets: size, unzipped size, pages, characters, time."""

from __future__ import annotations

import time

import pytest

from core import limits
from core.errors import BadInput
from core.report_files import read_report
from tests.report_files import docx_with_body, long_pdf, small_docx


def test_a_small_docx_is_read_in_a_child_process() -> None:
    assert "Sweden will share the draft" in read_report("r.docx", small_docx())


def test_a_zip_bomb_is_refused_from_what_it_declares() -> None:
    bomb = docx_with_body(60)
    assert len(bomb) < 1024 * 1024  # a few hundred KB that unpack to 60 MB
    started = time.monotonic()
    with pytest.raises(BadInput, match=r"That DOCX unpacks to 6\d MB \(at most 20 MB\)"):
        read_report("bomb.docx", bomb)
    assert time.monotonic() - started < 5


def test_a_2000_page_pdf_is_refused_by_its_page_count() -> None:
    with pytest.raises(BadInput, match=r"That PDF has 2,000 pages; I read at most 300\."):
        read_report("long.pdf", long_pdf(2000))


def test_a_pdf_within_the_page_budget_is_read() -> None:
    text = read_report("ok.pdf", long_pdf(limits.REPORT_PAGES))
    assert text.count("Sweden will report by 2027") == limits.REPORT_PAGES


def test_a_read_past_the_time_budget_is_stopped() -> None:
    slow = docx_with_body(18)  # under the unzipped budget, but slow to parse
    started = time.monotonic()
    with pytest.raises(BadInput, match=r"Reading that file took too long \(over 1\.5 seconds\)"):
        read_report("slow.docx", slow, seconds=1.5)
    assert time.monotonic() - started < 4


def test_text_past_the_character_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "REPORT_CHARS", 1000)
    with pytest.raises(BadInput, match="too long to read"):
        read_report("long.txt", b"Next steps\n" + b"x" * 1000)
    assert read_report("short.txt", b"Next steps\n" + b"x" * 900)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not a zip", "can't open that DOCX"),
        ("broken.pdf", b"%PDF-1.4 nonsense", "PDF"),
        ("empty.docx", b"   ", "empty"),
    ],
)
def test_broken_files_get_a_clear_reply(name: str, content: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        read_report(name, content)
