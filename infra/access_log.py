"""The access log (issue 7, DOMAIN.md §9): who read which record's personal data,
when, through which endpoint, in which request, and which categories of data.

An append-only table in the events database, beside the events (`access_log` on
SQLite, `<prefix>_access_log` on PostgreSQL): reads are not events of the
records, they must not move the records' versions nor the ledger's chain, and
they are far more numerous. A trigger refuses any UPDATE or DELETE, and each row
is sealed in its insert transaction in a seal table beside it (`access_log_seals`,
`<prefix>_access_log_seals`), chained as the events are (infra/ledger/
access_chain.py): `logis verify` names a row deleted, altered, inserted or moved
once the trigger is dropped. Writers take the log's write lock before inserting,
so its ids, hence the chain, follow the commit order. Writing is synchronous: a
read whose entries cannot be written raises AccessLogUnavailable, and the API
does not serve it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Composed, Identifier

from infra.ledger import GENESIS, Anchor
from infra.ledger.access_chain import (
    EntryDigest,
    EntrySeal,
    entry_hash,
    seal_entries,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import ApplicationRecorder
    from eventsourcing.sqlite import SQLiteDatastore

MAX_LIMIT = 500
FAILURES = (PersistenceError, sqlite3.Error, psycopg.Error)


class AccessLogUnavailable(Exception):
    """The entries could not be written: the read must not be served."""


@dataclass(frozen=True)
class AccessEntry:
    """One record read by one request."""

    at: datetime
    subject: str
    role: str
    organisation: str
    kind: str  # dossier, mesure, saisine
    record_id: UUID
    endpoint: str  # "GET /v1/dossiers/{dossier_id}/history"
    request_id: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class AccessRecord(AccessEntry):
    id: int


@dataclass(frozen=True)
class AccessQuery:
    record_id: UUID | None = None
    subject: str | None = None
    organisation: str | None = None
    role: str | None = None
    kind: str | None = None
    since: datetime | None = None  # at >= since
    until: datetime | None = None  # at < until
    limit: int = 100
    offset: int = 0

    def conditions(self) -> list[tuple[str, Any]]:
        """(column and operator, value) of each filter given."""
        found: list[tuple[str, Any]] = []
        for column, value in (
            ("record_id =", self.record_id),
            ("subject =", self.subject),
            ("organisation =", self.organisation),
            ("role =", self.role),
            ("record_kind =", self.kind),
            ("at >=", self.since),
            ("at <", self.until),
        ):
            if value is not None:
                found.append((column, value))
        return found


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


class AccessLog:
    """The table's one write (a batch of entries) and its one query; its DDL is a
    migration (infra/migrations/)."""

    datastore: Any

    def seal_unsealed(self) -> None:
        """At start: a log written before it was chained is sealed once."""
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            self._seal_unsealed_log(curs)

    def _lock(self, curs: Any) -> None:
        """Make writers take their ids one transaction after another (SQLite: its
        one writer does)."""

    def append(self, entries: Sequence[AccessEntry]) -> None:
        """Write the entries in one transaction, or raise AccessLogUnavailable."""
        if not entries:
            return
        try:
            self._insert(entries)
        except FAILURES as error:
            raise AccessLogUnavailable(str(error)) from error

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], int]:
        """The entries matching the query, newest first, and how many match."""
        raise NotImplementedError

    def _insert(self, entries: Sequence[AccessEntry]) -> None:
        raise NotImplementedError

    # -- the chain (infra/ledger/access_chain.py) --

    def q(self, text: str) -> Any:
        """`text` with {table}, {seals} and `?` in this store's dialect."""
        raise NotImplementedError

    def _row_record(self, row: Any) -> AccessRecord:
        raise NotImplementedError

    def _digest(self, row: Any) -> EntryDigest:
        return EntryDigest(int(row["id"]), entry_hash(_fields(self._row_record(row))))

    def _seal_range(self, curs: Any, first: int, last: int) -> None:
        """Seal the rows first..last, just inserted under the write lock."""
        curs.execute(
            self.q("SELECT * FROM {table} WHERE id >= ? AND id <= ? ORDER BY id"),
            (first, last),
        )
        digests = [self._digest(row) for row in curs.fetchall()]
        curs.execute(self.q("SELECT chain_hash FROM {seals} ORDER BY id DESC LIMIT 1"))
        head = curs.fetchone()
        seals = seal_entries(
            digests, bytes.fromhex(head["chain_hash"]) if head else GENESIS
        )
        curs.executemany(
            self.q("INSERT INTO {seals} (id, entry_hash, chain_hash) VALUES (?, ?, ?)"),
            [(s.position, s.entry_hash.hex(), s.chain_hash.hex()) for s in seals],
        )

    def _seal_unsealed_log(self, curs: Any) -> None:
        """A log written before it was chained: seal it once, as it stands."""
        curs.execute(self.q("SELECT MIN(id) AS lo, MAX(id) AS hi FROM {table}"))
        bounds = curs.fetchone()
        curs.execute(self.q("SELECT COUNT(*) AS n FROM {seals}"))
        if bounds["hi"] is not None and int(curs.fetchone()["n"]) == 0:
            self._seal_range(curs, int(bounds["lo"]), int(bounds["hi"]))

    def last_position(self) -> int | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                self.q(
                    "SELECT (SELECT MAX(id) FROM {table}) AS e, "
                    "(SELECT MAX(id) FROM {seals}) AS s"
                )
            )
            row = curs.fetchone()
        found = [int(p) for p in (row["e"], row["s"]) if p is not None]
        return max(found) if found else None

    def page(
        self, after: int, stop: int, limit: int
    ) -> tuple[list[EntryDigest], list[EntrySeal], int]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                self.q(
                    "SELECT * FROM {table} WHERE id > ? AND id <= ? ORDER BY id LIMIT ?"
                ),
                (after, stop, limit),
            )
            rows = [self._digest(row) for row in curs.fetchall()]
            curs.execute(
                self.q(
                    "SELECT id, entry_hash, chain_hash FROM {seals} "
                    "WHERE id > ? AND id <= ? ORDER BY id LIMIT ?"
                ),
                (after, stop, limit),
            )
            seals = [
                EntrySeal(
                    int(r["id"]),
                    bytes.fromhex(r["entry_hash"]),
                    bytes.fromhex(r["chain_hash"]),
                )
                for r in curs.fetchall()
            ]
        until = stop
        for found in (rows, seals):
            if len(found) == limit:
                until = min(until, found[-1].position)
        return (
            [r for r in rows if r.position <= until],
            [s for s in seals if s.position <= until],
            until,
        )

    def head(self) -> Anchor:
        """The chain's last link: the anchor `logis anchor` prints for the log."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                self.q("SELECT id, chain_hash FROM {seals} ORDER BY id DESC LIMIT 1")
            )
            last = curs.fetchone()
            curs.execute(self.q("SELECT COUNT(*) AS n FROM {seals}"))
            count = int(curs.fetchone()["n"])
        if last is None:
            return Anchor(0, GENESIS.hex(), 0, datetime.now(UTC))
        return Anchor(int(last["id"]), last["chain_hash"], count, datetime.now(UTC))


def _fields(record: AccessEntry) -> list[str]:
    """What an entry's hash covers, as access_chain.py defines it."""
    return [
        _moment_text(record.at),
        record.subject,
        record.role,
        record.organisation,
        record.kind,
        record.record_id.hex,
        record.endpoint,
        record.request_id,
        json.dumps(list(record.categories), separators=(",", ":"), ensure_ascii=False),
    ]


class SQLiteAccessLog(AccessLog):
    table = "access_log"

    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    seals = "access_log_seals"

    def q(self, text: str) -> str:
        return text.format(table=self.table, seals=self.seals)

    def _insert(self, entries: Sequence[AccessEntry]) -> None:
        # The first INSERT takes the file's write lock (SQLite has one writer):
        # the ids and the chain's head cannot move before the commit.
        with self.datastore.transaction(commit=True) as c:
            ids = []
            for values in (
                (
                    _moment_text(e.at),
                    e.subject,
                    e.role,
                    e.organisation,
                    e.kind,
                    str(e.record_id),
                    e.endpoint,
                    e.request_id,
                    json.dumps(list(e.categories)),
                )
                for e in entries
            ):
                c.execute(
                    f"INSERT INTO {self.table} (at, subject, role, organisation, "
                    "record_kind, record_id, endpoint, request_id, categories) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
                ids.append(int(c.lastrowid))
            self._seal_range(c, ids[0], ids[-1])

    def _row_record(self, row: Any) -> AccessRecord:
        return _record(
            row,
            at=datetime.fromisoformat(row["at"]),
            record_id=UUID(row["record_id"]),
            categories=json.loads(row["categories"]),
        )

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], int]:
        where, params = "", []
        conditions = query.conditions()
        if conditions:
            where = " WHERE " + " AND ".join(f"{c} ?" for c, _ in conditions)
            params = [_sqlite_value(v) for _, v in conditions]
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {self.table}{where}", params)
            total = int(c.fetchone()[0])
            c.execute(
                f"SELECT * FROM {self.table}{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            )
            rows = c.fetchall()
        return [self._row_record(row) for row in rows], total


def _moment_text(moment: datetime) -> str:
    """UTC, fixed width: the texts sort as the moments do."""
    return _utc(moment).isoformat(timespec="microseconds")


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return _moment_text(value)
    if isinstance(value, UUID):
        return str(value)
    return value


class PostgresAccessLog(AccessLog):
    def __init__(self, datastore: PostgresDatastore, events_table_name: str) -> None:
        self.datastore = datastore
        self.table = f"{events_table_name.removesuffix('_events')}_access_log"
        self.seals = f"{self.table}_seals"

    def q(self, text: str) -> Composed:
        return self._sql(
            text.replace("?", "%s")
            .replace("{table}", "{schema}.{table}")
            .replace("{seals}", "{schema}.{seals}")
        )

    def _sql(self, text: str) -> Composed:
        return SQL(text).format(  # type: ignore[arg-type]
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.table),
            seals=Identifier(self.seals),
        )

    def _lock(self, curs: Any) -> None:
        # Concurrent readers log at once: EXCLUSIVE lets the log be read but
        # makes writers take their ids, and seal them, one transaction after
        # another, so the chain stays linear (the events' table does the same).
        curs.execute(self._sql("LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE"))

    def _insert(self, entries: Sequence[AccessEntry]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._lock(curs)
            ids = []
            for values in (
                (
                    _utc(e.at),
                    e.subject,
                    e.role,
                    e.organisation,
                    e.kind,
                    e.record_id,
                    e.endpoint,
                    e.request_id,
                    json.dumps(list(e.categories)),
                )
                for e in entries
            ):
                curs.execute(
                    self._sql(
                        "INSERT INTO {schema}.{table} (at, subject, role, "
                        "organisation, record_kind, record_id, endpoint, "
                        "request_id, categories) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
                    ),
                    values,
                )
                ids.append(int(curs.fetchone()["id"]))
            self._seal_range(curs, ids[0], ids[-1])

    def _row_record(self, row: Any) -> AccessRecord:
        return _record(
            row,
            at=_utc(row["at"]),
            record_id=row["record_id"],
            categories=row["categories"],
        )

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], int]:
        where = SQL("")
        params: list[Any] = []
        conditions = query.conditions()
        if conditions:
            where = SQL(" WHERE ") + SQL(" AND ").join(
                SQL(f"{c} %s") for c, _ in conditions
            )
            params = [v for _, v in conditions]
        count = self._sql("SELECT COUNT(*) AS n FROM {schema}.{table}") + where
        rows_sql = (
            self._sql("SELECT * FROM {schema}.{table}")
            + where
            + SQL(" ORDER BY id DESC LIMIT %s OFFSET %s")
        )
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(count, params)
            counted = curs.fetchone()
            curs.execute(rows_sql, [*params, query.limit, query.offset])
            rows = curs.fetchall()
        total = int(counted["n"]) if counted else 0
        return [self._row_record(row) for row in rows], total


def _record(
    row: Any, *, at: datetime, record_id: UUID, categories: list[str]
) -> AccessRecord:
    return AccessRecord(
        id=int(row["id"]),
        at=at,
        subject=row["subject"],
        role=row["role"],
        organisation=row["organisation"],
        kind=row["record_kind"],
        record_id=record_id,
        endpoint=row["endpoint"],
        request_id=row["request_id"],
        categories=tuple(categories),
    )


def access_log_for(recorder: ApplicationRecorder) -> AccessLog:
    """The access log in the events database the application's recorder writes."""
    datastore = recorder.datastore  # type: ignore[attr-defined]
    if isinstance(datastore, PostgresDatastore):
        return PostgresAccessLog(datastore, recorder.events_table_name)  # type: ignore[attr-defined]
    return SQLiteAccessLog(datastore)
