"""Who asks a command and what it answers: all of a command but its body."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from domain.access import Caller
from domain.department import department_id

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from contextlib import AbstractContextManager
    from datetime import datetime
    from uuid import UUID

    from commands.snapshots import CommandReads, Snapshot, SnapshotStore
    from domain.shared import Actor

UNREAD: Any = object()  # an idempotency key not read ahead of its command


class LogisRecorder(Protocol):
    """What the application needs of its recorder besides the library's (infra/)."""

    def find_idempotency(self, key: str) -> tuple[str, dict[str, Any], int] | None: ...

    def session(self) -> AbstractContextManager[None]:
        """Hold what a command's reads and append share (PostgreSQL: one
        connection) until the block ends."""
        ...

    def household_key_taken(self) -> bool:
        """After a refused append: a household key the command drew was stored
        meanwhile by another command (or erased); the command's pending writes
        are dropped, so that carried out again it reads the stored one."""
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


@dataclass
class ReadAhead:
    """A command's reads done together before it acts (commands/snapshots.py,
    `CommandReads`), for the application's loads to take: its record once,
    its department's last version."""

    record_id: UUID | None
    department: str | None
    reads: CommandReads

    def record(self, aggregate_id: UUID) -> tuple[Snapshot | None, Any] | None:
        """The record's snapshot and stored events read ahead (taken once)."""
        if aggregate_id != self.record_id or self.reads.record is None:
            return None
        self.record_id = None
        return self.reads.record

    def department_version(self, code: str) -> int | None:
        if code != self.department:
            return None
        return self.reads.department_version


class ReadsAhead:
    """The running command's `ReadAhead`, in each thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def reading(
        self,
        snapshots: SnapshotStore | None,
        ctx: Context,
        record_id: UUID | None,
        department: str | None,
    ) -> Iterator[ReadAhead | None]:
        """A command's idempotency key, its record and its department's
        settings version read together (none: a store without snapshots,
        each read in turn), for the block's loads."""
        ahead = None
        if snapshots is not None:
            reads = snapshots.command_reads(
                ctx.idempotency_key or None,
                record_id,
                None if department is None else department_id(department),
            )
            ahead = ReadAhead(record_id, department, reads)
        outer = getattr(self._local, "ahead", None)
        self._local.ahead = ahead
        try:
            yield ahead
        finally:
            self._local.ahead = outer

    def idempotency(self) -> Any:
        """The command's idempotency key's first answer, read ahead (None:
        none); `UNREAD` without a read ahead."""
        ahead: ReadAhead | None = getattr(self._local, "ahead", None)
        return UNREAD if ahead is None else ahead.reads.idempotency

    def record(self, aggregate_id: UUID) -> tuple[Snapshot | None, Any] | None:
        ahead: ReadAhead | None = getattr(self._local, "ahead", None)
        return None if ahead is None else ahead.record(aggregate_id)

    def department_version(self, code: str) -> int | None:
        ahead: ReadAhead | None = getattr(self._local, "ahead", None)
        return None if ahead is None else ahead.department_version(code)
