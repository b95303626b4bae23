from __future__ import annotations

from pathlib import Path

import pytest

from core.config import ConfigError, load_settings


def test_defaults_without_file() -> None:
    settings = load_settings(None)
    assert settings.telegram.api_base_url == "https://api.telegram.org/bot"
    assert settings.database.url == "sqlite:///nextsteps.db"


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[telegram]\ntoken = "from-file"\n[secretariat]\nadmins = [1, 2]\n')
    monkeypatch.setenv("NEXTSTEPS_TELEGRAM__TOKEN", "from-env")
    monkeypatch.setenv("NEXTSTEPS_SECRETARIAT__ADMINS", "[3]")
    settings = load_settings(cfg)
    assert settings.telegram.token == "from-env" and settings.secretariat.admins == [3]


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
    ],
)
def test_invalid_config_is_one_line_naming_the_key(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(cfg)
    assert message in str(caught.value) and "\n" not in str(caught.value)
