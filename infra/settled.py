"""A projector at rest: every view at the store's head, no rebuild under way.
Until an event is stored or the registry of generations changes, a pass has
nothing to do; an idle projector then polls with two reads (the registry, the
store's head) instead of several for each view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.generations import ACTIVE, RETIRED, Generation

if TYPE_CHECKING:
    from infra.projector import ProjectionEngine

Seen = tuple[int, tuple[Generation, ...]]


class Settled:
    def __init__(self, engine: ProjectionEngine) -> None:
        self.engine = engine
        self._at_rest: Seen | None = None

    def look(self) -> tuple[Seen, bool]:
        """What the store and the registry hold now, and whether the last pass
        that left every view at rest saw the same."""
        registry = self.engine.registry.everything()
        seen = (self.engine.app.recorder.max_notification_id() or 0, registry)
        return seen, seen == self._at_rest

    def after_pass(self, seen: Seen, done: int) -> None:
        """Remember `seen` if the pass applied nothing and every view stands at
        its head: another projector (a leader beside this standby) may have
        moved them, and a view behind, or a rebuild, keeps every pass whole."""
        self._at_rest = seen if done == 0 and self._every_view_at(seen) else None

    def _every_view_at(self, seen: Seen) -> bool:
        head, registry = seen
        for name, projection in self.engine.projections.items():
            live = [g for g in registry if g.name == name and g.state != RETIRED]
            if len(live) != 1 or live[0].state != ACTIVE:
                return False
            if live[0].version != projection.version:
                return False
            if self.engine.position(live[0]) != head:
                return False
        return True
