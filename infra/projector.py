"""Feeds the store's events, in global order, to the projections.

Each event is applied with its tracking position in one view transaction, so a
restart resumes exactly after the last applied event.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import structlog
from eventsourcing.persistence import Tracking

if TYPE_CHECKING:
    from eventsourcing.application import Application
    from eventsourcing.persistence import TrackingRecorder
    from eventsourcing.projection import Projection

log = structlog.get_logger("logis.projector")


class Projector:
    def __init__(
        self, app: Application, projection: Projection[TrackingRecorder]
    ) -> None:
        self.app = app
        self.projection = projection
        self.view = projection.view

    @property
    def position(self) -> int:
        return self.view.max_tracking_id(self.app.name) or 0

    def run_once(self, limit: int = 500) -> int:
        """Apply the next events after the tracked position; return how many."""
        notifications = self.app.recorder.select_notifications(
            start=self.position, limit=limit, inclusive_of_start=False
        )
        for notification in notifications:
            event = self.app.mapper.to_domain_event(notification)
            tracking = Tracking(self.app.name, notification.id)
            self.projection.process_event(event, tracking)
        return len(notifications)

    def catch_up(self) -> int:
        total = 0
        while count := self.run_once():
            total += count
        return total


class ProjectorThread(threading.Thread):
    """Runs the projectors in the background of the embedded `logis serve`."""

    def __init__(self, projectors: list[Projector], poll_seconds: float) -> None:
        super().__init__(name="logis-projector", daemon=True)
        self.projectors = projectors
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                busy = sum(p.run_once() for p in self.projectors)
                failures = 0
            except Exception:
                failures += 1
                log.exception("projection_failed", failures=failures)
                busy = 0
                self.stopping.wait(min(30.0, self.poll_seconds * 2**failures))
                continue
            if not busy:
                self.stopping.wait(self.poll_seconds)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
