"""What the API answers about LLTS programmes and their dwellings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import CountCapped, read_off
from domain.programme import Programme
from projections.programmes import ProgrammeRow


class DwellingPublic(BaseModel):
    ref: str
    typology: str
    rent: Decimal
    charges: Decimal
    status: str
    dossier_id: UUID | None
    lease_start: date | None
    vacated_on: date | None
    candidates: list[dict[str, Any]] = Field(
        description="Candidats proposés depuis la liste complémentaire de la commune"
    )


class ProgrammePublic(BaseModel):
    id: UUID
    version: int
    stage: str
    kind: str
    name: str
    landlord: str
    department: str
    commune: str
    dwellings: list[DwellingPublic]
    dwellings_to_let: list[str]
    concertation: dict[str, Any] | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, p: Programme) -> ProgrammePublic:
        dwellings = [DwellingPublic(**d) for d in p.dwellings.values()]
        return read_off(cls, p, dwellings=dwellings)


class ProgrammesPublic(BaseModel):
    data: list[ProgrammeRow]
    count: int
    count_capped: CountCapped
    position: int
