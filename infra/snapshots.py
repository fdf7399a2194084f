"""The records' snapshots (`record_snapshots` on SQLite, `logis_record_snapshots`
on PostgreSQL): what commands/snapshots.py loads a long record from.

A snapshot is a cache, never evidence, and is read only when it still matches:
- it names the seal (`event_hash`, infra/ledger/) of the event it was taken
  after, which chains every earlier event of the record: a load uses it only
  while that seal is the one the store holds (a record whose events were
  rewritten and resealed is replayed), and a store without seals has none;
- a household's record (a dossier, a measure, a referral) holds its personal
  data: its snapshot is encrypted whole (AES-GCM) under the household's key
  (infra/household_keys.py), authenticating the record, the version, the seal
  and the code's fingerprint. Once the key is destroyed it can no longer be
  read, so an erasure reaches snapshots as it reaches events (they are dropped
  at the erasure too); a record holding other households' data (a commission's
  motives) gets none; a record without personal data is stored as the events
  are, but under LOGIS_CIPHER_KEY sealed as a household's is, under a key
  derived from it (infra/snapshot_sealing.py);
- without LOGIS_CIPHER_KEY no key outside the database authenticates a
  snapshot: `logis verify` checks each against its events' replay
  (infra/ledger/snapshot_check.py);
- `fingerprint` is a digest of the domain code (domain/*.py), `class_version`
  the aggregate's: a snapshot written by other code is ignored, the record
  replayed from its events (and snapshotted again);
- a state is encoded as the events are (the store's transcodings), its tuples
  and sets marked so that they read back as they were; a state that would not
  read back exactly is not snapshotted.

Writing a snapshot never fails a load: an error is logged and the load goes on.
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import (
    PersistenceError,
)
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from commands.snapshots import Snapshot, Taken
from infra.household_keys import HouseholdKeys
from infra.recent_states import RecentStates
from infra.snapshot_reads import SnapshotReads
from infra.snapshot_state import (
    fingerprint,
    households_held,
    marked,
    micros,
    moment,
    snapshot_transcoder,
)

if TYPE_CHECKING:
    from commands.snapshots import Replay
    from domain.clocks import Clocks
    from infra.snapshot_sealing import SnapshotSealing

log = logging.getLogger("logis.snapshots")

INTERVAL = 50  # a snapshot every 50 versions of a record
NONCE_BYTES = 12


class RecordSnapshots(SnapshotReads):
    """The snapshots' table of one store. Subclasses give the SQL dialect."""

    def __init__(
        self,
        recorder: Any,
        tables: tuple[str, str, str],
        keys: HouseholdKeys,
        mapper: Any,
        interval: int = INTERVAL,
    ) -> None:
        self.recorder, self.datastore = recorder, recorder.datastore
        self.table, self.seals, self.events = tables  # snapshots, seals, events
        self.keys, self.mapper = keys, mapper
        self.sealing: SnapshotSealing | None = None  # under LOGIS_CIPHER_KEY
        self.interval = interval
        self.fingerprint = fingerprint()
        self.transcoder = snapshot_transcoder(mapper.transcoder)
        self.recent = RecentStates(keys)  # the records last loaded, in memory

    # -- dialect --

    def query(self, text: str) -> Any:
        return text

    def param(self, value: UUID) -> Any:
        return value.hex

    def reading(self) -> Any:
        """A cursor for one read statement (its own snapshot of the store)."""
        return self.datastore.transaction(commit=False)

    # -- reading --

    def nearest(self, record_id: UUID, clocks: Clocks) -> Snapshot | None:
        """The latest snapshot a load by `clocks` may start from, that still
        matches its record's seals; None: replay from the first event."""
        conditions, params = self._conditions(record_id, clocks)
        with self.reading() as curs:
            curs.execute(self.query(self._latest(conditions)), params)
            row = curs.fetchone()
        return None if row is None else self._snapshot(record_id, row)

    def _conditions(self, record_id: UUID, clocks: Clocks) -> tuple[str, list[Any]]:
        """What a snapshot must satisfy to start a load by `clocks` (its
        events all recorded by `known_at`, all happened by `as_of`)."""
        conditions, params = "", [self.param(record_id), self.fingerprint]
        if clocks.known_at is not None:
            conditions += " AND s.recorded_until <= ?"
            params.append(micros(clocks.known_at))
        if clocks.as_of is not None:
            conditions += " AND s.happened_until <= ?"
            params.append(clocks.as_of.toordinal())
        return conditions, params

    def _latest(self, conditions: str) -> str:
        """The statement of the latest snapshot of a record (`?`: its id,
        the fingerprint, then the `conditions`' values), with its seal."""
        return (
            "SELECT s.originator_version, s.topic, s.class_version, s.event_hash, "
            "s.recorded_until, s.happened_until, s.household_id, s.state, "
            f"e.event_hash AS sealed FROM {self.table} s LEFT JOIN {self.seals} e "
            "ON e.originator_id = s.originator_id "
            "AND e.originator_version = s.originator_version "
            f"WHERE s.originator_id = ? AND s.fingerprint = ?{conditions} "
            "ORDER BY s.originator_version DESC LIMIT 1"
        )

    def _snapshot(self, record_id: UUID, row: Any) -> Snapshot | None:
        """The snapshot a row holds, if it still matches its record's seal,
        this code and the household's key."""
        version = int(row["originator_version"])
        if row["sealed"] != row["event_hash"]:
            log.warning(
                "snapshot_ignored record=%s version=%s reason=seal_mismatch",
                record_id,
                version,
            )
            return None
        try:
            aggregate = self._decoded(record_id, version, row)
        except (TopicError, ValueError, TypeError, KeyError, AttributeError):
            # A cache the events rebuild: an unreadable one is passed over
            # (`logis verify` names it), never a load's failure.
            log.warning(
                "snapshot_ignored record=%s version=%s reason=unreadable",
                record_id,
                version,
            )
            return None
        if aggregate is None:
            return None
        happened = row["happened_until"]
        return Snapshot(
            aggregate,
            version,
            moment(int(row["recorded_until"])),
            None if happened is None else date.fromordinal(int(happened)),
        )

    def _decoded(self, record_id: UUID, version: int, row: Any) -> Any:
        aggregate_class = resolve_topic(row["topic"])
        if row["class_version"] != getattr(aggregate_class, "class_version", 1):
            return None
        plain = self._open(record_id, version, row)
        if plain is None:
            return None
        aggregate = object.__new__(aggregate_class)
        aggregate.__dict__.update(self.transcoder.decode(plain))
        aggregate.__dict__["_pending_events"] = []
        return aggregate

    def _open(self, record_id: UUID, version: int, row: Any) -> bytes | None:
        state = bytes(row["state"])
        household = row["household_id"]
        aad = self._aad(record_id, version, row["event_hash"])
        key = None
        if household is not None:
            household_id = household if isinstance(household, UUID) else UUID(household)
            key = self.keys.key(household_id)
            if key is None:  # erased: the snapshot reads no more
                return None
        try:
            if key is None:
                return self._unwrap(state, aad)
            return AESGCM(key).decrypt(state[:NONCE_BYTES], state[NONCE_BYTES:], aad)
        except InvalidTag:
            log.warning(
                "snapshot_ignored record=%s version=%s reason=invalid_tag",
                record_id,
                version,
            )
            return None

    def _unwrap(self, state: bytes, aad: bytes) -> bytes:
        if self.sealing is not None:  # InvalidTag: not sealed by the cipher key
            state = self.sealing.open(state, aad)
        elif self.mapper.cipher is not None:
            state = self.mapper.cipher.decrypt(state)
        if self.mapper.compressor is not None:
            state = self.mapper.compressor.decompress(state)
        return state

    def _aad(self, record_id: UUID, version: int, event_hash: str) -> bytes:
        return f"{record_id.hex}/{version}/{event_hash}/{self.fingerprint}".encode()

    # -- writing --

    def take(
        self, aggregate: Any, recorded_until: datetime, happened_until: date | None
    ) -> Taken | None:
        """The record's state encoded now (it goes on changing), or None when
        it may not be snapshotted, or would not read back exactly."""
        aggregate_class = type(aggregate)
        if households_held(aggregate_class) == "several":
            return None
        state = dict(vars(aggregate))
        state.pop("_pending_events", None)
        try:
            plain = self.transcoder.encode(marked(state))
            exact = self.transcoder.decode(plain) == state
        except (TypeError, ValueError):  # a type no transcoding knows
            exact = False
        if not exact:
            log.debug("snapshot_skipped class=%s", aggregate_class.__name__)
            return None
        return Taken(
            aggregate.version,
            get_topic(aggregate_class),
            getattr(aggregate_class, "class_version", 1),
            recorded_until,
            happened_until,
            plain,
        )

    def replayed(self, replay: Replay) -> None:
        """A load replayed the record: kept in memory if it was a current load
        (infra/recent_states.py)."""
        if replay.recorded_until is not None:
            self.recent.remember(
                replay.record_id,
                replay.aggregate,
                replay.recorded_until,
                replay.happened_until,
            )

    def write(self, record_id: UUID, taken: list[Taken]) -> None:
        """Store the snapshots taken (each after its event's seal; none for a
        household whose key is gone, or an event without a seal)."""
        try:
            self._write(record_id, taken)
        except PersistenceError as error:  # a cache: the load goes on
            log.warning("snapshot_not_written record=%s error=%r", record_id, error)

    def _write(self, record_id: UUID, taken: list[Taken]) -> None:
        household, key = None, None
        if households_held(resolve_topic(taken[0].topic)) == "own":
            household = self.keys.household_of(record_id)
            key = None if household is None else self.keys.key(household)
            if key is None:
                return
        seals = self._seals(record_id, [t.version for t in taken])
        rows = []
        for t in taken:
            sealed = seals.get(t.version)
            if sealed is None:
                continue
            aad = self._aad(record_id, t.version, sealed)
            if key is None:
                state = self._wrap(t.state, aad)
            else:
                nonce = os.urandom(NONCE_BYTES)
                state = nonce + AESGCM(key).encrypt(nonce, t.state, aad)
            rows.append(
                (
                    self.param(record_id),
                    self.fingerprint,
                    t.version,
                    t.topic,
                    t.class_version,
                    sealed,
                    micros(t.recorded_until),
                    None if t.happened_until is None else t.happened_until.toordinal(),
                    None if household is None else self.param(household),
                    state,
                )
            )
        if not rows:
            return
        statement = self.query(
            f"INSERT INTO {self.table} (originator_id, fingerprint, "
            "originator_version, topic, class_version, event_hash, recorded_until, "
            "happened_until, household_id, state) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (originator_id, fingerprint, "
            "originator_version) DO UPDATE SET topic = excluded.topic, "
            "class_version = excluded.class_version, event_hash = excluded.event_hash, "
            "recorded_until = excluded.recorded_until, "
            "happened_until = excluded.happened_until, "
            "household_id = excluded.household_id, state = excluded.state"
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.executemany(statement, rows)

    def _wrap(self, state: bytes, aad: bytes) -> bytes:
        if self.mapper.compressor is not None:
            state = self.mapper.compressor.compress(state)
        if self.sealing is not None:  # infra/snapshot_sealing.py
            return self.sealing.seal(state, aad)
        if self.mapper.cipher is not None:
            state = self.mapper.cipher.encrypt(state)
        return state

    def _seals(self, record_id: UUID, versions: list[int]) -> dict[int, str]:
        marks = ", ".join("?" for _ in versions)
        statement = self.query(
            f"SELECT originator_version, event_hash FROM {self.seals} "
            f"WHERE originator_id = ? AND originator_version IN ({marks})"
        )
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, [self.param(record_id), *versions])
            return {
                int(r["originator_version"]): r["event_hash"] for r in curs.fetchall()
            }

    def drop(self, record_ids: list[UUID]) -> None:
        """Forget every snapshot of these records (an erasure: unreadable
        already, they need not linger)."""
        self.recent.forget(record_ids)
        if not record_ids:
            return
        marks = ", ".join("?" for _ in record_ids)
        statement = self.query(
            f"DELETE FROM {self.table} WHERE originator_id IN ({marks})"
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(statement, [self.param(i) for i in record_ids])

    def versions(self, record_id: UUID) -> list[int]:
        """The versions of the record this code has snapshots of."""
        statement = self.query(
            f"SELECT originator_version FROM {self.table} "
            "WHERE originator_id = ? AND fingerprint = ? ORDER BY originator_version"
        )
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, [self.param(record_id), self.fingerprint])
            return [int(r["originator_version"]) for r in curs.fetchall()]
