"""The commissions' pages: the agenda, a session's page (attendance, its ranked
list, liste complémentaire, candidates per dwelling) and its procès-verbal.
Each answers from the same functions as the JSON routes
(api/routes/commissions.py): same caller, scope and access log."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request, Response

from api.access_log import AccessLogDep
from api.deps import SystemDep
from api.documents import document_response
from api.routes.commissions import (
    commission_lists,
    commissions_in_scope,
    minutes_page,
)
from api.schemas.commissions import CommissionPublic
from api.web.awaited import DOSSIER_AWAITS
from api.web.dossier_choices import caption, dossiers_at
from api.web.pages import (
    PAGE_POLICY,
    PAGE_SIZE,
    PageNumber,
    PageRoute,
    blank_is_none,
    known,
    offset,
    query_day,
    render_list,
)
from api.web.record_pages import Reader, add_record_page
from api.web.session import PageCallerDep
from api.web.step_forms import Preset, part_model
from commands.base import RecordStep
from commands.commission import DecideOnDwelling
from domain.commission_steps import KINDS
from projections.commissions import CommissionFilter

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LAGGING = 503  # the API's `projection_lagging`


@router.get("/commissions")
def commissions_page(
    request: Request,
    caller: PageCallerDep,
    access: AccessLogDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    held_from: Annotated[str | None, Query(max_length=20)] = None,
    held_until: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNumber = 1,
) -> Response:
    kind = known(kind, KINDS, "Commission inconnue")
    query = CommissionFilter(
        kind=kind,
        held_from=query_day(held_from),
        held_until=query_day(held_until),
        limit=PAGE_SIZE,
        offset=offset(page),
    )
    found = commissions_in_scope(access, query)
    return render_list(
        request,
        "commissions.html",
        found,
        page,
        kinds=KINDS,
        kind=kind,
        held_from=blank_is_none(held_from),
        held_until=blank_is_none(held_until),
    )


def _lists(commission: CommissionPublic, reader: Reader) -> dict[str, Any]:
    """A session's page adds its lists (GET /v1/commissions/{id}/list's); none
    while the commissions' view has not caught up with the session (just
    convened: the page says so rather than refuse)."""
    try:
        lists = commission_lists(
            reader.system, reader.caller, reader.access, commission.id
        )
    except HTTPException as error:
        if error.status_code != LAGGING:
            raise
        lists = None
    return {"commission": commission, "lists": lists, "reader": reader}


# The step a dossier awaits (api/web/awaited.py) when a session's step decides
# on it: the CAL's examination is the dossier's "decide".
AWAITED_AS = {"examine_dwelling": "decide"}


def _decision_forms(
    step: type[RecordStep], commission: CommissionPublic, context: dict[str, Any]
) -> list[Preset]:
    """A session's step that decides on dossiers takes those of the commune
    awaiting it that the caller may list (the landlord: those ranked for its
    programmes or its CAL). Where a row holds a choice beside its dossier (a
    pré-selection's outcome, a CAL's decision), a row per dossier; where it
    holds none (a ranking's lists, in their order), a choice of the dossier in
    each row. The CAL's decisions: one form per dwelling not yet examined."""
    by_choice, by_order = [], []
    for name, info in step.model_fields.items():
        model = part_model(info.annotation)
        if model is None or "dossier_id" not in model.model_fields:
            continue
        required = sum(f.is_required() for f in model.model_fields.values())
        (by_choice if required > 1 else by_order).append(name)
    awaited = AWAITED_AS.get(step.action, step.action)
    stages = [s for s, (action, _) in DOSSIER_AWAITS.items() if action == awaited]
    found = (
        dossiers_at(context["reader"], stages, commune=commission.commune)
        if stages and (by_choice or by_order)
        else []
    )
    rows = [{"dossier_id": str(row.id), "_caption": caption(row)} for row in found]
    named = tuple((str(row.id), caption(row)) for row in found)
    seeds = dict.fromkeys(by_choice, rows)
    seeds |= {name: [{} for _ in found] for name in by_order}
    choices = {f"{name}.dossier_id": named for name in by_order if named}
    if step is not DecideOnDwelling:
        return [Preset(rows=seeds, choices=choices)]
    examined = {e["dwelling_ref"] for e in commission.examinations}
    return [
        Preset(suffix=f" — logement {ref}", fixed={"dwelling_ref": ref}, rows=seeds)
        for ref in commission.dwelling_refs
        if ref not in examined
    ]


add_record_page(
    "commission",
    CommissionPublic,
    "commission.html",
    _lists,
    _decision_forms,
    pages=router,
)


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
