"""The API over each store: every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from api import cli
from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import DEPARTMENT, TEST_JWT_SECRET, actor, adopt_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'logis.sqlite3'}"
    url: str = request.getfixturevalue("postgres_database")
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, log_json=False, jwt_secret=TEST_JWT_SECRET
    )


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
def logis(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., tuple[int, str]]:
    """`logis <args>` in this process, on the test's store: (exit status, stdout)."""
    monkeypatch.setenv("LOGIS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        status = cli.main(list(args))
        return status, capsys.readouterr().out

    return run
