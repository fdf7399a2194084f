"""Versioned migrations of Logis's own tables (yoyo-migrations, raw SQL).

One folder of SQL files per kind of database: `sqlite/` for the events' file,
`sqlite_views/` for the views' file beside it, `postgres/` for the one
PostgreSQL database holding both. A file is a version (`0001.initial.sql`); yoyo
records the versions applied in the store's `_yoyo_migration` table.

Before anything is written, the versions a store carries are read: one this
code does not know means a newer Logis wrote the store, and nothing runs
(NewerSchemaError). The library's tables (events, snapshots) are created by the
library; the views' per-generation tables by the projector.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from yoyo import read_migrations
from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
from yoyo.backends.core.sqlite3 import SQLiteBackend
from yoyo.connections import DatabaseURI, parse_uri
from yoyo.migrations import default_migration_table, read_sql_migration

if TYPE_CHECKING:
    from collections.abc import Sequence

    from infra.settings import Settings

FOLDER = Path(__file__).resolve().parent
# stdlib logging: through Logis's handler once configured, silent before (a
# command's stdout stays its output).
log = logging.getLogger("logis.migrations")


class SchemaError(Exception):
    """The store's schema is not this code's: Logis must not start on it."""


class NewerSchemaError(SchemaError):
    """The store carries versions this code does not know: refuse it."""


class PendingMigrationsError(SchemaError):
    """The store lacks versions this code needs (PostgreSQL: `logis migrate`)."""


@dataclass(frozen=True)
class Database:
    """One database of a store and the folder of its migrations."""

    folder: str  # under infra/migrations/
    sqlite: Path | None = None
    url: str = ""  # PostgreSQL

    def known(self) -> list[str]:
        return sorted(p.stem for p in (FOLDER / self.folder).glob("*.sql"))

    def applied(self) -> list[str]:
        """The versions recorded in the store, read without writing anything."""
        if self.sqlite is not None:
            if not self.sqlite.exists():
                return []
            with closing(sqlite3.connect(self.sqlite)) as conn:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (default_migration_table,),
                ).fetchone()
                if found is None:
                    return []
                rows = conn.execute(
                    f"SELECT migration_id FROM {default_migration_table}"
                ).fetchall()
            return sorted(row[0] for row in rows)
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            found = conn.execute(
                "SELECT to_regclass(%s)", (default_migration_table,)
            ).fetchone()
            if found is None or found[0] is None:
                return []
            rows = conn.execute(
                f"SELECT migration_id FROM {default_migration_table}"
            ).fetchall()
        return sorted(row[0] for row in rows)

    def check(self) -> list[str]:
        """The versions still to apply; NewerSchemaError for unknown ones."""
        applied, known = self.applied(), self.known()
        unknown = sorted(set(applied) - set(known))
        if unknown:
            raise NewerSchemaError(_newer(unknown, known))
        return [v for v in known if v not in applied]

    def apply(self) -> list[str]:
        """Apply what is missing, under yoyo's lock; the versions applied."""
        if not self.check():
            return []
        backend = self._backend()
        try:
            with backend.lock():
                self.check()  # another process may have moved it meanwhile
                todo = backend.to_apply(read_migrations(str(FOLDER / self.folder)))
                backend.apply_migrations(todo)
        finally:
            backend.connection.close()
        return [f"{self.folder}/{m.id}" for m in todo]

    def _backend(self) -> Any:
        backend: Any
        if self.sqlite is not None:
            self.sqlite.parent.mkdir(parents=True, exist_ok=True)
            uri = DatabaseURI("sqlite", None, None, None, None, str(self.sqlite), {})
            backend = _SQLite(uri, default_migration_table)
        else:
            backend = PostgresqlPsycopgBackend(
                parse_uri(self.url), default_migration_table
            )
        backend.init_database()
        return backend


class _SQLite(SQLiteBackend):  # type: ignore[misc]
    """yoyo's SQLite backend on a plain path (its own makes a URI of it, which a
    `?` or `#` in the path would break) and without its shared cache."""

    def connect(self, dburi: DatabaseURI) -> sqlite3.Connection:
        conn = sqlite3.connect(dburi.database, detect_types=sqlite3.PARSE_DECLTYPES)
        conn.isolation_level = None
        return conn


def databases(settings: Settings) -> list[Database]:
    """The store's databases: one on PostgreSQL, two files on SQLite (none for
    an in-memory store: see `create_in_memory`)."""
    if settings.is_postgres:
        url = settings.database_url.replace("postgres://", "postgresql://", 1)
        return [Database("postgres", url=url)]
    if in_memory(settings):
        return []
    events = settings.sqlite_path()
    return [
        Database("sqlite", sqlite=events),
        Database("sqlite_views", sqlite=views_file(events)),
    ]


def views_file(events: Path) -> Path:
    """The views' own file beside the events': the projector's writes never
    wait for the commands' ones (SQLite has one writer per file)."""
    return events.with_name(f"{events.stem}-views{events.suffix}")


def migrate(settings: Settings) -> list[str]:
    """Apply every missing version; those applied (`<folder>/<version>`).
    Nothing is written when one database carries a version this code does not
    know."""
    found = databases(settings)
    for database in found:
        database.check()
    applied: list[str] = []
    for database in found:
        applied += database.apply()
    for version in applied:
        log.info("migration_applied %s", version)
    return applied


def in_memory(settings: Settings) -> bool:
    return not settings.is_postgres and ":memory:" in str(settings.sqlite_path())


def create_in_memory(datastore: Any, folder: str) -> None:
    """An in-memory SQLite store (`sqlite:///:memory:`, the tests') lives in its
    datastore's one connection, where no other can migrate it: every version
    runs there at start, unrecorded, as the process is its whole life."""
    with datastore.transaction(commit=True) as curs:
        for path in sorted((FOLDER / folder).glob("*.sql")):
            for statement in read_sql_migration(str(path))[2]:
                curs.execute(statement)


def check_schema(settings: Settings) -> None:
    """Refuse a newer schema, or one missing versions (PostgreSQL, where
    `logis migrate` applies them before the services start)."""
    pending = [v for database in databases(settings) for v in database.check()]
    if pending:
        raise PendingMigrationsError(
            f"Le schéma de la base n'est pas à jour (version(s) à appliquer : "
            f"{', '.join(pending)}). Lancez `logis migrate` avant les services. "
            "Logis ne démarre pas (rien n'a été écrit)."
        )


def _newer(unknown: Sequence[str], known: Sequence[str]) -> str:
    return (
        f"Cette base a été migrée par une version plus récente de Logis "
        f"(version(s) inconnue(s) ici : {', '.join(unknown)} ; ce code connaît "
        f"{', '.join(known) or 'aucune'}). Mettez Logis à jour ; il ne démarre "
        "pas sur ce schéma (rien n'a été écrit)."
    )
