from __future__ import annotations

from datetime import date

from bot.emulator.html_entities import parse_html
from bot.limits import MESSAGE_TEXT_LIMIT
from bot.render import esc, item_line, items_messages, split_messages, visible_length
from core.items import ItemCard
from storage.models import Item, Party, Precision, Status


def card(number: int, text: str, owners: list[str] | None = None, **fields: object) -> ItemCard:
    item = Item(id=number, text=text, status=Status.OPEN, **fields)  # type: ignore[arg-type]
    return ItemCard(item=item, owners=[Party(id=i, name=n) for i, n in enumerate(owners or ["Sweden"])])


def test_every_interpolated_value_is_escaped() -> None:
    hostile = card(1, "<script>alert(1)</script> & <b>", owners=["A&B <Co>"], due_text="<soon>")
    html = item_line(hostile, date(2026, 1, 1), "nextsteps_bot")
    plain, _ = parse_html(html)  # Telegram would refuse it if anything leaked
    assert "<script>alert(1)</script> & <b>" in plain and "A&B <Co>" in plain and "<soon>" in plain


def test_visible_length_counts_utf16_after_entities() -> None:
    assert visible_length("<b>a&amp;b</b>") == 3
    assert visible_length("😀") == 2


def test_split_keeps_blocks_whole_and_under_the_limit() -> None:
    blocks = [f"<b>#{n}</b> " + esc("x & y " * 60) for n in range(100)]
    messages = split_messages(blocks, header="<b>Items</b>")
    assert len(messages) > 1
    for message in messages:
        assert visible_length(message) <= MESSAGE_TEXT_LIMIT
        parse_html(message)
    joined = "\n\n".join(messages)
    for n in range(100):
        assert joined.count(f"<b>#{n}</b> ") == 1


def test_list_shows_written_and_resolved_deadline_and_overdue() -> None:
    c = card(
        3, "Do it", due_text="until early 2023", due_date=date(2023, 4, 30), due_precision=Precision.PERIOD
    )
    messages = items_messages([c], "Open items", date(2023, 5, 2), "nextsteps_bot")
    plain, _ = parse_html(messages[0])
    assert "until early 2023 (by 30 Apr 2023) · ⚠️ overdue 2 days" in plain


def test_exact_dates_are_not_repeated() -> None:
    c = card(3, "Do it", due_text="31 March 2023", due_date=date(2023, 3, 31), due_precision=Precision.DAY)
    plain, _ = parse_html(item_line(c, date(2023, 1, 1), "nextsteps_bot"))
    assert "⏰ 31 March 2023" in plain and "(by" not in plain


def test_empty_list_says_so() -> None:
    assert "Nothing here." in items_messages([], "Open items", date(2023, 1, 1), "nextsteps_bot")[0]


def test_item_numbers_link_to_the_item() -> None:
    _, entities = parse_html(item_line(card(42, "Step"), date(2023, 1, 1), "nextsteps_bot"))
    links = [e["url"] for e in entities if e["type"] == "text_link"]
    assert links == ["https://t.me/nextsteps_bot?start=i42"]
