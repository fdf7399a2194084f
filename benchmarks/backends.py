"""Where the benchmarks run: a SQLite file, then a PostgreSQL database of their own."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from infra.migrations import migrate
from infra.settings import Settings

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SettingsFor = Callable[
    [str], Settings
]  # a store's settings by name (SQLite: a file each)


def with_database(admin: str, run: Callable[[str], Any]) -> None:
    """A PostgreSQL database of our own, migrated (`logis migrate`), for
    `run(url)`, dropped afterwards."""
    database = f"logis_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        url = admin.rsplit("/", 1)[0] + f"/{database}"
        migrate(Settings(database_url=url))
        run(url)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')


BACKENDS = ("sqlite", "postgresql")


def on_each_backend(
    admin: str,
    run: Callable[[str, SettingsFor], Any],
    backends: tuple[str, ...] = BACKENDS,
) -> None:
    """`run(label, settings_for)` on SQLite, then on PostgreSQL (one database)."""
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            run(
                "SQLite",
                lambda name: Settings(
                    database_url=f"sqlite:///{Path(tmp) / name}.sqlite3"
                ),
            )
    if "postgresql" in backends:
        with_database(
            admin, lambda url: run("PostgreSQL", lambda _: Settings(database_url=url))
        )
