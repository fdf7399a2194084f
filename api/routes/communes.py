"""Communes: the listes complémentaires that serve a commune's LLTS vacancies,
whichever landlord's (LC-VALIDITE)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.access import check_place
from api.access_log import COMMISSION_ENTRY, AccessLogDep
from api.deps import CallerDep, MinPosition, QueryDay, SystemDep, current_view
from api.errors import ErrorPublic
from api.schemas.commissions import CommuneListesPublic
from domain.department import local_today
from domain.places import COMMUNE_PATTERN, department_of
from projections.commissions import listes_complementaires

ERRORS: dict[int | str, Any] = {
    422: {"model": ErrorPublic, "description": "Code commune ou date invalide"},
    503: {"model": ErrorPublic, "description": "Vue en construction ou en retard"},
}

router = APIRouter(prefix="/v1/communes", tags=["communes"], responses=ERRORS)
CommuneCode = Annotated[
    str, Path(pattern=COMMUNE_PATTERN, description="Code INSEE de la commune")
]


@router.get("/{code}/liste-complementaire", response_model=CommuneListesPublic)
def read_listes_complementaires(
    code: CommuneCode,
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    as_of: Annotated[
        QueryDay | None,
        Query(
            description="Le jour où les listes servent (AAAA-MM-JJ) ; défaut : "
            "aujourd'hui, à l'heure du département"
        ),
    ] = None,
    min_position: MinPosition = None,
) -> CommuneListesPublic:
    """The listes complémentaires still valid on `as_of` in the commune, the
    oldest first, each with its households in order and its last day. The
    commune lies within the caller's scope."""
    check_place(caller, "commune_listes", commune=code)
    day = as_of or local_today(department_of(code), datetime.now(UTC))
    view = current_view(system, "commissions", min_position)
    listes = listes_complementaires(view, code, day)
    named = [entry.dossier_id for liste in listes for entry in liste.entries]
    access.record("dossier", named, COMMISSION_ENTRY)
    return CommuneListesPublic(
        commune=code,
        as_of=day,
        data=listes,
        count=sum(len(liste.entries) for liste in listes),
        position=view.max_tracking_id(system.app.name) or 0,
    )
