"""A programme's page: its dwellings, its concertation, its history, and the
forms of the steps its caller may record (api/web/step_forms.py): the
landlord's or the ALS's concertation, a dwelling let, vacated, or proposed
again to the commune's listes complémentaires."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from starlette.responses import RedirectResponse

from api.access_log import AccessLogDep
from api.deps import SystemDep, carry_out, command_context, with_fingerprint
from api.errors import STATUS_BY_ERROR
from api.schemas.programmes import ProgrammePublic
from api.steps import role_may_record
from api.web.dossier_choices import caption, dossiers_at
from api.web.pages import (
    PageRoute,
)
from api.web.record_pages import Reader, add_record_page
from api.web.session import PageCallerDep, SentForm, check_csrf
from api.web.step_forms import (
    FORM_FIELD,
    KEY_FIELD,
    Preset,
    command_form,
    command_of,
)
from commands.base import RecordStep
from commands.commission import ConveneCommission
from commands.procedures import PROCEDURES
from domain.access import Caller
from domain.commission_steps import KIND_TITLES, KINDS
from domain.commission_steps import STEP_ROLES as SESSION_ROLES
from domain.dossier_steps import ACCEPTED, LEASE
from domain.programme_steps import CONCERTATION_PARTNERS, LET, TO_LET, VACANT
from domain.records import kind as record_kind
from domain.shared import DomainError
from infra.bootstrap import System

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STATUS_LABELS = {TO_LET: "à attribuer", LET: "loué", VACANT: "vacant"}
CONVENE = "convocation"
CONVENERS = SESSION_ROLES["convene"]
may_convene = role_may_record(
    record_kind("commission").steps["convene"], "convocation d'une séance"
)
# A dwelling is let to a household that accepted its offer (or signed its lease).
LETTING = (ACCEPTED, LEASE)


def _statuses(programme: ProgrammePublic, reader: Reader) -> dict[str, Any]:
    """The dwellings' statuses in words; the session the caller may convene
    for the programme (its form)."""
    convene = convene_form(programme, reader)
    return {"statuses": STATUS_LABELS, "reader": reader, "more_forms": convene}


def convene_form(programme: ProgrammePublic, reader: Reader) -> list[dict[str, Any]]:
    """The caller's session for this programme, among those its role convenes
    (commission_steps.STEP_ROLES["convene"]): its department, commune and
    programme fixed, the dwellings it examines chosen by their refs."""
    role = reader.caller.role
    kinds = tuple(
        (kind, KIND_TITLES[kind]) for kind in KINDS if role in CONVENERS[kind]
    )
    if not kinds:
        return []
    preset = Preset(
        fixed={
            "department": programme.department,
            "commune": programme.commune,
            "programme_id": str(programme.id),
        },
        choices={"kind": kinds},
        ident="seance",
    )
    url = f"/programmes/{programme.id}/{CONVENE}"
    title = "Convocation d'une séance pour ce programme"
    return [
        command_form(
            ConveneCommission,
            CONVENE,
            title,
            url,
            programme.version,
            preset,
            reader.sent,
        )
    ]


def _dwelling_choices(
    step: type[RecordStep], programme: ProgrammePublic, context: dict[str, Any]
) -> list[Preset]:
    """A dwelling's step names it among the programme's; a letting names one of
    the programme's dossiers that accepted an offer; a concertation lists the
    partners it must invite."""
    refs = tuple(
        (d.ref, f"{d.ref} ({d.typology}, {STATUS_LABELS.get(d.status, d.status)})")
        for d in programme.dwellings
    )
    named = {"ref": refs}
    if "dossier_id" in step.model_fields:  # those who accepted an offer on it
        rows = dossiers_at(context["reader"], LETTING, programme_id=programme.id)
        named["dossier_id"] = tuple((str(row.id), caption(row)) for row in rows)
    # CONC-QUOTA: the partners the concertation invites, one row each.
    invited = [{"role": role} for role in CONCERTATION_PARTNERS]
    return [
        Preset(
            choices={
                name: choices
                for name, choices in named.items()
                if name in step.model_fields
            },
            rows={"invited": invited} if "invited" in step.model_fields else {},
        )
    ]


show_programme = add_record_page(
    "programme",
    ProgrammePublic,
    "programme.html",
    _statuses,
    _dwelling_choices,
    pages=router,
)


Redraw = Callable[[dict[str, Any], int], Response]
Check = Callable[[System, Caller, Any], None]


def create_by_form(
    request: Request,
    system: SystemDep,
    caller: PageCallerDep,
    kind: str,
    action: str,
    form: Mapping[str, str],
    redraw: Redraw,
    *,
    check: Check | None = None,
    after: str | None = None,
) -> Response:
    """A creation's form sent (the kind's creation command, `kind`'s
    procedure): the command its POST /v1/<kind>s takes, by the same path (its
    idempotency key, fingerprint); the new record's page once created, the form's
    page again (`redraw(sent, status)`) with what is wrong otherwise. `check`:
    what else the caller must be allowed (the API's: the household it names);
    `after`: where to go once created, for a caller who may not read it."""
    creation = PROCEDURES[kind].creation
    command, errors, values = command_of(creation, form)
    sent: dict[str, Any] = {"form": form.get(FORM_FIELD), "values": values}
    if command is None:
        return redraw(sent | {"errors": errors}, 422)
    if check is not None:
        check(system, caller, command)
    ctx = command_context(request, caller, idempotency_key=form.get(KEY_FIELD) or None)
    ctx = with_fingerprint(ctx, action, command.model_dump(mode="json"))
    try:
        answer = carry_out(
            system,
            creation.__name__,
            Response(),
            lambda: system.app.create(kind, command, ctx),
        )
    except DomainError as error:  # a rule refused it: said next to the form
        status = next(s for c, s in STATUS_BY_ERROR if isinstance(error, c))
        if status in (403, 404):
            raise
        return redraw(sent | {"refused": error.message}, status)
    return RedirectResponse(after or f"/{kind}s/{answer.id}", 303)


@router.post(
    f"/programmes/{{programme_id}}/{CONVENE}", dependencies=[Depends(check_csrf)]
)
def convene_page(
    request: Request,
    programme_id: UUID,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    form: SentForm,
) -> Response:
    """The convocation's form sent: the session's page once convened, the
    programme's again with what is wrong otherwise."""
    may_convene(caller)  # 403 before anything of the form is read
    reader = Reader(system, caller, access)
    return create_by_form(
        request,
        system,
        caller,
        "commission",
        "convene",
        form,
        lambda sent, status: show_programme(
            request, reader, programme_id, None, sent, status
        ),
    )
