"""The snapshots' table on each store (infra/snapshots.py), and how the
application gets it (bootstrap attaches it)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder

from infra.household_keys import HouseholdKeys
from infra.snapshot_sealing import SnapshotSealing
from infra.snapshots import INTERVAL, RecordSnapshots
from infra.sql_dialects import psycopg_query, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from commands.snapshots import CommandReads


class SQLiteRecordSnapshots(RecordSnapshots):
    def __init__(self, recorder: Any, keys: HouseholdKeys, mapper: Any) -> None:
        tables = ("record_snapshots", "event_seals", recorder.events_table_name)
        super().__init__(recorder, tables, keys, mapper)


class PostgresRecordSnapshots(RecordSnapshots):
    one_statement = True  # a statement is a round trip

    def __init__(self, recorder: Any, keys: HouseholdKeys, mapper: Any) -> None:
        schema = recorder.datastore.schema
        events = recorder.events_table_name
        prefix = events.removesuffix("_events")
        tables = (
            quoted(schema, f"{prefix}_record_snapshots"),
            quoted(schema, f"{prefix}_event_seals"),
            quoted(schema, events),
        )
        super().__init__(recorder, tables, keys, mapper)

    def query(self, text: str) -> Any:
        return psycopg_query(text)

    def param(self, value: UUID) -> Any:
        return value

    def reading(self) -> Any:
        # One statement needs no transaction (BEGIN and ROLLBACK: two round
        # trips more); the library reads its events so too.
        return self.datastore.cursor()

    def command_reads(self, *args: Any) -> CommandReads:
        # A command's connection is not pinged (infra/store.py, `session`):
        # this is its first use; found broken, the reads are asked again of
        # the pool, which pings what it hands out.
        try:
            return super().command_reads(*args)
        except (OperationalError, InterfaceError):
            if not self.recorder.pins.gave_up():
                raise
            return super().command_reads(*args)

    @contextmanager
    def batch(self) -> Iterator[Callable[[Any, Any], Callable[[], list[Any]]]]:
        # Sent together in a pipeline, answered in one round trip (the
        # connection autocommits: no BEGIN, no ROLLBACK).
        with self.datastore.get_connection() as conn, conn.pipeline():

            def run(statement: Any, params: Any) -> Callable[[], list[Any]]:
                curs = conn.cursor()
                curs.execute(statement, params)
                return curs.fetchall  # type: ignore[no-any-return]

            yield run


def attach_snapshots(
    app: Any, interval: int = INTERVAL, cipher_key: bytes | None = None
) -> RecordSnapshots | None:
    """Give the application its store's snapshots (bootstrap does it): a
    Logis recorder's (household keys and seals beside the events), else none;
    under LOGIS_CIPHER_KEY (`cipher_key`) sealed by a key derived from it."""
    snapshots = record_snapshots(app, cipher_key)
    if snapshots is not None:
        snapshots.interval = interval
        app.snapshots = snapshots
    return snapshots


def record_snapshots(app: Any, cipher_key: bytes | None) -> RecordSnapshots | None:
    """The store's snapshots' table, attached or not (`logis verify` reads it
    even when this process takes none)."""
    recorder = app.recorder
    keys = getattr(recorder, "household_keys", None)
    if not isinstance(keys, HouseholdKeys) or not hasattr(recorder, "ledger"):
        return None
    snapshots: RecordSnapshots
    if isinstance(recorder, PostgresApplicationRecorder):
        snapshots = PostgresRecordSnapshots(recorder, keys, app.mapper)
    else:
        snapshots = SQLiteRecordSnapshots(recorder, keys, app.mapper)
    if cipher_key is not None:
        snapshots.sealing = SnapshotSealing(cipher_key)
    return snapshots


def snapshots_of(app: Any) -> RecordSnapshots:
    found = getattr(app, "snapshots", None)
    if not isinstance(found, RecordSnapshots):
        msg = "Ce stockage ne garde pas d'instantanés."
        raise TypeError(msg)
    return found
