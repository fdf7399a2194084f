"""The audit trail of a record, from the `audit_trail` read model: every event in
order with who, when recorded, when it happened, what, on which legal basis, in
which commission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter

from api.deps import MinPosition, SystemDep, current_view
from api.errors import documented_errors
from api.schemas import AuditTrailPublic
from infra.bootstrap import System
from projections.audit_trail import AuditRecord, find_record, select_trail

ERRORS = documented_errors("Enregistrement introuvable", "—")
ERRORS.pop(409)
ERRORS.pop(413)

router = APIRouter(tags=["piste d'audit"], responses=ERRORS)


def audit_trail(
    system: System,
    record_id: UUID,
    kind: str,
    get: Callable[[UUID], Any],
    min_position: int | None,
) -> AuditTrailPublic:
    """The record's trail from the view; 404 (`<kind>_not_found`) when the store
    holds no record of that kind with this id. A record written after the view's
    position has no event yet: pass `min_position` to wait for it."""
    view = current_view(system, "audit_trail", min_position)
    position = view.max_tracking_id(system.app.name) or 0
    record = find_record(view, record_id)
    if record is None or record.kind != kind:
        get(record_id)  # raises <kind>_not_found for no such record
        record = AuditRecord(record_id, kind, None, None)
    return AuditTrailPublic.of(record, select_trail(view, record_id), position)


@router.get("/v1/dossiers/{dossier_id}/audit", response_model=AuditTrailPublic)
def read_dossier_audit(
    dossier_id: UUID, system: SystemDep, min_position: MinPosition = None
) -> AuditTrailPublic:
    """The dossier's audit trail: every event, its actor, dates and legal basis."""
    return audit_trail(
        system, dossier_id, "dossier", system.app.get_dossier, min_position
    )


@router.get("/v1/mesures/{mesure_id}/audit", response_model=AuditTrailPublic)
def read_mesure_audit(
    mesure_id: UUID, system: SystemDep, min_position: MinPosition = None
) -> AuditTrailPublic:
    """The ASLL measure's audit trail."""
    return audit_trail(system, mesure_id, "mesure", system.app.get_mesure, min_position)


@router.get("/v1/programmes/{programme_id}/audit", response_model=AuditTrailPublic)
def read_programme_audit(
    programme_id: UUID, system: SystemDep, min_position: MinPosition = None
) -> AuditTrailPublic:
    """The programme's audit trail."""
    return audit_trail(
        system, programme_id, "programme", system.app.get_programme, min_position
    )


@router.get("/v1/commissions/{commission_id}/audit", response_model=AuditTrailPublic)
def read_commission_audit(
    commission_id: UUID, system: SystemDep, min_position: MinPosition = None
) -> AuditTrailPublic:
    """The commission session's audit trail (its own events)."""
    return audit_trail(
        system, commission_id, "commission", system.app.get_commission, min_position
    )


@router.get("/v1/saisines/{saisine_id}/audit", response_model=AuditTrailPublic)
def read_saisine_audit(
    saisine_id: UUID, system: SystemDep, min_position: MinPosition = None
) -> AuditTrailPublic:
    """The CCAPEX referral's audit trail."""
    return audit_trail(
        system, saisine_id, "saisine", system.app.get_saisine, min_position
    )
