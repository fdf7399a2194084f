"""Erasure of a household's personal data once the retention allows it
(RGPD-CONSERVATION): its key is destroyed, its records told (infra/erasure.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ContextDep, SystemDep
from api.errors import documented_errors
from infra.erasure import Erasure, erase_household

router = APIRouter(
    prefix="/v1/admin",
    tags=["administration"],
    responses=documented_errors("Ménage inconnu", "Durée de conservation non écoulée"),
)


class ErasedRecordPublic(BaseModel):
    kind: str  # dossier, mesure, saisine
    id: UUID


class ErasurePublic(BaseModel):
    household_id: UUID
    records: list[ErasedRecordPublic]
    categories: list[str]  # DOMAIN.md §9 categories erased
    erased_at: datetime
    erased_by: str
    already_erased: bool  # the key had been destroyed by an earlier call

    @classmethod
    def of(cls, erasure: Erasure) -> ErasurePublic:
        assert erasure.key.erased_at is not None
        return cls(
            household_id=erasure.household_id,
            records=[ErasedRecordPublic(kind=k, id=i) for k, i in erasure.records],
            categories=erasure.categories,
            erased_at=erasure.key.erased_at,
            erased_by=erasure.key.erased_by or "",
            already_erased=erasure.already,
        )


@router.post("/households/{household_id}/erasure", response_model=ErasurePublic)
def erase_household_data(
    household_id: UUID, ctx: ContextDep, system: SystemDep
) -> ErasurePublic:
    """Erase a household's personal data (administrator, after the retention)."""
    today = datetime.now(UTC).date()
    erasure = erase_household(
        system.app, household_id, ctx.actor, today, ctx.correlation_id, system.engine
    )
    return ErasurePublic.of(erasure)
