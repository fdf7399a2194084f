"""What the API answers about LLTS programmes and their dwellings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

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
        return cls(
            id=p.id,
            version=p.version,
            stage=p.stage,
            kind=p.kind,
            name=p.name,
            landlord=p.landlord,
            department=p.department,
            commune=p.commune,
            dwellings=[DwellingPublic(**d) for d in p.dwellings.values()],
            dwellings_to_let=p.dwellings_to_let,
            concertation=p.concertation,
            last_occurred_on=p.last_occurred_on,
            created_on=p.created_on,
            modified_on=p.modified_on,
        )


class ProgrammesPublic(BaseModel):
    data: list[ProgrammeRow]
    count: int
    position: int
