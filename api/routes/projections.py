"""Operations: how far behind each projection is, and the dashboards built on them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.access import check_place, scoped
from api.deps import CallerDep, MinPosition, SystemDep, current_view
from domain.places import COMMUNE_PATTERN
from infra.generations import Generation
from projections.stage_counts import select_stage_counts

router = APIRouter(tags=["projections"])


class GenerationPublic(BaseModel):
    generation: int
    version: int
    state: str
    created_at: datetime
    switched_at: datetime | None
    position: int

    @classmethod
    def of(cls, g: Generation, position: int) -> GenerationPublic:
        return cls(
            generation=g.generation,
            version=g.version,
            state=g.state,
            created_at=datetime.fromisoformat(g.created_at),
            switched_at=datetime.fromisoformat(g.switched_at)
            if g.switched_at
            else None,
            position=position,
        )


class ProjectionPublic(BaseModel):
    name: str
    version: int
    head: int
    position: int
    lag_events: int
    lag_seconds: float
    active: GenerationPublic | None
    building: GenerationPublic | None


@router.get("/v1/projections", response_model=list[ProjectionPublic])
def list_projections(system: SystemDep, caller: CallerDep) -> list[ProjectionPublic]:
    """Each projection: the generation readers use, its position and lag, rebuilds."""
    check_place(caller, "projections")
    return [
        ProjectionPublic(
            name=s.name,
            version=s.version,
            head=s.head,
            position=s.position,
            lag_events=s.lag_events,
            lag_seconds=round(s.lag_seconds, 3),
            active=GenerationPublic.of(s.active, s.position) if s.active else None,
            building=(
                GenerationPublic.of(s.building, s.building_position or 0)
                if s.building
                else None
            ),
        )
        for s in system.engine.status()
    ]


class StageCountPublic(BaseModel):
    department: str
    commune: str
    stage: str
    dossiers: int


@router.get("/v1/dashboards/stages", response_model=list[StageCountPublic])
def read_stage_counts(
    system: SystemDep,
    caller: CallerDep,
    department: Annotated[str | None, Query(max_length=3)] = None,
    commune: Annotated[str | None, Query(pattern=COMMUNE_PATTERN)] = None,
    min_position: MinPosition = None,
) -> list[StageCountPublic]:
    """How many dossiers stand at each stage, per department and commune; only
    those of the caller's scope."""
    view = scoped(
        current_view(system, "stage_counts", min_position),
        caller,
        "stage_counts",
        "stage_counts",
    )
    return [
        StageCountPublic(**row)
        for row in select_stage_counts(view, department, commune)
    ]
