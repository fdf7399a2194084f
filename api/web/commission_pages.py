"""The commissions' pages: the agenda, a session's page (attendance, its ranked
list, liste complémentaire, candidates per dwelling) and its procès-verbal.
Each answers from the same functions as the JSON routes
(api/routes/commissions.py): same caller, scope and access log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request, Response

from api.access_log import AccessLogDep
from api.deps import SystemDep, read_clocks
from api.documents import document_response
from api.record_routes import read_record
from api.routes.commissions import (
    commission_lists,
    commissions_in_scope,
    minutes_page,
)
from api.schemas.commissions import CommissionPublic
from api.web.pages import (
    PAGE_POLICY,
    PAGE_SIZE,
    PageNumber,
    PageRoute,
    blank_is_none,
    offset,
    query_day,
    render,
    render_list,
)
from api.web.session import PageCallerDep
from domain.commission_steps import KINDS
from projections.commissions import CommissionFilter

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/commissions")
def commissions_page(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    held_from: Annotated[str | None, Query(max_length=20)] = None,
    held_until: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNumber = 1,
) -> Response:
    kind = blank_is_none(kind)
    if kind is not None and kind not in KINDS:
        raise HTTPException(
            422,
            {"code": "invalid_input", "message": f"Commission inconnue : « {kind} »."},
        )
    query = CommissionFilter(
        kind=kind,
        held_from=query_day(held_from),
        held_until=query_day(held_until),
        limit=PAGE_SIZE,
        offset=offset(page),
    )
    rows, total, _ = commissions_in_scope(system, caller, query)
    return render_list(
        request,
        "commissions.html",
        rows,
        total,
        page,
        kinds=KINDS,
        kind=kind or "",
        held_from=blank_is_none(held_from) or "",
        held_until=blank_is_none(held_until) or "",
    )


@router.get("/commissions/{commission_id}")
def commission_page(
    request: Request,
    commission_id: UUID,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
) -> Response:
    commission, _ = read_record(
        system,
        caller,
        access,
        "commission",
        CommissionPublic,
        commission_id,
        read_clocks(),
    )
    lists = commission_lists(system, caller, access, commission_id)
    return render(request, "commission.html", commission=commission, lists=lists)


@router.get("/commissions/{commission_id}/pv")
def commission_minutes_page(
    commission_id: UUID,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    output: Annotated[str, Query(alias="format", pattern="^(html|pdf)$")] = "html",
) -> Response:
    """The procès-verbal GET /v1/commissions/{id}/minutes answers, printable
    or as a PDF, for the signed-in person."""
    html, name = minutes_page(system, caller, access, commission_id)
    document = document_response(html, output, name)
    document.headers["Content-Security-Policy"] = PAGE_POLICY
    return document
