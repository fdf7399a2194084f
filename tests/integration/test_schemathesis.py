"""Property-based run of every operation of the OpenAPI schema (schemathesis),
in-process, against a SQLite store holding the demo, with valid bearer tokens,
on inputs the schema allows and inputs it refuses: no answer is a 5xx, every
status code is documented, every body matches the schema, every content type
is the documented one. Who sends what: tests/helpers/fuzzing.py.

Reads are made by an auditor (who reads everything). Writes are made by a
role the matrix lets record that step (`Rôles autorisés` of the step's
endpoint, else one of the roles `domain/access.py` lets write that kind of
record), claiming the department and commune of the record the path names
(972 and 97209 otherwise). Ids in paths are, three times in four, those of
the demo's records, so the answers are not only 404s. Bounded for CI: 40
examples per operation, derandomised (the same cases on every run), no
shrinking."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from api.demo import load_demo
from api.main import create_app
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.settings import Settings
from tests.helpers.api import DEPARTMENT, TEST_JWT_SECRET, actor
from tests.helpers.fuzzing import RUN_SETTINGS, cases, credentials, with_known_ids

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from schemathesis import Case
    from schemathesis.schemas import APIOperation

EXAMPLES_PER_OPERATION = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class World:
    """The running app over the demo's store; the demo's ids by path parameter,
    and where each record sits (the claims of the token that writes on it)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.place: dict[str, tuple[str, str]] = {}
        self.ids: dict[str, list[str]] = {
            f"{kind}_id": self._listed(f"/v1/{kind}s")
            for kind in ("dossier", "mesure", "programme", "commission")
        }
        self.ids["saisine_id"] = self._saisines()
        self.ids["ref"] = [
            dwelling["ref"]
            for i in self.ids["programme_id"]
            for dwelling in self._get(f"/v1/programmes/{i}")["dwellings"]
        ]
        self.ids["household_id"] = [
            self._get(f"/v1/dossiers/{i}")["household_id"]
            for i in self.ids["dossier_id"]
        ]

    def _get(self, path: str, **params: Any) -> Any:
        answer = self.client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def _listed(self, path: str) -> list[str]:
        rows = self._get(path, limit=500)["data"]
        self.place |= {row["id"]: (row["department"], row["commune"]) for row in rows}
        return [row["id"] for row in rows]

    def _saisines(self) -> list[str]:
        """Referrals have no list: their first events, read from the store."""
        app = self.client.app.state.system.app  # type: ignore[attr-defined]
        head = app.recorder.max_notification_id() or 0
        ids = [
            str(n.originator_id)
            for n in app.recorder.select_notifications(start=1, limit=head + 1)
            if n.originator_version == 1 and n.topic == "logis.saisine.Signalled"
        ]
        for i in ids:
            saisine = self._get(f"/v1/saisines/{i}")
            self.place[i] = (saisine["department"], saisine["commune"])
        return ids


def _demo_store(tmp_path: Path) -> Settings:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'logis.sqlite3'}",
        log_json=False,
        jwt_secret=TEST_JWT_SECRET,
        read_wait_seconds=0.2,  # a min_position past the head: 503 at once
    )
    system = build_system(settings)
    try:
        effective_from, martinique = load_department_settings(DEPARTMENT)
        loire = load_department_settings("42")
        today = datetime.now(UTC).date()
        load_demo(system.app, DEPARTMENT, effective_from, martinique, today, loire)
        system.catch_up()
    finally:
        system.close()
    return settings


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = _demo_store(tmp_path_factory.mktemp("schemathesis"))
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        yield World(client)


def _operations() -> list[APIOperation]:
    """Every operation of the schema (create_app opens its store: a
    throwaway one, not a file in the working directory)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/unused.sqlite3",
            jwt_secret=TEST_JWT_SECRET,
        )
        schema = schemathesis.openapi.from_dict(create_app(settings).openapi())
    return [result.ok() for result in schema.get_all_operations()]


OPERATIONS = _operations()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.label)
def test_every_operation_answers_as_documented(
    operation: APIOperation, world: World
) -> None:
    @given(case=cases(operation))
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, **RUN_SETTINGS)
    def answers_as_documented(case: Case) -> None:
        with_known_ids(case, world.ids)
        headers = credentials(case, world.place)
        kwargs: dict[str, Any] = case.as_transport_kwargs(
            base_url=str(world.client.base_url), headers=headers
        )
        kwargs.pop("cookies", None)  # none in this API; starlette warns on them
        if "data" in kwargs:  # requests' name for a raw body, httpx's `content`
            kwargs["content"] = kwargs.pop("data")
        response = world.client.request(**kwargs)
        case.validate_response(response, checks=CHECKS)

    answers_as_documented()
