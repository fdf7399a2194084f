"""The store's statements on PostgreSQL are planned without parallel workers
or JIT compilation (infra/planner_options.py), whatever the tables'
statistics: with workers free to start and every plan worth compiling, as a
large store's stale estimates make them, a current load's statements run on
the store's connections with neither."""

from __future__ import annotations

from contextlib import closing
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg.sql import SQL

from domain.clocks import Clocks
from infra.bootstrap import build_system
from infra.settings import Settings
from infra.snapshot_stores import snapshots_of

pytestmark = pytest.mark.postgres

FILLER = 20_000  # events of other records (10 each), never analysed
# What estimates far above the rows read make of a lookup's costs: workers
# cheaper than the scan they share, a plan costly enough to compile.
AS_IF_LARGE = (
    "parallel_setup_cost = 0",
    "parallel_tuple_cost = 0",
    "min_parallel_table_scan_size = 0",
    "min_parallel_index_scan_size = 0",
    "jit_above_cost = 0",
)


def test_a_current_loads_statements_run_without_workers_or_jit(
    postgres_database: str,
) -> None:
    system = build_system(Settings(database_url=postgres_database, log_json=False))
    try:
        fill(postgres_database, FILLER)
        snapshots = snapshots_of(system.app)
        record_id = uuid4()
        statements: list[tuple[Any, Any]] = []

        def run(statement: Any, params: Any) -> Any:
            statements.append((statement, params))
            return list

        snapshots._ask_after(run, record_id, Clocks(), None)  # snapshot, events
        statements.append((snapshots._events_after(""), [record_id, 50]))  # kept
        with snapshots.datastore.transaction(commit=False) as curs:
            for setting in AS_IF_LARGE:
                curs.execute(SQL(f"SET LOCAL {setting}"))  # type: ignore[arg-type]
            for statement, params in statements:
                curs.execute(SQL("EXPLAIN (ANALYZE) ") + statement, params)
                plan = [next(iter(row.values())) for row in curs.fetchall()]
                assert not [line for line in plan if "Gather" in line], plan
                assert not [line for line in plan if "JIT" in line], plan
    finally:
        system.close()


def fill(url: str, count: int) -> None:
    """`count` events of other records, and their seals."""
    with closing(psycopg.connect(url, autocommit=True)) as conn:
        conn.execute(
            "INSERT INTO logis_events (originator_id, originator_version, topic, "
            "state) SELECT md5((g / 10)::text)::uuid, g %% 10 + 1, 'filler', "
            "convert_to(repeat('{\"x\": 1}', 40), 'UTF8') "
            "FROM generate_series(0, %s - 1) g",
            (count,),
        )
        conn.execute(
            "INSERT INTO logis_event_seals (notification_id, originator_id, "
            "originator_version, event_hash, chain_hash) SELECT notification_id, "
            "originator_id, originator_version, md5(topic), md5(topic) "
            "FROM logis_events"
        )
