"""The import preview rendered in Russian and Turkish, the reasons a step was taken, and the
import's errors in the reader's language (no bot, no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.limits import CALLBACK_DATA_MAX_BYTES, MESSAGE_TEXT_LIMIT
from bot.render import visible_length
from bot.render_imports import MAX_PAGE_MESSAGES, layout, page, party_chooser, step_card, summary
from core.deadlines import parse_deadline
from core.errors import BadInput
from core.extract import extract
from core.extract.reasons import REASONS, Reason
from core.i18n import ENGLISH, translator
from core.import_previews import Preview, StepsWithoutOwner
from core.report_files import read_report, too_big
from core.reports import ReportDraft, StepDraft, StepError
from storage.models import ImportPreview, Party
from tests.english import assert_no_english

REPORT = (
    "Working Group Meeting\nDate: 14 March 2024\n\nNext steps\n"
    "1. Sweden will draft the concept note by May 2024.\n"
    "2. Circulate the agenda.\n"
)
DECISIONS = (
    "Working Group Meeting\nDate: 14 March 2024\n\nDecisions\n"
    "The Working Group decided to organise a workshop on data quality by 30 June 2024.\n"
    "The Secretariat will circulate the draft report to all members.\n"
)
RU, TR = translator("ru"), translator("tr")


def _preview(steps: int, *, long_text: bool = False, dated: bool = True) -> Preview:
    sweden = Party(id=1, name="Reference Group Chair — Sweden", aliases=["Sweden"])
    text = "Sweden will prepare the background paper on regional cooperation and data sharing " * (
        4 if long_text else 1
    )
    drafts = [
        StepDraft(
            key=str(n),
            ref=f"§{n}",
            text=f"{text.strip()} number {n}.",
            owners=[sweden] if n % 3 else [],
            unknown_owners=["Ministry of Magic"] if n % 3 == 0 else [],
            deadline=parse_deadline("by May 2024", today=date(2024, 3, 14), meeting_margin_days=14),
            deadline_phrase="by May 2024",
            confidence=0.5 if n % 4 == 0 else 0.9,
            reasons=[Reason("section", {"heading": "Next steps"}), Reason("owner")],
            why="in 'Next steps' section; owner",
        )
        for n in range(1, steps + 1)
    ]
    draft = ReportDraft("Working Group Meeting", date(2024, 3, 14) if dated else None, "Geneva", drafts)
    row = ImportPreview(
        token="0123abcd",
        chat_id=1,
        member_id=1,
        draft={},
        messages={},
        created_at=datetime(2024, 3, 14),
        expires_at=datetime(2024, 3, 15),
    )
    return Preview(row=row, draft=draft, dropped={"2"} if steps > 1 else set())


VERBATIM = [
    "Working Group Meeting",
    "Geneva",
    "Reference Group Chair — Sweden",
    "Ministry of Magic",
    "by May 2024",
    "Next steps",
]


def _check(text: str, markup: object, verbatim: list[str]) -> None:
    assert visible_length(text) <= MESSAGE_TEXT_LIMIT
    rows = getattr(markup, "inline_keyboard", ()) if markup is not None else ()
    for row in rows:
        for button in row:
            assert len((button.callback_data or "").encode()) <= CALLBACK_DATA_MAX_BYTES
    labels = [b.text for row in rows for b in row]
    assert_no_english("\n".join([text, *labels]), verbatim)


@pytest.mark.parametrize("lang", ["ru", "tr"])
def test_every_part_of_a_long_preview_is_translated_and_within_limits(lang: str) -> None:
    preview = _preview(230, long_text=True)
    steps = [s.text for s in preview.draft.steps]
    shortened = [t[:w] for t in steps for w in range(30, 301)]  # the page cuts a long step at a word
    verbatim = [*VERBATIM, *steps, *shortened, *(s.ref for s in preview.draft.steps)]
    pages = layout(preview, lang)
    assert len(pages) > MAX_PAGE_MESSAGES  # one message with ◀ ▶
    _check(*summary(preview, lang), verbatim)
    for number in range(len(pages)):
        text, markup = page(preview, pages, number, paged=True, lang=lang)
        _check(text, markup, verbatim)
    _check(*step_card(preview, "3", ["Ministry of Magic"], lang), verbatim)
    _check(*step_card(preview, "2", ["Ministry of Magic"], lang), verbatim)
    _check(*party_chooser(preview, ["Ministry of Magic"], lang), verbatim)


def test_the_preview_reads_in_russian() -> None:
    preview = _preview(12)
    text, markup = summary(preview, "ru")
    assert "📅 14 марта 2024\u202fг. · Geneva" in text
    # ngettext: 11 шагов, 4 без ответственного, 3 сомнительных, 1 исключён
    assert "<b>11</b> шагов к импорту, 4 без ответственного, 3 сомнительных ⚠️, 1 исключён." in text
    assert "Новые стороны в отчёте: Ministry of Magic." in text
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["✅ Импортировать 11", "✖ Отмена", "📅 Дата", "📝 Название", "➕ Новые стороны (1)"]
    one = summary(_preview(1), "ru")[0]
    assert "<b>1</b> шаг к импорту." in one
    undated = summary(_preview(1, dated=False), "ru")[0]
    assert "⚠️ <b>Дата совещания не найдена.</b>" in undated

    pages = layout(preview, "ru")
    text, _ = page(preview, pages, 0, paged=True, lang="ru")
    assert text.startswith("<i>Шаги 1–12 из 12</i>")
    assert "⏰ 31 мая 2024\u202fг. («by May 2024»)" in text
    assert "<s><b>2</b> · Sweden will prepare" in text and "</s> — исключён" in text
    assert "👥 ⚠️ пока не сторона: «Ministry of Magic» (✏️ — добавить)" in text
    assert "⚠️ <i>в разделе «Next steps»; ответственный</i>" in text  # step 4 is doubtful: why, translated

    card, markup = step_card(preview, "3", ["Ministry of Magic"], "ru")
    assert card.startswith("<b>Шаг 3</b> · §3\n")
    assert card.endswith(
        "<i>Найден по признакам: в разделе «Next steps»; ответственный (уверенность 90%)</i>"
    )
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["👥 Ответственные", "⏰ Срок", "✖ Исключить", "➕ Добавить сторону «Ministry of Magic»"]

    chooser, _ = party_chooser(preview, ["Ministry of Magic"], "ru")
    assert "1. «Ministry of Magic» — шаги 3, 6, 9, 12" in chooser


def test_the_preview_reads_in_turkish() -> None:
    preview = _preview(12)
    text, _ = summary(preview, "tr")
    assert "içe aktarılacak <b>11</b> adım, 4 sorumlusuz, 3 şüpheli ⚠️, 1 çıkarıldı." in text
    card, _ = step_card(preview, "1", [], "tr")
    assert "⏰ 31 Mayıs 2024 (“by May 2024”)" in card
    assert card.endswith("<i>Bulunma nedeni: “Next steps” bölümünde; sorumlu (güven %90)</i>")


def test_english_is_what_it_was() -> None:
    preview = _preview(12)
    text, _ = summary(preview)
    assert "<b>11</b> steps to import, 4 without an owner, 3 doubtful ⚠️, 1 dropped." in text
    card, _ = step_card(preview, "1", [])
    assert card.endswith("<i>Found because: in &#x27;Next steps&#x27; section; owner (90% sure)</i>")
    assert "⏰ 31 May 2024 (“by May 2024”)" in card


def test_reasons_are_codes_with_the_documents_words() -> None:
    section = extract(REPORT).actions
    assert [a.why for a in section] == ["in 'Next steps' section; owner", "in 'Next steps' section"]
    assert [r.translated(RU) for r in section[0].reasons] == ["в разделе «Next steps»", "ответственный"]
    decided, will = extract(DECISIONS).actions
    assert [a.reasons for a in extract(DECISIONS).actions] == [decided.reasons, will.reasons]  # deterministic
    assert all(r.code in REASONS for a in (*section, decided, will) for r in a.reasons)
    assert decided.why == "under 'Decisions'; 'decided to organise'; deadline"  # the English, as before
    ru = "; ".join(r.translated(RU) for r in decided.reasons)
    assert ru == "под заголовком «Decisions»; «decided to organise»; срок"  # quotes stay as written
    tr = "; ".join(r.translated(TR) for r in decided.reasons)
    assert tr == "“Decisions” başlığı altında; “decided to organise”; son tarih"
    assert will.why == "under 'Decisions'; 'will' + owner"
    assert (
        "; ".join(r.translated(RU) for r in will.reasons)
        == "под заголовком «Decisions»; «will» + ответственный"
    )


def test_every_reason_is_translated_and_numbers_read_locally() -> None:
    for code, message in REASONS.items():
        for tr in (RU, TR):
            assert tr.gettext(message) != message, (tr.lang, code)
    shortened = Reason("shortened", {"chars": 12345})
    assert str(shortened) == "shortened from 12,345 characters: check it against the report"
    assert shortened.translated(RU) == "сокращено (символов в оригинале: 12\xa0345): сверьте с отчётом"
    assert Reason.from_json(shortened.to_json()) == shortened
    assert Reason("a code from a newer version").translated(RU) == "a code from a newer version"


def test_import_errors_carry_message_ids_translated_where_shown() -> None:
    assert too_big(1024 * 1024).translated(RU) == "Файл слишком большой (не более 1 МБ)."
    assert str(too_big(1024 * 1024)) == "That file is too big (max 1 MB)."
    with pytest.raises(BadInput) as broken:  # read in a child process: the id and parameters come back
        read_report("minutes.docx", b"not a zip at all")
    assert broken.value.translated(TR) == "Bu DOCX dosyası açılamıyor."
    for count, expected in ((1, "1 шаг без"), (3, "3 шага без"), (5, "5 шагов без")):
        error = StepsWithoutOwner(count, "3", "3")
        assert error.translated(RU).startswith(expected)
        english = "1 step has" if count == 1 else f"{count} steps have"
        assert str(error).startswith(f"{english} no owner: 3.")
    assert StepsWithoutOwner(2, "1, 2", "1").translated(ENGLISH) == str(StepsWithoutOwner(2, "1, 2", "1"))
    nested = StepError("§4", BadInput("There is no step {key} in this import.", key="9"))
    assert nested.translated(RU) == "Шаг §4: В этом импорте нет шага 9."
    assert str(nested) == "Step §4: There is no step 9 in this import."
