"""One PostgreSQL connection for the whole of a command.

A command reads its idempotency key, loads its record, reads its department's
settings version, then appends: each call of the library's recorder, of the
ledger and of the household keys checks a connection out of the pool, and the
pool pings each one it hands out (POSTGRES_PRE_PING). `pin()` checks one out
and lends it to every call its thread makes on that datastore until it ends; a
connection found broken is given up, and the calls go back to the pool. Other
threads, and the library's LISTEN thread, never see it.

`pin(ping=False)` skips the ping, a round trip of its own: the command's first
read is its ping (a read found the connection broken is asked again of the
pool, `gave_up`: infra/snapshot_stores.py).

Installed on the application recorder's datastore by infra/store.py; errors
are turned into the library's exceptions as its own `get_connection` does.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from eventsourcing.postgres import PostgresDatastore

# psycopg's errors as the library's, in the library's order (subclasses first).
_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (psycopg.InterfaceError, InterfaceError),
    (psycopg.OperationalError, OperationalError),
    (psycopg.DataError, DataError),
    (psycopg.IntegrityError, IntegrityError),
    (psycopg.InternalError, InternalError),
    (psycopg.ProgrammingError, ProgrammingError),
    (psycopg.NotSupportedError, NotSupportedError),
    (psycopg.DatabaseError, DatabaseError),
    (psycopg.Error, PersistenceError),
)


class ConnectionPins:
    """The connections pinned to threads, for one datastore."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self._pooled: Callable[[], Any] = datastore.get_connection
        self._local = threading.local()
        datastore.get_connection = self._connection  # type: ignore[method-assign]
        # The pool's ping (psycopg_pool's `check`, set by the library), asked
        # through ours: skipped while `pin(ping=False)` checks one out.
        self._ping = datastore.pool._check
        if self._ping is not None:
            datastore.pool._check = self._pinged

    @contextmanager
    def pin(self, *, ping: bool = True) -> Iterator[None]:
        """Lend this thread one connection until the block ends (nested: the
        same one); without `ping`, unchecked: its first use checks it."""
        if getattr(self._local, "connection", None) is not None:
            yield
            return
        with ExitStack() as stack:
            self._local.unpinged = not ping
            try:
                connection = stack.enter_context(self._pooled())
            finally:
                self._local.unpinged = False
            self._local.connection = connection
            try:
                yield
            finally:
                self._local.connection = None

    def gave_up(self) -> bool:
        """Whether this thread's pinned connection was found broken (its calls
        since, and a read asked again, go to the pool)."""
        pinned = getattr(self._local, "connection", None)
        return pinned is not None and (pinned.broken or pinned.closed)

    def _pinged(self, connection: Any) -> None:
        if not getattr(self._local, "unpinged", False):
            self._ping(connection)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        pinned = getattr(self._local, "connection", None)
        if pinned is not None and (pinned.broken or pinned.closed):
            pinned = None
        if pinned is None:
            with self._pooled() as connection:
                yield connection
            return
        try:
            yield pinned
        except psycopg.Error as error:
            raise library_error(error) from error


def pins_of(datastore: PostgresDatastore) -> ConnectionPins:
    """The datastore's pins, installed at the first call."""
    pins = getattr(datastore, "logis_pins", None)
    if pins is None:
        pins = datastore.logis_pins = ConnectionPins(datastore)  # type: ignore[attr-defined]
    return pins


@contextmanager
def pinned(*datastores: Any) -> Iterator[None]:
    """One connection of each PostgreSQL datastore's pool lent to this thread
    for the block: pinged once, not at each transaction (a projector's pass
    makes several a view). Other stores' datastores are left as they are."""
    from eventsourcing.postgres import PostgresDatastore

    with ExitStack() as stack:
        for datastore in datastores:
            if isinstance(datastore, PostgresDatastore):
                stack.enter_context(pins_of(datastore).pin())
        yield


def library_error(error: Exception) -> Exception:
    """A psycopg error as the library's exception (others as they are)."""
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            mapped = ours(str(error))
            mapped.__cause__ = error
            return mapped
    return error
