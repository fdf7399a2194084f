"""A store written once per backend for a whole test module: on SQLite in the
module's work directory, and on a fresh PostgreSQL database released afterwards.

    @pytest.fixture(scope="module", params=BACKENDS)
    def store(request, tmp_path_factory):
        workdir = tmp_path_factory.mktemp("logis-cli-x")
        with database_url(request, workdir) as url:
            yield write_store(url, workdir)

    @pytest.fixture(scope="module", params=BACKENDS)
    def client(request, tmp_path_factory):
        with app_client(request, tmp_path_factory.mktemp("x")) as client:
            yield client
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET, actor

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import TestDatabases

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


# A module's (or a test's) mark: its tests taking the integration tests'
# `backend` fixture run on both stores (the default is SQLite alone).
EVERY_STORE = pytest.mark.every_store
# A module's (or a test's) mark where the store is not the subject: SQLite alone,
# named in the test's id.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@contextmanager
def database_url(request: pytest.FixtureRequest, workdir: Path) -> Iterator[str]:
    """The URL of an empty store on the backend `request.param` names."""
    if request.param == "sqlite":
        yield f"sqlite:///{workdir / 'logis.sqlite3'}"
        return
    databases: TestDatabases = request.getfixturevalue("postgres_server")
    name = databases.acquire()
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        databases.release(name)


@contextmanager
def app_client(request: pytest.FixtureRequest, workdir: Path) -> Iterator[TestClient]:
    """A client of the HTTP application on an empty store of the backend
    `request.param` names, reading as the auditor unless a request says
    otherwise."""
    with database_url(request, workdir) as url:
        settings = Settings(
            database_url=url, log_json=False, jwt_secret=TEST_JWT_SECRET
        )
        with TestClient(create_app(settings), headers=actor("auditeur")) as client:
            yield client
