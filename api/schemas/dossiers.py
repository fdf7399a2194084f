"""What the API answers about LLTS dossiers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import ActorPublic
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
        return cls(
            id=d.id,
            version=d.version,
            stage=d.stage,
            household_id=d.household_id,
            applicant_name=d.applicant_name,
            household_size=d.household_size,
            department=d.department,
            commune=d.commune,
            programme_id=d.programme_id,
            dalo=d.dalo,
            dalo_appeal_on=d.dalo_appeal_on,
            dalo_recognised_on=d.dalo_recognised_on,
            numero_unique=d.numero_unique,
            sne_valid_until=d.sne_valid_until,
            origin=ActorPublic(**d.origin.__dict__),
            avis=d.avis,
            documents=d.documents,
            outstanding_documents=d.outstanding_documents,
            resources=d.resources,
            solvency=d.solvency,
            preselection=d.preselection,
            ranking=d.ranking,
            list_valid_until=d.list_valid_until,
            cal_decision=d.cal_decision,
            deferral=d.deferral,
            offer=d.proposal,
            lease=d.lease,
            entered_on=d.entered_on,
            information_meetings=d.information_meetings,
            installation_review=d.installation_review,
            end_reason=d.end_reason,
            last_occurred_on=d.last_occurred_on,
            created_on=d.created_on,
            modified_on=d.modified_on,
        )


class DossiersPublic(BaseModel):
    data: list[DossierRow]
    count: int
    position: int
