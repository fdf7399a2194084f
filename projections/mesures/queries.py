"""The measure list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections.lists import AreaFilter, Counted, equal_to, select_page
from projections.rows import RowView


@dataclass(frozen=True)
class MesureRow:
    id: UUID
    kind: str
    stage: str
    department: str
    commune: str
    household_id: UUID
    channel: str
    association: str | None
    association_name: str | None
    prescriber_role: str
    prescriber_organisation: str
    renforce: bool
    worker: str | None
    orientation: str | None
    requested_on: date
    instructed_on: date | None
    granted: bool | None
    notified_on: date | None
    diagnosed_on: date | None
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    duration_months: int | None
    renewals: int
    renewal_pending: bool
    renewal_asked_on: date | None
    renewal_refused_on: date | None
    meetings_held: int
    meetings_missed: int
    last_meeting_on: date | None
    closed_on: date | None
    closure_reason: str | None
    bail_status: str | None
    bail_landlord: str | None
    sublease_starts_on: date | None
    slid_on: date | None
    sublease_ended_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class MesureFilter(AreaFilter):
    association: str | None = None
    stage: str | None = None
    kind: str | None = None
    worker: str | None = None


def select_mesures(
    view: RowView, query: MesureFilter
) -> tuple[list[MesureRow], Counted]:
    """Measures matching the filter, last requested first, and how many match."""
    columns = ("department", "commune", "association", "stage", "kind", "worker")
    where = equal_to(query, *columns)
    return select_page(view, "mesures", where, ("-requested_on",), query, MesureRow)
