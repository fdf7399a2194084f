"""Loading a long record from its nearest snapshot (issue 18, item 3).

A snapshot is a record's state at one of its versions, kept to spare a load
the replay of every event before it: never evidence, only a cache the events
can always rebuild. The store (infra/snapshots.py) says which one a load may
start from: the latest whose events 1..version were all known at `known_at`
and had all happened by `as_of` (domain/clocks.py: a record's state is its
events replayed up to the first beyond the clocks, so such a prefix is always
part of it), whose last event's seal is still the one it was taken after, and
that the current domain code wrote. The load then replays the events after it,
read from the store each time: a snapshot can be old, never stale.

Snapshots are taken while replaying, at each multiple of the store's
`interval` a load goes past (current loads and loads by the clocks alike), and
written once the load is done: a record that never grows long has none.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from uuid import UUID

    from domain.clocks import Clocks


SNAPSHOT_PAGE = 100  # events read at a time by the clocks after a snapshot


class Snapshot(NamedTuple):
    """A record as it stood at `version`, with when its events up to then were
    recorded and had happened, at the latest (None: one has no day)."""

    aggregate: Any
    version: int
    recorded_until: datetime
    happened_until: date | None


class Taken(NamedTuple):
    """A snapshot encoded while a load replays, written when it is done."""

    version: int
    topic: str
    class_version: int
    recorded_until: datetime
    happened_until: date | None
    state: bytes


class CommandReads(NamedTuple):
    """What a command reads before it acts, read together: its idempotency
    key's first answer (fingerprint, answer, position), its record's nearest
    snapshot and stored events after it, its department's last version."""

    idempotency: tuple[str, dict[str, Any], int] | None
    record: tuple[Snapshot | None, Sequence[Any]] | None
    department_version: int | None


class SnapshotStore(Protocol):
    """What the application needs of the snapshots' table (infra/snapshots.py)."""

    interval: int  # a snapshot every `interval` versions; 0: none taken

    def nearest(self, record_id: UUID, clocks: Clocks) -> Snapshot | None: ...

    def after(
        self, record_id: UUID, clocks: Clocks, limit: int | None = None
    ) -> tuple[Snapshot | None, Sequence[Any]]:
        """The nearest snapshot and the stored events after it (the first
        `limit`); without one, the stored events from the first."""
        ...

    def command_reads(
        self, key: str | None, record_id: UUID | None, department_id: UUID | None
    ) -> CommandReads: ...

    def after_many(
        self, record_ids: Iterable[UUID]
    ) -> dict[UUID, tuple[Snapshot | None, Sequence[Any]]]: ...

    def take(
        self, aggregate: Any, recorded_until: datetime, happened_until: date | None
    ) -> Taken | None: ...

    def write(self, record_id: UUID, taken: list[Taken]) -> None: ...

    def replayed(self, replay: Replay) -> None:
        """A load is done (the store may keep the record it replayed)."""


class Replay:
    """A record replayed from a snapshot (or from nothing), taking snapshots
    at the multiples of the store's interval it goes past."""

    def __init__(
        self, store: SnapshotStore | None, record_id: UUID, start: Snapshot | None
    ) -> None:
        self.store, self.record_id = store, record_id
        self.aggregate: Any = None if start is None else start.aggregate
        self.recorded_until = None if start is None else start.recorded_until
        self.happened_until = None if start is None else start.happened_until
        # A prefix with an event without a day is never replayed by `as_of`.
        self.dayless = start is not None and start.happened_until is None
        self.taken: list[Taken] = []
        self.interval = 0 if store is None else store.interval

    def apply(self, events: Iterable[Any]) -> Replay:
        """Apply `events` in version order."""
        aggregate = self.aggregate
        for event in events:
            aggregate = event.mutate(aggregate)
            self._dates(event)
            if self.interval and aggregate.version % self.interval == 0:
                self.aggregate = aggregate
                self._take()
        self.aggregate = aggregate
        return self

    def done(self) -> Any:
        """The record; the snapshots taken on the way written."""
        if self.store is not None:
            if self.taken:
                self.store.write(self.record_id, self.taken)
                self.taken = []
            self.store.replayed(self)
        return self.aggregate

    def _dates(self, event: Any) -> None:
        stamp = event.timestamp
        if self.recorded_until is None or stamp > self.recorded_until:
            self.recorded_until = stamp
        day = getattr(event, "occurred_on", None)
        if not isinstance(day, date):
            self.dayless, self.happened_until = True, None
        elif not self.dayless and (
            self.happened_until is None or day > self.happened_until
        ):
            self.happened_until = day

    def _take(self) -> None:
        assert self.store is not None
        assert self.recorded_until is not None
        taken = self.store.take(
            self.aggregate, self.recorded_until, self.happened_until
        )
        if taken is not None:
            self.taken.append(taken)


def replayed_from(
    app: Any, record_id: UUID, start: Snapshot | None, stored: Iterable[Any]
) -> Any:
    """The record replayed from `start` over its `stored` events after it."""
    events = map(app.mapper.to_domain_event, stored)
    return Replay(app.snapshots, record_id, start).apply(events).done()


def paged(read: Any, record_id: UUID, after: int, page: int) -> Iterator[Any]:
    """The record's events after version `after`, read `page` at a time as
    they are consumed (a load by the clocks stops early)."""
    while True:
        count = 0
        for event in read(record_id, gt=after, limit=page):
            count += 1
            after = event.originator_version
            yield event
        if count < page:
            return


def events_by(
    app: Any, record_id: UUID, clocks: Clocks
) -> tuple[Snapshot | None, Iterator[Any]]:
    """The record's nearest snapshot by `clocks` (None without one: the
    application's `snapshots`, or a matching one), and its events after it,
    decoded one at a time; by the clocks, read a page at a time (a load stops
    at the first event beyond them), else all at once."""
    store: SnapshotStore | None = app.snapshots
    if store is None:
        return None, app.events.get(record_id)
    page = None if clocks.now else app.snapshot_page
    start, stored = store.after(record_id, clocks, page)
    events: Iterator[Any] = map(app.mapper.to_domain_event, stored)
    if page is not None and len(stored) == page:
        last = stored[-1].originator_version
        events = chain(events, paged(app.events.get, record_id, last, page))
    return start, events
