"""How a load reads its record's nearest snapshot and the events after it
(infra/snapshots.py), and how a command reads that together with its
idempotency key and its department's settings version: one read, on
PostgreSQL one round trip (issue 18: the three were statements of their own).

The dialect (the snapshots' table, infra/snapshot_stores.py) gives `batch`,
the statements of one read, and `one_statement`: whether the snapshot and the
events are asked in one statement (PostgreSQL: a statement is a round trip)
or in two plain index searches (SQLite: the one statement sorts in temporary
trees, three times slower).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import StoredEvent

from commands.snapshots import CommandReads, Snapshot
from domain.clocks import Clocks
from infra.recent_states import Recent, RecentStates

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from uuid import UUID

    Run = Callable[[Any, Any], Callable[[], list[Any]]]

SNAPSHOT_FIELDS = (
    "originator_version, topic, class_version, event_hash, recorded_until, "
    "happened_until, household_id, state, sealed"
)


class SnapshotReads:
    """The reading half of the snapshots' table (infra/snapshots.py)."""

    one_statement = False  # a load's snapshot and events read in one statement
    if TYPE_CHECKING:
        recorder: Any
        events: str
        seals: str
        recent: RecentStates

        def query(self, text: str) -> Any: ...
        def param(self, value: UUID) -> Any: ...
        def reading(self) -> Any: ...
        def _conditions(
            self, record_id: UUID, clocks: Clocks
        ) -> tuple[str, list[Any]]: ...
        def _latest(self, conditions: str) -> str: ...
        def _snapshot(self, record_id: UUID, row: Any) -> Snapshot | None: ...

    def after(
        self, record_id: UUID, clocks: Clocks, limit: int | None = None
    ) -> tuple[Snapshot | None, list[StoredEvent]]:
        """The snapshot `nearest` finds and the stored events after it (the
        first `limit`), in one read (`batch`): a load costs the round trip it
        cost without snapshots. Without a snapshot that matches, the events
        from the first."""
        with self.batch() as run:
            snapshot_row, rows = self._ask_after(run, record_id, clocks, limit)()
        current = clocks.now and limit is None
        return self._loaded(record_id, snapshot_row, rows, limit, current=current)

    def command_reads(
        self, key: str | None, record_id: UUID | None, department_id: UUID | None
    ) -> CommandReads:
        """What a command reads before it acts, in one read (`batch`; on
        PostgreSQL one round trip): its idempotency key's first answer, its
        record as `after` reads it now, and the last version of its
        department's aggregate (its settings' version, commands/
        settings_versions.py)."""
        with self.batch() as run:
            found = (
                None if key is None else run(self.recorder.idempotency_query, (key,))
            )
            version = None
            if department_id is not None:
                version = run(self._last_version, (self.param(department_id),))
            loaded = None
            if record_id is not None:
                loaded = self._ask_after(run, record_id, Clocks(), None)
            reads = CommandReads(
                None if found is None else self.recorder.idempotency_found(_one(found)),
                None if loaded is None else loaded(),
                None if version is None else int(_one(version)["version"] or 0),
            )
        if reads.record is None:
            return reads
        snapshot_row, rows = reads.record
        loaded = self._loaded(record_id, snapshot_row, rows, None, current=True)
        return reads._replace(record=loaded)

    def after_many(
        self, record_ids: Iterable[UUID]
    ) -> dict[UUID, tuple[Snapshot | None, list[StoredEvent]]]:
        """Of these records, those this process kept (infra/recent_states.py)
        whose seal is unchanged, and the stored events of each after it: in
        one read, two statements for them all (a commission decision loads
        its 300 dossiers so). The others are left to `after`."""
        recalled = {}
        for record_id in record_ids:
            recent = self.recent.recall(record_id)
            if recent is not None:
                recalled[record_id] = recent
        if not recalled:
            return {}
        keys = {self.param(i): i for i in recalled}
        versions = ", ".join("(?, ?)" for _ in recalled)
        params = [v for k, i in keys.items() for v in (k, recalled[i].version)]
        with self.batch() as run:
            seals = run(self._seals_at(versions), params)
            later = run(self._events_after_each(versions), params)
            sealed = {keys[r["originator_id"]]: r["event_hash"] for r in seals()}
            rows = later()
        loaded: dict[UUID, tuple[Snapshot | None, list[StoredEvent]]] = {}
        for record_id, recent in recalled.items():
            if sealed.get(record_id) == recent.event_hash:
                loaded[record_id] = (RecentStates.snapshot(recent), [])
            else:
                self.recent.forget([record_id])
        for row in rows:
            found = loaded.get(keys[row["originator_id"]])
            if found is not None:
                found[1].append(row)
        for record_id, (start, stored) in loaded.items():
            loaded[record_id] = self._loaded(
                record_id, start, stored, None, current=True
            )
        return loaded

    def _seals_at(self, versions: str) -> Any:
        return self.query(
            f"SELECT se.originator_id, se.event_hash FROM {self.seals} se "
            f"JOIN (VALUES {versions}) AS v ON se.originator_id = v.column1 "
            "AND se.originator_version = v.column2"
        )

    def _events_after_each(self, versions: str) -> Any:
        return self.query(
            "SELECT e.originator_id, e.originator_version, e.topic, e.state, "
            f"se.event_hash FROM {self.events} e JOIN (VALUES {versions}) AS v "
            "ON e.originator_id = v.column1 AND e.originator_version > v.column2 "
            f"LEFT JOIN {self.seals} se ON se.originator_id = e.originator_id "
            "AND se.originator_version = e.originator_version "
            "ORDER BY e.originator_id, e.originator_version"
        )

    @property
    def _last_version(self) -> Any:
        return self.query(
            "SELECT MAX(originator_version) AS version "
            f"FROM {self.events} WHERE originator_id = ?"
        )

    @contextmanager
    def batch(self) -> Iterator[Run]:
        """`run(statement, params)` for the statements of one read; each
        gives the function that fetches its rows, called before the block
        ends. Here one read transaction, each statement run at once."""
        with self.reading() as curs:

            def run(statement: Any, params: Any) -> Callable[[], list[Any]]:
                curs.execute(statement, params)
                rows = curs.fetchall()
                return lambda: rows

            yield run

    def _ask_after(
        self,
        run: Run,
        record_id: UUID,
        clocks: Clocks,
        limit: int | None,
    ) -> Callable[[], tuple[Any, list[Any]]]:
        """Ask for where a load starts (the record as this process last
        loaded it, infra/recent_states.py; else its nearest snapshot's row)
        and the rows of its events after it, each with its seal: in one
        statement where a statement is a round trip (`one_statement`), else
        in two plain index searches (on SQLite the one statement sorts in
        temporary trees: three times slower)."""
        self.recent.sealed(record_id, 0, None)  # no load of this thread's yet
        if clocks.now and limit is None:
            recent = self.recent.recall(record_id)
            if recent is not None:
                return self._ask_after_recent(run, record_id, recent)
        conditions, params = self._conditions(record_id, clocks)
        key = self.param(record_id)
        bound = "" if limit is None else f" LIMIT {int(limit)}"
        if not self.one_statement:
            latest = run(self.query(self._latest(conditions)), params)()
            snapshot_row = latest[0] if latest else None
            since = 0 if snapshot_row is None else snapshot_row["originator_version"]
            events = run(self._events_after(bound), [key, since])
            return lambda: (snapshot_row, events())
        rows = run(
            self.query(
                f"WITH s AS ({self._latest(conditions)}) SELECT 1 AS part, "
                f"{SNAPSHOT_FIELDS} FROM s UNION ALL SELECT 2, originator_version, "
                "topic, NULL, event_hash, NULL, NULL, NULL, state, NULL FROM ("
                f"{self._sealed_events} WHERE e.originator_id = ? AND "
                "e.originator_version > COALESCE((SELECT originator_version FROM s), "
                f"0) ORDER BY e.originator_version{bound}) AS later "
                "ORDER BY part, originator_version"
            ),
            [*params, key],
        )

        def split() -> tuple[Any, list[Any]]:
            found = rows()
            if found and found[0]["part"] == 1:
                return found[0], found[1:]
            return None, found

        return split

    def _ask_after_recent(
        self, run: Run, record_id: UUID, recent: Recent
    ) -> Callable[[], tuple[Any, list[Any]]]:
        """The events after the state recalled, and the seal it was taken
        after, asked in one statement (the event it was taken after comes
        first, with its seal): a seal changed since, the record is read as
        if none were recalled."""
        key = self.param(record_id)
        rows = run(self._events_from, [key, recent.version])

        def checked() -> tuple[Any, list[Any]]:
            found = rows()
            if (
                found
                and found[0]["originator_version"] == recent.version
                and found[0]["event_hash"] == recent.event_hash
            ):
                return RecentStates.snapshot(recent), found[1:]
            self.recent.forget([record_id])
            return self._ask_after(run, record_id, Clocks(), None)()

        return checked

    @property
    def _sealed_events(self) -> str:
        return (
            "SELECT e.originator_version, e.topic, e.state, se.event_hash "
            f"FROM {self.events} e LEFT JOIN {self.seals} se "
            "ON se.originator_id = e.originator_id "
            "AND se.originator_version = e.originator_version"
        )

    def _events_after(self, bound: str) -> Any:
        return self.query(
            f"{self._sealed_events} WHERE e.originator_id = ? AND "
            f"e.originator_version > ? ORDER BY e.originator_version{bound}"
        )

    @property
    def _events_from(self) -> Any:
        return self.query(
            f"{self._sealed_events} WHERE e.originator_id = ? AND "
            "e.originator_version >= ? ORDER BY e.originator_version"
        )

    def _loaded(
        self,
        record_id: UUID,
        start: Any,
        rows: list[Any],
        limit: int | None,
        *,
        current: bool,
    ) -> tuple[Snapshot | None, list[StoredEvent]]:
        """The snapshot a load starts from (recalled, or read from `start`'s
        row if it still matches) and its stored events after it; a current
        load's last seal noted, for the state it replays to be recalled (a
        snapshot's own when no event follows it: else a record whose last
        version was snapshotted, once no longer recalled, would decode its
        snapshot at every load)."""
        snapshot = start if isinstance(start, Snapshot) else None
        if start is not None and snapshot is None:
            snapshot = self._snapshot(record_id, start)
            if snapshot is None:  # not to be trusted: the events from the first
                return None, list(self.recorder.select_events(record_id, limit=limit))
            if current and not rows:
                self.recent.sealed(record_id, snapshot.version, start["event_hash"])
        events = [
            StoredEvent(
                originator_id=record_id,
                originator_version=int(row["originator_version"]),
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in rows
        ]
        if current and rows:
            last = rows[-1]
            self.recent.sealed(
                record_id, int(last["originator_version"]), last["event_hash"]
            )
        return snapshot, events


def _one(fetch: Callable[[], list[Any]]) -> Any:
    rows = fetch()
    return rows[0] if rows else None
