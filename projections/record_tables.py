"""The table of a record's own row (a programme's, a commission's, a measure's,
a referral's): keyed by the record's id, and keeping the version and the time
of the last event it shows, which `RowProjection.open_record` and `touch` write
(`rows.stamp`); and the table of a record's steps, one row per event."""

from __future__ import annotations

from projections.rows import ColumnType, Table


def record_table(
    name: str,
    columns: dict[str, ColumnType],
    indexes: tuple[tuple[str, ...], ...] = (),
) -> Table:
    """The record's table: its id, `columns`, then its version and when it last
    changed."""
    return Table(
        name=name,
        columns={"id": "uuid", **columns, "version": "int", "updated_at": "datetime"},
        key=("id",),
        indexes=indexes,
    )


def step_table(
    name: str,
    record: str,
    columns: dict[str, ColumnType],
    *,
    day: str,
) -> Table:
    """A table of a record's steps: one row per event, keyed by the record's id
    (column `record`) and the event's version, with the record's department;
    then `columns`, among them the step's `day`, which a department's figures
    for a period read by (its index)."""
    return Table(
        name=name,
        columns={record: "uuid", "version": "int", "department": "text", **columns},
        key=(record, "version"),
        indexes=(("department", day),),
    )
