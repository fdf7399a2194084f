"""The one shape every read model takes: tables of rows, changed by projections.

A projection's handlers insert, update, increment and delete rows through a
`RowView`. The view buffers those changes for a whole batch of events and writes
them with the tracking position of the batch's last event in ONE transaction
(infra/rowviews.py), so a restart resumes exactly after the last batch written.
Several changes to one row within a batch fold into one write.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from projections.batch import Batch, add

if TYPE_CHECKING:
    from collections.abc import Mapping

ColumnType = Literal[
    "text", "int", "bool", "date", "datetime", "uuid", "decimal", "json"
]
Row = dict[str, Any]
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Between:
    """A `where` value matching a range, bounds included; None: unbounded. A
    null value matches no range (as in SQL)."""

    first: Any = None
    last: Any = None

    def matches(self, value: Any) -> bool:
        return (
            value is not None
            and (self.first is None or value >= self.first)
            and (self.last is None or value <= self.last)
        )


@dataclass(frozen=True)
class Containing:
    """A `where` value matching a text column holding each of `words` (SQL's
    LIKE '%word%'): words of letters and digits only, as domain/text.py's
    `folded` leaves them, matched against a column written folded too."""

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        if not all(word.isalnum() for word in self.words):
            msg = f"{self.words!r}: only letters and digits are searched"
            raise ValueError(msg)

    def matches(self, value: Any) -> bool:
        return value is not None and all(word in value for word in self.words)


def matches(condition: Any, value: Any) -> bool:
    """`value` meets a `where` condition: within a `Between`, holding a
    `Containing`'s words, or equal to it."""
    if isinstance(condition, Between | Containing):
        return condition.matches(value)
    return bool(value == condition)


@dataclass(frozen=True)
class Table:
    """`personal`: the columns holding a household's personal data (names, free
    text), each with the column naming the record (dossier, mesure, saisine)
    whose household they belong to. The store keeps them sealed under that
    household's key (infra/sealed_columns.py), so erasing the key erases every
    copy; never filter or sort on them."""

    name: str
    columns: dict[str, ColumnType]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    personal: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column, record in self.personal.items():
            if self.columns.get(column) not in ("text", "json"):
                msg = f"{self.name}.{column}: only text or json is sealed"
                raise ValueError(msg)
            if self.columns.get(record) != "uuid" or record not in self.key:
                msg = f"{self.name}.{column}: its record must be a uuid of the key"
                raise ValueError(msg)
            for index in self.indexes:
                if column in index:
                    msg = f"{self.name}.{column}: a sealed column is not indexed"
                    raise ValueError(msg)

    def key_of(self, row: Row) -> Key:
        return tuple(row[c] for c in self.key)


@dataclass(frozen=True)
class Selection:
    """What a `select` asks of a table: the rows matching `where`, ordered by
    `order_by` (a leading "-": descending; the key breaks ties), `limit` of them
    (None: all) from `offset`; `count_limit`: the count stops past this many
    rows, at `count_limit` + 1 (None: it counts them all); `counted`: False
    when the reader wants the rows only (no count query)."""

    table: Table
    where: dict[str, Any]
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    offset: int = 0
    count_limit: int | None = None
    counted: bool = True


class RowReader(ABC):
    """The read side of a view: its tables' committed rows."""

    @abstractmethod
    def table(self, name: str) -> Table: ...

    def select(
        self,
        table: str,
        where: dict[str, Any] | None = None,
        order_by: tuple[str, ...] = (),
        limit: int | None = None,
        offset: int = 0,
        *,
        count_limit: int | None = None,
    ) -> tuple[list[Row], int]:
        """Committed rows matching `where` (equality, or a `Between` range), and
        how many match in all (up to `count_limit` + 1, when given)."""
        where = where or {}
        return self._select(
            Selection(self.table(table), where, order_by, limit, offset, count_limit)
        )

    def select_rows(
        self,
        table: str,
        where: dict[str, Any] | None = None,
        order_by: tuple[str, ...] = (),
        limit: int | None = None,
    ) -> list[Row]:
        """Committed rows matching `where`, as `select` reads them, without
        counting how many match (a read that needs no total)."""
        selection = Selection(self.table(table), where or {}, order_by, limit)
        return self._select(replace(selection, counted=False))[0]

    @abstractmethod
    def _select(self, selection: Selection) -> tuple[list[Row], int]: ...


class RowView(TrackingRecorder, RowReader):
    """A read model's storage: its tables, written a batch at a time."""

    tables: tuple[Table, ...]
    batch: Batch | None = None

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    # ---- writes, buffered in the current batch -----------------------------------

    def begin(self, after: int | None = None) -> None:
        """Start a batch computed from the view at position `after`."""
        self.batch = Batch(after)

    def insert(self, table: str, row: Row) -> None:
        self._batch().insert(self.table(table), row)

    def update(self, table: str, key: Key, changes: Row) -> None:
        self._batch().update(self.table(table), key, changes)

    def increment(self, table: str, key: Key, **deltas: Any) -> None:
        self._batch().increment(self.table(table), key, deltas)

    def delete(self, table: str, key: Key) -> None:
        self._batch().delete(self.table(table), key)

    def tally(self, table: str, row: Row, **deltas: Any) -> None:
        self._batch().tally(self.table(table), row, deltas)

    def prefetch(self, table: str, keys: list[Key]) -> None:
        """Read these rows now, in one query, for the batch's later `get`s."""
        batch = self._batch()
        spec = self.table(table)
        missing = [k for k in dict.fromkeys(keys) if (table, k) not in batch.read]
        if missing:
            found = self._read_many(spec, missing)
            for key in missing:
                batch.read[(table, key)] = found.get(key)

    def insert_tracking(self, tracking: Tracking) -> None:
        if self.batch is None:
            self.commit(tracking)  # outside a batch: the library's own semantics
        # inside a batch, the batch's last tracking is written by commit()

    def commit(self, tracking: Tracking) -> None:
        """Write the batch's changes and `tracking` in one transaction."""
        batch = self.batch if self.batch is not None else Batch()
        self.batch = None
        batch.tracking = tracking
        self._write(batch)

    def rollback(self) -> None:
        self.batch = None

    def get(self, table: str, key: Key) -> Row | None:
        """The row as the batch has left it so far (committed state + changes)."""
        spec = self.table(table)
        pending = self.batch.of(spec).get(key) if self.batch is not None else None
        if pending is not None and pending.kind in ("insert", "replace"):
            return dict(pending.values)
        tallied = pending is not None and pending.kind == "tally"
        if pending is not None and pending.kind == "delete":
            return None
        cache = self.batch.read if self.batch is not None else {}
        if (table, key) not in cache:
            cache[(table, key)] = self._read(spec, key)
        row = None if cache[(table, key)] is None else dict(cache[(table, key)])
        if row is None and tallied:
            return dict(pending.values)
        if tallied:
            add(row, pending.increments)
            return row
        if row is not None and pending is not None:
            row.update(pending.values)
            add(row, pending.increments)
        return row

    def _batch(self) -> Batch:
        if self.batch is None:
            msg = "row changes happen inside a batch (begin → changes → commit)"
            raise RuntimeError(msg)
        return self.batch

    # ---- storage, per database (infra/rowviews.py) -----------------------------------

    @abstractmethod
    def _write(self, batch: Batch) -> None: ...

    @abstractmethod
    def _read(self, table: Table, key: Key) -> Row | None: ...

    def _read_many(self, table: Table, keys: list[Key]) -> dict[Key, Row]:
        rows = {key: self._read(table, key) for key in keys}
        return {key: row for key, row in rows.items() if row is not None}


class ScopedView(RowReader):
    """A view whose `select` on the tables named adds a scope to the query's
    `where` (AND): a filter asked outside the scope matches nothing."""

    def __init__(self, view: RowView, where: Mapping[str, Mapping[str, Any]]) -> None:
        self._view = view
        self._where = where

    def __getattr__(self, name: str) -> Any:
        return getattr(self._view, name)

    def table(self, name: str) -> Table:
        return self._view.table(name)

    def _select(self, selection: Selection) -> tuple[list[Row], int]:
        merged = dict(selection.where)
        for column, value in self._where.get(selection.table.name, {}).items():
            asked = merged.get(column)
            if asked is not None and not matches(asked, value):
                return [], 0
            merged[column] = value
        return self._view._select(replace(selection, where=merged))


class RowProjection(Projection[RowView]):
    """A read model: a deterministic function of the events into a RowView.

    Bump `version` when the handlers or the tables change: the projector then
    rebuilds the view into a new generation and switches readers over when it
    has caught up.
    """

    version: ClassVar[int] = 1
    tables: ClassVar[tuple[Table, ...]]
    # False: no handler reads a personal value (domain/personal.py), so the events
    # are decoded sealed, not decrypted (most of a decoding's cost).
    reads_personal: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The library would name an unnamed subclass after its class: a subclass
        # meant to bump a view's version would silently become another view.
        if "name" not in cls.__dict__:
            msg = f"{cls.__qualname__}: a RowProjection states its `name`"
            raise TypeError(msg)
        super().__init_subclass__(**kwargs)

    def prefetch(self, events: list[Any]) -> None:
        """Before a batch: read in one go the rows its handlers will `get`."""

    def open_record(self, table: str, event: Any, columns: Row) -> None:
        """The event starts its record: the row its originator id keys, with
        `columns`, its version and when it last changed (which `touch` keeps)."""
        self.view.insert(table, {"id": event.originator_id, **columns, **stamp(event)})

    def touch(self, table: str, event: Any, changes: Row) -> None:
        """The event's record (the row its originator id keys) changed: `changes`,
        its version and when it last changed."""
        self.view.update(table, (event.originator_id,), {**changes, **stamp(event)})


def stamp(event: Any) -> Row:
    """What a record's row keeps of its last event: its version, and when it was
    recorded."""
    return {"version": event.originator_version, "updated_at": event.timestamp}


def event_handlers() -> singledispatchmethod[None]:
    """A RowProjection's `process_event`, to `register` a handler per event class
    on: an event it has no handler for only moves the view's tracking."""

    @singledispatchmethod
    def process_event(self: RowProjection, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    return process_event


def fields_of(event: Any, *names: str) -> Row:
    """The event's fields of these names, for the row's columns of the same
    names."""
    return {name: getattr(event, name) for name in names}


def event_topics(aggregate: Any, *left_out: type) -> tuple[str, ...]:
    """The stored topics (their explicit TOPICs) of the aggregate's event classes,
    but its base `Event` and `left_out`."""
    return tuple(
        cls.TOPIC
        for cls in vars(aggregate).values()
        if isinstance(cls, type)
        and issubclass(cls, aggregate.Event)
        and cls not in (aggregate.Event, *left_out)
    )
