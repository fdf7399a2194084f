"""The seal tables beside the events (`event_seals` on SQLite,
`<prefix>_event_seals` on PostgreSQL): sealing in the append transaction, and the
reads verification needs, on either backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from infra.ledger.hashing import GENESIS, Seal, id_text, seal_batch
from infra.ledger.verification import Anchor
from infra.sql_dialects import fetch_one, psycopg_query, quoted, recorder_part

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent


# A seal's columns, as SealRow reads them (`position`: its notification id).
SEAL_COLUMNS = (
    "notification_id AS position, originator_id, originator_version, event_hash, "
    "chain_hash"
)


@dataclass(frozen=True)
class EventRow:
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class SealRow:
    position: int
    originator_id: str
    version: int
    event_hash: bytes
    chain_hash: bytes
    previous_chain: bytes | None = None  # the link before it (per-aggregate reads)


@dataclass(frozen=True)
class Page:
    events: list[EventRow]
    seals: list[SealRow]
    previous: dict[tuple[str, int], bytes]  # (id, version - 1) → stored event hash
    until: int


class Ledger:
    """The seal table of one events table. Subclasses give the SQL dialect."""

    position_column = "notification_id"

    def __init__(self, datastore: Any, events_table: str, seals_table: str) -> None:
        self.datastore = datastore
        self.events = events_table
        self.seals = seals_table

    def query(self, text: str) -> Any:
        return text

    def id_param(self, originator_id: str) -> Any:
        return originator_id

    # -- in the append transaction --

    def seal(
        self, curs: Any, events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        """Seal the events just inserted: call it after the insert, under the
        write lock, so the chain's last link cannot change before commit."""
        if not events:
            return
        rows: list[Any] = []
        # Two plain index searches: on SQLite, cheaper than their UNION.
        for text, params in self._reads(events):
            curs.execute(self.query(text), params)
            rows += curs.fetchall()
        seals = self.sealed(events, positions, rows)
        curs.execute(*self.insert_query(seals))

    # The same in parts, for a recorder that sends the read with the insert
    # of the events and the seals' insert with the commit (PostgreSQL:
    # infra/postgres_appends.py). The read may run before the events' insert,
    # but under the same write lock.

    def reads_query(self, events: Sequence[StoredEvent]) -> tuple[Any, list]:
        """What the events' seals are made from, in one statement (one call
        into the driver the less for each append)."""
        reads = self._reads(events)
        text = " UNION ALL ".join(text for text, _ in reads)
        return self.query(text), [p for _, params in reads for p in params]

    def _reads(self, events: Sequence[StoredEvent]) -> list[tuple[str, list]]:
        """The chain's last link (`part` 1), then the stored hash of the
        version before each aggregate's first event in `events` (`part` 2;
        none when every one is a version 1)."""
        head = (
            "SELECT * FROM (SELECT 1 AS part, originator_id, originator_version, "
            f"event_hash, chain_hash FROM {self.seals} "
            "ORDER BY notification_id DESC LIMIT 1) AS head"
        )
        wanted: dict[str, int] = {}
        for event in events:
            wanted.setdefault(id_text(event.originator_id), event.originator_version)
        keys = [(k, v - 1) for k, v in wanted.items() if v > 1]
        if not keys:
            return [(head, [])]
        condition = " OR ".join(
            "(originator_id = ? AND originator_version = ?)" for _ in keys
        )
        previous = (
            "SELECT 2 AS part, originator_id, originator_version, event_hash, "
            f"NULL AS chain_hash FROM {self.seals} WHERE {condition}"
        )
        params = [p for k, v in keys for p in (self.id_param(k), v)]
        return [(head, []), (previous, params)]

    @staticmethod
    def sealed(
        events: Sequence[StoredEvent], positions: Sequence[int], rows: Sequence[Any]
    ) -> list[Seal]:
        """The events' seals, from the rows `reads_query` read."""
        previous = {
            (id_text(row["originator_id"]), row["originator_version"]): bytes.fromhex(
                row["event_hash"]
            )
            for row in rows
            if row["part"] == 2
        }
        heads = [bytes.fromhex(row["chain_hash"]) for row in rows if row["part"] == 1]
        return seal_batch(events, positions, previous, heads[0] if heads else GENESIS)

    def insert_query(self, seals: Sequence[Seal]) -> tuple[Any, list]:
        values = ", ".join("(?, ?, ?, ?, ?)" for _ in seals)
        return (
            self.query(
                f"INSERT INTO {self.seals} (notification_id, originator_id, "
                f"originator_version, event_hash, chain_hash) VALUES {values}"
            ),
            [
                p
                for s in seals
                for p in (
                    s.position,
                    self.id_param(s.originator_id),
                    s.version,
                    s.event_hash.hex(),
                    s.chain_hash.hex(),
                )
            ],
        )

    # -- reads, for verification --

    def _read(self) -> Any:
        return self.datastore.transaction(commit=False)

    def _one(self, text: str, params: Sequence[Any] = ()) -> Any:
        return fetch_one(self.datastore, self.query(text), params)

    def _events(self, curs: Any, where: str, params: Sequence[Any]) -> list[EventRow]:
        """The events stored `where` (and as ordered and limited there)."""
        curs.execute(
            self.query(
                f"SELECT {self.position_column} AS position, originator_id, "
                f"originator_version, topic, state FROM {self.events} WHERE {where}"
            ),
            params,
        )
        return [self._event(row) for row in curs.fetchall()]

    def last_position(self) -> int | None:
        row = self._one(
            f"SELECT (SELECT MAX({self.position_column}) FROM {self.events}) "
            f"AS e, (SELECT MAX(notification_id) FROM {self.seals}) AS s"
        )
        found = [p for p in (row["e"], row["s"]) if p is not None]
        return max(found) if found else None

    def page(self, after: int, stop: int, limit: int) -> Page:
        pos = self.position_column
        with self._read() as curs:
            events = self._events(
                curs,
                f"{pos} > ? AND {pos} <= ? ORDER BY {pos} LIMIT ?",
                (after, stop, limit),
            )
            curs.execute(
                self.query(
                    f"SELECT {SEAL_COLUMNS} FROM {self.seals} "
                    "WHERE notification_id > ? AND notification_id <= ? "
                    "ORDER BY notification_id LIMIT ?"
                ),
                (after, stop, limit),
            )
            seals = [self._seal(row) for row in curs.fetchall()]
            until = stop
            for rows in (events, seals):
                if len(rows) == limit:
                    until = min(until, rows[-1].position)
            curs.execute(
                self.query(
                    "SELECT e.originator_id, e.originator_version, p.event_hash "
                    f"FROM {self.events} e JOIN {self.seals} p "
                    "ON p.originator_id = e.originator_id "
                    "AND p.originator_version = e.originator_version - 1 "
                    f"WHERE e.{pos} > ? AND e.{pos} <= ?"
                ),
                (after, until),
            )
            previous = {
                (id_text(r["originator_id"]), r["originator_version"] - 1): (
                    bytes.fromhex(r["event_hash"])
                )
                for r in curs.fetchall()
            }
        return Page(
            [e for e in events if e.position <= until],
            [s for s in seals if s.position <= until],
            previous,
            until,
        )

    def event_position(self, originator_id: str, version: int) -> int | None:
        row = self._one(
            f"SELECT {self.position_column} AS position FROM {self.events} "
            "WHERE originator_id = ? AND originator_version = ?",
            (self.id_param(originator_id), version),
        )
        return None if row is None else int(row["position"])

    def aggregate(self, originator_id: str) -> tuple[list[EventRow], list[SealRow]]:
        with self._read() as curs:
            events = self._events(
                curs,
                "originator_id = ? ORDER BY originator_version",
                (self.id_param(originator_id),),
            )
            curs.execute(
                self.query(
                    "SELECT s.notification_id AS position, s.originator_id, "
                    "s.originator_version, s.event_hash, s.chain_hash, "
                    f"(SELECT p.chain_hash FROM {self.seals} p "
                    "WHERE p.notification_id < s.notification_id "
                    "ORDER BY p.notification_id DESC LIMIT 1) AS previous_chain "
                    f"FROM {self.seals} s WHERE s.originator_id = ? "
                    "ORDER BY s.originator_version"
                ),
                (self.id_param(originator_id),),
            )
            seals = [self._seal(row) for row in curs.fetchall()]
        return events, seals

    def first_topic(self, originator_id: UUID | str) -> str | None:
        """The topic of an aggregate's version 1: which kind of record it is."""
        row = self._one(
            f"SELECT topic FROM {self.events} "
            "WHERE originator_id = ? AND originator_version = 1",
            (self.id_param(id_text(originator_id)),),
        )
        return None if row is None else str(row["topic"])

    def seal_at(self, position: int) -> SealRow | None:
        row = self._one(
            f"SELECT {SEAL_COLUMNS} FROM {self.seals} WHERE notification_id = ?",
            (position,),
        )
        return None if row is None else self._seal(row)

    def head(self) -> Anchor:
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT notification_id, chain_hash FROM {self.seals} "
                    "ORDER BY notification_id DESC LIMIT 1"
                )
            )
            last = curs.fetchone()
            curs.execute(self.query(f"SELECT COUNT(*) AS n FROM {self.seals}"))
            count = int(curs.fetchone()["n"])
        if last is None:
            return Anchor(0, GENESIS.hex(), 0, datetime.now(UTC))
        return Anchor(
            int(last["notification_id"]), last["chain_hash"], count, datetime.now(UTC)
        )

    @staticmethod
    def _event(row: Any) -> EventRow:
        return EventRow(
            int(row["position"]),
            id_text(row["originator_id"]),
            int(row["originator_version"]),
            row["topic"],
            bytes(row["state"]),
        )

    @staticmethod
    def _seal(row: Any) -> SealRow:
        names = row.keys()  # sqlite3.Row has no `in`
        previous = row["previous_chain"] if "previous_chain" in names else None
        return SealRow(
            int(row["position"]),
            id_text(row["originator_id"]),
            int(row["originator_version"]),
            bytes.fromhex(row["event_hash"]),
            bytes.fromhex(row["chain_hash"]),
            None if previous is None else bytes.fromhex(previous),
        )


class SQLiteLedger(Ledger):
    position_column = "rowid"


class PostgresLedger(Ledger):
    def __init__(
        self, datastore: Any, events_table: str, seals_table: str, schema: str
    ) -> None:
        super().__init__(
            datastore, quoted(schema, events_table), quoted(schema, seals_table)
        )

    def query(self, text: str) -> Any:
        return psycopg_query(text)

    def id_param(self, originator_id: str) -> Any:
        return UUID(originator_id)


def ledger_of(app: Any) -> Ledger:
    """The ledger of a Logis application's recorder (infra.store's recorders)."""
    return recorder_part(
        app,
        "ledger",
        Ledger,
        "Ce stockage ne scelle pas ses événements (recorder sans registre).",
    )
