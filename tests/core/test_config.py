from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, Settings, load_settings


def test_defaults_without_file() -> None:
    settings = load_settings(None)
    assert settings.telegram.api_base_url == "https://api.telegram.org/bot"
    assert settings.database.url.get_secret_value() == "sqlite:///nextsteps.db"


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[telegram]\ntoken = "from-file"\n[secretariat]\nadmins = [1, 2]\n')
    monkeypatch.setenv("NEXTSTEPS_TELEGRAM__TOKEN", "from-env")
    monkeypatch.setenv("NEXTSTEPS_SECRETARIAT__ADMINS", "[3]")
    settings = load_settings(cfg)
    assert settings.telegram.token.get_secret_value() == "from-env" and settings.secretariat.admins == [3]


def test_example_config_is_valid_and_complete() -> None:
    example = Path(__file__).parents[2] / "config.example.toml"
    settings = load_settings(example)
    text = example.read_text()
    for section, model in settings.model_dump().items():
        assert f"[{section}]" in text
        for key in model:
            assert f"{key} =" in text, f"config.example.toml does not document {section}.{key}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[telegram]\ntokn = 'x'\n", "unknown key 'telegram.tokn'"),
        ("[nonsense]\na = 1\n", "unknown key 'nonsense'"),
        ("[secretariat]\ntimezone = 'Mars/Base'\n", "'secretariat.timezone': unknown timezone"),
        ("[secretariat]\nadmins = 'me'\n", "'secretariat.admins'"),
        ("[telegram\n", "c.toml"),
        ("[reports]\nmax_size_mb = 25\n", "'reports.max_size_mb': 25 MB is above 20"),
        ("[reports]\nmax_size_mb = 0\n", "'reports.max_size_mb'"),
        ("[database]\nurl = 'postgres ql://u:pw@h/db'\n", "'database.url': not a SQLAlchemy URL"),
    ],
)
def test_invalid_config_is_one_line_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(cfg)
    assert message in str(caught.value) and "\n" not in str(caught.value)


TOKEN = "123456789:AAE-secret-part-of-the-token"
PASSWORD = "s3cr3t-p%40ss"  # as written in the URL; decoded it is s3cr3t-p@ss


def secret_settings() -> Settings:
    return load_settings(
        None,
        telegram={"token": TOKEN},
        database={"url": f"postgresql+psycopg://nextsteps:{PASSWORD}@db.example:5432/nextsteps"},
    )


def assert_no_secret(text: str) -> None:
    for secret in (TOKEN, TOKEN.split(":")[1], PASSWORD, "s3cr3t-p@ss"):
        assert secret not in text, text


def test_printing_the_settings_shows_no_secret() -> None:
    settings = secret_settings()
    for shown in (repr(settings), str(settings), f"{settings.telegram}", repr(settings.database)):
        assert_no_secret(shown)
    assert_no_secret(settings.model_dump_json())
    # what is needed to run is still there, and the URL stays readable without its password
    assert settings.telegram.token.get_secret_value() == TOKEN
    assert settings.database.url.get_secret_value().endswith(f":{PASSWORD}@db.example:5432/nextsteps")
    assert str(settings.database.url) == "postgresql+psycopg://nextsteps:***@db.example:5432/nextsteps"


def test_a_password_in_the_query_is_hidden_too() -> None:
    settings = load_settings(None, database={"url": "postgresql+psycopg://u@h/db?password=q-s3cr3t"})
    assert "q-s3cr3t" not in repr(settings) and "q-s3cr3t" in settings.secrets()


def test_secrets_name_the_token_its_secret_part_and_the_password() -> None:
    secrets = secret_settings().secrets()
    assert set(secrets) == {TOKEN, TOKEN.split(":")[1], PASSWORD, "s3cr3t-p@ss"}
    assert load_settings(None).secrets() == {}  # no token, no password: nothing to hide


def test_an_invalid_database_url_is_refused_without_echoing_it(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[database]\nurl = 'nonsense:pw-s3cr3t'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(cfg)
    assert "'database.url'" in str(caught.value) and "s3cr3t" not in str(caught.value)


def test_the_largest_report_telegram_delivers_is_accepted() -> None:
    assert load_settings(None, reports={"max_size_mb": 20}).reports.max_bytes == 20 * 1024 * 1024
    with pytest.raises(ConfigError, match=r"^config error: 'reports.max_size_mb': 20.5 MB is above 20"):
        load_settings(None, reports={"max_size_mb": 20.5})
