"""Projections that cannot advance: which event stops which generation, and why.

Kept in the views' database, beside the registry of generations, so that every
process sees it: the projector that failed, `/health` and `/metrics` of the API
replicas, `logis projections status`. A row is written when a generation fails
on an event and deleted once that generation advances again.

What is kept names the event (position, topic, aggregate id) and the error (its
class, and the first line of its message, cut short); never the event's data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from infra.generations import Generation

log = structlog.get_logger("logis.projector")

COLUMNS = (
    "view", "name", "generation", "position", "topic", "originator_id",
    "error", "message", "attempts", "first_failed_at", "last_failed_at",
)  # fmt: skip
MESSAGE_LENGTH = 200
MAX_BACKOFF_SECONDS = 300.0


@dataclass(frozen=True)
class Failure:
    view: str
    name: str
    generation: int
    position: int  # the event that cannot be applied
    topic: str
    originator_id: str
    error: str  # the exception's class
    message: str
    attempts: int
    first_failed_at: str
    last_failed_at: str


def describe(error: BaseException) -> tuple[str, str]:
    """The error's class and the first line of its message, cut short."""
    lines = str(error).strip().splitlines()
    return type(error).__name__, (lines[0] if lines else "")[:MESSAGE_LENGTH]


class Failures:
    """The failures registry, and when each failing generation may be tried again."""

    def __init__(self, datastore: Any, mark: str) -> None:
        self.datastore = datastore
        self.m = mark
        self._retry_at: dict[str, float] = {}
        self._known = {f.view for f in self.all()}  # rows this process may clear

    def of(self, generation: Generation) -> Failure | None:
        return next((f for f in self.all() if f.view == generation.view), None)

    def all(self) -> list[Failure]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {', '.join(COLUMNS)} FROM projection_failures ORDER BY view"
            )
            rows = c.fetchall()
        return [
            Failure(
                *(r[k] if isinstance(r, dict) else r[i] for i, k in enumerate(COLUMNS))
            )
            for r in rows
        ]

    def waiting(self, generation: Generation) -> bool:
        """True while a failing generation backs off before its next attempt."""
        return time.monotonic() < self._retry_at.get(generation.view, 0.0)

    def record(
        self,
        generation: Generation,
        position: int,
        topic: str,
        originator_id: str,
        error: BaseException,
    ) -> Failure:
        m = self.m
        kind, message = describe(error)
        now = datetime.now(UTC).isoformat()
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO projection_failures ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join(m for _ in COLUMNS)}) "
                "ON CONFLICT (view) DO UPDATE SET position = excluded.position, "
                "topic = excluded.topic, originator_id = excluded.originator_id, "
                "error = excluded.error, message = excluded.message, "
                "last_failed_at = excluded.last_failed_at, attempts = CASE "
                "WHEN projection_failures.position = excluded.position "
                "THEN projection_failures.attempts + 1 ELSE 1 END, "
                "first_failed_at = CASE "
                "WHEN projection_failures.position = excluded.position "
                "THEN projection_failures.first_failed_at "
                "ELSE excluded.first_failed_at END",
                (generation.view, generation.name, generation.generation, position,
                 topic, originator_id, kind, message, 1, now, now),
            )  # fmt: skip
        failure = next(f for f in self.all() if f.view == generation.view)
        self._known.add(generation.view)
        delay = min(MAX_BACKOFF_SECONDS, 2.0 ** min(failure.attempts, 16))
        self._retry_at[generation.view] = time.monotonic() + delay
        # No event data, no error message (a database error may quote a value):
        # the message is kept in the registry, read by operators.
        log.error(
            "projection_stuck",
            projection=generation.name,
            generation=generation.generation,
            notification_id=position,
            event_topic=topic,
            originator_id=originator_id,
            error=kind,
            attempts=failure.attempts,
            retry_in_seconds=delay,
        )
        return failure

    def clear(self, generation: Generation) -> None:
        """The generation advanced: it is no longer stuck."""
        self._retry_at.pop(generation.view, None)
        if generation.view not in self._known:
            return  # nothing recorded: no query on every pass
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"DELETE FROM projection_failures WHERE view = {self.m}",
                (generation.view,),
            )
        self._known.discard(generation.view)
        log.info(
            "projection_unstuck",
            projection=generation.name,
            generation=generation.generation,
        )
