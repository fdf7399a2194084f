"""What the API answers about ASLL measures and the associations' workload."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ActorPublic, CountCapped, read_off
from domain.mesure import Mesure
from projections.mesures import (
    AssociationWorkload,
    MesureRow,
    WorkerCaseload,
)


class MesurePublic(BaseModel):
    id: UUID
    version: int
    kind: str
    stage: str
    household_id: UUID
    department: str
    commune: str
    channel: str
    prescriber: ActorPublic
    requested_on: date
    min_months: int | None
    origin_dossier_id: UUID | None
    previous_mesure_id: UUID | None
    chain_renewals: int = Field(
        description="ASLL-DUREE : renouvellements déjà comptés au ménage quand la "
        "mesure a été demandée (une ré-intervention rapprochée en est un)"
    )
    association: str | None
    association_name: str | None
    renforce: bool
    notified_on: date | None
    convention: dict[str, Any] | None
    ends_on: date | None
    renewals: int
    meetings: list[dict[str, Any]]
    bail: dict[str, Any] | None
    closure: dict[str, Any] | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, m: Mesure) -> MesurePublic:
        return read_off(
            cls,
            m,
            prescriber=ActorPublic.of(m.prescriber),
            meetings=[{"on": day, "held": held} for day, held in m.meetings],
        )


class MesuresPublic(BaseModel):
    data: list[MesureRow]
    count: int
    count_capped: CountCapped
    position: int


class WorkloadPublic(BaseModel):
    """Each association's measures as they stood on `as_of` (the steps dated up
    to that day), judged by the department's settings in force that day."""

    as_of: date | None = Field(
        description="Jour demandé ; absent : le jour qu'il est dans chaque "
        "département (voir as_of de chaque ligne)"
    )
    associations: list[AssociationWorkload] = Field(
        description="active : mesures qui occupent une place (notifiée, diagnostic "
        "fait, en cours, renouvellement demandé), face à capacity ; renforces face à "
        "renforce_capacity ; ending_soon : convention en cours qui finit dans les 30 "
        "jours (dernier jour inclus) sans renouvellement demandé pour cette période, "
        "ou renouvellement demandé non décidé ; overdue_bilans : sous convention "
        "après son dernier jour, sans bilan ; few_meetings : sous convention depuis "
        "au moins les 30 jours qui finissent à as_of et moins de meetings_per_month "
        "rencontres tenues dans ces 30 jours"
    )
    workers: list[WorkerCaseload] = Field(
        description="Par référent : mesures qui occupent une place, sous sa convention"
    )
    position: int
