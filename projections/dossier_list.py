"""The dossier list: one row per dossier, filterable by commune, programme, stage."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from domain.dossier import Dossier


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


class DossierListView(TrackingRecorder):
    """Each write stores the row change and the tracking position together."""

    @abstractmethod
    def insert_dossier(self, row: DossierRow, tracking: Tracking) -> None: ...

    @abstractmethod
    def update_dossier(
        self, changes: dict[str, Any], dossier_id: UUID, tracking: Tracking
    ) -> None: ...

    @abstractmethod
    def select_dossiers(self, query: DossierFilter) -> tuple[list[DossierRow], int]:
        """The page of rows asked for, and how many rows match in all."""


class DossierListProjection(Projection[DossierListView]):
    name = "dossier_list"

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, tracking: Tracking) -> None:
        row = DossierRow(
            id=event.originator_id,
            applicant_name=event.applicant_name,
            household_size=event.household_size,
            department=event.department,
            commune=event.commune,
            programme_id=event.programme_id,
            dalo=event.dalo,
            numero_unique=event.numero_unique,
            origin_role=event.actor.role,
            origin_organisation=event.actor.organisation,
            stage=event.resulting_stage(""),
            version=event.originator_version,
            identified_on=event.occurred_on,
            last_occurred_on=event.occurred_on,
            updated_at=event.timestamp,
        )
        self.view.insert_dossier(row, tracking)

    @process_event.register
    def dossier_changed(self, event: Dossier.Event, tracking: Tracking) -> None:
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
        self.view.update_dossier(changes, event.originator_id, tracking)
