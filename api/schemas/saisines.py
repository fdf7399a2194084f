"""What the API answers about CCAPEX referrals (saisines)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ActorPublic, CountCapped, read_off
from domain.saisine import Saisine
from projections.saisines import SaisineRow


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
        return read_off(cls, s, signalled_by=ActorPublic.of(s.signalled_by))


class SaisinesPublic(BaseModel):
    """A page of referrals; `due_on`: the day their prevention work is due by
    (CCAPEX-SAISINE's delays: the hearing, the earliest hearing, or a
    legal-entity landlord's earliest assignation), null when none runs or
    once closed."""

    data: list[SaisineRow]
    count: int
    count_capped: CountCapped
    position: int
