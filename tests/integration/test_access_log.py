"""Issue 7, access log: every read of a dossier's or a measure's personal data is
recorded (who, when, which record, which endpoint, which categories) and
auditors query it at GET /v1/access-log. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from api.access_log import DOSSIER, DOSSIER_ROW, DOSSIER_TRAIL, LEGALITY, MESURE
from infra.access_log_stores import SQLiteAccessLog
from tests.helpers.api import actor, assert_error, identification, identify
from tests.helpers.backends import EVERY_STORE
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    asll,
    open_mesure,
)

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

# Readers allowed to read everything whatever the scope rules: auditors. The DPO
# reads the log.
READER = {"subject": "controleur.martin", "organisation": "Cour des comptes"}
OTHER_READER = {"subject": "controleuse.durand", "organisation": "IGAS"}
DPO = actor("auditeur", subject="dpo", organisation="Logis DPO")


def reader(**who: str) -> dict[str, str]:
    return actor("auditeur", **(who or READER))


def access_log(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get("/v1/access-log", params=params, headers=DPO)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def open_dossier(client: TestClient, **overrides: Any) -> tuple[str, int]:
    answer = identify(client, identification(**overrides))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["position"]


def read_ok(client: TestClient, path: str, **params: Any) -> httpx.Response:
    answer = client.get(path, params=params, headers=reader())
    assert answer.status_code == 200, answer.text
    return answer


def assert_entry(
    entry: dict[str, Any],
    answer: httpx.Response,
    endpoint: str,
    record_id: str,
    categories: tuple[str, ...],
    kind: str = "dossier",
) -> None:
    """The access log's row of `answer`: the reader's GET `endpoint` of the
    record, and the categories of data it was shown."""
    assert entry["subject"] == READER["subject"]
    assert entry["role"] == "auditeur"
    assert entry["organisation"] == READER["organisation"]
    assert entry["kind"] == kind
    assert entry["record_id"] == record_id
    assert entry["endpoint"] == endpoint
    assert entry["categories"] == list(categories)
    assert entry["request_id"] == answer.headers["x-request-id"]
    at = datetime.fromisoformat(entry["at"])
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)


@pytest.mark.usefixtures("department")
class TestReadsAreLogged:
    def test_reading_a_dossier_logs_one_row(self, client: TestClient) -> None:
        dossier_id, _ = open_dossier(client)
        answer = read_ok(client, f"/v1/dossiers/{dossier_id}")
        log = access_log(client)
        assert log["count"] == 1
        assert_entry(
            log["data"][0], answer, "GET /v1/dossiers/{dossier_id}", dossier_id, DOSSIER
        )

    def test_reading_a_dossier_as_of_a_moment_is_logged(
        self, client: TestClient
    ) -> None:
        dossier_id, _ = open_dossier(client)
        now = datetime.now(UTC).isoformat()
        answer = read_ok(client, f"/v1/dossiers/{dossier_id}", as_of=now)
        [entry] = access_log(client)["data"]
        assert entry["endpoint"] == "GET /v1/dossiers/{dossier_id}"
        assert entry["request_id"] == answer.headers["x-request-id"]

    def test_history_and_audit_trail_each_log_one_row(self, client: TestClient) -> None:
        dossier_id, position = open_dossier(client)
        history = read_ok(client, f"/v1/dossiers/{dossier_id}/history")
        trail = read_ok(
            client, f"/v1/dossiers/{dossier_id}/audit", min_position=position
        )
        newest, oldest = access_log(client, record_id=dossier_id)["data"]
        assert_entry(
            oldest,
            history,
            "GET /v1/dossiers/{dossier_id}/history",
            dossier_id,
            DOSSIER,
        )
        assert_entry(
            newest,
            trail,
            "GET /v1/dossiers/{dossier_id}/audit",
            dossier_id,
            DOSSIER_TRAIL,
        )

    def test_a_list_logs_one_row_per_dossier_of_its_page(
        self, client: TestClient
    ) -> None:
        first, _ = open_dossier(client)
        second, _ = open_dossier(client, applicant_name="Jean Valère")
        third, position = open_dossier(client, applicant_name="Rose Sainte-Luce")
        listed = read_ok(client, "/v1/dossiers", min_position=position, limit=2)
        page = {row["id"] for row in listed.json()["data"]}
        assert len(page) == 2
        log = access_log(client)
        assert log["count"] == 2
        assert {e["record_id"] for e in log["data"]} == page
        assert {first, second, third} > page
        for entry in log["data"]:
            assert entry["endpoint"] == "GET /v1/dossiers"
            assert entry["categories"] == list(DOSSIER_ROW)
            assert entry["request_id"] == listed.headers["x-request-id"]

    def test_an_empty_page_logs_nothing(self, client: TestClient) -> None:
        _, position = open_dossier(client)
        listed = read_ok(client, "/v1/dossiers", min_position=position, commune="97213")
        assert listed.json()["data"] == []
        assert access_log(client)["count"] == 0

    @pytest.mark.usefixtures("asll")
    def test_reading_a_measure_logs_one_row(self, client: TestClient) -> None:
        mesure_id = open_mesure(client)
        answer = read_ok(client, f"/v1/mesures/{mesure_id}")
        log = access_log(client, kind="mesure")
        assert log["count"] == 1
        assert_entry(
            log["data"][0],
            answer,
            "GET /v1/mesures/{mesure_id}",
            mesure_id,
            MESURE,
            kind="mesure",
        )

    def test_legality_of_a_dossier_is_logged(self, client: TestClient) -> None:
        dossier_id, _ = open_dossier(client)
        answer = read_ok(client, f"/v1/legality/dossiers/{dossier_id}")
        [entry] = access_log(client)["data"]
        assert_entry(
            entry,
            answer,
            "GET /v1/legality/dossiers/{dossier_id}",
            dossier_id,
            LEGALITY,
        )

    def test_a_refused_read_logs_nothing(self, client: TestClient) -> None:
        missing = uuid4()
        answer = client.get(f"/v1/dossiers/{missing}", headers=reader())
        assert_error(answer, 404)
        answer = client.get(f"/v1/dossiers/{missing}/history", headers=reader())
        assert_error(answer, 404)
        assert access_log(client)["count"] == 0

    def test_reading_the_log_is_not_logged(self, client: TestClient) -> None:
        dossier_id, _ = open_dossier(client)
        read_ok(client, f"/v1/dossiers/{dossier_id}")
        for _ in range(3):
            assert access_log(client)["count"] == 1

    def test_no_read_is_served_when_the_log_cannot_be_written(
        self, client: TestClient
    ) -> None:
        dossier_id, _ = open_dossier(client)
        log = client.app.state.system.access_log  # type: ignore[attr-defined]
        if isinstance(log, SQLiteAccessLog):
            drop = f"DROP TABLE {log.table}"
            with log.datastore.transaction(commit=True) as c:
                c.execute(drop)
        else:
            with log.datastore.transaction(commit=True) as c:
                c.execute(log._sql("DROP TABLE {schema}.{table}"))
        answer = client.get(f"/v1/dossiers/{dossier_id}", headers=reader())
        error = assert_error(answer, 503, "access_log_unavailable")
        assert "applicant_name" not in error


@pytest.mark.usefixtures("department")
class TestQueryingTheLog:
    @pytest.fixture
    def reads(self, client: TestClient) -> dict[str, str]:
        """Two dossiers: the first read by two auditors, the second by one."""
        first, _ = open_dossier(client)
        second, _ = open_dossier(client, applicant_name="Jean Valère")
        read_ok(client, f"/v1/dossiers/{first}")
        answer = client.get(f"/v1/dossiers/{first}", headers=reader(**OTHER_READER))
        assert answer.status_code == 200, answer.text
        read_ok(client, f"/v1/dossiers/{second}/history")
        return {"first": first, "second": second}

    def test_newest_first_with_the_count(
        self, client: TestClient, reads: dict[str, str]
    ) -> None:
        log = access_log(client)
        assert log["count"] == 3
        assert [e["record_id"] for e in log["data"]] == [
            reads["second"],
            reads["first"],
            reads["first"],
        ]
        ids = [e["id"] for e in log["data"]]
        assert ids == sorted(ids, reverse=True)

    def test_filters(self, client: TestClient, reads: dict[str, str]) -> None:
        assert access_log(client, record_id=reads["first"])["count"] == 2
        assert access_log(client, record_id=str(uuid4()))["count"] == 0
        by_subject = access_log(client, subject=OTHER_READER["subject"])
        assert [e["record_id"] for e in by_subject["data"]] == [reads["first"]]
        assert access_log(client, organisation="IGAS")["count"] == 1
        assert access_log(client, role="auditeur")["count"] == 3
        assert access_log(client, role="ccas")["count"] == 0
        assert access_log(client, kind="dossier")["count"] == 3
        assert access_log(client, kind="mesure")["count"] == 0
        both = access_log(client, record_id=reads["first"], subject=READER["subject"])
        assert both["count"] == 1

    def test_period(self, client: TestClient, reads: dict[str, str]) -> None:
        entries = access_log(client)["data"]
        middle = entries[1]["at"]  # the second auditor's read
        assert access_log(client, **{"from": middle})["count"] == 2
        assert access_log(client, to=middle)["count"] == 1
        hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        assert access_log(client, to=hour_ago)["count"] == 0
        naive = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
        assert access_log(client, **{"from": naive.isoformat()})["count"] == 3
        answer = client.get(
            "/v1/access-log", params={"from": middle, "to": middle}, headers=DPO
        )
        assert_error(answer, 422, "invalid_period")

    def test_pagination(self, client: TestClient, reads: dict[str, str]) -> None:
        everything = access_log(client)["data"]
        first_page = access_log(client, limit=2)
        assert first_page["count"] == 3
        assert first_page["data"] == everything[:2]
        second_page = access_log(client, limit=2, offset=2)
        assert second_page["data"] == everything[2:]
        assert (second_page["limit"], second_page["offset"]) == (2, 2)
        assert access_log(client, offset=5)["data"] == []

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 0},
            {"limit": 501},
            {"offset": -1},
            {"record_id": "pas-un-uuid"},
            {"role": "inconnu"},
            {"kind": "programme"},
            {"from": "hier"},
        ],
    )
    def test_invalid_filters_are_refused(
        self, client: TestClient, params: dict[str, Any]
    ) -> None:
        answer = client.get("/v1/access-log", params=params, headers=DPO)
        assert_error(answer, 422)

    @pytest.mark.parametrize("role", ["als", "ccas", "prefecture", "admin"])
    def test_only_auditors_read_the_log(self, client: TestClient, role: str) -> None:
        answer = client.get("/v1/access-log", headers=actor(role))
        error = assert_error(answer, 403, "forbidden")
        assert "journal des accès" in error["message"]
