"""ASLL measures: ask for one, record each step, read it and its history."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from uuid import UUID

from fastapi import APIRouter, Response

from api.access import authorize, check_household_link, history, public, scoped
from api.access_log import MESURE, MESURE_ROW, AccessLogDep
from api.deps import (
    AsOf,
    CallerDep,
    ContextDep,
    MinPosition,
    SystemDep,
    carry_out,
    current_view,
    moment,
    with_fingerprint,
)
from api.errors import documented_errors
from api.routes.workload import MesureFilterDep
from api.schemas import (
    CommandAnswer,
    HistoryPublic,
    MesurePublic,
    MesuresPublic,
)
from api.steps import add_step_routes
from commands.mesure import STEPS, RequestMesure
from projections.mesures import select_mesures

ERRORS = documented_errors(
    "Mesure ou association introuvable",
    "Règle (ASLL-ADHESION, ASLL-PRESCRIPTEUR, ASLL-CANAL, ASLL-CAPACITE, "
    "ASLL-CONTENU, ASLL-DUREE, ASLL-FIN) ou ordre de la mesure, version périmée",
)

router = APIRouter(prefix="/v1/mesures", tags=["mesures ASLL"], responses=ERRORS)


@router.post("", status_code=201, response_model=CommandAnswer)
def request_mesure(
    body: RequestMesure,
    ctx: ContextDep,
    caller: CallerDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """A prescriber asks for an ASLL measure, on a diagnostic co-signed by the
    household (ASLL-ADHESION, ASLL-PRESCRIPTEUR)."""
    check_household_link(system, caller, body.household_id)
    if body.previous_mesure_id is not None:  # its household goes on
        authorize(system, caller, "mesure", body.previous_mesure_id)
    ctx = with_fingerprint(ctx, "request", body.model_dump(mode="json"))
    answer = carry_out(
        system,
        "RequestMesure",
        response,
        lambda: system.app.request_mesure(body, ctx),
    )
    response.headers["Location"] = f"/v1/mesures/{answer.id}"
    return answer


add_step_routes(
    router,
    STEPS,
    id_name="mesure_id",
    apply=lambda system, i, command, ctx: system.app.apply_mesure_step(i, command, ctx),
    operation_prefix="mesure",
)


@router.get("/{mesure_id}", response_model=MesurePublic)
def read_mesure(
    mesure_id: UUID,
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    response: Response,
    as_of: AsOf = None,
) -> MesurePublic:
    """The measure as it stands, with its version as ETag; with `as_of`, as it
    stood at that moment."""
    mesure = authorize(system, caller, "mesure", mesure_id)
    if as_of is not None:
        mesure = system.app.get_as_of(mesure_id, moment(as_of), system.app.get_mesure)
    else:
        response.headers["ETag"] = f'"{mesure.version}"'
    answer = public(caller, "mesure", MesurePublic.of(mesure))
    access.record("mesure", [mesure_id], MESURE)
    return answer


@router.get("/{mesure_id}/history", response_model=HistoryPublic)
def read_mesure_history(
    mesure_id: UUID, system: SystemDep, caller: CallerDep, access: AccessLogDep
) -> HistoryPublic:
    """Every event of the measure in order: who, when recorded, when it happened;
    without the fields of a category the caller's role does not read."""
    authorize(system, caller, "mesure", mesure_id, surface="history")
    events = system.app.mesure_history(mesure_id)
    answer = HistoryPublic(id=mesure_id, events=history(caller, "mesure", events))
    access.record("mesure", [mesure_id], MESURE)
    return answer


@router.get("", response_model=MesuresPublic)
def list_mesures(
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    query: MesureFilterDep,
    min_position: MinPosition = None,
) -> MesuresPublic:
    """List measures from the read model, last requested first, filtered by
    department, commune, association, stage, kind, référent; only those of the
    caller's scope."""
    view = scoped(
        current_view(system, "mesures", min_position), caller, "mesure", "mesures"
    )
    rows, total = select_mesures(view, query)
    position = view.max_tracking_id(system.app.name) or 0
    access.record("mesure", [row.id for row in rows], MESURE_ROW)
    return MesuresPublic(data=rows, count=total, position=position)
