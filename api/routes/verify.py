"""Tamper evidence over HTTP: one record's events recomputed against their seals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.access import authorize
from api.deps import CallerDep, SystemDep
from api.errors import documented_errors
from commands.errors import NotFoundError
from domain.dossier import Dossier
from domain.mesure import Mesure
from infra.ledger import Verification, ledger_of, verify_aggregate

ERRORS = {
    404: documented_errors("Dossier ou mesure introuvable", "")[404],
}

router = APIRouter(prefix="/v1", tags=["intégrité"], responses=ERRORS)


class MismatchPublic(BaseModel):
    kind: str  # altered, deleted, inserted, reordered, seal_altered
    position: int | None
    originator_id: str | None
    version: int | None
    message: str


class VerificationPublic(BaseModel):
    id: UUID
    verified: bool
    events: int  # events found sealed and matching, up to the first mismatch
    position: int  # the notification id of the last one
    head_hash: str  # the event hash of the last one (hex SHA-256)
    mismatch: MismatchPublic | None

    @classmethod
    def of(cls, record_id: UUID, result: Verification) -> VerificationPublic:
        m = result.mismatch
        return cls(
            id=record_id,
            verified=result.verified,
            events=result.events,
            position=result.position,
            head_hash=result.head,
            mismatch=None if m is None else MismatchPublic(**m.as_dict()),
        )


def _verify(
    system: SystemDep, record_id: UUID, created_topic: str, missing: NotFoundError
) -> VerificationPublic:
    ledger = ledger_of(system.app)
    result = verify_aggregate(ledger, record_id)
    if result.verified and result.events == 0:
        raise missing
    topic = ledger.first_topic(record_id)
    if topic is not None and topic != created_topic:
        raise missing  # another kind of record
    return VerificationPublic.of(record_id, result)


@router.get("/dossiers/{dossier_id}/verify", response_model=VerificationPublic)
def verify_dossier(
    dossier_id: UUID, system: SystemDep, caller: CallerDep
) -> VerificationPublic:
    """Recompute the dossier's event hashes and chain links against their seals."""
    authorize(system, caller, "dossier", dossier_id, surface="verify")
    missing = NotFoundError(f"Dossier {dossier_id} introuvable.", "dossier_not_found")
    return _verify(system, dossier_id, Dossier.Identified.TOPIC, missing)


@router.get("/mesures/{mesure_id}/verify", response_model=VerificationPublic)
def verify_mesure(
    mesure_id: UUID, system: SystemDep, caller: CallerDep
) -> VerificationPublic:
    """Recompute the measure's event hashes and chain links against their seals."""
    authorize(system, caller, "mesure", mesure_id, surface="verify")
    missing = NotFoundError(f"Mesure {mesure_id} introuvable.", "mesure_not_found")
    return _verify(system, mesure_id, Mesure.Requested.TOPIC, missing)
