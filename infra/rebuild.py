"""A rebuild: a new generation of a view built from the first event, then
switched in for readers (`logis projections rebuild`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError

from infra.generations import BUILDING, Generation

if TYPE_CHECKING:
    from collections.abc import Callable

    from infra.projection_failures import Failure
    from infra.projector import ProjectionEngine


class ProjectionStuckError(RuntimeError):
    """A rebuild stopped at an event its projection cannot apply."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(
            f"vue {failure.name} (génération {failure.generation}) bloquée à "
            f"l'événement {failure.position} ({failure.topic}, "
            f"{failure.originator_id}) : {failure.error} — {failure.message}"
        )
        self.failure = failure


def rebuild(
    engine: ProjectionEngine,
    name: str,
    progress: Callable[[int, int], None] | None = None,
) -> Generation:
    """Build a new generation from the first event and switch readers to it."""
    projection = engine.projections[name]
    with engine.mutex:
        building = engine.registry.find(name, BUILDING)
        if building is None:
            building = _create_held(engine, name, projection.version)
        elif not engine.hold(building):
            msg = f"{building.view} est déjà en construction par un autre processus"
            raise RuntimeError(msg)
    while True:
        with engine.mutex:
            try:
                _, caught_up = engine.apply_batch(projection, building)
            except Exception:
                engine.isolate(projection, building)
                failure = engine.failures.of(building)
                if failure is None:
                    continue  # passed when tried again: go on
                raise ProjectionStuckError(failure) from None
            engine.failures.clear(building)
            if progress:
                head = engine.app.recorder.max_notification_id() or 0
                progress(engine.position(building), head)
            if caught_up:
                # The projector loop of this process, holding the same lock,
                # may have reached the head and switched it already.
                if engine.registry.find(name, BUILDING) == building:
                    engine.switch(building)
                engine.release_stale(name)
                # Live now: the projectors follow it. Held on, the view would
                # stand still until this process ends (`logis projections
                # rebuild` goes on with the next views), its lag growing.
                engine.locks.release(f"logis:view:{building.view}")
                return building


def _create_held(engine: ProjectionEngine, name: str, version: int) -> Generation:
    """A new building generation, its lock taken before it exists: created
    first, a projector polling the registry could take it in between, and
    the rebuild would fail for a generation it made."""
    number = max((g.generation for g in engine.registry.all(name)), default=0) + 1
    key = f"logis:view:{name}_g{number}"
    busy = f"{name}_g{number} est déjà en construction par un autre processus"
    if not engine.locks.acquire(key):
        raise RuntimeError(busy)
    try:
        building = engine.registry.create(name, version)
    except IntegrityError:  # another process created one meanwhile
        engine.locks.release(key)
        raise RuntimeError(busy) from None
    if building.generation != number:
        engine.locks.release(key)
        raise RuntimeError(busy)
    return building
