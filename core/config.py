"""Settings: a TOML file plus NEXTSTEPS_* environment overrides, validated by pydantic-settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_CONFIG_PATH = Path("config.toml")


class ConfigError(Exception):
    """An invalid configuration, described in one line that names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseURL(SecretStr):
    """A SQLAlchemy URL whose password is secret: shown as ``postgresql+psycopg://user:***@host/db``.

    ``get_secret_value()`` is the real URL, for ``Database(...)`` only; ``str``/``repr`` (and so
    printing the settings) hide the password, like pydantic's ``SecretStr`` hides the token.
    """

    def _display(self) -> str:
        try:
            shown = make_url(self.get_secret_value()).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):  # not a URL (refused when loading settings)
            return "**********"
        for password in self.passwords:  # e.g. ?password=… in the query
            shown = shown.replace(password, "***")
        return shown

    @property
    def passwords(self) -> frozenset[str]:
        """Every spelling of the password that may appear in output: as written, decoded, in the query."""
        url = self.get_secret_value()
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError):
            return frozenset({url})
        written = _URL_PASSWORD.match(url)
        in_query = parsed.query.get("password", ())
        candidates = [
            parsed.password or "",
            written.group(1) if written else "",
            *([in_query] if isinstance(in_query, str) else in_query),
        ]
        return frozenset(p for p in candidates if p)


_URL_PASSWORD = re.compile(r"[\w+]+://[^:/]*:([^@]*)@")  # as SQLAlchemy splits a URL


class TelegramSettings(_Section):
    token: SecretStr = SecretStr("")
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    flood_limits: bool = True
    poll_timeout_seconds: int = Field(default=10, ge=0, le=50)


class DatabaseSettings(_Section):
    url: DatabaseURL = DatabaseURL("sqlite:///nextsteps.db")

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: DatabaseURL) -> DatabaseURL:
        try:
            make_url(value.get_secret_value())
        except (ArgumentError, ValueError):  # its message would quote the URL, password and all
            raise ValueError(
                "not a SQLAlchemy URL like sqlite:///nextsteps.db or postgresql+psycopg://user:pw@host/db"
            ) from None
        return value


def check_timezone(name: str) -> str:
    """Return the IANA zone name if it exists, else raise ValueError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r} (use an IANA name like Europe/Vienna)") from exc
    return name


class SecretariatSettings(_Section):
    admins: list[int] = Field(default_factory=list)
    timezone: str = "Europe/Vienna"

    _check_tz = field_validator("timezone")(check_timezone)


class DeadlineSettings(_Section):
    meeting_margin_days: int = Field(default=14, ge=0, le=365)


class InviteSettings(_Section):
    ttl_days: int = Field(default=14, ge=1, le=365)
    default_uses: int = Field(default=1, ge=1, le=1000)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_clock_time(value: str) -> str:
    """'HH:MM' on a 24-hour clock."""
    try:
        hours, minutes = (int(part) for part in value.split(":"))
    except ValueError:
        raise ValueError(f"{value!r} is not a time like 09:00") from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"{value!r} is not a time like 09:00")
    return f"{hours:02d}:{minutes:02d}"


class FollowupSettings(_Section):
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [14, 7, 1, 0])
    send_time: str = "09:00"
    skip_weekends: bool = True
    weekend_days: list[str] = Field(default_factory=lambda: ["saturday", "sunday"])
    overdue_repeat_days: int = Field(default=7, ge=1, le=90)
    escalate_after_nudges: int = Field(default=3, ge=1, le=52)
    max_overdue_nudges: int = Field(default=6, ge=1, le=52)
    premeeting_days: list[int] = Field(default_factory=lambda: [60, 30, 14, 7])
    digest_weekday: str = "monday"
    digest_time: str = "09:00"
    tick_seconds: int = Field(default=30, ge=1, le=3600)
    grace_hours: int = Field(default=24, ge=1, le=24 * 30)
    horizon_days: int = Field(default=2, ge=1, le=400)

    _check_times = field_validator("send_time", "digest_time")(check_clock_time)

    @field_validator("reminder_offsets_days", "premeeting_days")
    @classmethod
    def _check_offsets(cls, value: list[int]) -> list[int]:
        if any(not 0 <= day <= 365 for day in value):
            raise ValueError("offsets are whole days between 0 and 365")
        return sorted(set(value), reverse=True)

    @field_validator("digest_weekday")
    @classmethod
    def _check_weekday(cls, value: str) -> str:
        if value.lower() not in WEEKDAYS:
            raise ValueError(f"{value!r} is not a weekday name like monday")
        return value.lower()

    @field_validator("weekend_days")
    @classmethod
    def _check_weekend(cls, value: list[str]) -> list[str]:
        for day in value:
            cls._check_weekday(day)
        return [d.lower() for d in value]

    @property
    def weekend(self) -> frozenset[int]:
        """Weekend days as Python weekday numbers (Monday = 0)."""
        return frozenset(WEEKDAYS.index(d) for d in self.weekend_days) if self.skip_weekends else frozenset()


TELEGRAM_DOWNLOAD_LIMIT_MB = 20  # the Bot API lets bots download files of at most 20 MB


class ReportSettings(_Section):
    max_size_mb: float = Field(default=5, gt=0)
    # /report, /chart and exports for observers (read-only members): off unless the secretariat wants it
    progress_for_observers: bool = False

    @field_validator("max_size_mb")
    @classmethod
    def _check_size(cls, value: float) -> float:
        if value > TELEGRAM_DOWNLOAD_LIMIT_MB:
            raise ValueError(
                f"{value:g} MB is above {TELEGRAM_DOWNLOAD_LIMIT_MB}: "
                f"Telegram lets bots download at most {TELEGRAM_DOWNLOAD_LIMIT_MB} MB"
            )
        return value

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)


WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
DEFAULT_WEBHOOK_PORT = 8080


class WebhookSettings(_Section):
    """Webhook mode (when ``url`` is set) and the HTTP server: webhook, /healthz, /readyz, /metrics."""

    url: str = ""  # the public HTTPS URL Telegram calls; empty: long polling
    listen: str = "127.0.0.1"
    # None: 8080 in webhook mode, and no HTTP server at all in polling mode
    port: int | None = Field(default=None, ge=0, le=65535)  # 0: any free port (tests)
    # default: the path of ``url`` ("/" if it has none), the one Telegram calls; set it only
    # when a reverse proxy rewrites that path to another one
    path: str = ""
    secret_token: SecretStr = SecretStr("")  # empty: generated once, kept in the database
    max_connections: int = Field(default=40, ge=1, le=100)
    allowed_updates: list[str] | None = None  # None: the updates the bot handles

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value and not value.startswith("https://"):
            raise ValueError("Telegram calls webhooks over HTTPS only: use an https:// URL")
        return value

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str) -> str:
        if value and not value.startswith("/"):
            raise ValueError(f"{value!r} is not a path like /telegram")
        return value

    @field_validator("secret_token")
    @classmethod
    def _check_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if secret and not WEBHOOK_SECRET.match(secret):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def serves_http(self) -> bool:
        """Webhook mode always; polling mode only when a port is given (no open port by default)."""
        return self.enabled or self.port is not None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_WEBHOOK_PORT

    @property
    def url_path(self) -> str:
        """The path Telegram POSTs to: the path of ``url`` as written, "/" if it has none."""
        return urlsplit(self.url).path or "/"

    @property
    def effective_path(self) -> str:
        """The path served: ``path`` if set (behind a proxy that rewrites), else ``url_path``."""
        return self.path or self.url_path

    @property
    def path_rewritten(self) -> bool:
        """``path`` differs from the path Telegram calls: right only behind a rewriting proxy."""
        return self.enabled and bool(self.path) and self.path != self.url_path


class ClusterSettings(_Section):
    """Several instances on one PostgreSQL database: one leads (``storage.leadership``)."""

    # how often a standby tries to take the lead, and the leader checks its lock's connection
    leader_check_seconds: float = Field(default=5, ge=0.1, le=10)


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"  # json: one object per line, for a log collector


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEXTSTEPS_",
        env_nested_delimiter="__",
        extra="forbid",
        toml_file=None,
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    secretariat: SecretariatSettings = Field(default_factory=SecretariatSettings)
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)
    invites: InviteSettings = Field(default_factory=InviteSettings)
    followups: FollowupSettings = Field(default_factory=FollowupSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)

    def secrets(self) -> dict[str, str]:
        """Each secret that must never be printed, mapped to what is shown instead.

        The token, its secret part (after the colon: it alone unlocks nothing, yet it is what an
        attacker lacks) and the database password, as written in the URL and decoded.
        """
        found: dict[str, str] = {}
        token = self.telegram.token.get_secret_value()
        if token:
            found[token] = "<token>"
            secret_part = token.partition(":")[2]
            if secret_part:
                found[secret_part] = "<token>"
        for password in self.database.url.passwords:
            found[password] = "***"
        webhook_secret = self.webhook.secret_token.get_secret_value()
        if webhook_secret:
            found[webhook_secret] = "<webhook secret>"
        return found

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments, then the environment, then the TOML file.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"config error: unknown key '{key}'"
    msg = err["msg"].removeprefix("Value error, ")
    return f"config error: '{key}': {msg}"


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Load settings from ``path`` (if it exists) and the environment; raise ConfigError."""
    toml_path = path if path is not None else DEFAULT_CONFIG_PATH
    if path is not None and not path.exists():
        raise ConfigError(f"config error: file not found: {path}")

    class _FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=toml_path if toml_path.exists() else None)

    try:
        return _FileSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    except ValueError as exc:  # malformed TOML
        raise ConfigError(f"config error: {toml_path}: {exc}") from None
