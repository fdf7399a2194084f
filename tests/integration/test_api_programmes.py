"""The programme API over a real store: announce, concertation, letting and vacancy,
the read model, CONC-QUOTA refusals, roles, idempotency and optimistic concurrency."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from domain.programme_steps import CONCERTATION_PARTNERS
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    ORGANISATIONS,
    OTHER_COMMUNE,
    OTHER_LANDLORD,
    StoreSnapshot,
    assert_created,
    assert_error,
    assert_replayed,
    assert_store_unchanged,
    post_step,
    read_json,
    read_record,
    store_position,
    today,
    write_headers,
)
from tests.helpers.procedure import (
    SHORTFALL,
    attribution,
    decide,
    in_session,
    ranked_dossiers,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")


REFS = ("SIMAR-FDF-BAT-B-11", "SIMAR-FDF-BAT-B-12")
PARTNERS = [
    {"organisation": ORGANISATIONS[r], "role": r} for r in CONCERTATION_PARTNERS
]
HOSTS = [
    {"organisation": ORGANISATIONS["bailleur"], "role": "bailleur"},
    {"organisation": ORGANISATIONS["als"], "role": "als"},
]


def announcement(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "livraison",
        "name": "Résidence Les Flamboyants",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "dwellings": [
            {"ref": REFS[0], "typology": "T2", "rent": "310.00", "charges": "40.00"},
            {"ref": REFS[1], "typology": "T3", "rent": "350.00", "charges": "50.00"},
        ],
        **overrides,
    }


def concertation(**overrides: Any) -> dict[str, Any]:
    return {
        "invited": PARTNERS,
        "present": [*HOSTS, *PARTNERS[:4]],
        "programme_presented": True,
        "candidate_profile": "Familles monoparentales hébergées chez un tiers.",
        **overrides,
    }


def post_announcement(
    client: TestClient,
    body: Mapping[str, Any],
    *,
    role: str = "bailleur",
    key: str | None = None,
) -> httpx.Response:
    """POST /v1/programmes: `body` announced by a `role` agent."""
    headers = write_headers(role, key=key)
    return client.post("/v1/programmes", json=dict(body), headers=headers)


# POST one step of a programme (`slug` under it, e.g. "dwellings/A1/lease").
step = partial(post_step, "programmes")


def announce(client: TestClient, **overrides: Any) -> dict[str, Any]:
    answer = post_announcement(client, announcement(**overrides))
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def concerted(client: TestClient) -> str:
    programme_id: str = announce(client)["id"]
    answer = step(client, programme_id, "concertation", concertation(), role="als")
    assert answer.status_code == 200, answer.text
    return programme_id


def lease(dossier_id: str | None = None) -> dict[str, Any]:
    return {"dossier_id": dossier_id or str(uuid4()), "lease_start": str(today())}


def let_dwelling(
    client: TestClient,
    programme_id: str,
    dossier_id: str | None = None,
    *,
    role: str = "bailleur",
    **options: Any,
) -> httpx.Response:
    """The programme's first dwelling let (`lease`), by its landlord unless told."""
    slug = f"dwellings/{REFS[0]}/lease"
    return step(client, programme_id, slug, lease(dossier_id), role=role, **options)


def vacate(client: TestClient, programme_id: str) -> httpx.Response:
    """The programme's first dwelling vacated today, by its landlord."""
    slug = f"dwellings/{REFS[0]}/vacancy"
    return step(
        client, programme_id, slug, {"vacated_on": str(today())}, role="bailleur"
    )


def attributed(client: TestClient, programme_id: str, ref: str = REFS[0]) -> str:
    """A household ranked for the programme, to whom its CAL attributes `ref`
    (LOGEMENT-UNIQUE: the lease follows the attribution); one programme version."""
    [dossier_id], _, _ = ranked_dossiers(client, programme_id, ranked=1)
    cal = in_session(client, "cal", programme_id=programme_id, dwelling_refs=[ref])
    candidates = [attribution(dossier_id)]
    answer = decide(client, cal, ref, candidates, shortfall_motive=SHORTFALL)
    assert answer.status_code == 200, answer.text
    return dossier_id


def read(client: TestClient, programme_id: str) -> dict[str, Any]:
    return read_record(client, "programmes", programme_id)


def listed(client: TestClient, **params: Any) -> dict[str, Any]:
    return read_json(client, "/v1/programmes", **params)


class TestAnnounceProgramme:
    def test_announce_answers_201_with_location_etag_and_position(
        self, client: TestClient
    ) -> None:
        before = store_position(client)
        answer = post_announcement(client, announcement())

        # Announced, and the commune's register of dwellings opened and kept
        # (LOGEMENT-UNIQUE): the position is the last of the three.
        body = assert_created(
            client, answer, "programmes", "annonce", since=before, events=3
        )
        programme = read(client, body["id"])
        assert programme["landlord"] == ORGANISATIONS["bailleur"]
        assert (programme["department"], programme["commune"]) == (DEPARTMENT, COMMUNE)
        assert [d["ref"] for d in programme["dwellings"]] == list(REFS)
        assert {d["status"] for d in programme["dwellings"]} == {"a_attribuer"}
        assert programme["dwellings_to_let"] == list(REFS)
        assert programme["concertation"] is None

    def test_only_a_landlord_announces(self, client: TestClient) -> None:
        before = store_position(client)
        answer = post_announcement(client, announcement(), role="ccas")

        assert_error(answer, 403, "role_not_allowed")
        assert store_position(client) == before

    def test_unknown_programme_is_not_found(self, client: TestClient) -> None:
        unknown = uuid4()
        assert_error(
            client.get(f"/v1/programmes/{unknown}"), 404, "programme_not_found"
        )
        answer = step(client, unknown, "concertation", concertation(), role="als")
        assert_error(answer, 404, "programme_not_found")


class TestProgrammeLife:
    def test_announce_concertation_let_and_vacate(self, client: TestClient) -> None:
        programme_id = announce(client)["id"]

        held = step(client, programme_id, "concertation", concertation(), role="als")
        assert held.status_code == 200, held.text
        assert (held.json()["version"], held.json()["stage"]) == (
            2,
            "concertation_tenue",
        )
        assert held.headers["ETag"] == '"2"'
        assert read(client, programme_id)["concertation"]["dossiers_to_gather"] == 6

        household = attributed(client, programme_id)
        let = let_dwelling(client, programme_id, household, if_match=3)
        assert let.status_code == 200, let.text
        assert let.json()["version"] == 4
        programme = read(client, programme_id)
        assert programme["dwellings"][0]["status"] == "loue"
        assert programme["dwellings"][0]["dossier_id"] == household
        assert programme["dwellings_to_let"] == [REFS[1]]
        rows = listed(client, min_position=let.json()["position"])["data"]
        assert [(r["dwellings"], r["dwellings_vacant"]) for r in rows] == [(2, 1)]

        vacated = vacate(client, programme_id)
        assert vacated.status_code == 200, vacated.text
        # vacated, then its candidates proposed: no liste complémentaire in the
        # commune yet, so none
        assert vacated.json()["version"] == 6
        dwelling = read(client, programme_id)["dwellings"][0]
        assert (dwelling["status"], dwelling["candidates"]) == ("vacant", [])

        page = listed(client, min_position=vacated.json()["position"])
        assert page["position"] >= vacated.json()["position"]
        [row] = page["data"]
        assert row == {
            **row,
            "id": programme_id,
            "kind": "livraison",
            "landlord": ORGANISATIONS["bailleur"],
            "stage": "concertation_tenue",
            "dwellings": 2,
            "dwellings_vacant": 2,
            "dossiers_to_gather": 6,
            "concertation_on": str(today()),
            "version": 6,
        }
        view = client.app.state.system.engine.reader("programmes")  # type: ignore[attr-defined]
        dwellings, _ = view.select("dwellings", order_by=("ref",))
        assert [(d["ref"], d["state"], d["dossier_id"]) for d in dwellings] == [
            (REFS[0], "vacant", None),
            (REFS[1], "a_attribuer", None),
        ]

    def test_the_list_row_has_the_programme_version_after_a_vacancy(
        self, client: TestClient
    ) -> None:
        programme_id = concerted(client)
        let = let_dwelling(client, programme_id, attributed(client, programme_id))
        assert let.status_code == 200, let.text

        vacated = vacate(client, programme_id)

        assert vacated.status_code == 200, vacated.text
        [row] = listed(client, min_position=vacated.json()["position"])["data"]
        assert row["version"] == read(client, programme_id)["version"] == 6

    def test_a_delivery_is_let_only_after_its_concertation(
        self, client: TestClient
    ) -> None:
        programme_id = announce(client)["id"]
        answer = let_dwelling(client, programme_id)
        assert_error(answer, 409, "concertation_not_held")

    def test_only_a_landlord_lets_a_dwelling(self, client: TestClient) -> None:
        programme_id = concerted(client)
        before = store_position(client)
        answer = let_dwelling(client, programme_id, role="als")
        assert_error(answer, 403, "role_not_allowed")
        assert store_position(client) == before

    def test_another_landlord_does_not_let_simars_dwelling(
        self, client: TestClient
    ) -> None:
        programme_id = concerted(client)
        assert read(client, programme_id)["landlord"] == ORGANISATIONS["bailleur"]
        path = f"/v1/programmes/{programme_id}"
        before = StoreSnapshot.take(client, resources=[path])

        answer = let_dwelling(client, programme_id, organisation=OTHER_LANDLORD)

        error = assert_error(answer, 403, "forbidden")  # not its programme
        assert OTHER_LANDLORD in error["message"]
        assert_store_unchanged(client, before)
        assert read(client, programme_id)["dwellings"][0]["status"] == "a_attribuer"
        let = let_dwelling(client, programme_id, attributed(client, programme_id))
        assert let.status_code == 200, let.text


class TestConcertationQuota:
    @pytest.mark.parametrize(
        "overrides",
        [
            pytest.param({"invited": PARTNERS[:-1]}, id="partner_not_invited"),
            pytest.param({"programme_presented": False}, id="programme_not_presented"),
            pytest.param({"candidate_profile": "  "}, id="no_candidate_profile"),
            pytest.param({"dossiers_per_dwelling": 2}, id="quota_without_motive"),
        ],
    )
    def test_conc_quota_refusal_stores_nothing(
        self, client: TestClient, overrides: dict[str, Any]
    ) -> None:
        programme_id = announce(client)["id"]
        before = store_position(client)

        answer = step(
            client,
            programme_id,
            "concertation",
            concertation(**overrides),
            role="als",
        )

        assert_error(answer, 409, "CONC-QUOTA")
        assert store_position(client) == before
        programme = read(client, programme_id)
        assert (programme["version"], programme["stage"]) == (1, "annonce")

    def test_a_motivated_quota_is_recorded(self, client: TestClient) -> None:
        programme_id = announce(client)["id"]
        body = concertation(dossiers_per_dwelling=2, quota_motive="Petite commune.")

        answer = step(client, programme_id, "concertation", body, role="bailleur")

        assert answer.status_code == 200, answer.text
        assert read(client, programme_id)["concertation"]["dossiers_to_gather"] == 4


class TestListProgrammes:
    def test_list_filters_programmes(self, client: TestClient) -> None:
        announce(client, name="A")
        announce(client, name="B", kind="vacance", commune=OTHER_COMMUNE)
        position = announce(client, name="C", commune=OTHER_COMMUNE)["position"]

        def names(**params: Any) -> list[str]:
            page = listed(client, min_position=position, **params)
            assert page["count"] == len(page["data"])
            return [row["name"] for row in page["data"]]

        assert names() == ["A", "B", "C"]
        assert names(department=DEPARTMENT) == ["A", "B", "C"]
        assert names(department="971") == []
        assert names(commune=OTHER_COMMUNE) == ["B", "C"]
        assert names(kind="vacance") == ["B"]
        assert names(commune=OTHER_COMMUNE, kind="livraison") == ["C"]

    def test_list_refuses_invalid_filters(self, client: TestClient) -> None:
        assert_error(client.get("/v1/programmes?kind=neuf"), 422, "invalid_input")
        assert_error(client.get("/v1/programmes?commune=1"), 422, "invalid_input")


class TestIdempotencyAndConcurrency:
    def test_announce_twice_with_one_key_announces_once(
        self, client: TestClient
    ) -> None:
        send = partial(post_announcement, client, announcement(), key="announce-1")
        assert_replayed(client, send, 201)
        other = post_announcement(client, announcement(name="Autre"), key="announce-1")
        assert_error(other, 422, "idempotency_key_reused")

    def test_lease_twice_with_one_key_is_recorded_once(
        self, client: TestClient
    ) -> None:
        programme_id = concerted(client)
        slug = f"dwellings/{REFS[0]}/lease"
        body = lease(attributed(client, programme_id))
        let = partial(
            step, client, programme_id, slug, body, role="bailleur", key="lease-1"
        )
        assert_replayed(client, let, 200)
        assert read(client, programme_id)["version"] == 4

    def test_stale_if_match_is_refused_and_nothing_stored(
        self, client: TestClient
    ) -> None:
        programme_id = concerted(client)
        before = store_position(client)

        answer = let_dwelling(client, programme_id, if_match=1)

        assert_error(answer, 409, "version_conflict")
        assert store_position(client) == before
        assert read(client, programme_id)["version"] == 2
