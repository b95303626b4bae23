from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot import cli
from bot.cli import Redactor, RedactSecrets, describe_error
from bot.context import AppContext
from core.config import Settings, load_settings
from storage.db import Database

TOKEN = "123456789:AAE-not-a-real-token"
SECRET_PART = TOKEN.split(":")[1]
PASSWORD = "pw-s3cr3t"


def settings() -> Settings:
    return load_settings(
        None,
        telegram={"token": TOKEN},
        database={"url": f"postgresql+psycopg://nextsteps:{PASSWORD}@db.example/nextsteps"},
    )


def test_token_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactSecrets(Redactor(settings().secrets())))
    logger.error("POST https://api.telegram.org/bot%s/getUpdates failed", TOKEN)
    logger.error("token %s, secret part %s, password %s", TOKEN, SECRET_PART, PASSWORD)
    assert TOKEN not in caplog.text and SECRET_PART not in caplog.text and PASSWORD not in caplog.text
    assert "bot<token>/getUpdates" in caplog.text and "password ***" in caplog.text


def test_a_logged_traceback_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    """PTB logs InvalidToken with its traceback; the token is in the exception's text."""
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactSecrets(Redactor(settings().secrets())))
    try:
        try:
            raise ValueError(f"only the secret part: {SECRET_PART}")
        except ValueError as inner:
            raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.") from inner
    except InvalidToken:
        logger.exception("Invalid token. Aborting retry loop.")
    assert "Traceback" in caplog.text and "InvalidToken: The token `<token>` was rejected" in caplog.text
    assert TOKEN not in caplog.text and SECRET_PART not in caplog.text


def test_an_error_that_stops_a_command_is_one_redacted_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_redact", Redactor(settings().secrets()))
    monkeypatch.setattr(cli, "_debug", False)
    line = describe_error(InvalidToken(f"The token `{TOKEN}` was rejected by the server."))
    assert line.startswith("telegram error: the Bot API refused the token") and "\n" not in line
    assert "`<token>`" in line and SECRET_PART not in line
    cli._excepthook(RuntimeError, RuntimeError(f"cannot connect with\n{PASSWORD} / {SECRET_PART}"), None)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: RuntimeError: cannot connect with ***")
    assert PASSWORD not in err and SECRET_PART not in err


def test_printing_the_app_context_shows_no_secret(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'ctx.db'}")
    try:
        shown = repr(AppContext(settings=settings(), db=db))
    finally:
        db.dispose()
    assert "telegram=TelegramSettings(" in shown  # the settings are in it …
    assert TOKEN not in shown and SECRET_PART not in shown and PASSWORD not in shown  # … their secrets not
