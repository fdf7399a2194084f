"""The projector's loop: new events applied as they come, in a thread of the
embedded `logis serve` or in `logis project`."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from infra.projector import ProjectionEngine

log = structlog.get_logger("logis.projector")


class ProjectorThread(threading.Thread):
    """Runs the engine in the background of the embedded `logis serve`; `wake`
    (called after each write of this process) spares the poll's wait."""

    def __init__(self, engine: ProjectionEngine, poll_seconds: float) -> None:
        super().__init__(name="logis-projector", daemon=True)
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.woken = threading.Event()

    def wake(self) -> None:
        self.woken.set()

    def run(self) -> None:
        follow(self.engine, self.poll_seconds, self.stopping, self.woken)

    def stop(self) -> None:
        self.stopping.set()
        self.woken.set()
        self.join(timeout=10)


def follow(
    engine: ProjectionEngine,
    poll_seconds: float,
    stopping: threading.Event,
    woken: threading.Event | None = None,
) -> None:
    """Apply new events as they come until `stopping` is set; back off on failures.
    Between passes, wait for the poll's interval or until `woken` is set."""
    failures = 0
    while not stopping.is_set():
        try:
            busy = engine.run_once()
            failures = 0
        except Exception:
            failures += 1
            log.exception("projection_failed", failures=failures)
            stopping.wait(min(30.0, poll_seconds * 2**failures))
            continue
        if not busy:
            if woken is None:
                stopping.wait(poll_seconds)
            else:
                woken.wait(poll_seconds)
                woken.clear()
