"""`logis demo` on a fresh SQLite file, then `logis serve` on a free loopback
port, reached over HTTP like any client; the server is killed at the end."""

from __future__ import annotations

import subprocess
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.e2e.commission_store import Store as CommissionsStore
from tests.e2e.commission_store import written_store
from tests.e2e.support import (
    Server,
    free_port,
    logis_env,
    logis_executable,
    run_logis,
)
from tests.helpers.backends import BACKENDS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STARTUP_SECONDS = 30.0


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`logis serve` s'est arrêté (code {process.returncode}) :\n"
                + log.read_text(errors="replace")
            )
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"`logis serve` ne répond pas sur {url}/health après {STARTUP_SECONDS} s :\n"
        + log.read_text(errors="replace")
    )


@contextmanager
def serving_demo(workdir: Path) -> Iterator[Server]:
    """`logis demo`, then `logis serve` on the same SQLite file; killed at the end."""
    database_path = workdir / "logis.sqlite3"
    database_url = f"sqlite:///{database_path}"
    demo = run_logis("demo", database_url=database_url, cwd=workdir)
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [logis_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=logis_env(database_url),
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, base_url, log)
        yield Server(base_url, database_url, database_path, workdir, demo.stdout)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo served for the whole session (tests that only read it)."""
    with serving_demo(tmp_path_factory.mktemp("logis-e2e")) as served:
        yield served


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module", params=BACKENDS)
def sessions(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CommissionsStore]:
    """The `logis commissions` tests' sessions (tests/e2e/commission_store.py),
    written once per test module and backend."""
    yield from written_store(request, tmp_path_factory)
