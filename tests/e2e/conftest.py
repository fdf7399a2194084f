"""`logis demo` on a fresh SQLite file, then `logis serve` on a free loopback
port, reached over HTTP like any client; the server is killed at the end."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.e2e.commission_store import write_procedure
from tests.e2e.support import (
    Server,
    logis_env,
    logis_serving,
    run_logis,
    store_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@contextmanager
def serving_demo(workdir: Path) -> Iterator[Server]:
    """`logis demo`, then `logis serve` on the same SQLite file; killed at the end."""
    database_path = workdir / "logis.sqlite3"
    database_url = f"sqlite:///{database_path}"
    demo = run_logis("demo", database_url=database_url, cwd=workdir)
    assert demo.returncode == 0, demo.stderr
    env = logis_env(database_url)
    with logis_serving(workdir, env, "--host", "127.0.0.1") as base_url:
        yield Server(base_url, database_url, database_path, workdir, demo.stdout)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo served for the whole session (tests that only read it)."""
    with serving_demo(tmp_path_factory.mktemp("logis-e2e")) as served:
        yield served


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


# The `logis commissions` tests' sessions (tests/e2e/commission_store.py),
# written once per test module and backend.
sessions = store_fixture("logis-cli-commissions", write_procedure)
