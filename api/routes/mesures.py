"""ASLL measures: ask for one, record each step, read it and its history, list
them."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from typing import Annotated

from fastapi import Depends, Query

from api.access import authorize
from api.access_log import MESURE_ROW, AccessLogDep
from api.deps import (
    CommuneQuery,
    DepartmentQuery,
    Limit,
    MinPosition,
    Offset,
    check_known,
    one_of,
)
from api.record_routes import as_it_stands, in_scope, record_router
from api.routes.workload import Association
from api.schemas.common import read_off
from api.schemas.mesures import MesurePublic, MesuresPublic
from api.steps import names_household
from commands.mesure import RequestMesure
from domain.access import Caller
from domain.mesure_steps import KINDS, STAGES
from infra.bootstrap import System
from projections.mesures import MesureFilter, select_mesures

Stage = one_of(STAGES, "Un des stades")
MesureKind = one_of(KINDS, "Une des natures")


def mesure_filter(
    department: DepartmentQuery = None,
    commune: CommuneQuery = None,
    association: Association = None,
    stage: Stage = None,
    kind: MesureKind = None,
    worker: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Le travailleur référent"),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> MesureFilter:
    """The measure list's query (GET /v1/mesures and the web list)."""
    check_known("Stade", stage, STAGES)
    check_known("Nature de mesure", kind, KINDS)
    return MesureFilter(
        department,
        commune,
        association,
        stage,
        kind,
        worker,
        limit=limit,
        offset=offset,
    )


MesureFilterDep = Annotated[MesureFilter, Depends(mesure_filter)]


def may_request(system: System, caller: Caller, body: RequestMesure) -> None:
    """The household it names, and the measure it follows, if any (its
    household goes on): the caller may name them."""
    names_household(system, caller, body)
    if body.previous_mesure_id is not None:
        authorize(system, caller, "mesure", body.previous_mesure_id)


router = record_router(
    "mesure",
    "mesures ASLL",
    (
        "Mesure ou association introuvable",
        "Règle (ASLL-ADHESION, ASLL-PRESCRIPTEUR, ASLL-CANAL, ASLL-CAPACITE, "
        "ASLL-CONTENU, ASLL-DUREE, ASLL-FIN) ou ordre de la mesure, version périmée",
    ),
    create=dict(
        action="request",
        name="request_mesure",
        doc="""A prescriber asks for an ASLL measure, on a diagnostic co-signed by the
    household (ASLL-ADHESION, ASLL-PRESCRIPTEUR).""",
        check=may_request,
    ),
    step_prefix="mesure",
    read=(MesurePublic, "read_mesure", as_it_stands("The measure")),
    history=("the measure", "read_mesure_history"),
)


@router.get("", response_model=MesuresPublic)
def list_mesures(
    access: AccessLogDep,
    query: MesureFilterDep,
    min_position: MinPosition = None,
) -> MesuresPublic:
    """List measures from the read model, last requested first, filtered by
    department, commune, association, stage, kind, référent; only those of the
    caller's scope."""
    rows, total, position = mesures_in_scope(access, query, min_position)
    return read_off(MesuresPublic, total, data=rows, position=position)


# GET /v1/mesures and the web list answer from here.
mesures_in_scope = in_scope(
    "mesure", ("mesures", "mesures"), select_mesures, MESURE_ROW
)
