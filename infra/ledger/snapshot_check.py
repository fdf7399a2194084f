"""The records' snapshots checked against their events (`logis verify`): a
snapshot a load would start from must be the replay of its record's events
1..version, or the store is compromised (someone who can write to the database
altered a state that every load, history "as of" and audit would then show).

The snapshots of this code (its fingerprint) are read a page at a time, in
record order; each record is replayed once, from its first event, checking each
of its snapshots on the way (the events between two snapshots read at a time).
Not checked, and harmless: a snapshot no load would use (its last event's seal
no longer the store's, another class version), one of a household whose key
was destroyed (erased: it can no longer be read), those other code wrote
(counted as ignored) and deleted ones (loads replay the events).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import resolve_topic

from infra.ledger.verification import Mismatch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from infra.snapshots import RecordSnapshots

PAGE_SIZE = 200  # snapshots read at a time
NAMED = 20  # mismatches named in the report (all are counted)
COLUMNS = (
    "s.originator_id, s.originator_version, s.topic, s.class_version, "
    "s.event_hash, s.recorded_until, s.happened_until, s.household_id, s.state, "
    "e.event_hash AS sealed"
)


@dataclass
class SnapshotCheck:
    checked: int = 0  # snapshots equal to the replay of their events
    records: int = 0  # the records they belong to
    erased: int = 0  # of households whose key was destroyed: unreadable
    ignored: int = 0  # that no load would use (seal, class version, other code)
    altered: int = 0  # not the replay of their events
    mismatches: list[Mismatch] = field(default_factory=list)  # the first NAMED

    @property
    def verified(self) -> bool:
        return self.altered == 0

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, **asdict(self)}  # as Mismatch's

    def name_altered(self, record_id: UUID, version: int, why: str) -> None:
        self.altered += 1
        if len(self.mismatches) < NAMED:
            message = (
                f"Instantané altéré (enregistrement {record_id}, version {version}) "
                f": {why}"
            )
            self.mismatches.append(
                Mismatch("snapshot_altered", None, str(record_id), version, message)
            )


def check_snapshots(
    snapshots: RecordSnapshots,
    events: Any,
    record_id: UUID | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> SnapshotCheck:
    """Every snapshot of this code (or of the one record `record_id`) against
    the replay of its record's events (`events`: the application's event
    store); `progress(snapshots read, None)` after each page."""
    result = SnapshotCheck()
    result.ignored = _other_code(snapshots, record_id)
    replay: _Replay | None = None
    for row in _rows(snapshots, record_id, progress):
        found = _uuid(row["originator_id"])
        if replay is None or replay.record_id != found:
            replay = _Replay(events, found)
            result.records += 1
        _check(snapshots, replay, row, result)
    return result


def _check(
    snapshots: RecordSnapshots, replay: _Replay, row: Any, result: SnapshotCheck
) -> None:
    record_id, version = replay.record_id, int(row["originator_version"])
    known = _class_version(row["topic"])
    if row["sealed"] != row["event_hash"] or (
        known is not None and row["class_version"] != known
    ):
        result.ignored += 1  # a load would replay the events instead
        return
    household = row["household_id"]
    if household is not None and snapshots.keys.key(_uuid(household)) is None:
        result.erased += 1
        return
    try:
        snapshot = snapshots._snapshot(record_id, row)
    except Exception:  # garbage where a state was: altered
        snapshot = None
    if snapshot is None:
        result.name_altered(
            record_id,
            version,
            "son authentification échoue, ou il ne se lit plus (contenu "
            "modifié ou déplacé d'un autre enregistrement ou d'une autre version).",
        )
        return
    try:
        replayed = replay.to(version)
    except Exception:  # the events' own check (the chain) says why
        replayed = None
    if type(replayed) is type(snapshot.aggregate) and _same(
        _state(snapshot.aggregate), _state(replayed)
    ):
        result.checked += 1
        return
    if household is not None and _erased_since(snapshots, household):
        result.erased += 1  # erased while being checked: its events read erased
        return
    result.name_altered(
        record_id,
        version,
        f"son état n'est pas celui que donnent les événements 1 à {version} "
        "de l'enregistrement rejoués.",
    )


class _Replay:
    """One record replayed from its first event, as far as asked."""

    def __init__(self, events: Any, record_id: UUID) -> None:
        self.events, self.record_id = events, record_id
        self.aggregate: Any = None
        self.version = 0

    def to(self, version: int) -> Any:
        """The record at `version`; None if its events stop before."""
        if version > self.version:
            for event in self.events.get(self.record_id, gt=self.version, lte=version):
                self.aggregate = event.mutate(self.aggregate)
                self.version = event.originator_version
        return self.aggregate if self.version == version else None


def _class_version(topic: str) -> int | None:
    """The class version of the topic's aggregate; None for no class (a topic
    altered: the snapshot does not read, and is named)."""
    try:
        return getattr(resolve_topic(topic), "class_version", 1)  # type: ignore[no-any-return]
    except Exception:
        return None


def _state(aggregate: Any) -> dict[str, Any]:
    state = dict(vars(aggregate))
    state.pop("_pending_events", None)
    return state


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types at every depth (`1` is not `True`, a list
    not a tuple)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _erased_since(snapshots: RecordSnapshots, household: Any) -> bool:
    row = snapshots.keys.row(_uuid(household))
    return row is not None and row.erased


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _other_code(snapshots: RecordSnapshots, record_id: UUID | None) -> int:
    """Snapshots other code wrote: no load of this code reads them."""
    where, params = "fingerprint <> ?", [snapshots.fingerprint]
    if record_id is not None:
        where += " AND originator_id = ?"
        params.append(snapshots.param(record_id))
    statement = snapshots.query(
        f"SELECT COUNT(*) AS n FROM {snapshots.table} WHERE {where}"
    )
    with snapshots.datastore.transaction(commit=False) as curs:
        curs.execute(statement, params)
        return int(curs.fetchone()["n"])


def _rows(
    snapshots: RecordSnapshots,
    record_id: UUID | None,
    progress: Callable[[int, int | None], None] | None,
) -> Iterator[Any]:
    """This code's snapshots (with the seal of their last event), in record
    and version order, read a page at a time."""
    after: tuple[Any, int] = (snapshots.param(UUID(int=0)), 0)
    scope, fixed = "", []
    if record_id is not None:
        scope, fixed = " AND s.originator_id = ?", [snapshots.param(record_id)]
    statement = snapshots.query(
        f"SELECT {COLUMNS} FROM {snapshots.table} s LEFT JOIN {snapshots.seals} e "
        "ON e.originator_id = s.originator_id "
        "AND e.originator_version = s.originator_version "
        f"WHERE s.fingerprint = ?{scope} AND (s.originator_id > ? "
        "OR (s.originator_id = ? AND s.originator_version > ?)) "
        f"ORDER BY s.originator_id, s.originator_version LIMIT {PAGE_SIZE}"
    )
    read = 0
    while True:
        with snapshots.datastore.transaction(commit=False) as curs:
            curs.execute(statement, [snapshots.fingerprint, *fixed, after[0], *after])
            rows = curs.fetchall()
        yield from rows
        read += len(rows)
        if progress is not None:
            progress(read, None)
        if len(rows) < PAGE_SIZE:
            return
        last = rows[-1]
        after = (last["originator_id"], int(last["originator_version"]))
