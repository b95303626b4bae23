"""``logging.format = "json"``: one JSON object per line, and the secrets redacted as in text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.cli import Redactor, RedactSecrets
from bot.log_format import JsonFormatter, formatter_for
from core.config import load_settings

TOKEN = "123456789:AAE-not-a-real-token"
SECRET_PART = TOKEN.split(":")[1]


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose only handler writes JSON lines, with the token redacted, to a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter_for("json"))
    handler.addFilter(RedactSecrets(Redactor(load_settings(None, telegram={"token": TOKEN}).secrets())))
    logger = logging.getLogger("test.json_log")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, out
    logger.removeHandler(handler)
    logger.propagate = True


def lines(out: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_event_is_one_json_line_with_time_level_logger_message(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_log
    logger.info("first %s", "event")
    logger.warning('a message\nover two lines with “quotes” and "escapes"')
    first, second = lines(out)
    assert (
        first["level"] == "INFO" and first["logger"] == "test.json_log" and first["message"] == "first event"
    )
    assert first["time"].endswith("Z") and "T" in first["time"]
    assert second["message"] == 'a message\nover two lines with “quotes” and "escapes"'
    assert "exc_info" not in first


def test_the_token_is_redacted_in_json_lines_and_their_tracebacks(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_log
    logger.error("POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; secret part {SECRET_PART}")
    except RuntimeError:
        logger.exception("Invalid token. Aborting.")
    text = out.getvalue()
    assert TOKEN not in text and SECRET_PART not in text
    request, failure = lines(out)
    assert request["message"] == "POST https://api.telegram.org/bot<token>/getUpdates failed"
    assert failure["level"] == "ERROR" and failure["message"] == "Invalid token. Aborting."
    assert (
        failure["exc_info"].startswith("Traceback")
        and "The token `<token>` was rejected" in failure["exc_info"]
    )


def test_a_json_formatter_without_the_filter_still_prints_the_traceback() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert "ValueError: boom" in json.loads(JsonFormatter().format(record))["exc_info"]


def test_text_stays_the_default() -> None:
    assert load_settings(None).logging.format == "text"
    assert load_settings(None, logging={"format": "json"}).logging.format == "json"
    assert not isinstance(formatter_for("text"), JsonFormatter)
