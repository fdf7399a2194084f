"""Group commit: the appends of commands arriving together share one transaction.

A command's append waits in a queue. The first to find no append in progress
leads: it takes the queue (at most `max_group` appends) and writes them with
`write` in one transaction, one commit for all; the others wait for their
answer. Appends arriving meanwhile queue up, and the first of them leads the
next group once this one is done. Nothing waits on purpose: a lone command is
written at once, as a group of one.

`write(group)` sets each append's answer: its notification ids, or the error
that refuses it alone (its version or its idempotency key taken: the
IntegrityError its command turns into a replay or a 409). An error escaping
`write` refuses every append of the group not answered yet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from eventsourcing.persistence import StoredEvent


@dataclass(eq=False)
class Append:
    """One command's append: its events, and what its transaction writes beside."""

    events: Sequence[StoredEvent]
    idempotency: Any = None  # commands.idempotency.IdempotencyRecord
    household: Any = None  # infra.household_keys.Pending
    ids: list[int] | None = None
    error: BaseException | None = None
    _woken: threading.Event = field(default_factory=threading.Event)
    _leads: bool = False
    _answered: bool = False

    def answer(self, ids: list[int]) -> None:
        self.ids = ids

    def refuse(self, error: BaseException) -> None:
        self.error = error


class GroupCommit:
    def __init__(
        self, write: Callable[[list[Append]], None], max_group: int = 64
    ) -> None:
        self._write = write
        self._max_group = max_group
        self._queue: list[Append] = []
        self._lock = threading.Lock()
        self._leading = False

    def append(self, append: Append) -> list[int]:
        """Write `append` with the others arriving with it: its notification
        ids, or the error refusing it."""
        with self._lock:
            self._queue.append(append)
            if not self._leading:
                self._leading = append._leads = True
        while not append._answered:
            if append._leads:
                append._leads = False
                self._lead()
            else:
                append._woken.wait()
                append._woken.clear()
        if append.error is not None:
            raise append.error
        return append.ids or []

    def waiting(self) -> int:
        """How many appends wait for a leader (the group being written aside)."""
        with self._lock:
            return len(self._queue)

    def _lead(self) -> None:
        """Write the group at the head of the queue (the leader's own append
        first), then hand the lead to the next append waiting, if any."""
        with self._lock:
            group = self._queue[: self._max_group]
            del self._queue[: self._max_group]
        try:
            self._write(group)
        except BaseException as error:
            for append in group:
                if append.ids is None and append.error is None:
                    append.refuse(error)
        finally:
            with self._lock:
                if self._queue:
                    following = self._queue[0]
                    following._leads = True
                    following._woken.set()
                else:
                    self._leading = False
            for append in group:
                append._answered = True
                append._woken.set()
