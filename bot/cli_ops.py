"""``nextsteps backup`` and ``nextsteps restore``: the whole database to a file and back.

    nextsteps backup [--out FILE]      SQLite: an online backup (.db); PostgreSQL: pg_dump (.dump)
    nextsteps restore FILE [--yes]     into an empty database; --yes replaces a non-empty one

A restore ends by migrating the database to the current schema, so an older backup works too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.config import load_settings


def add_ops_commands(sub: Any) -> None:
    """The ``backup`` and ``restore`` subcommands (``sub``: the parser's subparsers)."""
    backup = sub.add_parser("backup", help="back up the database (SQLite online backup or pg_dump)")
    backup.add_argument("--config", help="TOML config file (default ./config.toml)")
    backup.add_argument("--out", help="file to write (default: nextsteps-<UTC time>.db or .dump here)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into an empty database, then migrate it")
    restore.add_argument("file", help="a file written by nextsteps backup")
    restore.add_argument("--config", help="TOML config file (default ./config.toml)")
    restore.add_argument(
        "--yes", action="store_true", help="replace the data of a database that is not empty"
    )
    restore.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.cli import protect
    from storage.backup import BackupError, backup, default_backup_name

    settings = load_settings(Path(args.config) if args.config else None)
    redact = protect(settings)
    url = settings.database.url.get_secret_value()
    out = Path(args.out) if args.out else Path(default_backup_name(url))
    try:
        written = backup(url=url, out=out)
    except BackupError as exc:
        print(redact(str(exc)), file=sys.stderr)
        return 1
    print(f"Backed up {settings.database.url} to {written} ({written.stat().st_size:,} bytes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.cli import protect
    from storage.backup import BackupError, restore

    settings = load_settings(Path(args.config) if args.config else None)
    redact = protect(settings)
    try:
        restore(url=settings.database.url.get_secret_value(), source=Path(args.file), replace_data=args.yes)
    except BackupError as exc:
        print(redact(str(exc)), file=sys.stderr)
        return 1
    print(f"Restored {args.file} into {settings.database.url}; the schema is up to date.")
    return 0
