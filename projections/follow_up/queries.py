"""Bilans due and overdue on a day, support requests, and a programme's
dossiers ready for its pré-commission.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.department import local_today
from domain.dossier_steps import STAGES, TERMINAL
from domain.shared import add_months
from projections.dossier_list import DOSSIERS as DOSSIER_LIST
from projections.follow_up.tables import BILAN_DEADLINE_MONTHS, READY_FOR_PRE_COMMISSION
from projections.lists import Counted, PlaceFilter, equal_to, select_page
from projections.programmes import PROGRAMMES
from projections.rows import RowView

# (department, entry day) → the months the bilan is due in.
DeadlineMonths = Callable[[str, date], int]
SettingsVersions = Sequence[tuple[date, int, dict[str, Any]]]
# The columns a bilan or a support request is filtered on by equality.
PLACE = ("department", "commune", "programme_id")


def bilan_deadline_months(versions: SettingsVersions, entered_on: date) -> int:
    """BILAN-DELAI as the department's settings in force on the entry day set it."""
    in_force = [settings for since, _, settings in versions if since <= entered_on]
    if not in_force:
        return BILAN_DEADLINE_MONTHS
    months: int = in_force[-1].get(
        "bilan_installation_deadline_months", BILAN_DEADLINE_MONTHS
    )
    return months


@dataclass(frozen=True)
class BilanRow:
    dossier_id: UUID
    department: str
    commune: str
    programme_id: UUID | None
    landlord: str | None
    dwelling_ref: str | None
    entered_on: date
    due_on: date
    status: str  # due, overdue or done, on the day asked
    reviewed_on: date | None
    reviewed_late: bool | None  # done after due_on (BILAN-DELAI broken)
    outcome: str | None
    support_months: int | None


@dataclass(frozen=True)
class BilanFilter(PlaceFilter):
    status: str | None = None
    as_of: date | None = None  # None: the day it is in each dossier's department


def select_bilans(
    view: RowView, query: BilanFilter, deadline: DeadlineMonths, now: datetime
) -> tuple[list[BilanRow], Counted]:
    """Bilans matching the filter and how many match in all: due and overdue
    ones by due day (most overdue first), done ones last reviewed first, all of
    them last entered first.

    The due date depends on the settings and the day asked, not only on the
    events, so bilans still to do are split here rather than in the view."""

    def bilan(row: dict[str, Any]) -> BilanRow:
        due_on = add_months(
            row["entered_on"], deadline(row["department"], row["entered_on"])
        )
        today = query.as_of or local_today(row["department"], now)
        reviewed_on = row["reviewed_on"]
        status = "done" if row["done"] else ("overdue" if due_on < today else "due")
        return BilanRow(
            **{k: v for k, v in row.items() if k != "done"},
            due_on=due_on,
            status=status,
            reviewed_late=None if reviewed_on is None else reviewed_on > due_on,
        )

    where = equal_to(query, *PLACE)
    if query.status in (None, "done"):
        order = ("-entered_on",) if query.status is None else ("-reviewed_on",)
        if query.status == "done":
            where["done"] = True
        return select_page(view, "bilans", where, order, query, lambda **r: bilan(r))
    # Every bilan still to do is read to sort it by its due day: counted exactly.
    rows = view.select_rows("bilans", {**where, "done": False})
    matching = [b for b in map(bilan, rows) if b.status == query.status]
    matching.sort(key=lambda b: (b.due_on, str(b.dossier_id)))
    end = query.offset + query.limit
    return matching[query.offset : end], Counted(len(matching))


# ---- support asked by a bilan ------------------------------------------------------


@dataclass(frozen=True)
class SupportRequestRow:
    dossier_id: UUID
    department: str
    commune: str
    programme_id: UUID | None
    requested_on: date
    support_months: int
    status: str


@dataclass(frozen=True)
class SupportRequestFilter(PlaceFilter):
    status: str | None = None


def select_support_requests(
    view: RowView, query: SupportRequestFilter
) -> tuple[list[SupportRequestRow], Counted]:
    """Support requests matching the filter, oldest first."""
    where = equal_to(query, *PLACE, "status")
    order = ("requested_on",)
    return select_page(view, "support_requests", where, order, query, SupportRequestRow)


# ---- dossiers ready for the pré-commission (the dossier_list view) -------------------


@dataclass(frozen=True)
class ReadyDossier:
    id: UUID
    commune: str
    household_size: int
    dalo: bool
    identified_on: date
    last_occurred_on: date
    version: int


@dataclass(frozen=True)
class ProgrammeReadiness:
    programme_id: UUID
    dossiers_to_gather: int | None  # CONC-QUOTA; None before the concertation
    dossiers_in_progress: int  # gathered and not ended
    by_stage: dict[str, int]
    ready: list[ReadyDossier]  # the page asked
    ready_count: int


def select_programme_readiness(
    dossiers: RowView,
    programmes: RowView,
    programme_id: UUID,
    limit: int = 100,
    offset: int = 0,
) -> ProgrammeReadiness | None:
    """The programme's dossiers per stage, and those whose solvency is studied,
    first identified first (dossier_list and programmes views); None for a
    programme the programmes view does not know."""
    found = programmes.select_rows(PROGRAMMES.name, {"id": programme_id}, limit=1)
    if not found:
        return None
    rows = dossiers.select_rows(DOSSIER_LIST.name, {"programme_id": programme_id})
    by_stage = Counter(row["stage"] for row in rows)
    ready = sorted(
        (row for row in rows if row["stage"] == READY_FOR_PRE_COMMISSION),
        key=lambda row: (row["identified_on"], str(row["id"])),
    )
    fields = ReadyDossier.__dataclass_fields__
    return ProgrammeReadiness(
        programme_id=programme_id,
        dossiers_to_gather=found[0]["dossiers_to_gather"],
        dossiers_in_progress=sum(
            n for stage, n in by_stage.items() if stage not in TERMINAL
        ),
        by_stage={stage: by_stage[stage] for stage in STAGES if by_stage[stage]},
        ready=[
            ReadyDossier(**{k: row[k] for k in fields})
            for row in ready[offset : offset + limit]
        ],
        ready_count=len(ready),
    )
