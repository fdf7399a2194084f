"""What the API answers about LLTS dossiers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import ActorPublic, CountCapped, read_off
from domain.dossier import Dossier
from projections.dossier_list import DossierRow


class DossierPublic(BaseModel):
    id: UUID
    version: int
    stage: str
    household_id: UUID
    applicant_name: str
    household_size: int
    department: str
    commune: str
    programme_id: UUID | None
    dalo: bool
    dalo_appeal_on: date | None
    dalo_recognised_on: date | None
    numero_unique: str | None
    sne_valid_until: date | None
    origin: ActorPublic
    avis: dict[str, str]
    documents: list[str]
    outstanding_documents: list[str]
    resources: dict[str, Any] | None
    solvency: dict[str, Any] | None
    preselection: str | None
    ranking: dict[str, Any] | None
    list_valid_until: date | None
    cal_decision: dict[str, Any] | None
    deferral: dict[str, Any] | None
    offer: dict[str, Any] | None
    lease: dict[str, Any] | None
    entered_on: date | None
    information_meetings: list[dict[str, Any]]
    installation_review: dict[str, Any] | None
    end_reason: str | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, d: Dossier) -> DossierPublic:
        return read_off(cls, d, origin=ActorPublic.of(d.origin), offer=d.proposal)


class DossiersPublic(BaseModel):
    data: list[DossierRow]
    count: int
    count_capped: CountCapped
    position: int
