"""What to follow up: bilans d'installation due, overdue or done (BILAN-DELAI),
support asked by a bilan (BILAN-SUITE), a programme's dossiers ready for its
pré-commission. All read from the views (eventually consistent)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from api.access import authorize, scoped
from api.access_log import (
    DOSSIER_FOLLOW_UP,
    DOSSIER_ROW,
    AccessLogDep,
    AccessRecorder,
)
from api.deps import CallerDep, MinPosition, Offset, QueryDay, SystemDep, current_view
from api.errors import documented_errors
from api.schemas.follow_up import (
    BilansPublic,
    PreCommissionReadinessPublic,
    SupportRequestsPublic,
)
from domain.access import Caller
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from infra.bootstrap import System
from projections.follow_up import (
    BILAN_STATUSES,
    SUPPORT_STATUSES,
    BilanFilter,
    BilanRow,
    DeadlineMonths,
    SupportRequestFilter,
    bilan_deadline_months,
    select_bilans,
    select_programme_readiness,
    select_support_requests,
)

ERRORS = documented_errors("Programme introuvable", "")

router = APIRouter(tags=["follow-up"], responses={422: ERRORS[422]})

Department = Annotated[
    str | None, Query(pattern=DEPARTMENT_CODE_PATTERN, description="Département")
]
Commune = Annotated[str | None, Query(pattern=COMMUNE_PATTERN, description="INSEE")]
Limit = Annotated[int, Query(ge=1, le=500)]


def _status_query(statuses: tuple[str, ...]) -> object:
    """?status=, one of `statuses` (checked by `_check_status`: 422 in French)."""
    return Annotated[
        str | None,
        Query(
            max_length=40,
            json_schema_extra={"enum": list(statuses)},
            description=f"Un des statuts : {', '.join(statuses)}",
        ),
    ]


BilanStatus = _status_query(BILAN_STATUSES)
SupportStatus = _status_query(SUPPORT_STATUSES)


def _check_status(status: str | None, known: tuple[str, ...]) -> None:
    if status is not None and status not in known:
        message = f"Statut inconnu : « {status} » (attendu : {', '.join(known)})."
        raise HTTPException(422, {"code": "invalid_input", "message": message})


def _deadlines(system: System) -> DeadlineMonths:
    """BILAN-DELAI per department and entry day, from the settings' versions."""
    versions = cache(system.app.department_versions)
    return lambda department, entered_on: bilan_deadline_months(
        versions(department), entered_on
    )


@router.get("/v1/bilans", response_model=BilansPublic)
def list_bilans(
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    status: BilanStatus = None,
    department: Department = None,
    commune: Commune = None,
    programme_id: UUID | None = None,
    as_of: Annotated[
        QueryDay | None,
        Query(description="Jour de référence (défaut : aujourd'hui, heure locale)"),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> BilansPublic:
    """List bilans d'installation due (on time), overdue (BILAN-DELAI) or done;
    only those of the caller's scope."""
    _check_status(status, BILAN_STATUSES)
    query = BilanFilter(status, department, commune, programme_id, as_of, limit, offset)
    rows, total, position = bilans_in_scope(system, caller, access, query, min_position)
    return BilansPublic(data=rows, count=total, as_of=as_of, position=position)


def bilans_in_scope(
    system: System,
    caller: Caller,
    access: AccessRecorder,
    query: BilanFilter,
    min_position: int | None = None,
) -> tuple[list[BilanRow], int, int]:
    """The bilans d'installation the caller may list (the view narrowed to
    their scope), the count matching, the view's position; the rows' reading
    logged. GET /v1/bilans and the worklist page both answer from here."""
    view = scoped(
        current_view(system, "follow_up", min_position), caller, "follow_up", "bilans"
    )
    rows, total = select_bilans(view, query, _deadlines(system), datetime.now(UTC))
    position = view.max_tracking_id(system.app.name) or 0
    access.record("dossier", [row.dossier_id for row in rows], DOSSIER_FOLLOW_UP)
    return rows, total, position


@router.get("/v1/support-requests", response_model=SupportRequestsPublic)
def list_support_requests(
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    status: SupportStatus = None,
    department: Department = None,
    commune: Commune = None,
    programme_id: UUID | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> SupportRequestsPublic:
    """List the support asked by bilans that found problems (BILAN-SUITE); only
    those of the caller's scope."""
    _check_status(status, SUPPORT_STATUSES)
    view = scoped(
        current_view(system, "follow_up", min_position),
        caller,
        "follow_up",
        "support_requests",
    )
    query = SupportRequestFilter(
        status, department, commune, programme_id, limit, offset
    )
    rows, total = select_support_requests(view, query)
    position = view.max_tracking_id(system.app.name) or 0
    access.record("dossier", [row.dossier_id for row in rows], DOSSIER_FOLLOW_UP)
    return SupportRequestsPublic(data=rows, count=total, position=position)


@router.get(
    "/v1/programmes/{programme_id}/ready-for-pre-commission",
    response_model=PreCommissionReadinessPublic,
    responses={404: ERRORS[404]},
)
def read_pre_commission_readiness(
    programme_id: UUID,
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> PreCommissionReadinessPublic:
    """The programme's dossiers per stage, against its quota, and those whose
    solvency is studied: ready for the pré-commission."""
    authorize(system, caller, "programme", programme_id, surface="follow_up")
    dossiers = current_view(system, "dossier_list", min_position)
    programmes = current_view(system, "programmes", min_position)
    readiness = select_programme_readiness(
        dossiers, programmes, programme_id, limit, offset
    )
    if readiness is None:
        message = (
            f"Programme {programme_id} introuvable (pour une écriture récente, "
            "passez min_position)."
        )
        raise HTTPException(404, {"code": "programme_not_found", "message": message})
    position = min(
        view.max_tracking_id(system.app.name) or 0 for view in (dossiers, programmes)
    )
    access.record("dossier", [d.id for d in readiness.ready], DOSSIER_ROW)
    return PreCommissionReadinessPublic(**vars(readiness), position=position)
