"""The sessions, a session's lists, and the listes complémentaires serving a
commune on a day (LC-VALIDITE).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from projections.commissions.tables import (
    CAL,
    LISTE_COMPLEMENTAIRE,
    NON_RETENU,
    PRESELECTION,
    RANG,
)
from projections.lists import Counted, PlaceFilter, equal_to, select_page
from projections.rows import Between, RowView


@dataclass(frozen=True)
class CommissionRow:
    id: UUID
    kind: str
    department: str
    commune: str
    programme_id: UUID | None
    landlord: str | None
    held_on: date
    convened_on: date
    stage: str
    attendees: int
    attendance: list[dict[str, str]]
    presided_by: dict[str, str] | None
    dwellings: list[str]
    decisions: int
    preselected: int
    ranked: int
    listed: int
    not_retained: int
    cal_decisions: int
    attributions: int
    list_valid_until: date | None
    minutes_closed_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class EntryRow:
    commission_id: UUID
    dossier_id: UUID
    section: str
    position: int
    event_version: int
    seq: int
    criteria: list[str]
    motive: str | None
    outcome: str
    dwelling_ref: str | None
    valid_until: date | None
    commune: str
    held_on: date
    details: dict[str, Any]
    cal_id: UUID | None
    cal_decision: str | None
    cal_dwelling_ref: str | None


@dataclass(frozen=True)
class CommissionDwellingRow:
    commission_id: UUID
    ref: str
    examined: bool
    candidates: int
    attributions: int
    exception: str | None
    exception_motive: str | None


@dataclass(frozen=True)
class DwellingDecisions:
    """A dwelling on a CAL's agenda and its candidates, in the order examined."""

    ref: str
    examined: bool
    exception: str | None
    exception_motive: str | None
    candidates: list[EntryRow]


@dataclass(frozen=True)
class CommissionList:
    commission: CommissionRow
    agenda: list[EntryRow]  # every dossier decided on, in the order decided
    preselection: list[EntryRow]
    ranked: list[EntryRow]  # by rank
    liste_complementaire: list[EntryRow]  # by place, each with its last day
    non_retenus: list[EntryRow]
    dwellings: list[DwellingDecisions]


@dataclass(frozen=True)
class CommuneListe:
    """A liste complémentaire serving its commune on a day, its households in order."""

    commission_id: UUID
    commune: str
    held_on: date
    valid_until: date
    entries: list[EntryRow] = field(default_factory=list)


@dataclass(frozen=True)
class CommissionFilter(PlaceFilter):
    kind: str | None = None
    held_from: date | None = None
    held_until: date | None = None


def select_commissions(
    view: RowView, query: CommissionFilter
) -> tuple[list[CommissionRow], Counted]:
    """Sessions, the most recent first, held within the period if one is given."""
    where = equal_to(query, "department", "commune", "kind", "programme_id")
    if query.held_from is not None or query.held_until is not None:
        where["held_on"] = Between(query.held_from, query.held_until)
    order = ("-held_on", "commune", "kind")
    return select_page(view, "commissions", where, order, query, CommissionRow)


def select_commission(view: RowView, commission_id: UUID) -> CommissionRow | None:
    rows = view.select_rows("commissions", {"id": commission_id}, limit=1)
    return CommissionRow(**rows[0]) if rows else None


def commission_list(view: RowView, commission_id: UUID) -> CommissionList | None:
    """The session's lists, or None if the view does not hold it (yet)."""
    commission = select_commission(view, commission_id)
    if commission is None:
        return None
    rows = view.select_rows(
        "entries", {"commission_id": commission_id}, ("event_version", "seq")
    )
    agenda = [EntryRow(**row) for row in rows]

    def section(name: str) -> list[EntryRow]:
        return sorted(
            (e for e in agenda if e.section == name), key=lambda e: e.position
        )

    dwelling_rows = view.select_rows("dwellings", {"commission_id": commission_id})
    dwellings = {row["ref"]: CommissionDwellingRow(**row) for row in dwelling_rows}
    return CommissionList(
        commission=commission,
        agenda=agenda,
        preselection=section(PRESELECTION),
        ranked=section(RANG),
        liste_complementaire=section(LISTE_COMPLEMENTAIRE),
        non_retenus=section(NON_RETENU),
        dwellings=[
            DwellingDecisions(
                ref=ref,
                examined=dwellings[ref].examined if ref in dwellings else False,
                exception=dwellings[ref].exception if ref in dwellings else None,
                exception_motive=(
                    dwellings[ref].exception_motive if ref in dwellings else None
                ),
                candidates=[e for e in section(CAL) if e.dwelling_ref == ref],
            )
            for ref in commission.dwellings
        ],
    )


def listes_complementaires(
    view: RowView, commune: str, as_of: date
) -> list[CommuneListe]:
    """LC-VALIDITE: the listes complémentaires that serve the commune on `as_of`
    (decided on or before it, last day on or after it), the oldest first, each
    with its households in their order."""
    rows = view.select_rows(
        "entries",
        {
            "commune": commune,
            "section": LISTE_COMPLEMENTAIRE,
            "held_on": Between(last=as_of),
            "valid_until": Between(first=as_of),
        },
        ("held_on", "commission_id", "position"),
    )
    listes: dict[UUID, CommuneListe] = {}
    for row in rows:
        liste = listes.setdefault(
            row["commission_id"],
            CommuneListe(
                commission_id=row["commission_id"],
                commune=row["commune"],
                held_on=row["held_on"],
                valid_until=row["valid_until"],
            ),
        )
        liste.entries.append(EntryRow(**row))
    return list(listes.values())
