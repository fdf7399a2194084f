"""LLTS programmes: announce one, hold its concertation, let and vacate dwellings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from api.access_log import AccessLogDep
from api.deps import (
    Limit,
    MinPosition,
    Offset,
)
from api.record_routes import in_scope, record_router
from api.schemas.common import read_off
from api.schemas.programmes import ProgrammePublic, ProgrammesPublic
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.programme_steps import KINDS
from projections.programmes import ProgrammeFilter, select_programmes

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
    access: AccessLogDep,
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
    rows, total, position = programmes_in_scope(access, query, min_position)
    return read_off(ProgrammesPublic, total, data=rows, position=position)


# The programmes of the caller's scope (403 for a role that lists none): GET
# /v1/programmes, the web list and the worklist answer from here. A programme
# names no household: nothing logged.
programmes_in_scope = in_scope(
    "programme", ("programmes", "programmes"), select_programmes, logged=()
)
