"""The one shape every read model takes: tables of rows, changed by projections.

A projection's handlers insert, update, increment and delete rows through a
`RowView`. The view buffers those changes for a whole batch of events and writes
them with the tracking position of the batch's last event in ONE transaction
(infra/rowviews.py), so a restart resumes exactly after the last batch written.
Several changes to one row within a batch fold into one write.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from projections.batch import Batch

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


class RowView(TrackingRecorder):
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
            for column, delta in pending.increments.items():
                row[column] = (row.get(column) or 0) + delta
            return row
        if row is not None and pending is not None:
            row.update(pending.values)
            for column, delta in pending.increments.items():
                row[column] = (row.get(column) or 0) + delta
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

    @abstractmethod
    def select(
        self,
        table: str,
        where: dict[str, Any] | None = None,
        order_by: tuple[str, ...] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[Row], int]:
        """Committed rows matching `where` (equality, or a `Between` range), and
        how many match in all."""


class RowProjection(Projection[RowView]):
    """A read model: a deterministic function of the events into a RowView.

    Bump `version` when the handlers or the tables change: the projector then
    rebuilds the view into a new generation and switches readers over when it
    has caught up.
    """

    version: ClassVar[int] = 1
    tables: ClassVar[tuple[Table, ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The library would name an unnamed subclass after its class: a subclass
        # meant to bump a view's version would silently become another view.
        if "name" not in cls.__dict__:
            msg = f"{cls.__qualname__}: a RowProjection states its `name`"
            raise TypeError(msg)
        super().__init_subclass__(**kwargs)

    def prefetch(self, events: list[Any]) -> None:
        """Before a batch: read in one go the rows its handlers will `get`."""
