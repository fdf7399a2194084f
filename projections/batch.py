"""A batch's row changes, folded per row in memory until the view writes them
with the batch's tracking position (projections/rows.py `RowView.commit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from eventsourcing.persistence import Tracking

    from projections.rows import Key, Row, Table


@dataclass
class Pending:
    """What a batch does to one row: at most one write when flushed."""

    kind: Literal["insert", "update", "delete", "replace", "tally"]
    # full row (insert, replace; tally: the row if absent), or the changes (update)
    values: Row = field(default_factory=dict)
    increments: dict[str, Any] = field(default_factory=dict)


class Batch:
    """The changes of one batch, folded per row, in memory."""

    def __init__(self, after: int | None = None) -> None:
        self.rows: dict[str, dict[Key, Pending]] = {}
        self.read: dict[tuple[str, Key], Row | None] = {}  # committed rows seen
        self.tracking: Tracking | None = None
        # The view's position when the batch began (0: nothing applied yet): its
        # changes were computed from that state, so they are written only if the
        # view is still there (None: only check that tracking moves forward).
        self.after = after

    def of(self, table: Table) -> dict[Key, Pending]:
        return self.rows.setdefault(table.name, {})

    def insert(self, table: Table, row: Row) -> None:
        pending = self.of(table)
        key = table.key_of(row)
        before = pending.get(key)
        if before is not None and before.kind != "delete":
            msg = f"{table.name} {key} inserted twice in one batch"
            raise ValueError(msg)
        kind = "replace" if before is not None else "insert"
        pending[key] = Pending(kind, dict(row))

    def update(self, table: Table, key: Key, changes: Row) -> None:
        pending = self.of(table).setdefault(key, Pending("update"))
        _refuse_deleted(table, key, pending, "updated")
        pending.values.update(changes)
        for column in changes:  # a value set replaces the increments before it
            pending.increments.pop(column, None)

    def increment(self, table: Table, key: Key, deltas: dict[str, Any]) -> None:
        pending = self.of(table).setdefault(key, Pending("update"))
        _refuse_deleted(table, key, pending, "incremented")
        if pending.kind in ("insert", "replace"):
            add(pending.values, deltas)
            return
        for column, delta in deltas.items():
            if column in pending.values:  # set earlier in this batch: add to it
                pending.values[column] += delta
            else:
                pending.increments[column] = pending.increments.get(column, 0) + delta

    def tally(self, table: Table, row: Row, deltas: dict[str, Any]) -> None:
        """Add `deltas` to a counter row, created with them if absent: written as
        one upsert, so counting needs no read of the stored row."""
        key = table.key_of(row)
        pending = self.of(table).get(key)
        if pending is None:
            self.of(table)[key] = Pending("tally", {**row, **deltas}, dict(deltas))
            return
        _refuse_deleted(table, key, pending, "counted")
        if pending.kind == "update":
            msg = f"{table.name} {key}: tally and update in one batch"
            raise ValueError(msg)
        add(pending.values, deltas)
        if pending.kind == "tally":  # an upsert: also added to a stored row
            add(pending.increments, deltas)

    def delete(self, table: Table, key: Key) -> None:
        pending = self.of(table)
        before = pending.get(key)
        if before is not None and before.kind == "insert":
            del pending[key]  # never written: nothing to delete
        else:
            pending[key] = Pending("delete")

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def _refuse_deleted(table: Table, key: Key, pending: Pending, change: str) -> None:
    if pending.kind == "delete":
        msg = f"{table.name} {key} {change} after its deletion"
        raise ValueError(msg)


def add(values: Row, deltas: Mapping[str, Any]) -> None:
    """Add each delta to its column of `values` (a null counts as 0)."""
    for column, delta in deltas.items():
        values[column] = (values.get(column) or 0) + delta
