"""Who asks a command and what it answers: all of a command but its body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from domain.access import Caller

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager
    from datetime import datetime
    from uuid import UUID

    from domain.shared import Actor


class LogisRecorder(Protocol):
    """What the application needs of its recorder besides the library's (infra/)."""

    def find_idempotency(self, key: str) -> tuple[str, dict[str, Any], int] | None: ...

    def session(self) -> AbstractContextManager[None]:
        """Hold what a command's reads and append share (PostgreSQL: one
        connection) until the block ends."""
        ...

    def count_events(self) -> int: ...

    def count_events_between(
        self, after: int, until: int, topics: Sequence[str] = ()
    ) -> int: ...

    def ping(self) -> None: ...


@dataclass(frozen=True)
class Context:
    """Who asks, and how: everything about a command that is not its body."""

    actor: Actor
    correlation_id: str
    now: datetime  # when the command arrived (timezone-aware)
    expected_version: int | None = None
    idempotency_key: str | None = None
    fingerprint: str = ""
    # Where the caller's credentials say they act: writes stay there.
    department: str | None = None
    commune: str | None = None
    # Set by an import of past years only (`logis import`): its steps carry the
    # import's correlation id; no other caller may claim one.
    import_id: UUID | None = None

    @property
    def caller(self) -> Caller:
        return Caller(self.actor, self.department, self.commune)


@dataclass(frozen=True)
class CommandResult:
    id: UUID
    version: int
    position: int  # notification id of the last event: read-your-writes
    stage: str
    replayed: bool = False
    events: int = 0  # how many this command appended (0 when replayed)

    def answer(self) -> dict[str, Any]:
        return {"id": str(self.id), "version": self.version, "stage": self.stage}
