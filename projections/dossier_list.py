"""The dossier list: one row per dossier, filterable by commune, programme, stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from projections.rows import RowProjection, RowView, Table

DOSSIERS = Table(
    name="dossiers",
    columns={
        "id": "uuid",
        "applicant_name": "text",
        "household_size": "int",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "dalo": "bool",
        "numero_unique": "text",
        "origin_role": "text",
        "origin_organisation": "text",
        "stage": "text",
        "version": "int",
        "identified_on": "date",
        "last_occurred_on": "date",
        "updated_at": "datetime",
    },
    key=("id",),
    indexes=(("commune", "stage"), ("programme_id",), ("identified_on",)),
)


@dataclass(frozen=True)
class DossierRow:
    id: UUID
    applicant_name: str
    household_size: int
    department: str
    commune: str
    programme_id: UUID | None
    dalo: bool
    numero_unique: str | None
    origin_role: str
    origin_organisation: str
    stage: str
    version: int
    identified_on: date
    last_occurred_on: date
    updated_at: datetime


@dataclass(frozen=True)
class DossierFilter:
    commune: str | None = None
    programme_id: UUID | None = None
    stage: str | None = None
    department: str | None = None
    limit: int = 100
    offset: int = 0


def dossier_topics() -> tuple[str, ...]:
    """The stored topics of every dossier event (their explicit TOPICs)."""
    return tuple(
        cls.TOPIC
        for cls in vars(Dossier).values()
        if isinstance(cls, type)
        and issubclass(cls, Dossier.Event)
        and cls not in (Dossier.Event, Dossier.Ended)
    )


class DossierListProjection(RowProjection):
    name = "dossier_list"
    version = 1
    tables = (DOSSIERS,)
    topics = dossier_topics()

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        self.view.insert(
            "dossiers",
            {
                "id": event.originator_id,
                "applicant_name": event.applicant_name,
                "household_size": event.household_size,
                "department": event.department,
                "commune": event.commune,
                "programme_id": event.programme_id,
                "dalo": event.dalo,
                "numero_unique": event.numero_unique,
                "origin_role": event.actor.role,
                "origin_organisation": event.actor.organisation,
                "stage": event.resulting_stage(""),
                "version": event.originator_version,
                "identified_on": event.occurred_on,
                "last_occurred_on": event.occurred_on,
                "updated_at": event.timestamp,
            },
        )

    @process_event.register
    def dossier_changed(self, event: Dossier.Event, _: Tracking) -> None:
        changes: dict[str, Any] = {
            "version": event.originator_version,
            "updated_at": event.timestamp,
        }
        if event.CHRONOLOGICAL:
            changes["last_occurred_on"] = event.occurred_on
        if stage := event.resulting_stage(""):
            changes["stage"] = stage
        if isinstance(event, Dossier.DemandRenewed):
            changes["numero_unique"] = event.numero_unique
        self.view.update("dossiers", (event.originator_id,), changes)


def select_dossiers(
    view: RowView, query: DossierFilter
) -> tuple[list[DossierRow], int]:
    where = {
        column: value
        for column, value in (
            ("commune", query.commune),
            ("programme_id", query.programme_id),
            ("stage", query.stage),
            ("department", query.department),
        )
        if value is not None
    }
    rows, total = view.select(
        "dossiers", where, ("-identified_on",), query.limit, query.offset
    )
    return [DossierRow(**row) for row in rows], total
