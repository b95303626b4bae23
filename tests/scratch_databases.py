"""Scratch PostgreSQL databases for tests and benchmarks: created fresh, dropped after."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def create_database(server_url: str, prefix: str = "nextsteps_test") -> str:
    """A new empty database on the server of ``server_url``; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_admin_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    """Drop the database of ``url``, whoever is still connected.

    ``WITH (FORCE)`` ends the bot's own leftover connections; it is refused when one of them is
    the server's autovacuum worker (a role a test user may not signal), which a plain DROP waits
    out instead. A few tries, as the worker may come back."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for attempt in range(10):
                for force in (" WITH (FORCE)", ""):
                    try:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
                        return
                    except DBAPIError:
                        if attempt == 9 and not force:
                            raise
                time.sleep(0.5)
    finally:
        admin.dispose()
