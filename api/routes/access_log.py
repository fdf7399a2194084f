"""The access log, for auditors (DOMAIN.md §9): who read which record's personal
data, when, through which endpoint. Reading it is not itself logged."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from api.access_log import LOGGED_KINDS
from api.deps import CallerDep, Offset, QueryMoment, SystemDep, moment
from api.errors import ErrorPublic
from api.schemas.access_log import AccessLogPublic
from domain.access import check_read
from domain.shared import ROLES
from domain.text import SingleLine
from infra.access_entries import MAX_LIMIT, AccessQuery

ERRORS: dict[int | str, Any] = {
    401: {"model": ErrorPublic, "description": "Identité manquante"},
    403: {"model": ErrorPublic, "description": "Réservé aux auditeurs"},
    422: {"model": ErrorPublic, "description": "Filtre invalide"},
}

Line = Annotated[str, SingleLine]  # compared in SQL: no NUL, no invisible value

router = APIRouter(
    prefix="/v1/access-log", tags=["journal des accès"], responses=ERRORS
)


@router.get("", response_model=AccessLogPublic)
def read_access_log(
    caller: CallerDep,
    system: SystemDep,
    record_id: UUID | None = None,
    subject: Annotated[Line | None, Query(max_length=128)] = None,
    organisation: Annotated[Line | None, Query(max_length=200)] = None,
    role: Annotated[
        str | None, Query(pattern=f"^({'|'.join(ROLES)})$", description="Rôle")
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            pattern=f"^({'|'.join(LOGGED_KINDS)})$",
            description="dossier, mesure, saisine",
        ),
    ] = None,
    from_: Annotated[
        QueryMoment | None,
        Query(
            alias="from",
            description="Lectures à partir de ce moment (sans fuseau : UTC)",
        ),
    ] = None,
    to: Annotated[
        QueryMoment | None,
        Query(description="Lectures avant ce moment, exclu (sans fuseau : UTC)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Offset = 0,
) -> AccessLogPublic:
    """Who read which record's personal data, when, through which endpoint, the
    most recent first; auditors only."""
    check_read(caller, "access_log")  # the matrix: auditors only
    since = moment(from_) if from_ is not None else None
    until = moment(to) if to is not None else None
    if since is not None and until is not None and since >= until:
        raise HTTPException(
            422,
            {
                "code": "invalid_period",
                "message": "Période vide : « from » doit précéder « to ».",
            },
        )
    query = AccessQuery(
        record_id,
        subject,
        organisation,
        role,
        kind,
        since,
        until,
        limit=limit,
        offset=offset,
        count_limit=system.settings.list_count_limit,
    )
    records, total = system.access_log.select(query)
    return AccessLogPublic.of(records, total, query)
