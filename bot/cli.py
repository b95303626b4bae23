"""``nextsteps run | demo | migrate``: the operator's entry points."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.log_format import TEXT_FORMAT, JsonFormatter, LogFormat, formatter_for
from core.config import ConfigError, Settings, load_settings
from core.i18n import LANGUAGES

log = logging.getLogger("nextsteps")


class Redactor:
    """Replaces each secret (token, its secret part, database password) in a text by a placeholder."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        # longest first: the whole token becomes <token>, not 123:<token>
        self.secrets = sorted(((k, v) for k, v in secrets.items() if k), key=lambda kv: -len(kv[0]))

    def add(self, secret: str, shown: str) -> None:
        """One more secret, known only once the command runs (the generated webhook secret)."""
        if secret and all(secret != known for known, _ in self.secrets):
            # a new list, swapped in at once: a log record on another thread sees one or the other
            self.secrets = sorted([*self.secrets, (secret, shown)], key=lambda kv: -len(kv[0]))

    def __call__(self, text: str) -> str:
        for secret, shown in self.secrets:
            text = text.replace(secret, shown)
        return text


class RedactSecrets(logging.Filter):
    """A handler filter: the message, the traceback and the stack of a record are redacted before
    any formatter sees them (a traceback is formatted here, once, so its cached text is the
    redacted one)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that don't fit the format: keep them out of the error report
            message = f"{record.msg} (unformattable arguments)"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_redact = Redactor({})  # the running command's secrets, once its settings are loaded
_debug = False
# with "json", the line that ends a failed command is a JSON log line too; until the settings are
# loaded (an invalid config), the environment's choice
_log_format: LogFormat = (
    "json" if os.environ.get("NEXTSTEPS_LOGGING__FORMAT", "").lower() == "json" else "text"
)


def protect(settings: Settings) -> Redactor:
    """From here on, no output of this process shows a secret of ``settings``: log records are
    redacted, and an uncaught error (any thread) is one redacted line."""
    global _redact, _debug, _log_format
    _redact = Redactor(settings.secrets())
    _debug = settings.logging.level == "DEBUG"
    _log_format = settings.logging.format
    for handler in [*logging.getLogger().handlers, logging.lastResort]:
        redact_handler(handler, _redact)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    return _redact


def also_redact(secret: str, shown: str) -> None:
    """A secret learned after ``protect`` (e.g. read from the database) is redacted from now on."""
    _redact.add(secret, shown)


def redact_handler(handler: logging.Handler | None, redact: Redactor) -> None:
    if handler is None:
        return
    for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
        handler.removeFilter(old)
    handler.addFilter(RedactSecrets(redact))


def describe_error(exc: BaseException) -> str:
    """One line for an error that stops a command, with every secret redacted."""
    from sqlalchemy.exc import OperationalError
    from telegram.error import InvalidToken, TelegramError

    if isinstance(exc, OperationalError):
        line = f"database error: {exc.orig}"
    elif isinstance(exc, InvalidToken):
        line = (
            "telegram error: the Bot API refused the token; check 'telegram.token' "
            f"and 'telegram.api_base_url' ({exc})"
        )
    elif isinstance(exc, TelegramError):
        line = f"telegram error: {exc} (check 'telegram.api_base_url')"
    else:
        line = f"error: {type(exc).__name__}: {exc}"
        if not _debug:
            line += ' (logging.level = "DEBUG" prints the traceback)'
    return _redact(" ".join(line.split()))


def _print_error(exc: BaseException, prefix: str = "") -> None:
    trace = _redact("".join(traceback.format_exception(exc))) if _debug else ""
    _print_line(prefix + describe_error(exc), trace)


def _print_line(line: str, trace: str = "") -> None:
    """The line that ends a failed command (redacted already), with its traceback if any: plain
    text, or one JSON log line (level ERROR) when logging.format is json."""
    if _log_format == "json":
        record = logging.LogRecord(log.name, logging.ERROR, __file__, 0, line, None, None)
        record.exc_text = trace.rstrip("\n") or None
        print(JsonFormatter().format(record), file=sys.stderr)
        return
    if trace:
        print(trace, file=sys.stderr, end="")
    print(line, file=sys.stderr)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if not isinstance(exc, KeyboardInterrupt):
        _print_error(exc)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
        name = args.thread.name if args.thread else "?"
        _print_error(args.exc_value, prefix=_redact(f"thread {name}: "))


def configure_logging(level: str, redact: Redactor, log_format: LogFormat = "text") -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=TEXT_FORMAT)
    for root_handler in logging.getLogger().handlers:
        root_handler.setFormatter(formatter_for(log_format))
    for handler in [*logging.getLogger().handlers, logging.lastResort]:
        redact_handler(handler, redact)
    logging.captureWarnings(True)  # a warning's text goes through the same filter
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(Path(args.config) if args.config else None)
    protect(settings)
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.telegram.token.get_secret_value():
        if args.demo_if_no_token:
            print("No bot token configured: starting the local demo instead (see README).")
            from bot.demo import run_demo

            _warm_up_charts()
            return run_demo(settings, db_path=None)
        raise ConfigError(
            "config error: 'telegram.token' is required for run "
            "(set it in config.toml or NEXTSTEPS_TELEGRAM__TOKEN)"
        )
    configure_logging(settings.logging.level, protect(settings), settings.logging.format)
    from bot.app import ALLOWED_UPDATES, build_application
    from storage.db import Database

    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    app = build_application(settings, db)
    log.info("NextSteps is starting (database %s)", db.engine.url.render_as_string(hide_password=True))
    import asyncio

    if not settings.webhook.enabled and not db.is_sqlite:  # polling would delete their webhook
        asyncio.run(_refuse_polling_over_a_webhook(app))
    _warm_up_charts_once_started(app)
    if settings.webhook.serves_http:  # webhook mode, or polling with /healthz, /readyz, /metrics
        from bot.webhook import serve_until_stopped

        asyncio.run(serve_until_stopped(app))
        return 0
    app.run_polling(
        timeout=settings.telegram.poll_timeout_seconds,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    return 0


async def _refuse_polling_over_a_webhook(app: Any) -> None:
    from bot.webhook import refuse_polling_over_a_webhook

    try:
        await refuse_polling_over_a_webhook(app)
    finally:
        await app.bot.shutdown()  # initialised again by the polling, in its own event loop


def _warm_up_charts_once_started(app: Any) -> None:
    """Warm the chart library up once the bot has started: a start that fails (a rejected token)
    ends at once, its error the last line, not after the library's loading."""
    started = app.post_init

    async def post_init(application: Any) -> None:
        if started is not None:
            await started(application)
        _warm_up_charts()

    app.post_init = post_init


def _warm_up_charts() -> None:
    """Load matplotlib and its fonts in the background, so the first /report isn't a second slower."""

    def warm() -> None:
        try:
            from core.chart import warm_up

            warm_up()
        except Exception:  # a chart that can't be drawn fails later, with a reply, not the start
            log.warning("could not prepare the chart library", exc_info=True)

    # not a daemon: a process that ends while a daemon thread is still importing matplotlib's C
    # extensions aborts ("terminate called without an active exception") instead of exiting cleanly
    threading.Thread(target=warm, name="chart-warm-up", daemon=False).start()


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    _warm_up_charts()
    return run_demo(_settings(args), db_path=args.db, lang=args.lang)


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from storage.db import Database

    db = Database(settings.database.url.get_secret_value())
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
    db = Database(settings.database.url.get_secret_value())
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


def cmd_import(args: argparse.Namespace) -> int:
    """Preview a report's next steps; store them with --yes."""
    from datetime import date

    from core import clock, import_previews, parties
    from core.errors import UserError
    from core.import_previews import Preview
    from core.reports import parse_report, read_report, store_report
    from storage.db import Database
    from storage.models import ImportPreview

    settings = _settings(args)
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"import: no such file: {path}")
    try:
        meeting_date = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise ConfigError(f"import: --date {args.date!r} is not a date like 2022-12-01") from None
    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    margin = settings.deadlines.meeting_margin_days
    try:
        with db.session() as session:
            draft = parse_report(
                session=session,
                text=read_report(path.name, path.read_bytes(), settings.reports.max_bytes),
                today=meeting_date,
                meeting_margin_days=margin,
            )
            # the chat's preview rules, without a chat: nothing of it is stored
            preview = Preview(row=ImportPreview(token="cli", chat_id=0, expires_at=clock.now()), draft=draft)
            if meeting_date:
                import_previews.set_meeting_date(
                    preview=preview, text=meeting_date.isoformat(), margin_days=margin
                )
            if args.meeting:
                import_previews.set_meeting_name(preview=preview, text=args.meeting)
            if args.add_parties:
                for party in import_previews.add_unknown_parties(session=session, preview=preview):
                    print(f"{'Added' if args.yes else 'Would add'} party {party.name}")
            for assignment in args.owner or []:
                key, _, names = assignment.partition("=")
                wanted = key.strip()
                step = next((s for s in draft.steps if s.key == wanted), None) or next(
                    (s for s in draft.steps if wanted in (s.ref, s.ref.split(".")[-1])), None
                )
                if step is None:
                    raise ConfigError(f"import: --owner {assignment!r}: no step {key}")
                found, unknown = parties.resolve_parties(session=session, names=names.split(","))
                if unknown:
                    raise ConfigError(f"import: --owner {assignment!r}: unknown party {', '.join(unknown)}")
                step.owners, step.unknown_owners = found, []
            when = draft.meeting_date
            print(
                f"{draft.meeting_name or '⚠ NO MEETING NAME — give --meeting NAME'} — "
                f"{when or '⚠ NO DATE — give --date YYYY-MM-DD'}{', ' + draft.place if draft.place else ''}"
            )
            if draft.next_meeting_name and draft.next_meeting_on:
                print(
                    f"Next meeting, as the report fixes it: {draft.next_meeting_name} — "
                    f"{draft.next_meeting_on} (set on import: no next meeting is set yet)"
                )
            for step in draft.steps:
                owners = ", ".join(p.name for p in step.owners) or "⚠ NO OWNER — assign with --owner"
                if step.unknown_owners:
                    owners += (
                        f" (new in the report: {'; '.join(step.unknown_owners)} — --add-parties adds them)"
                    )
                due = step.deadline.text if step.deadline else "before the next meeting (default)"
                resolved = f" -> {step.deadline.due_date}" if step.deadline and step.deadline.due_date else ""
                flag = f"\n   ⚠ doubtful: {step.why}" if step.doubtful else ""
                print(f"{step.key}. [{step.ref}] {step.text}")
                print(f"   owners: {owners}\n   due: {due}{resolved}{flag}")
            if not args.yes:
                session.rollback()  # a dry run stores nothing, not even the parties --add-parties made
                print(f"Dry run: {len(draft.steps)} step(s) found, nothing stored. Add --yes to import.")
                return 0
            if draft.missing:
                raise ConfigError(
                    f"import: the report doesn't say the meeting's {' and '.join(draft.missing)}: "
                    "give --meeting NAME --date YYYY-MM-DD"
                )
            result = store_report(session=session, draft=draft, meeting_margin_days=margin)
    except UserError as exc:
        print(f"import: {exc}", file=sys.stderr)
        return 2
    numbers = ", ".join(f"#{i}" for i in result.created[:50]) or "-"
    print(
        f"Imported {len(result.created)} step(s) as items {numbers}"
        + (" …" if len(result.created) > 50 else "")
        + (f"; {len(result.skipped)} already imported" if result.skipped else "")
        + "."
    )
    if result.next_meeting is not None:
        print(
            f"Next meeting set from the report: {result.next_meeting.name} — {result.next_meeting.held_on}."
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nextsteps", description="NextSteps: follow up on what a meeting agreed."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot (long polling, or webhooks when webhook.url is set)")
    run.add_argument("--config", help="TOML config file (default ./config.toml)")
    run.add_argument(
        "--demo-if-no-token", action="store_true", help="start the local demo when no token is configured"
    )
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="local demo: emulator + bot + a terminal chat, no token needed")
    demo.add_argument("--config", help="TOML config file (optional)")
    demo.add_argument("--db", help="SQLite file to keep the demo's data (default: a temporary one)")
    demo.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        help="the language the demo's people read (default: NEXTSTEPS_DEMO_LANG, else English)",
    )
    demo.set_defaults(func=cmd_demo)

    plan = sub.add_parser("schedule", help="print the planned follow-ups (local time, recipient, kind, item)")
    plan.add_argument("--config", help="TOML config file (default ./config.toml)")
    plan.add_argument("--until", help="last day to show, YYYY-MM-DD (default: 30 days from now)")
    plan.add_argument("--member", type=int, help="only this person (their Telegram user id, see /whoami)")
    plan.set_defaults(func=cmd_schedule)

    imp = sub.add_parser("import", help="import a meeting report's next steps (a dry run unless --yes)")
    imp.add_argument("file", help="the report: .txt, .md, .docx or .pdf")
    imp.add_argument("--config", help="TOML config file (default ./config.toml)")
    imp.add_argument("--meeting", help="the meeting's name, if the report's header doesn't say")
    imp.add_argument("--date", help="the meeting's date, YYYY-MM-DD, if the report's header doesn't say")
    imp.add_argument(
        "--owner", action="append", help="assign owners to step N: --owner 3=Chairmanship,Sweden"
    )
    imp.add_argument(
        "--add-parties", action="store_true", help="add the owners the report names that are no party yet"
    )
    imp.add_argument("--yes", action="store_true", help="store the steps (otherwise only preview them)")
    imp.set_defaults(func=cmd_import)

    from bot.cli_reports import add_report_commands  # report, export (issue 11)

    add_report_commands(sub)

    from bot.cli_ops import add_ops_commands  # backup, restore (issue 12)

    add_ops_commands(sub)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--config", help="TOML config file (default ./config.toml)")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        _print_line(_redact(str(exc)))
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear, redacted line (a traceback would show the token)
        _print_error(exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
