from __future__ import annotations

import logging

import pytest

from bot.cli import RedactToken


def test_token_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    token = "123456789:not-a-real-token"
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactToken(token))
    logger.error("POST https://api.telegram.org/bot%s/getUpdates failed", token)
    assert token not in caplog.text and "bot<token>/getUpdates" in caplog.text
