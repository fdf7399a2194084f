"""A department's yearly LLTS figures (projections/llts_statistics/), beside
its ASLL figures (GET /v1/statistics): JSON, or CSV with `format=csv`. Read by
the PDALPD's co-pilots and the services of the department (`statistics` in
domain/access.py); they hold no household's data and are not logged. Both
kinds are read by `yearly_figures`, for the routes and the workload page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Response

from api.access import check_place
from api.deps import CallerDep, MinPosition, SystemDep, current_view
from api.errors import documented_errors
from api.schemas.statistics import LltsStatisticsPublic, StatisticsPublic
from api.statistics import to_csv
from domain.access import Caller
from domain.department import local_today
from domain.places import DEPARTMENT_CODE_PATTERN
from infra.bootstrap import System
from projections.llts_statistics import select_llts_statistics
from projections.mesures import select_statistics

router = APIRouter(
    prefix="/v1/departments",
    tags=["statistiques"],
    responses=documented_errors("Département sans paramétrage", ""),
)

FIRST_YEAR, LAST_YEAR = 2000, 2100
Code = Annotated[
    str, Path(pattern=DEPARTMENT_CODE_PATTERN, description="Code du département")
]
Year = Annotated[
    int | None,
    Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Année civile (défaut : l'année)"),
]
Format = Annotated[Literal["json", "csv"], Query(description="json (défaut) ou csv")]


def check_year(department: str, year: int | None) -> int:
    """The year asked, or the department's current one; never a year to come."""
    this_year = local_today(department, datetime.now(UTC)).year
    if year is not None and year > this_year:
        message = f"Année à venir : {year} (l'année en cours est {this_year})."
        raise HTTPException(422, {"code": "year_in_future", "message": message})
    return year or this_year


# Each kind of yearly figures: the view they are read from, its query, their
# public model.
FIGURES: dict[str, tuple[str, Any, Any]] = {
    "llts": ("llts_statistics", select_llts_statistics, LltsStatisticsPublic),
    "asll": ("mesures", select_statistics, StatisticsPublic),
}


def yearly_figures(
    system: System,
    caller: Caller,
    kind: str,
    department: str,
    year: int | None,
    min_position: int | None,
) -> Any:
    """The department's `kind` figures (FIGURES) for the year (this year for
    None), once the caller reads its statistics (403 otherwise; 404 for a
    department without settings). The LLTS and ASLL routes and the workload
    page answer from here."""
    check_place(caller, "statistics", department)
    system.app.department_versions(department)  # 404 department_not_found
    year = check_year(department, year)
    name, select, model = FIGURES[kind]
    view = current_view(system, name, min_position)
    position = view.max_tracking_id(system.app.name) or 0
    return model(**vars(select(view, department, year)), position=position)


def answer_csv(figures: dict[str, object], name: str) -> Response:
    filename = f"{name}-{figures['department']}-{figures['year']}.csv"
    return Response(
        to_csv(figures),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/{code}/statistics/llts",
    response_model=LltsStatisticsPublic,
    responses={200: {"content": {"text/csv": {}}}},
)
def read_llts_statistics(
    code: Code,
    system: SystemDep,
    caller: CallerDep,
    year: Year = None,
    format: Format = "json",
    min_position: MinPosition = None,
) -> LltsStatisticsPublic | Response:
    """A department's LLTS figures for a year, as the ALS gives its own: demands
    identified and processed, attributions, leases, households entered and
    households supported after entry; each figure's definition and the
    assumptions it rests on."""
    figures = yearly_figures(system, caller, "llts", code, year, min_position)
    if format == "csv":
        return answer_csv(figures.model_dump(mode="json"), "statistiques-llts")
    return figures
