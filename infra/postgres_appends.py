"""How PostgresLogisRecorder (infra/store.py) appends: one command's events, or
a group of commands' (infra/group_commit.py) in one transaction.

Alone, in two round trips, as the library's own append: the table lock, the
events' insert, the idempotency key, the household keys (infra/household_keys.py)
and the reads the seals need, sent together; then the seals with the commit.
Not the library's pipeline as it is: there, the key was inserted before the
lock and, taken by a concurrent transaction, surfaced as "pipeline aborted",
an OperationalError the library retried for two seconds before the API
answered 500 instead of replaying the answer. Inserted after the table lock,
the key can only meet a committed one: IntegrityError at once, nothing
appended. The seals are read and written under that lock too: the chain's
last link cannot move.

A group, in three: under the table lock, each aggregate's last version, the
idempotency keys and the household keys already stored are read first; an
append whose version, key or household key is taken (by the store, or by an
append before it in the group) is refused alone, with the IntegrityError its
own transaction would have met, and the others are inserted together, sealed
as one chain in their notification order, committed once. Should the group's
insert fail all the same, it is rolled back and each append is tried again in
a transaction of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL

from infra.connection_pins import library_error
from infra.household_writes import Pending, flush_statements
from infra.ledger.hashing import id_text
from infra.sql_dialects import psycopg_query

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent

    from commands.idempotency import IdempotencyRecord
    from infra.group_commit import Append
    from infra.store import PostgresLogisRecorder

_BEGIN = SQL("BEGIN")
_COMMIT = SQL("COMMIT")


class PostgresAppends:
    def __init__(self, recorder: PostgresLogisRecorder) -> None:
        self.recorder = recorder
        self.ledger = recorder.ledger
        self.keys = recorder.household_keys
        sql = recorder.sql
        self.insert_key = sql(
            "INSERT INTO {schema}.{idempotency} (key, fingerprint, answer, "
            "originator_id, originator_version) VALUES (%s, %s, %s, %s, %s)"
        )
        self.last_versions = sql(
            "SELECT originator_id, MAX(originator_version) AS version "
            "FROM {schema}.{events} WHERE originator_id = ANY(%s) "
            "GROUP BY originator_id"
        )
        self.taken_keys = sql(
            "SELECT key FROM {schema}.{idempotency} WHERE key = ANY(%s)"
        )
        self.taken_households = psycopg_query(
            f"SELECT household_id FROM {self.keys.keys} WHERE household_id = ANY(?)"
        )

    # -- one transaction --

    def write(self, group: list[Append]) -> None:
        """`group`'s appends, in one transaction (alone: in the two round
        trips above); each answered with its ids or refused."""
        with self.recorder.datastore.get_connection() as conn:
            if len(group) == 1:
                self._alone(conn, group[0])
                return
            try:
                accepted = self._check(conn, group)
                if accepted:
                    self._insert(conn, accepted, begin=False)
                else:
                    conn.rollback()
            except Exception:
                _rolled_back(conn)
                for append in group:
                    if append.error is None:
                        self._alone(conn, append)

    def _alone(self, conn: Any, append: Append) -> None:
        try:
            self._insert(conn, [append], begin=True)
        except Exception as error:
            append.refuse(library_error(error))
        finally:  # a conflict leaves the transaction open, aborted
            _rolled_back(conn)

    def _insert(self, conn: Any, appends: list[Append], *, begin: bool) -> None:
        """Insert and seal the appends' events, write what goes beside them,
        commit; each append answered with its notification ids. `begin`: the
        transaction is not open yet (a group's is, since `_check`)."""
        events = [e for a in appends for e in a.events]
        failure: Exception | None = None
        ids: list[int] = []
        # BEGIN and COMMIT sent in the pipeline, not psycopg's transaction
        # block: that one syncs when it opens and when it closes.
        with conn.pipeline() as pipeline:
            inserted, other, reads = (conn.cursor() for _ in range(3))
            if begin:
                other.execute(_BEGIN)
            # The table lock (a group's: held already, nothing waits), NOTIFY,
            # then the events' insert.
            self.recorder._insert_stored_events(inserted, events)
            for append in appends:
                self._beside(other, append.events, append.idempotency, append.household)
            reads.execute(*self.ledger.reads_query(events))
            try:
                pipeline.sync()  # a conflict raises here, nothing appended
                ids = [row["notification_id"] for row in inserted.fetchall()]
                seals = self.ledger.sealed(events, ids, reads.fetchall())
                other.execute(*self.ledger.insert_query(seals))
                other.execute(_COMMIT)
            except Exception as error:  # raised once the pipeline is closed
                failure = error
        if failure is not None:
            raise failure
        start = 0
        for append in appends:
            append.answer(ids[start : start + len(append.events)])
            start += len(append.events)

    def _beside(
        self,
        curs: Any,
        stored_events: Sequence[StoredEvent],
        record: IdempotencyRecord | None,
        household: Pending | None,
    ) -> None:
        """What an append writes beside its events: its idempotency key, the
        household keys and subjects its events need."""
        if record is not None:
            last = stored_events[-1]
            curs.execute(
                self.insert_key,
                (
                    record.key,
                    record.fingerprint,
                    record.stored_answer(),
                    last.originator_id,
                    last.originator_version,
                ),
            )
        if household is not None:
            for statement, params in flush_statements(self.keys, household):
                curs.execute(statement, params)

    # -- a group --

    def _check(self, conn: Any, group: list[Append]) -> list[Append]:
        """Lock the table, read what the group's appends would collide with,
        refuse those that would: the others, in order."""
        ids = list({e.originator_id for a in group for e in a.events})
        keys = [a.idempotency.key for a in group if a.idempotency is not None]
        households = [h for a in group if a.household for h in a.household.keys]
        with conn.pipeline() as pipeline:
            lock, versions, taken, held = (conn.cursor() for _ in range(4))
            lock.execute(_BEGIN)
            self.recorder._lock_table(lock)
            versions.execute(self.last_versions, (ids,))
            if keys:
                taken.execute(self.taken_keys, (keys,))
            if households:
                held.execute(self.taken_households, (households,))
            pipeline.sync()
            last = {
                id_text(r["originator_id"]): r["version"] for r in versions.fetchall()
            }
            used = {r["key"] for r in taken.fetchall()} if keys else set()
            kept = (
                {id_text(r["household_id"]) for r in held.fetchall()}
                if households
                else set()
            )
        accepted = []
        for append in group:
            why = _collision(append, last, used, kept)
            if why is not None:
                append.refuse(IntegrityError(why))
                continue
            accepted.append(append)
            for event in append.events:
                last[id_text(event.originator_id)] = event.originator_version
            if append.idempotency is not None:
                used.add(append.idempotency.key)
            if append.household is not None:
                kept.update(id_text(h) for h in append.household.keys)
        return accepted


def _collision(
    append: Append, last: dict[str, int], used: set[str], kept: set[str]
) -> str | None:
    """Why `append` cannot be written after what is stored and accepted: the
    message of the unique violation it would meet; None if it can."""
    for event in append.events:
        if event.originator_version <= last.get(id_text(event.originator_id), 0):
            return (
                "duplicate key value: (originator_id, originator_version)="
                f"({event.originator_id}, {event.originator_version}) already exists"
            )
    if append.idempotency is not None and append.idempotency.key in used:
        return f"duplicate key value: idempotency key {append.idempotency.key!r}"
    if append.household is not None:
        for household in append.household.keys:
            if id_text(household) in kept:
                return f"duplicate key value: household key {household}"
    return None


def _rolled_back(conn: Any) -> None:
    if conn.info.transaction_status != TransactionStatus.IDLE:
        conn.rollback()
