"""ASLL dashboards, read from the `mesures` view (eventually consistent;
`min_position` waits for your own writes): each association's workload on a
day, a department's figures for a year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from api.access import check_place
from api.deps import (
    CallerDep,
    DepartmentQuery,
    MinPosition,
    ReferenceDay,
    SystemDep,
    current_view,
)
from api.errors import documented_errors
from api.routes.statistics import Format, answer_csv, yearly_figures
from api.schemas.mesures import WorkloadPublic
from api.schemas.statistics import StatisticsPublic
from api.workload import department_rules
from domain.access import Caller, scope_filter
from domain.department_settings import ASSOCIATION_PATTERN
from domain.places import DEPARTMENT_CODE_PATTERN
from domain.shared import fr_day
from infra.bootstrap import System
from projections.mesures import (
    WorkloadFilter,
    select_workload,
)

router = APIRouter(tags=["mesures ASLL"], responses=documented_errors(only=(422,)))

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

Association = Annotated[
    str | None,
    Query(pattern=ASSOCIATION_PATTERN, description="Code de l'association"),
]


def _invalid(message: str, code: str = "invalid_input") -> HTTPException:
    return HTTPException(422, {"code": code, "message": message})


@router.get("/v1/dashboards/workload", response_model=WorkloadPublic)
def read_workload(
    system: SystemDep,
    caller: CallerDep,
    department: DepartmentQuery = None,
    association: Association = None,
    as_of: ReferenceDay = None,
    min_position: MinPosition = None,
) -> WorkloadPublic:
    """Each association's measures on a day against its capacity (ASLL-CAPACITE),
    renewals to decide within 30 days (ASLL-DUREE), bilans overdue (ASLL-FIN),
    too few meetings (ASLL-RYTHME), and each référent's caseload. A caller
    scoped to a department sees its own (another's: 403)."""
    return workload_in_scope(
        system, caller, department, association, as_of, min_position
    )


def workload_in_scope(
    system: System,
    caller: Caller,
    department: str | None,
    association: str | None = None,
    as_of: date | None = None,
    min_position: int | None = None,
) -> WorkloadPublic:
    """The associations' workload the caller reads: its own department's by
    default (403 elsewhere). GET /v1/dashboards/workload and the workload page
    answer from here."""
    department = department or scope_filter(caller, "asll_dashboards").get("department")
    check_place(caller, "asll_dashboards", department)
    if as_of is not None and not FIRST_DAY <= as_of <= LAST_DAY:
        raise _invalid(f"Jour de référence hors bornes : {fr_day(as_of)}.")
    view = current_view(system, "mesures", min_position)
    query = WorkloadFilter(department, association, as_of)
    workload = select_workload(view, query, department_rules(system), datetime.now(UTC))
    if association is not None and not workload.associations:
        where = f" du département {department}" if department else ""
        message = f"Association {association} inconnue{where}."
        raise _invalid(message, "unknown_association")
    return WorkloadPublic(
        as_of=as_of,
        associations=workload.associations,
        workers=workload.workers,
        position=view.max_tracking_id(system.app.name) or 0,
    )


@router.get(
    "/v1/statistics",
    response_model=StatisticsPublic,
    responses={
        200: {"content": {"text/csv": {}}},
        **documented_errors("Département sans paramétrage", only=(404,)),
    },
)
def read_statistics(
    system: SystemDep,
    caller: CallerDep,
    department: Annotated[
        str, Query(pattern=DEPARTMENT_CODE_PATTERN, description="Département")
    ],
    year: Annotated[
        int | None,
        Query(ge=FIRST_DAY.year, le=LAST_DAY.year, description="Défaut : l'année"),
    ] = None,
    format: Format = "json",
    min_position: MinPosition = None,
) -> StatisticsPublic | Response:
    """A department's ASLL figures for a year, as the Loire's activity report
    gives them: requests, instructions, notifications, conventions by
    orientation and by kind of measure (shares in %, the baux glissants'
    share), ends and ruptures, baux glissants, households. The department
    lies within the caller's scope (`statistics`: the PDALPD's co-pilots, the
    DEAL, the ALS, the CLU/CLT); one without settings is 404."""
    figures = yearly_figures(system, caller, "asll", department, year, min_position)
    if format == "csv":
        return answer_csv(figures.model_dump(mode="json"), "statistiques-asll")
    return figures
