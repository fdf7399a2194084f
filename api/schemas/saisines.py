"""What the API answers about CCAPEX referrals (saisines)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ActorPublic
from domain.saisine import Saisine


class SaisinePublic(BaseModel):
    """A CCAPEX referral as it stands, with what its history shows of
    CCAPEX-SAISINE (a rule judged afterwards: `findings`)."""

    id: UUID
    version: int
    stage: str
    source: str
    household_id: UUID
    department: str
    commune: str
    landlord: str
    landlord_is_legal_entity: bool
    arrears: Decimal
    referred_on: date = Field(description="Jour de la saisine de la CCAPEX")
    signalled_by: ActorPublic
    registered_on: date | None
    summons_on: date | None
    hearing_on: date | None
    enquiry: dict[str, Any] | None
    orientations: list[dict[str, Any]]
    examinations: list[date] = Field(description="Jours des séances d'examen")
    avis: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    outcome: str | None
    closed_on: date | None
    truce_exception: str | None = Field(
        description="Expulsion pendant la trêve : exception invoquée (CPCE L412-6)"
    )
    findings: list[str] = Field(
        description="CCAPEX-SAISINE : délais non respectés que montre l'historique"
    )
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, s: Saisine) -> SaisinePublic:
        return cls(
            id=s.id,
            version=s.version,
            stage=s.stage,
            source=s.source,
            household_id=s.household_id,
            department=s.department,
            commune=s.commune,
            landlord=s.landlord,
            landlord_is_legal_entity=s.landlord_is_legal_entity,
            arrears=s.arrears,
            referred_on=s.referred_on,
            signalled_by=ActorPublic(**s.signalled_by.__dict__),
            registered_on=s.registered_on,
            summons_on=s.summons_on,
            hearing_on=s.hearing_on,
            enquiry=s.enquiry,
            orientations=s.orientations,
            examinations=s.examinations,
            avis=s.avis,
            follow_ups=s.follow_ups,
            outcome=s.outcome,
            closed_on=s.closed_on,
            truce_exception=s.truce_exception,
            findings=s.findings,
            last_occurred_on=s.last_occurred_on,
            created_on=s.created_on,
            modified_on=s.modified_on,
        )
