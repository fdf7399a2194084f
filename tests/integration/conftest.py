"""The API over a store: SQLite by default, PostgreSQL too for the modules whose
subject is the store (`EVERY_STORE`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from api import cli
from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import DEPARTMENT, actor, adopt_settings
from tests.helpers.backends import BACKENDS
from tests.helpers.prepared_stores import (
    copy_sqlite_store,
    default_settings,
    prepare_store,
)
from tests.helpers.statistics_years import statistics_settings

SQLITE_FILE = "logis.sqlite3"

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.conftest import TestDatabases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`EVERY_STORE`: both stores for each test taking `backend`, unless the
    test names its own."""
    names_its_own = any(
        "backend" in str(mark.args[0])
        for mark in metafunc.definition.iter_markers("parametrize")
    )
    if (
        "backend" in metafunc.fixturenames
        and metafunc.definition.get_closest_marker("every_store")
        and not names_its_own
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The embedded SQLite store, where the store is not the test's subject (the
    command layer, the API's rules and answers are the same code on both). The
    modules whose subject is the store (its concurrency, seals, projections,
    erasure, relay, replays; every read route's query in test_access.py) take
    `EVERY_STORE` (tests/helpers/backends.py): PostgreSQL too."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("prepared-store")
    prepare_store(f"sqlite:///{folder / SQLITE_FILE}")
    return folder


@pytest.fixture
def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A new store for each test. Tests of the app (those taking `client`) get
    one already initialised (tests/helpers/prepared_stores.py); the others, an
    empty one. A SQLite store lives in the test's `tmp_path`, in memory where the
    system has room there (tests/conftest.py sets TMPDIR: on a disk, each
    commit's flush took a quarter of an API test's time)."""
    prepared = "client" in request.fixturenames
    if backend == "sqlite":
        if prepared:
            copy_sqlite_store(request.getfixturevalue("sqlite_template"), tmp_path)
        yield f"sqlite:///{tmp_path / SQLITE_FILE}"
    elif prepared:
        server: TestDatabases = request.getfixturevalue("postgres_server")
        name = server.acquire_prepared(prepare_store)
        try:
            yield server.url(name)
        finally:
            server.release(name)
    else:
        yield request.getfixturevalue("postgres_database")


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    """The app's settings; a module sets PROJECTOR_BATCH_SIZE for smaller batches
    of events a view transaction than the service's."""
    batch_size = getattr(request.module, "PROJECTOR_BATCH_SIZE", None)
    if batch_size is None:
        return default_settings(database_url)
    return default_settings(database_url, projector_batch_size=batch_size)


@pytest.fixture
def statistics_store(tmp_path: Path) -> Settings:
    """A yearly statistics test's own SQLite store (test_api_statistics*.py)."""
    return statistics_settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan running (store opened, projector thread started),
    called by an auditor unless a request sends other credentials."""
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        yield client


@pytest.fixture
def department(client: TestClient) -> str:
    """Department 972 with settings in force: documents, ceilings, categories 1-6."""
    answer = adopt_settings(client, DEPARTMENT)
    assert answer.status_code == 201, answer.text
    return DEPARTMENT


@pytest.fixture
def logis_streams(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., tuple[int, str, str]]:
    """`logis <args>` in this process, on the test's store: (exit status, stdout,
    stderr)."""
    monkeypatch.setenv("LOGIS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def logis(
    logis_streams: Callable[..., tuple[int, str, str]],
) -> Callable[..., tuple[int, str]]:
    """`logis <args>` in this process, on the test's store: (exit status, stdout)."""

    def run(*args: str) -> tuple[int, str]:
        status, out, _ = logis_streams(*args)
        return status, out

    return run
