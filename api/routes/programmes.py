"""LLTS programmes: announce one, hold its concertation, let and vacate dwellings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.access import scoped
from api.deps import (
    CallerDep,
    Limit,
    MinPosition,
    Offset,
    SystemDep,
    current_view,
)
from api.record_routes import record_router
from api.schemas.programmes import ProgrammePublic, ProgrammesPublic
from domain.access import Caller
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.programme_steps import KINDS
from infra.bootstrap import System
from projections.programmes import ProgrammeFilter, ProgrammeRow, select_programmes

router = record_router(
    "programme",
    "programmes",
    (
        "Programme introuvable",
        "Règle (CONC-QUOTA) ou ordre de la procédure, version périmée",
    ),
    create=dict(
        action="announce",
        name="announce_programme",
        doc="Announce an LLTS programme: a landlord's delivery or vacancy in a "
        "commune.",
        refusal="annonce du programme",
    ),
    read=(
        ProgrammePublic,
        "read_programme",
        """The programme's current state, with its version as ETag; the
    state it had by the clocks `as_of` (a day: the steps
    that had happened by then) and `known_at` (a moment: what the store held).""",
    ),
)


@router.get("", response_model=ProgrammesPublic)
def list_programmes(
    system: SystemDep,
    caller: CallerDep,
    department: Annotated[str | None, Query(pattern=DEPARTMENT_CODE_PATTERN)] = None,
    commune: Annotated[str | None, Query(pattern=COMMUNE_PATTERN)] = None,
    kind: Annotated[
        str | None, Query(pattern=f"^({'|'.join(KINDS)})$", description="Nature")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> ProgrammesPublic:
    """List programmes from the read model, filtered by department, commune, kind;
    only those of the caller's scope."""
    query = ProgrammeFilter(department, commune, kind, limit=limit, offset=offset)
    rows, total, position = programmes_in_scope(system, caller, query, min_position)
    return ProgrammesPublic(data=rows, count=total, position=position)


def programmes_in_scope(
    system: System,
    caller: Caller,
    query: ProgrammeFilter,
    min_position: int | None = None,
) -> tuple[list[ProgrammeRow], int, int]:
    """The programmes of the caller's scope `query` selects, their total and
    the view's position (403 for a role that lists none); a programme names
    no household: nothing logged."""
    view = scoped(
        current_view(system, "programmes", min_position),
        caller,
        "programme",
        "programmes",
    )
    rows, total = select_programmes(view, query)
    return rows, total, view.max_tracking_id(system.app.name) or 0
