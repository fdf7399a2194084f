"""How PostgreSQL plans the store's statements: without parallel workers and
without JIT compilation, on every connection of the store's pool.

The store's statements read a few rows of one record by its id (its events
after a version with their seals, its latest snapshot), a command's key, or a
page of events by position: neither workers nor compiled expressions pay for
such reads. PostgreSQL chooses them from cost estimates drawn from the
tables' statistics, which lag behind a growing store (autovacuum off, or
between two of its ANALYZEs). Measured on 07/12/2026 (issue 18), reading a
1,000-event measure at 10⁶ events:
- never analysed, the events after its snapshot (none) were read by a
  parallel bitmap scan: 12 to 28 ms of starting two workers, for 0.03;
- analysed at 3.5×10⁵ events, its snapshot and events read in one statement
  were estimated at 265,052 rows: a parallel scan (16 ms); without workers,
  a cost above `jit_above_cost`, 40 ms of compiling the plan.
Both are settings of the connection (libpq's `options`), given before the pool
opens its first one (at its first use, after the recorder is made): the views'
connections, and other clients, plan as the server is set.
"""

from __future__ import annotations

from typing import Any

OPTIONS = "-c max_parallel_workers_per_gather=0 -c jit=off"


def plan_as_lookups(datastore: Any) -> None:
    """The datastore's connections, once opened, planned without workers or
    JIT (any `options` already given kept; given once)."""
    kwargs = datastore.pool.kwargs
    given = kwargs.get("options") or ""
    if OPTIONS not in given:
        kwargs["options"] = f"{given} {OPTIONS}".strip()
