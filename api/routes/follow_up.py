"""What to follow up: bilans d'installation due, overdue or done (BILAN-DELAI),
support asked by a bilan (BILAN-SUITE), a programme's dossiers ready for its
pré-commission. All read from the views (eventually consistent)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache, partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException

from api.access import authorize
from api.access_log import (
    DOSSIER_FOLLOW_UP,
    DOSSIER_ROW,
    AccessLogDep,
    AccessRecorder,
)
from api.deps import (
    CallerDep,
    CommuneQuery,
    DepartmentQuery,
    Limit,
    MinPosition,
    Offset,
    ReferenceDay,
    SystemDep,
    check_known,
    current_view,
    one_of,
)
from api.errors import documented_errors
from api.record_routes import in_scope
from api.schemas.common import read_off
from api.schemas.follow_up import (
    BilansPublic,
    PreCommissionReadinessPublic,
    SupportRequestsPublic,
)
from infra.bootstrap import System
from projections.follow_up import (
    BILAN_STATUSES,
    SUPPORT_STATUSES,
    BilanFilter,
    DeadlineMonths,
    SupportRequestFilter,
    bilan_deadline_months,
    select_bilans,
    select_programme_readiness,
    select_support_requests,
)
from projections.lists import Counted

router = APIRouter(tags=["follow-up"], responses=documented_errors(only=(422,)))

BilanStatus = one_of(BILAN_STATUSES, "Un des statuts")
SupportStatus = one_of(SUPPORT_STATUSES, "Un des statuts")


def _deadlines(system: System) -> DeadlineMonths:
    """BILAN-DELAI per department and entry day, from the settings' versions."""
    versions = cache(system.app.department_versions)
    return lambda department, entered_on: bilan_deadline_months(
        versions(department), entered_on
    )


@router.get("/v1/bilans", response_model=BilansPublic)
def list_bilans(
    access: AccessLogDep,
    status: BilanStatus = None,
    department: DepartmentQuery = None,
    commune: CommuneQuery = None,
    programme_id: UUID | None = None,
    as_of: ReferenceDay = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> BilansPublic:
    """List bilans d'installation due (on time), overdue (BILAN-DELAI) or done;
    only those of the caller's scope."""
    check_known("Statut", status, BILAN_STATUSES)
    query = BilanFilter(
        department, commune, programme_id, status, as_of, limit=limit, offset=offset
    )
    rows, total, position = bilans_in_scope(access, query, min_position)
    return read_off(BilansPublic, total, data=rows, as_of=as_of, position=position)


# The follow-up's lists: dossiers, as the access matrix's follow_up list scopes
# them, each row naming its dossier.
_follow_up_in_scope = partial(
    in_scope,
    "dossier",
    logged=DOSSIER_FOLLOW_UP,
    scope="follow_up",
    row_id="dossier_id",
)
_support_requests_in_scope = _follow_up_in_scope(
    ("follow_up", "support_requests"), select_support_requests
)


def bilans_in_scope(
    access: AccessRecorder, query: BilanFilter, min_position: int | None = None
) -> tuple[list[Any], Counted, int]:
    """The bilans of the caller's scope, due by their department's BILAN-DELAI
    as of now. GET /v1/bilans and the worklist page answer from here."""
    deadlines, now = _deadlines(access.system), datetime.now(UTC)
    select = partial(select_bilans, deadline=deadlines, now=now)
    bilans = _follow_up_in_scope(("follow_up", "bilans"), select)
    return bilans(access, query, min_position)


@router.get("/v1/support-requests", response_model=SupportRequestsPublic)
def list_support_requests(
    access: AccessLogDep,
    status: SupportStatus = None,
    department: DepartmentQuery = None,
    commune: CommuneQuery = None,
    programme_id: UUID | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> SupportRequestsPublic:
    """List the support asked by bilans that found problems (BILAN-SUITE); only
    those of the caller's scope."""
    check_known("Statut", status, SUPPORT_STATUSES)
    query = SupportRequestFilter(
        department, commune, programme_id, status, limit=limit, offset=offset
    )
    rows, total, position = _support_requests_in_scope(access, query, min_position)
    return read_off(SupportRequestsPublic, total, data=rows, position=position)


@router.get(
    "/v1/programmes/{programme_id}/ready-for-pre-commission",
    response_model=PreCommissionReadinessPublic,
    responses=documented_errors("Programme introuvable", only=(404,)),
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
