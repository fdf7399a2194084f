"""Tamper evidence over HTTP: one record's events recomputed against their seals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from api.access import authorize
from api.deps import CallerDep, SystemDep
from api.errors import documented_errors
from commands.errors import NotFoundError
from domain.access import Caller
from domain.dossier import Dossier
from domain.mesure import Mesure
from infra.bootstrap import System
from infra.ledger import Verification, ledger_of, verify_aggregate

router = APIRouter(
    prefix="/v1",
    tags=["intégrité"],
    responses=documented_errors("Dossier ou mesure introuvable", only=(404,)),
)


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


# Per kind of record whose chain is verified: the topic of its first event, and
# its 404 when there is none (or the id is another kind's).
VERIFIED: dict[str, tuple[str, str, str]] = {
    "dossier": (Dossier.Identified.TOPIC, "Dossier", "dossier_not_found"),
    "mesure": (Mesure.Requested.TOPIC, "Mesure", "mesure_not_found"),
}


def verify_record(
    system: System, caller: Caller, kind: str, record_id: UUID
) -> VerificationPublic:
    """The record's events recomputed against their seals, once the caller may
    verify it (403 otherwise). GET /v1/<kind>s/{id}/verify and the web pages
    answer from here."""
    authorize(system, caller, kind, record_id, surface="verify")
    created_topic, noun, code = VERIFIED[kind]
    missing = NotFoundError(f"{noun} {record_id} introuvable.", code)
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
    return verify_record(system, caller, "dossier", dossier_id)


@router.get("/mesures/{mesure_id}/verify", response_model=VerificationPublic)
def verify_mesure(
    mesure_id: UUID, system: SystemDep, caller: CallerDep
) -> VerificationPublic:
    """Recompute the measure's event hashes and chain links against their seals."""
    return verify_record(system, caller, "mesure", mesure_id)
