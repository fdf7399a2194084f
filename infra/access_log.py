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

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.persistence import PersistenceError

from infra.access_entries import AccessLogUnavailable, entry_fields
from infra.ledger import GENESIS, Anchor
from infra.ledger.access_chain import (
    EntryDigest,
    EntrySeal,
    entry_hash,
    seal_entries,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from infra.access_entries import AccessEntry, AccessQuery, AccessRecord
    from projections.lists import Counted

FAILURES = (PersistenceError, sqlite3.Error, psycopg.Error)


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

    def select(self, query: AccessQuery) -> tuple[list[AccessRecord], Counted]:
        """The entries matching the query, newest first, and how many match (up
        to the query's `count_bound`: the log grows with every read)."""
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
        return EntryDigest(
            int(row["id"]), entry_hash(entry_fields(self._row_record(row)))
        )

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
