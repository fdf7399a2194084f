"""Department settings (DOMAIN.md §6): versioned data, adopted by an administrator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from api.access import check_place
from api.deps import (
    CallerDep,
    ContextDep,
    QueryDay,
    SystemDep,
    carry_out,
    with_fingerprint,
)
from api.errors import documented_errors
from api.schemas.common import CommandAnswer
from commands.department import AdoptSettings
from domain.department import local_today
from domain.places import DEPARTMENT_CODE_PATTERN

router = APIRouter(
    prefix="/v1/departments",
    tags=["departments"],
    responses=documented_errors(
        "Département sans paramétrage", "Date d'effet antérieure, version périmée"
    ),
)
Code = Annotated[
    str, Path(pattern=DEPARTMENT_CODE_PATTERN, description="Code du département")
]


class SettingsVersionPublic(BaseModel):
    version_number: int
    effective_from: date
    settings: dict[str, Any]


class DepartmentSettingsPublic(BaseModel):
    code: str
    in_force_on: date
    in_force: SettingsVersionPublic | None
    versions: list[SettingsVersionPublic]


@router.post("/{code}/settings", status_code=201, response_model=CommandAnswer)
def adopt_settings(
    code: Code,
    body: AdoptSettings,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """Adopt a new version of the department's settings from a date (admin)."""
    ctx = with_fingerprint(ctx, "adopt", code, body.model_dump(mode="json"))
    return carry_out(
        system,
        "AdoptSettings",
        response,
        lambda: system.app.adopt_settings(code, body, ctx),
    )


@router.get("/{code}/settings", response_model=DepartmentSettingsPublic)
def read_settings(
    code: Code,
    system: SystemDep,
    caller: CallerDep,
    on: Annotated[
        QueryDay | None, Query(description="Date d'application (défaut : aujourd'hui)")
    ] = None,
) -> DepartmentSettingsPublic:
    """Every adopted version, and the one in force on a date."""
    check_place(caller, "department_settings", code)
    day = on or local_today(code, datetime.now(UTC))
    versions = [
        SettingsVersionPublic(version_number=n, effective_from=f, settings=s)
        for f, n, s in system.app.department_versions(code)
    ]
    in_force = [v for v in versions if v.effective_from <= day]
    return DepartmentSettingsPublic(
        code=code,
        in_force_on=day,
        in_force=in_force[-1] if in_force else None,
        versions=versions,
    )
