"""The ASLL workload page (issue 17, page 5): each association's measures
against its capacity, the renewals to decide within 30 days, the overdue
bilans, and the department's yearly figures with their orientation shares.
It answers from GET /v1/dashboards/workload's and GET /v1/statistics's own
functions (api/routes/workload.py, statistics.py): same roles, territory and
rules; neither names a household, so neither is logged, here as there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import SystemDep
from api.routes.statistics import yearly_figures
from api.routes.workload import FIRST_DAY, LAST_DAY, workload_in_scope
from api.web.pages import PageRoute, matching, render
from api.web.session import PageCallerDep
from domain.access import scope_filter
from domain.places import DEPARTMENT_CODE_PATTERN

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/charge")
def workload_page(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    department: Annotated[str | None, Query(max_length=20)] = None,
    year: Annotated[int | None, Query(ge=FIRST_DAY.year, le=LAST_DAY.year)] = None,
) -> Response:
    chosen = matching(department, DEPARTMENT_CODE_PATTERN, "un code de département")
    place = chosen or scope_filter(caller, "asll_dashboards").get("department")
    workload = workload_in_scope(system, caller, place)
    statistics = (
        yearly_figures(system, caller, "asll", place, year, None) if place else None
    )
    return render(
        request,
        "workload.html",
        workload=workload,
        statistics=statistics,
        department=place or "",
        department_pattern=DEPARTMENT_CODE_PATTERN.strip("^$"),
    )
