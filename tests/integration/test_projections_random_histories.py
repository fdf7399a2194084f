"""The projection engine on each store, incrementally: a view built batch by
batch while random valid histories are written holds exactly what a clean
rebuild holds (the demo scenario: test_projections_demo.py; the rest of the
engine's guarantees: test_projections.py).

Every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.helpers.backends import EVERY_STORE
from tests.helpers.memory import memory_directory
from tests.helpers.projections import (
    RandomHistory,
    adopt_departments,
    assert_views_match_aggregates,
    open_system,
    rebuild_all_and_compare,
)

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from tests.conftest import TestDatabases

EXAMPLES = {"sqlite": 25, "postgres": 10}
PHASES = {
    "sqlite": tuple(Phase),
    "postgres": (Phase.explicit, Phase.reuse, Phase.generate),
}


def fresh_store(
    backend: str, request: pytest.FixtureRequest
) -> Callable[[], AbstractContextManager[str]]:
    """New empty stores, one for each hypothesis example: a new SQLite file (in
    memory where the system has a RAM disk: commits need no flush to the disk),
    or a new PostgreSQL database (migrated one example ahead, dropped after it,
    in the background)."""
    server: TestDatabases | None = (
        request.getfixturevalue("postgres_server") if backend == "postgres" else None
    )

    @contextmanager
    def new_store() -> Iterator[str]:
        if server is None:
            with tempfile.TemporaryDirectory(dir=memory_directory()) as directory:
                yield f"sqlite:///{directory}/logis.sqlite3"
            return
        name = server.acquire()
        try:
            yield server.url(name)
        finally:
            server.release(name)

    return new_store


# A failing history shrinks for up to 5 minutes on SQLite; on PostgreSQL it
# is reported as drawn (the same draws replay, and shrink, on SQLite).
@pytest.mark.timeout(600)
def test_random_histories(backend: str, request: pytest.FixtureRequest) -> None:
    new_store = fresh_store(backend, request)

    @settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=PHASES[backend],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        with new_store() as url:
            batch_size = data.draw(st.integers(1, 6), label="batch size")
            system = open_system(url, batch_size=batch_size)
            try:
                adopt_departments(system.app)
                history = RandomHistory(system.app, data.draw)
                commands = data.draw(st.integers(1, 80), label="commands")
                for _ in range(commands):
                    history.next_command()
                    if data.draw(st.booleans(), label="project now"):
                        batches = data.draw(st.integers(1, 3), label="batches")
                        system.engine.run_once(max_batches=batches)
                system.engine.catch_up()
                assert_views_match_aggregates(system.app, system.engine, history.ids)
                system.engine.batch_size = data.draw(
                    st.sampled_from([1, 7, 1000]), label="rebuild batch size"
                )
                rebuild_all_and_compare(system.engine)
            finally:
                system.close()

    check()
