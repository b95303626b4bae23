"""``nextsteps report`` and ``nextsteps export``: the progress report and the exports as files,
from the command line (everything, as the secretariat sees it).

    nextsteps report [--as-of YYYY-MM-DD] [--meeting NAME] [--format docx|pdf|md] [--out FILE]
                     [--lang en|ru|tr]
    nextsteps export --format csv|xlsx|ics|json [--out FILE] [--lang en|ru|tr]

Without ``--out`` the file goes to the current directory under the name the bot gives it
(nextsteps-progress-2023-02-13.docx); ``--out -`` writes a text format to standard output.
``--lang`` writes the files' own words (headings, header rows, dates, status words) in Russian or
Turkish; the steps, notes, party and meeting names stay as written, and JSON keeps its English keys.
The lines for the person at the terminal stay in English.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from core.config import ConfigError, Settings, load_settings
from core.export_files import EXPORT_FORMATS, FILE_KIND, REPORT_FORMATS, file_name
from core.i18n import LANGUAGES, SOURCE_LANGUAGE

TEXT_FORMATS = {"md", "csv", "json", "ics"}  # what --out - may write to standard output
TELEGRAM_TIMEOUT_SECONDS = 10


def add_report_commands(sub: Any) -> None:
    """The ``report`` and ``export`` subcommands (``sub``: the parser's subparsers)."""
    report = sub.add_parser("report", help="the progress report as DOCX, PDF or Markdown")
    report.add_argument("--config", help="TOML config file (default ./config.toml)")
    report.add_argument("--as-of", help="the status as of this day, YYYY-MM-DD (default: today)")
    report.add_argument("--meeting", help="only the next steps agreed at this meeting (its name)")
    report.add_argument("--format", choices=REPORT_FORMATS, default="docx", help="default: docx")
    report.add_argument("--out", help="file to write; - for standard output (md only)")
    report.add_argument("--prepared-by", help='default: "the Secretariat" (in the --lang language)')
    report.add_argument(
        "--lang", choices=LANGUAGES, default=SOURCE_LANGUAGE, help="the files' language (default: en)"
    )
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", help="every item as CSV, XLSX, JSON, or the deadlines as iCalendar")
    export.add_argument("--config", help="TOML config file (default ./config.toml)")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", help="file to write; - for standard output (csv, json, ics)")
    export.add_argument(
        "--bot", help="the bot's @username, for the links in the calendar (default: asked from Telegram)"
    )
    export.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=SOURCE_LANGUAGE,
        help="the header row, status words and calendar descriptions' language (default: en)",
    )
    export.set_defaults(func=cmd_export)


def _settings(args: argparse.Namespace) -> Settings:
    from bot.cli import protect

    settings = load_settings(Path(args.config) if args.config else None)
    protect(settings)
    return settings


def _as_of(text: str | None, today: date) -> date:
    """``--as-of``: a day from ``EARLIEST_AS_OF`` (as the bot's /report) up to today."""
    from core.progress import EARLIEST_AS_OF

    if text is None:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"report: --as-of {text!r} is not a date like 2023-03-01") from None
    if day > today:
        raise ConfigError(f"report: --as-of {text} is after today ({today})")
    if day < EARLIEST_AS_OF:
        raise ConfigError(
            f"report: --as-of {text} is before {EARLIEST_AS_OF}: nothing is recorded that early"
        )
    return day


def _write(data: bytes, out: str, fmt: str, what: str) -> None:
    """Write to ``out`` (``-``: standard output, text formats only) and say so."""
    if out == "-":
        if fmt not in TEXT_FORMATS:
            raise ConfigError(f"{what}: {fmt.upper()} is a binary format; give --out FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise ConfigError(f"{what}: can't write {out}: {exc.strerror or exc}") from None
    print(f"Wrote {out} ({_size(len(data))}).")


def _say(text: str, out: str) -> None:
    """A line for the person at the terminal: on stderr when the file itself goes to stdout."""
    print(text, file=sys.stderr if out == "-" else sys.stdout)


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"


def cmd_report(args: argparse.Namespace) -> int:
    """The progress report as of a day, for every step or one meeting's."""
    from core import clock
    from core.documents import render_docx, render_markdown, render_pdf
    from core.i18n import translator
    from core.meetings import meeting_names
    from core.progress import build_progress_report, find_source_meeting
    from core.progress.text import PREPARED_BY_SECRETARIAT, summary_line
    from storage.db import Database

    settings = _settings(args)
    lang = getattr(args, "lang", SOURCE_LANGUAGE)
    prepared_by = args.prepared_by or translator(lang).gettext(PREPARED_BY_SECRETARIAT)
    timezone = settings.secretariat.timezone
    as_of = _as_of(args.as_of, clock.today_in(timezone))
    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    try:
        with db.session() as session:
            meeting_id = None
            if args.meeting:
                meeting = find_source_meeting(session=session, name=args.meeting)
                if meeting is None:
                    known = "; ".join(meeting_names(session=session)) or "none yet"
                    raise ConfigError(f"report: no meeting called {args.meeting!r} (meetings: {known})")
                meeting_id = meeting.id
            report = build_progress_report(
                session=session,
                actor=None,
                as_of=as_of,
                timezone=timezone,
                meeting_id=meeting_id,
                prepared_by=prepared_by,
                lang=lang,
            )
    finally:
        db.dispose()
    if args.format == "docx":
        data = render_docx(report)
    elif args.format == "pdf":
        data = render_pdf(report)
    else:
        data = render_markdown(report).encode()
    out = args.out or file_name("progress", as_of, args.format)
    _write(data, out, args.format, "report")
    _say(summary_line(report), out)
    return 0


def _bot_username(settings: Settings, given: str | None) -> str:
    """``--bot``, or the username Telegram gives for the configured token."""
    if given:
        return given.lstrip("@")
    token = settings.telegram.token.get_secret_value()
    if not token:
        raise ConfigError("export: --format ics needs --bot USERNAME (or a telegram.token to ask Telegram)")
    import httpx

    response = httpx.get(
        f"{settings.telegram.api_base_url}{token}/getMe", timeout=TELEGRAM_TIMEOUT_SECONDS
    ).json()
    if not response.get("ok"):
        raise ConfigError(f"export: Telegram did not say the bot's name ({response.get('description')})")
    return str(response["result"]["username"])


def cmd_export(args: argparse.Namespace) -> int:
    """Every item (as the secretariat sees them) in one file."""
    from core import clock
    from core.export_files import export_title, read_export, render_export
    from storage.db import Database

    settings = _settings(args)
    bot_username = _bot_username(settings, args.bot) if args.format == "ics" else ""
    db = Database(settings.database.url.get_secret_value())
    db.migrate()
    try:
        with db.session() as session:
            source = read_export(session=session, actor=None)
    finally:
        db.dispose()
    data = render_export(
        source,
        args.format,
        bot_username=bot_username,
        title=export_title(None),
        lang=getattr(args, "lang", SOURCE_LANGUAGE),
    )
    today = clock.today_in(settings.secretariat.timezone)
    out = args.out or file_name(FILE_KIND[args.format], today, args.format)
    _write(data, out, args.format, "export")
    _say(f"{len(source.rows)} item(s) exported.", out)
    return 0
