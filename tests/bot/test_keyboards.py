from __future__ import annotations

import pytest

from bot.keyboards import ButtonAction, decode, encode_note, encode_status, item_keyboard
from storage.models import Status


@pytest.mark.parametrize("status", list(Status))
def test_status_codec_round_trips(status: Status) -> None:
    data = encode_status(2147483647, status)
    assert len(data.encode()) <= 64
    assert decode(data) == ButtonAction("status", 2147483647, status)


def test_note_codec_round_trips() -> None:
    assert decode(encode_note(5)) == ButtonAction("note", 5)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "st:5",
        "st:5:q",
        "nt:5:d",
        "st:0:d",
        "st:-3:d",
        "st:05:d",
        "x" * 64,
        "st:5:d:extra",
        "st:2147483648:d",
        "st:99999999999999:d",
        "nt:99999999999",
        "st:٣:d",
    ],
)
def test_forged_data_decodes_to_nothing(data: str | None) -> None:
    assert decode(data) is None


def test_keyboard_offers_allowed_statuses_but_the_current_one() -> None:
    markup = item_keyboard(7, [Status.OPEN, Status.DONE], Status.OPEN, can_note=True)
    assert markup is not None
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["st:7:d", "nt:7"]


def test_no_keyboard_for_readers() -> None:
    assert item_keyboard(7, [], Status.OPEN, can_note=False) is None
