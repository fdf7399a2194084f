"""The raw baselines: the database driver alone (sqlite3, psycopg) on the
store's own database, no library, no Logis: the physical limit the figures
are compared with.

- inserts: rows shaped as the store's (aggregate id, version, topic, state)
  into a scratch table of the same layout (an autoincrement position, the
  (id, version) key), a given number per transaction;
- selects: one aggregate's rows read in version order and their JSON decoded,
  as a load must at least do."""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from infra.settings import Settings

Shaped = tuple[uuid.UUID, int, str, bytes]  # aggregate id, version, topic, state


@contextlib.contextmanager
def connection(settings: Settings) -> Iterator[Any]:
    """A plain DB-API connection to the store's database (transactions
    explicit: BEGIN … COMMIT on SQLite, psycopg's own on PostgreSQL)."""
    if settings.is_postgres:
        with psycopg.connect(settings.database_url) as conn:
            yield conn
    else:
        conn = sqlite3.connect(settings.sqlite_path(), isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()


def analyse(settings: Settings) -> None:
    """Refresh the store's table statistics, as autovacuum would have by now
    (the tests' PostgreSQL runs without it: README, "Table statistics")."""
    with connection(settings) as conn:
        conn.execute("ANALYZE")


def insert_rate(
    settings: Settings, rows: Sequence[Shaped], per_transaction: int = 1
) -> float:
    """`rows` inserted `per_transaction` a transaction: rows per second."""
    postgres = settings.is_postgres
    table, create, insert = _scratch(postgres)
    values = [_value(row, postgres) for row in rows]
    with connection(settings) as conn:
        _commit(conn, postgres, create)
        started = time.perf_counter()
        for first in range(0, len(values), per_transaction):
            _commit(conn, postgres, insert, values[first : first + per_transaction])
        elapsed = time.perf_counter() - started
        _commit(conn, postgres, f"DROP TABLE {table}")
    return len(values) / elapsed


def concurrent_inserts(
    settings: Settings, rows: Sequence[Shaped], threads: int
) -> tuple[float, list[float]]:
    """`rows` inserted one a transaction from `threads` threads, a connection
    each (row i by thread i mod threads): (rows per second, each insert's
    seconds). SQLite's transactions take the write lock at BEGIN (IMMEDIATE),
    waiting for it rather than failing."""
    postgres = settings.is_postgres
    table, create, insert = _scratch(postgres)
    values = [_value(row, postgres) for row in rows]
    with connection(settings) as conn:
        _commit(conn, postgres, create)

    def insert_share(index: int, ready: Callable[[], object]) -> list[float]:
        with connection(settings) as conn:
            ready()
            return timed(
                lambda row=row: _commit(
                    conn, postgres, insert, [row], begin="BEGIN IMMEDIATE"
                )
                for row in values[index::threads]
            )

    elapsed, latencies = concurrently(threads, insert_share)
    with connection(settings) as conn:
        _commit(conn, postgres, f"DROP TABLE {table}")
    return len(values) / elapsed, latencies


def concurrently(
    threads: int, share: Callable[[int, Callable[[], object]], list[float]]
) -> tuple[float, list[float]]:
    """`share(index, ready)` run in `threads` threads at once: each prepares
    (its connection, its client), calls `ready()`, then returns the seconds of
    each of its operations. (Seconds from all ready to all done, every
    operation's seconds.)"""
    ready = threading.Barrier(threads + 1, timeout=300)
    shares: list[list[float]] = [[] for _ in range(threads)]
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            shares[index] = share(index, ready.wait)
        except BaseException as failure:
            failures.append(failure)
            ready.abort()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    return elapsed, [seconds for one in shares for seconds in one]


def timed(operations: Iterable[Callable[[], object]]) -> list[float]:
    """Each operation run in turn: its seconds."""
    seconds = []
    for operation in operations:
        started = time.perf_counter()
        operation()
        seconds.append(time.perf_counter() - started)
    return seconds


def percentile(seconds: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `seconds` (0.5: the median)."""
    ranked = sorted(seconds)
    return ranked[max(0, math.ceil(fraction * len(ranked)) - 1)]


def _scratch(postgres: bool) -> tuple[str, str, str]:
    """A scratch table laid out as the store's: (name, CREATE, INSERT)."""
    table = f"bench_raw_{uuid.uuid4().hex[:8]}"
    mark = "%s" if postgres else "?"
    position = "BIGSERIAL" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
    key = "PRIMARY KEY" if postgres else "UNIQUE"
    create = (
        f"CREATE TABLE {table} (position {position}, "
        f"originator_id {'uuid' if postgres else 'TEXT'} NOT NULL, "
        "originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
        f"state {'bytea' if postgres else 'BLOB'}, "
        f"{key} (originator_id, originator_version))"
    )
    insert = (
        f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
        f"VALUES ({', '.join([mark] * 4)})"
    )
    return table, create, insert


def _value(row: Shaped, postgres: bool) -> tuple:
    aggregate_id, version, topic, state = row
    return (aggregate_id if postgres else aggregate_id.hex, version, topic, state)


def _commit(
    conn: Any,
    postgres: bool,
    statement: str,
    values: list = (),  # type: ignore[assignment]
    begin: str = "BEGIN",
) -> None:
    """One transaction: the statement (for each of `values`, if given)."""
    if postgres:
        with conn.transaction(), conn.cursor() as cursor:
            if values:
                cursor.executemany(statement, values)
            else:
                cursor.execute(statement)
        return
    conn.execute(begin)
    if values:
        conn.executemany(statement, values)
    else:
        conn.execute(statement)
    conn.execute("COMMIT")


def select_seconds(
    settings: Settings, table: str, aggregate_id: uuid.UUID, times: int
) -> float:
    """Seconds to read an aggregate's stored rows (in the events `table`) in
    order and decode their JSON, on average over `times` reads."""
    postgres = settings.is_postgres
    query = (
        f"SELECT originator_version, topic, state FROM {table} "
        f"WHERE originator_id = {'%s' if postgres else '?'} "
        "ORDER BY originator_version"
    )
    key = aggregate_id if postgres else aggregate_id.hex
    with connection(settings) as conn:
        started = time.perf_counter()
        for _ in range(times):
            rows = conn.execute(query, (key,)).fetchall()
            decoded = [json.loads(state) for _, _, state in rows]
            assert decoded, aggregate_id
        elapsed = time.perf_counter() - started
        if postgres:
            conn.rollback()
    return elapsed / times


def shaped(stored: Sequence[Any]) -> list[Shaped]:
    """Stored events (or notifications) as rows for new aggregates, one
    version each, as the bare recorder baselines append them."""
    return [(uuid.uuid4(), 1, n.topic, bytes(n.state)) for n in stored]


def recorder_seconds(settings: Settings, batches: Sequence[Sequence[Any]]) -> float:
    """The library's bare recorder (no Logis: no seal, no idempotency row)
    appending copies of the stored events, one transaction a batch:
    seconds."""
    from eventsourcing.persistence import InfrastructureFactory, StoredEvent
    from eventsourcing.utils import Environment

    env = dict(settings.eventsourcing_env())
    env.pop("APPLICATION_RECORDER_TOPIC")
    factory = InfrastructureFactory.construct(Environment(name="Raw", env=env))
    recorder = factory.application_recorder()
    copies = [
        [StoredEvent(uuid.uuid4(), 1, n.topic, n.state) for n in batch]
        for batch in batches
    ]
    started = time.perf_counter()
    for batch in copies:
        recorder.insert_events(batch)
    elapsed = time.perf_counter() - started
    factory.close()
    return elapsed


def read_all_rate(settings: Settings, table: str) -> float:
    """Every stored row read in position order, streamed (a server-side cursor
    on PostgreSQL): rows per second."""
    order = "notification_id" if settings.is_postgres else "rowid"
    query = f"SELECT originator_id, originator_version, topic, state FROM {table} ORDER BY {order}"  # noqa: E501
    with connection(settings) as conn:
        started = time.perf_counter()
        if settings.is_postgres:
            with conn.cursor(name="bench_read_all") as cursor:
                cursor.itersize = 1000
                cursor.execute(query)
                count = sum(1 for _ in cursor)
            conn.rollback()
        else:
            count = sum(1 for _ in conn.execute(query))
        return count / (time.perf_counter() - started)
