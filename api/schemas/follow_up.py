"""What the follow-up routes answer: bilans due, support requests, a
programme's readiness for its pré-commission."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import CountCapped
from projections.follow_up import BilanRow, ReadyDossier, SupportRequestRow


class BilansPublic(BaseModel):
    data: list[BilanRow]
    count: int
    count_capped: CountCapped
    as_of: date | None = Field(
        description="Jour de référence ; absent : le jour qu'il est dans chaque "
        "département"
    )
    position: int


class SupportRequestsPublic(BaseModel):
    data: list[SupportRequestRow]
    count: int
    count_capped: CountCapped
    position: int


class PreCommissionReadinessPublic(BaseModel):
    programme_id: UUID
    dossiers_to_gather: int | None = Field(
        description="Quota fixé par la concertation (CONC-QUOTA)"
    )
    dossiers_in_progress: int = Field(description="Dossiers du programme non terminés")
    by_stage: dict[str, int]
    ready: list[ReadyDossier] = Field(
        description="Dossiers à la solvabilité étudiée, prêts pour la pré-commission"
    )
    ready_count: int
    position: int
