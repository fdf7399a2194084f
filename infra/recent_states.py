"""The records this process loaded last, as they stood, kept in memory so that
the next command on one replays only the events stored since (issue 18: most
of a command's time on a short record was decoding its events again, and a
commission decision's, its 300 dossiers').

A snapshot held in memory, under the same rules as the table's
(infra/snapshots.py), and used only by a current load:
- it is used only while the seal (`event_hash`, infra/ledger/) of the event it
  was taken after is still the one the store holds, read with the events after
  it (a record whose events were rewritten and resealed is replayed);
- a household's record is used only while the household's key exists
  (infra/household_keys.py, as the mapper decrypts its events): once it is
  destroyed the state is forgotten, and an erasure in this process forgets the
  records it reaches at once; a record holding other households' data (a
  commission's motives) is never kept;
- it is forgotten when its class's `class_version` changes, as a snapshot
  of another class version is ignored;
- the state is kept pickled, so each load gets an object of its own to change.

At most RECENT records are kept, of RECENT_BYTES at most in all, the least
recently used forgotten first.
"""

from __future__ import annotations

import functools
import logging
import pickle
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NamedTuple

from commands.snapshots import Snapshot
from infra.snapshot_state import households_held

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime
    from uuid import UUID

    from infra.household_keys import HouseholdKeys

log = logging.getLogger("logis.snapshots")

RECENT = 4096  # records kept, at most
RECENT_BYTES = 64 * 2**20  # and their pickled states' bytes, at most


class Recent(NamedTuple):
    version: int
    event_hash: str  # the seal of the event at `version`
    state: bytes  # the record, pickled
    recorded_until: datetime
    happened_until: date | None
    household: UUID | None  # whose key must still exist
    cls: type  # the record's class, at its `class_version` then
    class_version: int


class RecentStates:
    def __init__(
        self, keys: HouseholdKeys, size: int = RECENT, budget: int = RECENT_BYTES
    ) -> None:
        self.keys, self.size, self.budget = keys, size, budget
        self._bytes = 0
        self._states: OrderedDict[UUID, Recent] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()  # this thread's loads under way

    def recall(self, record_id: UUID) -> Recent | None:
        """The record as this process last loaded it, if its class is at the
        same version and its household's key (if any) still exists."""
        with self._lock:
            recent = self._states.get(record_id)
            if recent is not None:
                self._states.move_to_end(record_id)
        if recent is None:
            return None
        if _class_version(recent.cls) != recent.class_version or (
            recent.household is not None and self.keys.key(recent.household) is None
        ):
            self.forget([record_id])
            return None
        return recent

    @staticmethod
    def snapshot(recent: Recent) -> Snapshot:
        return Snapshot(
            pickle.loads(recent.state),  # noqa: S301 (pickled by this process)
            recent.version,
            recent.recorded_until,
            recent.happened_until,
        )

    def sealed(self, record_id: UUID, version: int, event_hash: str | None) -> None:
        """A current load read the record up to `version`, sealed so (None:
        a load that may not be kept)."""
        loads = self._loads()
        if len(loads) >= self.size:  # loads never replayed: forgotten
            loads.clear()
        loads[record_id] = (version, event_hash)

    def _loads(self) -> dict[UUID, tuple[int, str | None]]:
        loads = getattr(self._local, "loads", None)
        if loads is None:
            loads = self._local.loads = {}
        return loads  # type: ignore[no-any-return]

    def remember(
        self,
        record_id: UUID,
        aggregate: Any,
        recorded_until: datetime,
        happened_until: date | None,
    ) -> None:
        """Keep the record a current load just replayed (this thread's last
        `sealed`), unless it may not be kept."""
        last = self._loads().pop(record_id, None)
        if last is None or last[1] is None:
            return
        if aggregate is None or last[0] != aggregate.version:
            return
        held = _held(type(aggregate))
        household = None
        if held == "several":
            return
        if held == "own":
            household = self.keys.household_of(record_id)
            if household is None or self.keys.key(household) is None:
                return
        state = dict(vars(aggregate))
        state["_pending_events"] = []
        try:
            pickled = pickle.dumps(_Bare(type(aggregate), state), protocol=5)
        except (TypeError, AttributeError, pickle.PicklingError):
            log.debug("recent_state_skipped class=%s", type(aggregate).__name__)
            return
        recent = Recent(
            aggregate.version,
            last[1],
            pickled,
            recorded_until,
            happened_until,
            household,
            type(aggregate),
            _class_version(type(aggregate)),
        )
        with self._lock:
            self._pop(record_id)
            self._states[record_id] = recent
            self._bytes += len(pickled)
            while len(self._states) > self.size or self._bytes > self.budget:
                self._pop(next(iter(self._states)))

    def forget(self, record_ids: Iterable[UUID]) -> None:
        with self._lock:
            for record_id in record_ids:
                self._pop(record_id)

    def _pop(self, record_id: UUID) -> None:
        gone = self._states.pop(record_id, None)
        if gone is not None:
            self._bytes -= len(gone.state)


class _Bare:
    """A record's class and state, pickled without its class's own pickling
    (an aggregate is rebuilt as a snapshot is: its state set on a new
    object)."""

    def __init__(self, cls: type, state: dict[str, Any]) -> None:
        self.cls, self.state = cls, state

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (self.cls, self.state))


def _rebuilt(cls: type, state: dict[str, Any]) -> Any:
    aggregate = object.__new__(cls)
    aggregate.__dict__.update(state)
    return aggregate


def _class_version(cls: type) -> int:
    return getattr(cls, "class_version", 1)  # type: ignore[no-any-return]


@functools.cache
def _held(aggregate_class: type) -> str:
    return households_held(aggregate_class)
