"""A record's trail (as known and as it stood on given days), and the records
of a department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.personal import ERASED
from projections.rows import Row, RowView

if TYPE_CHECKING:
    from domain.clocks import Clocks


@dataclass(frozen=True)
class AuditRow:
    aggregate_id: UUID
    version: int
    kind: str
    position: int
    event_type: str
    label: str
    basis: str
    actor_subject: str
    actor_role: str
    actor_organisation: str
    recorded_at: datetime
    occurred_on: date
    commission_id: UUID | None
    summary: str


@dataclass(frozen=True)
class AuditRecord:
    id: UUID
    kind: str
    department: str | None
    commune: str | None


def select_trail(view: RowView, aggregate_id: UUID) -> list[AuditRow]:
    rows = view.select_rows("events", {"aggregate_id": aggregate_id}, ("version",))
    return [
        AuditRow(
            **{c: v for c, v in row.items() if c != "personal_summary"}
            | {"summary": _readable_summary(row)}
        )
        for row in rows
    ]


def trail_by(clocks: Clocks, rows: list[AuditRow]) -> list[AuditRow]:
    """The rows of events recorded by `known_at` that had happened by `as_of`
    (domain/clocks.py), in version order: a step recorded late stays in its
    place, its two dates shown."""
    return [
        row
        for row in rows
        if (clocks.known_at is None or row.recorded_at <= clocks.known_at)
        and (clocks.as_of is None or row.occurred_on <= clocks.as_of)
    ]


def _readable_summary(row: Row) -> str:
    """The full summary while it can be read, else the one naming nobody."""
    personal = row["personal_summary"]
    return personal if personal not in (None, ERASED) else row["summary"]


def find_record(view: RowView, record_id: UUID) -> AuditRecord | None:
    rows = view.select_rows("records", {"id": record_id}, limit=1)
    return AuditRecord(**rows[0]) if rows else None


def select_records(
    view: RowView,
    department: str,
    commune: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[AuditRecord], int]:
    """The records (every kind) sitting in a department, or one of its communes,
    by kind then id, and how many there are."""
    where = {"department": department}
    if commune is not None:
        where["commune"] = commune
    rows, total = view.select("records", where, ("kind", "id"), limit, offset)
    return [AuditRecord(**row) for row in rows], total
