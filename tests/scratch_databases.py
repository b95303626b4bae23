"""Scratch PostgreSQL databases for tests and benchmarks: created fresh, dropped after."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError


def create_database(server_url: str, prefix: str = "nextsteps_test") -> str:
    """A new empty database on the server of ``server_url`` (whose own database is used to create
    it); the new database's URL, with the same user, host and options."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    """Drop the database of ``url`` (connected through ``server_url``), whoever is still in it.

    ``WITH (FORCE)`` ends the bot's own leftover connections; it is refused when one of them is
    the server's autovacuum worker (a role a test user may not signal), which a plain DROP waits
    out instead. A few tries, as the worker may come back."""
    name = make_url(url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
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
