"""Where each projection stands: its generations, position, lag, leader and
failure (`logis projections`, /projections, the metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from infra.generations import ACTIVE, BUILDING, Generation

if TYPE_CHECKING:
    from infra.projection_failures import Failure
    from infra.projector import ProjectionEngine


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    version: int  # the code's version
    active: Generation | None
    building: Generation | None
    position: int
    building_position: int | None
    head: int
    lag_events: int
    lag_seconds: float
    leader: bool
    failure: Failure | None = None  # the event its active (or building) view stops at


def statuses(engine: ProjectionEngine) -> list[ProjectionStatus]:
    head = engine.app.recorder.max_notification_id() or 0
    failures = {f.view: f for f in engine.failures.all()}
    found = []
    for name, projection in engine.projections.items():
        active = engine.registry.find(name, ACTIVE)
        building = engine.registry.find(name, BUILDING)
        position = engine.position(active) if active else 0
        found.append(
            ProjectionStatus(
                name=name,
                version=projection.version,
                active=active,
                building=building,
                position=position,
                building_position=engine.position(building) if building else None,
                head=head,
                lag_events=_count_after(engine, position, head, projection.topics),
                lag_seconds=_lag_seconds(engine, position, projection.topics),
                leader=bool(
                    active and f"logis:view:{active.view}" in engine.locks.held()
                ),
                failure=next(
                    (
                        failures[g.view]
                        for g in (active, building)
                        if g is not None and g.view in failures
                    ),
                    None,
                ),
            )
        )
    return found


def _count_after(
    engine: ProjectionEngine, position: int, head: int, topics: tuple[str, ...]
) -> int:
    if position >= head:
        return 0
    return engine.app.store.count_events_between(position, head, topics)


def _lag_seconds(
    engine: ProjectionEngine, position: int, topics: tuple[str, ...]
) -> float:
    pending = engine.app.recorder.select_notifications(
        start=position, limit=1, topics=topics, inclusive_of_start=False
    )
    if not pending:
        return 0.0
    oldest = engine.app.mapper.to_domain_event(pending[0])
    return max(0.0, (datetime.now(UTC) - oldest.timestamp).total_seconds())
