"""The commissions' read model over the API, on SQLite and PostgreSQL: the
sessions of a place, a session's lists (ranked list, liste complémentaire and
its last day, the CAL's decisions per dwelling), and the listes complémentaires
serving a commune on a given day (LC-VALIDITE)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.helpers.api import COMMUNE, DEPARTMENT, OTHER_COMMUNE, assert_error, today
from tests.helpers.procedure import (
    Procedure,
    full_procedure,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")

ONE_DAY = timedelta(days=1)


@pytest.fixture
def procedure(client: TestClient) -> Procedure:
    return full_procedure(client)


class TestListCommissions:
    def test_the_three_sessions_most_recent_first(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        body = procedure.get(client, "/v1/commissions")
        assert body["count"] == 3
        assert body["position"] >= procedure.position
        kinds = {row["kind"]: row for row in body["data"]}
        assert set(kinds) == {"pre_commission", "commission_prefectorale", "cal"}
        pref, cal = kinds["commission_prefectorale"], kinds["cal"]
        assert (pref["ranked"], pref["listed"], pref["not_retained"]) == (3, 2, 0)
        assert pref["list_valid_until"] is not None
        assert pref["presided_by"]["function"] == "prefet"
        assert (cal["stage"], cal["minutes_closed_on"]) == (
            "pv_clos",
            today().isoformat(),
        )
        assert (cal["cal_decisions"], cal["attributions"]) == (3, 1)
        assert cal["dwellings"] == ["A1", "A2"]
        assert {row["programme_id"] for row in body["data"]} == {procedure.programme_id}

    @pytest.mark.parametrize(
        ("params", "count"),
        [
            ({"department": DEPARTMENT}, 3),
            ({"department": "971"}, 0),
            ({"commune": COMMUNE}, 3),
            ({"commune": OTHER_COMMUNE}, 0),
            ({"kind": "cal"}, 1),
            ({"kind": "commission_prefectorale", "commune": COMMUNE}, 1),
            ({"held_from": today().isoformat()}, 3),
            ({"held_until": (today() - ONE_DAY).isoformat()}, 0),
            ({"held_from": (today() + ONE_DAY).isoformat()}, 0),
            ({"limit": 2}, 3),
            ({"offset": 2}, 3),
        ],
    )
    def test_filters(
        self,
        client: TestClient,
        procedure: Procedure,
        params: dict[str, Any],
        count: int,
    ) -> None:
        body = procedure.get(client, "/v1/commissions", **params)
        assert body["count"] == count
        expected = min(
            params.get("limit", 100), max(count - params.get("offset", 0), 0)
        )
        assert len(body["data"]) == expected

    def test_by_programme(self, client: TestClient, procedure: Procedure) -> None:
        body = procedure.get(
            client, "/v1/commissions", programme_id=procedure.programme_id
        )
        assert body["count"] == 3
        other = procedure.get(client, "/v1/commissions", programme_id=str(uuid4()))
        assert other["count"] == 0


class TestCommissionList:
    def test_the_ranked_list_and_the_liste_complementaire(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        body = procedure.get(client, f"/v1/commissions/{procedure.prefectorale}/list")
        assert body["commission"]["id"] == procedure.prefectorale
        ranked, listed = body["ranked"], body["liste_complementaire"]
        assert [e["dossier_id"] for e in ranked] == procedure.ranked
        assert [e["position"] for e in ranked] == [1, 2, 3]
        assert [e["dossier_id"] for e in listed] == procedure.listed
        assert [e["position"] for e in listed] == [1, 2]
        valid_until = date.fromisoformat(body["list_valid_until"])
        assert valid_until > today()
        assert {e["valid_until"] for e in listed} == {body["list_valid_until"]}
        assert [e["dossier_id"] for e in body["agenda"]] == [
            *procedure.ranked,
            *procedure.listed,
        ]
        # What the CAL decided since, on each ranked household.
        assert [(e["cal_id"], e["cal_decision"]) for e in ranked] == [
            (procedure.cal, "attribution"),
            (procedure.cal, "non_attribution"),
            (procedure.cal, "ajournement"),
        ]
        assert [e["cal_decision"] for e in listed] == [None, None]
        assert body["dwellings"] == []

    def test_the_cal_decisions_per_dwelling(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        body = procedure.get(client, f"/v1/commissions/{procedure.cal}/list")
        first, second = body["dwellings"]
        assert (first["ref"], first["examined"]) == ("A1", True)
        assert [c["dossier_id"] for c in first["candidates"]] == procedure.ranked
        assert [c["outcome"] for c in first["candidates"]] == [
            "attribution",
            "non_attribution",
            "ajournement",
        ]
        assert first["candidates"][1]["motive"] == "Ressources."
        prior = first["candidates"][0]["details"]["prior"]
        assert prior["commission_id"] == procedure.prefectorale
        assert (prior["outcome"], prior["rank"]) == ("rang", 1)
        assert (second["ref"], second["examined"], second["candidates"]) == (
            "A2",
            False,
            [],
        )
        assert body["ranked"] == body["liste_complementaire"] == []

    def test_the_pre_commission_agenda(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        listed = procedure.get(client, "/v1/commissions", kind="pre_commission")
        (pre,) = listed["data"]
        body = procedure.get(client, f"/v1/commissions/{pre['id']}/list")
        outcomes = [(e["dossier_id"], e["outcome"]) for e in body["preselection"]]
        assert outcomes == [
            *((i, "prioritaire") for i in procedure.ranked),
            *((i, "liste_complementaire") for i in procedure.listed),
        ]
        assert body["agenda"] == body["preselection"]

    def test_an_unknown_commission_is_not_found(self, client: TestClient) -> None:
        answer = client.get(f"/v1/commissions/{uuid4()}/list")
        assert_error(answer, 404, "commission_not_found")

    def test_a_dossier_is_no_commission(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        answer = client.get(f"/v1/commissions/{procedure.ranked[0]}/list")
        assert_error(answer, 404, "commission_not_found")


class TestListesComplementaires:
    def path(self, commune: str = COMMUNE) -> str:
        return f"/v1/communes/{commune}/liste-complementaire"

    def test_served_from_the_commission_until_its_last_day(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        pref = procedure.get(client, f"/v1/commissions/{procedure.prefectorale}/list")
        held_on = date.fromisoformat(pref["commission"]["held_on"])
        last_day = date.fromisoformat(pref["list_valid_until"])
        for day in (held_on, last_day):
            body = procedure.get(client, self.path(), as_of=day.isoformat())
            assert body["as_of"] == day.isoformat()
            (liste,) = body["data"]
            assert liste["commission_id"] == procedure.prefectorale
            assert liste["valid_until"] == last_day.isoformat()
            assert [e["dossier_id"] for e in liste["entries"]] == procedure.listed
            assert body["count"] == 2
        for day in (held_on - ONE_DAY, last_day + ONE_DAY):
            body = procedure.get(client, self.path(), as_of=day.isoformat())
            assert (body["data"], body["count"]) == ([], 0)

    def test_today_by_default(self, client: TestClient, procedure: Procedure) -> None:
        body = procedure.get(client, self.path())
        # The department's day (Martinique, UTC-4): today or yesterday in UTC.
        assert body["as_of"] in {today().isoformat(), (today() - ONE_DAY).isoformat()}
        if body["as_of"] == today().isoformat():
            assert body["count"] == 2

    def test_another_commune_sees_nothing(
        self, client: TestClient, procedure: Procedure
    ) -> None:
        body = procedure.get(
            client, self.path(OTHER_COMMUNE), as_of=today().isoformat()
        )
        assert (body["commune"], body["data"], body["count"]) == (OTHER_COMMUNE, [], 0)

    def test_the_oldest_list_first(self, client: TestClient) -> None:
        earlier = today() - timedelta(days=40)
        first = full_procedure(client, on=earlier)
        second = full_procedure(client)
        body = second.get(client, self.path(), as_of=today().isoformat())
        assert [x["commission_id"] for x in body["data"]] == [
            first.prefectorale,
            second.prefectorale,
        ]
        assert [[e["dossier_id"] for e in x["entries"]] for x in body["data"]] == [
            first.listed,
            second.listed,
        ]


class TestBadInput:
    @pytest.mark.parametrize(
        "path",
        [
            "/v1/communes/972/liste-complementaire",
            "/v1/communes/abcde/liste-complementaire",
            "/v1/communes/97209/liste-complementaire?as_of=2025-13-01",
            "/v1/communes/97209/liste-complementaire?as_of=demain",
            "/v1/communes/97209/liste-complementaire?min_position=-1",
            "/v1/commissions?kind=conseil_municipal",
            "/v1/commissions?department=999",
            "/v1/commissions?commune=Fort-de-France",
            "/v1/commissions?held_from=2025-02-30",
            "/v1/commissions?programme_id=42",
            "/v1/commissions?limit=0",
            "/v1/commissions?offset=-1",
            "/v1/commissions/pas-un-uuid/list",
        ],
    )
    def test_refused_with_the_field_named(self, client: TestClient, path: str) -> None:
        error = assert_error(client.get(path), 422, "invalid_input")
        assert error["message"].startswith("Requête invalide")
        assert error["details"]

    def test_an_empty_period_is_refused(self, client: TestClient) -> None:
        answer = client.get(
            "/v1/commissions",
            params={"held_from": "2025-06-01", "held_until": "2025-05-31"},
        )
        error = assert_error(answer, 422, "invalid_period")
        assert "held_from (01/06/2025)" in error["message"]
