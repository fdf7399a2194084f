"""How events are stored: transcodings, and recorders that keep idempotency keys
and the events' seals (infra/ledger/) in the same transaction as the events.

Selected through the library's topic settings (TRANSCODER_TOPIC,
APPLICATION_RECORDER_TOPIC), so the application never imports this module. The
recorders also hold the households' keys (infra/household_keys.py) that the
mapper of infra/personal_mapper.py encrypts personal data with. Their tables
are created by the migrations (infra/migrations/), the library's by the library.
"""

from __future__ import annotations

import contextlib
import functools
import json
from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    IntegrityError,
    InterfaceError,
    InternalError,
    JSONTranscoder,
    OperationalError,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

from commands.idempotency import IdempotencyRecord
from domain.shared import Actor
from infra.connection_pins import pins_of
from infra.group_commit import Append, GroupCommit
from infra.household_key_stores import PostgresHouseholdKeys, SQLiteHouseholdKeys
from infra.household_writes import DrawnKeys, flush_statements, flushed
from infra.ledger import PostgresLedger, SQLiteLedger
from infra.planner_options import plan_as_lookups
from infra.postgres_appends import PostgresAppends

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from eventsourcing.persistence import StoredEvent
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, str]:
        return {
            "subject": obj.subject,
            "role": obj.role,
            "organisation": obj.organisation,
        }

    def decode(self, data: dict[str, str]) -> Actor:
        return Actor(**data)


class LogisTranscoder(JSONTranscoder):
    """The library's JSON, written as it writes it; read through a lighter
    object hook (one dict lookup per object; UUIDs shared while the same ones
    come back, as a batch's originator and dossier ids do)."""

    def __init__(self) -> None:
        super().__init__()
        self.decoders: dict[str, Callable[[Any], Any]] = {}
        for transcoding in (
            UUIDAsHex(),
            DecimalAsStr(),
            DatetimeAsISO(),
            DateAsISO(),
            ActorAsDict(),
        ):
            self.register(transcoding)
        self.decoder = json.JSONDecoder(object_hook=self._decode_object)

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        decoders = getattr(self, "decoders", None)
        if decoders is not None:
            decoders[transcoding.name] = FAST_DECODERS.get(
                type(transcoding), transcoding.decode
            )

    def _decode_object(self, d: dict[str, Any]) -> Any:
        # The library's `_decode_obj`, the same answers: an object of exactly
        # the two keys `_type_` and `_data_` is a transcoded value.
        if len(d) == 2 and "_type_" in d and "_data_" in d:
            decode = self.decoders.get(d["_type_"])
            if decode is None:
                return self._decode_obj(d)  # raises the library's error
            return decode(d["_data_"])
        return d


class SharedUUIDs:
    """UUIDs from their text, the same object for the same text while it is
    remembered (a UUID is immutable): parsing one costs more than a lookup."""

    def __init__(self, size: int = 65536) -> None:
        self.size = size
        self.known: dict[str, UUID] = {}

    def __call__(self, text: str) -> UUID:
        found = self.known.get(text)
        if found is None:
            if len(self.known) >= self.size:
                self.known.clear()
            found = self.known[text] = UUID(text)
        return found


shared_uuid = SharedUUIDs()
FAST_DECODERS: dict[type[Transcoding], Callable[[Any], Any]] = {
    UUIDAsHex: shared_uuid,
    DecimalAsStr: Decimal,
    DatetimeAsISO: datetime.fromisoformat,
    DateAsISO: date.fromisoformat,
}


def idempotency_select(
    position: str, idempotency: str, events: str, placeholder: str
) -> str:
    """The statement reading a key's fingerprint, answer and position: the
    key's row and the last event its command appended (both stores, which name
    the events' position column, the tables and the parameter their way)."""
    return (
        f"SELECT i.fingerprint, i.answer, e.{position} AS position "
        f"FROM {idempotency} i JOIN {events} e "
        "ON e.originator_id = i.originator_id "
        f"AND e.originator_version = i.originator_version WHERE i.key = {placeholder}"
    )


def idempotency_found(
    row: Any, answer: Callable[[Any], dict[str, Any]]
) -> tuple[str, dict[str, Any], int] | None:
    """A key's fingerprint, first answer (read by `answer`) and position, from
    the row `idempotency_select` found, if any."""
    if row is None:
        return None
    return row["fingerprint"], answer(row["answer"]), row["position"]


class SQLiteLogisRecorder(DrawnKeys, SQLiteApplicationRecorder):
    idempotency_table = "idempotency_keys"
    seals_table = "event_seals"

    def __init__(
        self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"
    ) -> None:
        self.ledger = SQLiteLedger(datastore, events_table_name, self.seals_table)
        self.household_keys = SQLiteHouseholdKeys(datastore)
        super().__init__(datastore, events_table_name)

    def convert_originator_id(self, originator_id: str) -> UUID | str:
        if self.datastore.originator_id_type == "uuid":
            return shared_uuid(originator_id)
        return originator_id

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        keys = self.household_keys  # a new household's key, its records
        for statement, params in flush_statements(keys, keys.writes.current()):
            c.execute(statement, params)
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        if record is not None:
            last = stored_events[-1]
            c.execute(
                f"INSERT INTO {self.idempotency_table} "
                "(key, fingerprint, answer, originator_id, originator_version) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    record.key,
                    record.fingerprint,
                    record.stored_answer(),
                    last.originator_id.hex,
                    last.originator_version,
                ),
            )
        positions = super()._insert_events(c, stored_events, **kwargs)
        self.ledger.seal(c, stored_events, positions or ())
        return positions

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super().insert_events(stored_events, **kwargs)
        flushed(self.household_keys, self.household_keys.writes.current())
        return positions

    def session(self) -> AbstractContextManager[None]:
        """A command: the household keys it needs are written with its events
        (its connections are in the process: none to hold)."""
        return self.household_keys.writes.deferred()

    @property
    def idempotency_query(self) -> str:
        return idempotency_select(
            "rowid", self.idempotency_table, self.events_table_name, "?"
        )

    @staticmethod
    def idempotency_found(row: Any) -> tuple[str, dict[str, Any], int] | None:
        return idempotency_found(row, json.loads)  # the answer is stored as text

    def find_idempotency(self, key: str) -> tuple[str, dict[str, Any], int] | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.idempotency_query, (key,))
            return self.idempotency_found(c.fetchone())

    def count_events(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {self.events_table_name}")
            return int(c.fetchone()[0])

    def count_events_between(
        self, after: int, until: int, topics: Sequence[str] = ()
    ) -> int:
        statement = (
            f"SELECT COUNT(*) FROM {self.events_table_name} "
            "WHERE rowid > ? AND rowid <= ?"
        )
        params: list[Any] = [after, until]
        if topics:
            statement += f" AND topic IN ({', '.join('?' for _ in topics)})"
            params += list(topics)
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return int(c.fetchone()[0])

    def ping(self) -> None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT 1")
            c.fetchone()


class PostgresLogisRecorder(DrawnKeys, PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        plan_as_lookups(datastore)  # before the pool opens (infra/planner_options.py)
        super().__init__(datastore, events_table_name=events_table_name)
        prefix = events_table_name.removesuffix("_events")
        self.idempotency_table = f"{prefix}_idempotency_keys"
        self.ledger = PostgresLedger(
            datastore, events_table_name, f"{prefix}_event_seals", datastore.schema
        )
        self.household_keys = PostgresHouseholdKeys(datastore, prefix, datastore.schema)
        self.pins = pins_of(datastore)
        self.group_commit = GroupCommit(PostgresAppends(self).write)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """One connection for every call this thread makes until it ends: a
        command's reads and its append (infra/connection_pins.py), not pinged
        (its first read, `command_reads`, checks it); the household keys it
        needs written with its events."""
        with self.pins.pin(ping=False), self.household_keys.writes.deferred():
            yield

    def sql(self, text: str) -> Composed:
        """`text` naming this store's tables, {events} and {idempotency}, in
        its {schema}."""
        return SQL(text).format(
            schema=Identifier(self.datastore.schema),
            events=Identifier(self.events_table_name),
            idempotency=Identifier(self.idempotency_table),
        )

    # Processes starting at once (API replicas, projectors) run the library's
    # DDL: its CREATE OR REPLACE FUNCTION then fails with "tuple concurrently
    # updated", two CREATE TYPE with a duplicate pg_type key. Again, it all exists.
    @retry((InternalError, IntegrityError), max_attempts=5, wait=0.1)
    def create_table(self) -> None:
        super().create_table()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events, their seals, the idempotency key and household keys in
        one transaction, shared with the commands appending at the same time
        (infra/group_commit.py, infra/postgres_appends.py)."""
        if not stored_events:
            return []
        append = Append(
            stored_events,
            kwargs.get("idempotency"),
            self.household_keys.writes.current(),
        )
        ids = self.group_commit.append(append)
        flushed(self.household_keys, append.household)
        return ids

    @functools.cached_property
    def idempotency_query(self) -> Composed:
        return self.sql(
            idempotency_select(
                "notification_id", "{schema}.{idempotency}", "{schema}.{events}", "%s"
            )
        )

    @staticmethod
    def idempotency_found(row: Any) -> tuple[str, dict[str, Any], int] | None:
        return idempotency_found(row, lambda answer: answer)  # JSONB, decoded

    def find_idempotency(self, key: str) -> tuple[str, dict[str, Any], int] | None:
        # One statement: no transaction around it (the connection autocommits).
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.idempotency_query, (key,), prepare=True)
            return self.idempotency_found(curs.fetchone())

    def count_events(self) -> int:
        statement = self.sql("SELECT COUNT(*) AS n FROM {schema}.{events}")
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement)
            row = curs.fetchone()
        return int(row["n"]) if row else 0

    def ping(self) -> None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT 1")
            curs.fetchone()

    def count_events_between(
        self, after: int, until: int, topics: Sequence[str] = ()
    ) -> int:
        statement = self.sql(
            "SELECT COUNT(*) AS n FROM {schema}.{events} "
            "WHERE notification_id > %s AND notification_id <= %s"
        )
        params: list[Any] = [after, until]
        if topics:
            statement += SQL(" AND topic = ANY(%s)")
            params.append(list(topics))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, params)
            row = curs.fetchone()
        return int(row["n"]) if row else 0
