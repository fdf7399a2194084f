"""LLTS programmes: announce one, hold its concertation, let and vacate dwellings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.access import scoped
from api.deps import (
    CallerDep,
    ContextDep,
    MinPosition,
    Offset,
    SystemDep,
    carry_out,
    current_view,
    with_fingerprint,
)
from api.errors import documented_errors
from api.record_routes import add_read_route
from api.schemas.common import CommandAnswer
from api.schemas.programmes import ProgrammePublic, ProgrammesPublic
from api.steps import add_step_routes, may_record
from commands.programme import AnnounceProgramme
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.programme_steps import KINDS
from projections.programmes import ProgrammeFilter, select_programmes

ERRORS = documented_errors(
    "Programme introuvable",
    "Règle (CONC-QUOTA) ou ordre de la procédure, version périmée",
)

router = APIRouter(prefix="/v1/programmes", tags=["programmes"], responses=ERRORS)


@router.post(
    "",
    status_code=201,
    response_model=CommandAnswer,
    dependencies=[may_record("programme", "announce", "annonce du programme")],
)
def announce_programme(
    body: AnnounceProgramme, ctx: ContextDep, system: SystemDep, response: Response
) -> CommandAnswer:
    """Announce an LLTS programme: a landlord's delivery or vacancy in a commune."""
    ctx = with_fingerprint(ctx, "announce", body.model_dump(mode="json"))
    answer = carry_out(
        system,
        "AnnounceProgramme",
        response,
        lambda: system.app.create("programme", body, ctx),
    )
    response.headers["Location"] = f"/v1/programmes/{answer.id}"
    return answer


add_step_routes(router, "programme")


@router.get("", response_model=ProgrammesPublic)
def list_programmes(
    system: SystemDep,
    caller: CallerDep,
    department: Annotated[str | None, Query(pattern=DEPARTMENT_CODE_PATTERN)] = None,
    commune: Annotated[str | None, Query(pattern=COMMUNE_PATTERN)] = None,
    kind: Annotated[
        str | None, Query(pattern=f"^({'|'.join(KINDS)})$", description="Nature")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> ProgrammesPublic:
    """List programmes from the read model, filtered by department, commune, kind;
    only those of the caller's scope."""
    view = scoped(
        current_view(system, "programmes", min_position),
        caller,
        "programme",
        "programmes",
    )
    rows, total = select_programmes(
        view, ProgrammeFilter(department, commune, kind, limit, offset)
    )
    position = view.max_tracking_id(system.app.name) or 0
    return ProgrammesPublic(data=rows, count=total, position=position)


add_read_route(
    router,
    "programme",
    ProgrammePublic,
    name="read_programme",
    doc="""The programme's current state, with its version as ETag; the
    state it had by the clocks `as_of` (a day: the steps
    that had happened by then) and `known_at` (a moment: what the store held).""",
)
