"""A RowView in memory: the projections' contract without a database."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError, Tracking

from projections.batch import Batch
from projections.rows import (
    Key,
    Row,
    RowProjection,
    RowView,
    Selection,
    Table,
    matches,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class MemoryRowView(RowView):
    def __init__(self, tables: tuple[Table, ...]) -> None:
        self.tables = tables
        self.batch = None
        self.rows: dict[str, dict[Key, Row]] = {t.name: {} for t in tables}
        self.positions: dict[str, int] = {}
        self.writes = 0  # transactions committed

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.positions.get(application_name)

    def _write(self, batch: Batch) -> None:
        assert batch.tracking is not None
        name, position = batch.tracking.application_name, batch.tracking.notification_id
        if self.positions.get(name, 0) >= position:
            raise IntegrityError(f"{position} already applied")
        if batch.after is not None and self.positions.get(name, 0) != batch.after:
            raise IntegrityError(f"computed from {batch.after}, view moved since")
        rows = copy.deepcopy(self.rows)  # all or nothing, like a transaction
        for table in self.tables:
            for key, pending in batch.rows.get(table.name, {}).items():
                stored = rows[table.name]
                if pending.kind in ("delete", "replace"):
                    stored.pop(key, None)
                if pending.kind in ("insert", "replace"):
                    if key in stored:
                        raise IntegrityError(f"{table.name} {key} exists")
                    stored[key] = dict(pending.values)
                if pending.kind == "tally":
                    if key in stored:
                        for column, delta in pending.increments.items():
                            stored[key][column] = (stored[key].get(column) or 0) + delta
                    else:
                        stored[key] = dict(pending.values)
                if pending.kind == "update" and key in stored:
                    stored[key].update(pending.values)
                    for column, delta in pending.increments.items():
                        stored[key][column] = (stored[key].get(column) or 0) + delta
        self.rows = rows
        self.positions[name] = position
        self.writes += 1

    def _read(self, table: Table, key: Key) -> Row | None:
        row = self.rows[table.name].get(key)
        return None if row is None else dict(row)

    def _select(self, selection: Selection) -> tuple[list[Row], int]:
        rows = [
            dict(r)
            for r in self.rows[selection.table.name].values()
            if all(matches(v, r.get(k)) for k, v in selection.where.items())
        ]
        for column in reversed(selection.order_by):
            rows.sort(
                key=lambda r: r[column.lstrip("-")], reverse=column.startswith("-")
            )
        offset, limit = selection.offset, selection.limit
        end = None if limit is None else offset + limit
        stop = selection.count_limit
        return rows[offset:end], len(rows) if stop is None else min(len(rows), stop + 1)

    def commit_at(self, position: int, name: str = "Logis") -> None:
        self.commit(Tracking(name, position))


def projected(
    projection_class: type[RowProjection],
    events: Sequence[Any],
    batch_size: int | None = None,
) -> MemoryRowView:
    """A view in memory holding what `projection_class` makes of `events`, fed in
    batches of `batch_size` (default: all at once), each batch prefetched and
    committed with its tracking position as the runner does."""
    view = MemoryRowView(projection_class.tables)
    projection = projection_class(view=view)
    size = batch_size or len(events) or 1
    for start in range(0, len(events), size):
        batch = list(events[start : start + size])
        view.begin()
        projection.prefetch(batch)
        for position, event in enumerate(batch, start + 1):
            projection.process_event(event, Tracking("Logis", position))
        view.commit_at(start + len(batch))
    return view
