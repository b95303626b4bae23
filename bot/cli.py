"""``nextsteps run | demo | migrate``: the operator's entry points."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.config import ConfigError, Settings, load_settings

log = logging.getLogger("nextsteps")


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a log line (URLs in exceptions …)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = None
        return True


def configure_logging(level: str, token: str = "") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.telegram.token:
        if args.demo_if_no_token:
            print("No bot token configured: starting the local demo instead (see README).")
            from bot.demo import run_demo

            return run_demo(settings, db_path=None)
        raise ConfigError(
            "config error: 'telegram.token' is required for run "
            "(set it in config.toml or NEXTSTEPS_TELEGRAM__TOKEN)"
        )
    configure_logging(settings.logging.level, settings.telegram.token)
    from bot.app import ALLOWED_UPDATES, build_application
    from storage.db import Database

    db = Database(settings.database.url)
    db.migrate()
    app = build_application(settings, db)
    log.info("NextSteps is starting (database %s)", db.engine.url.render_as_string(hide_password=True))
    app.run_polling(
        timeout=settings.telegram.poll_timeout_seconds,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(_settings(args), db_path=args.db)


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from storage.db import Database

    db = Database(settings.database.url)
    db.migrate()
    print(f"Database is up to date: {db.engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Print the planned follow-ups in each recipient's local time."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from core import clock, schedule
    from core.followups import Rules
    from storage.db import Database

    settings = _settings(args)
    now = clock.now()
    try:
        until = (
            datetime.fromisoformat(args.until).replace(tzinfo=UTC) + timedelta(days=1)
            if args.until
            else now + timedelta(days=30)
        )
    except ValueError:
        raise ConfigError(f"--until: {args.until!r} is not a date like 2027-03-31") from None
    db = Database(settings.database.url)
    db.migrate()
    rules = Rules.from_settings(settings.followups, settings.secretariat.timezone)
    with db.session() as session:
        lines = schedule.preview(session=session, rules=rules, now=now, until=until, user_id=args.member)
    last_day = (until - timedelta(days=1)) if args.until else until
    if not lines:
        print(f"Nothing planned until {last_day:%Y-%m-%d}.")
        return 0
    for line in lines:
        local = line.due_at.astimezone(ZoneInfo(line.timezone))
        item = f"#{line.item_id}" if line.item_id else "-"
        print(
            f"{local:%Y-%m-%d %a %H:%M} {line.timezone:<18} {line.recipient[:24]:<24} "
            f"{line.kind.value:<17} {item:<6} {line.reason}"
        )
    print(f"{len(lines)} follow-up(s) until {last_day:%Y-%m-%d}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nextsteps", description="NextSteps: follow up on what a meeting agreed."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--config", help="TOML config file (default ./config.toml)")
    run.add_argument(
        "--demo-if-no-token", action="store_true", help="start the local demo when no token is configured"
    )
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="local demo: emulator + bot + a terminal chat, no token needed")
    demo.add_argument("--config", help="TOML config file (optional)")
    demo.add_argument("--db", help="SQLite file to keep the demo's data (default: a temporary one)")
    demo.set_defaults(func=cmd_demo)

    plan = sub.add_parser("schedule", help="print the planned follow-ups (local time, recipient, kind, item)")
    plan.add_argument("--config", help="TOML config file (default ./config.toml)")
    plan.add_argument("--until", help="last day to show, YYYY-MM-DD (default: 30 days from now)")
    plan.add_argument("--member", type=int, help="only this person (their Telegram user id, see /whoami)")
    plan.set_defaults(func=cmd_schedule)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--config", help="TOML config file (default ./config.toml)")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # operational errors: one clear line, details in the log
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            print(f"database error: {exc.orig}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
