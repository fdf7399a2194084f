"""The households' key tables (infra/household_keys.py) on each database:
where they are, the SQL dialect, and the steps that leave no copy of a
destroyed key behind."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING, Any

from infra.household_keys import HouseholdKeys, now
from infra.sql_dialects import psycopg_query, quoted

if TYPE_CHECKING:
    from uuid import UUID


class SQLiteHouseholdKeys(HouseholdKeys):
    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore, "household_keys", "household_subjects")

    def _before_erase(self, curs: Any) -> None:
        # Overwrite the freed bytes instead of leaving them in free pages.
        curs.execute("PRAGMA secure_delete = ON")

    def _after_erase(self) -> None:
        # The old page may linger in the write-ahead log: copy it back and
        # truncate the log (best effort: a reader may hold it a little longer).
        with (
            contextlib.suppress(sqlite3.Error),
            self.datastore.transaction(commit=False) as curs,
        ):
            curs.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresHouseholdKeys(HouseholdKeys):
    def __init__(self, datastore: Any, prefix: str, schema: str) -> None:
        super().__init__(
            datastore,
            quoted(schema, f"{prefix}_household_keys"),
            quoted(schema, f"{prefix}_household_subjects"),
        )

    def query(self, text: str) -> Any:
        return psycopg_query(text)

    def param(self, value: UUID) -> Any:
        return value

    def stamp(self) -> Any:
        return now()
