"""A command's new household keys and record → household links, written in the
transaction that appends its events rather than in transactions of their own
before it (infra/household_keys.py says why either is safe).

`DeferredWrites.deferred()` opens the span (the recorder's `session`, around a
command); meanwhile `HouseholdKeys` keeps the thread's new keys and subjects in
its `Pending`; the recorder runs `flush_statements` in the append transaction
(another thread may, for a group: infra/group_commit.py) and, once committed,
`flushed` makes them known to the process.

Two commands writing a household's first personal data at once each draw a
key: the second append meets the first one's and is refused. Its events were
sealed under a key that will not be kept; `DrawnKeys.household_key_taken` tells
the application so, which carries the command out again: it then reads the
stored key (commands/application.py).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.household_keys import HouseholdKeys


@dataclass
class Pending:
    """A command's keys and subjects not written yet."""

    keys: dict[UUID, bytes] = field(default_factory=dict)
    subjects: dict[UUID, UUID] = field(default_factory=dict)


class DeferredWrites:
    """Each thread's `Pending`, while it runs a command."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Until the block ends, this thread's new keys and subjects wait for
        the transaction that appends the events needing them."""
        if self.current() is not None:
            yield
            return
        self._local.pending = Pending()
        try:
            yield
        finally:
            self._local.pending = None

    def current(self) -> Pending | None:
        """This thread's (None outside `deferred`)."""
        return getattr(self._local, "pending", None)


def flush_statements(
    keys: HouseholdKeys, pending: Pending | None
) -> list[tuple[Any, Any]]:
    """The INSERTs writing `pending` in the append transaction: a key already
    stored fails it (IntegrityError), a subject already there is kept."""
    if pending is None:
        return []
    statements: list[tuple[Any, Any]] = []
    if pending.keys:
        rows = [keys.key_row(h, k) for h, k in pending.keys.items()]
        statements.append(
            (
                keys.query(
                    f"INSERT INTO {keys.keys} (household_id, key, created_at) "
                    f"VALUES {', '.join('(?, ?, ?)' for _ in rows)}"
                ),
                [p for row in rows for p in row],
            )
        )
    if pending.subjects:
        pairs = list(pending.subjects.items())
        statements.append(
            (
                keys.query(
                    f"INSERT INTO {keys.subjects} (originator_id, household_id) "
                    f"VALUES {', '.join('(?, ?)' for _ in pairs)} "
                    "ON CONFLICT DO NOTHING"
                ),
                [keys.param(v) for pair in pairs for v in pair],
            )
        )
    return statements


def flushed(keys: HouseholdKeys, pending: Pending | None) -> None:
    """The append committed: what it wrote is known to the process from now on."""
    if pending is None:
        return
    for household_id, key in pending.keys.items():
        keys.remember_key(household_id, key)
    for originator_id, household_id in pending.subjects.items():
        keys.remember_subject(originator_id, household_id)
    pending.keys.clear()
    pending.subjects.clear()


class DrawnKeys:
    """The recorders' `household_key_taken` (commands/context.py)."""

    household_keys: HouseholdKeys

    def household_key_taken(self) -> bool:
        keys = self.household_keys
        pending = keys.writes.current()
        if pending is None or not any(keys.row(h) for h in pending.keys):
            return False
        pending.keys.clear()  # drawn for events never stored: read it again
        pending.subjects.clear()
        return True
