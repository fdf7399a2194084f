"""`logis serve` over HTTP, after `logis demo`: the docs, every step's route (and
the commissions' instead of the dossier's for pré-selection, ranking and the CAL),
the demo's dossiers at their stages, and one dossier driven by HTTP commands."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from commands.dossier import STEPS
from tests.e2e.support import (
    DEMO_COMMUNE,
    DEMO_STAGES,
    demo_dossiers,
    demo_programmes,
)
from tests.helpers.api import actor

if TYPE_CHECKING:
    import httpx

# The dossier's step endpoints that commissions replaced.
REMOVED_STEPS = ("pre-selection", "ranking", "cal-decision", "cal-deferral")

MAIRIE = actor(
    "mairie",
    subject="agent.logement",
    organisation="Mairie du Lamentin",
    commune="97213",  # where it acts, and opens its dossier
)
DEPARTEMENT = actor(
    "departement",
    subject="assistante.sociale",
    organisation="Collectivité territoriale de Martinique",
)


def commission(client: httpx.Client, commission_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/commissions/{commission_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


class TestServe:
    def test_health_reports_the_sqlite_store(self, client: httpx.Client) -> None:
        body = client.get("/health").json()
        assert body["status"] == "ok"
        assert body["store"] == "sqlite"
        assert body["position"] > 0

    def test_docs_serve_the_openapi_ui(self, client: httpx.Client) -> None:
        answer = client.get("/docs")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert "swagger-ui" in answer.text
        assert "/openapi.json" in answer.text

    def test_openapi_has_a_post_route_for_every_step(
        self, client: httpx.Client
    ) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        missing = [
            slug
            for slug in STEPS
            if "post" not in paths.get(f"/v1/dossiers/{{dossier_id}}/{slug}", {})
        ]
        assert missing == []
        assert "post" in paths["/v1/dossiers"]
        assert "get" in paths["/v1/dossiers/{dossier_id}/history"]

    def test_commissions_take_the_steps_the_dossier_no_longer_has(
        self, client: httpx.Client
    ) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        for slug in REMOVED_STEPS:
            assert f"/v1/dossiers/{{dossier_id}}/{slug}" not in paths
            assert slug not in STEPS
        for path in (
            "/v1/commissions",
            "/v1/commissions/{commission_id}/attendance",
            "/v1/commissions/{commission_id}/preselection",
            "/v1/commissions/{commission_id}/ranking",
            "/v1/commissions/{commission_id}/dwellings/{ref}/decisions",
            "/v1/commissions/{commission_id}/minutes",
        ):
            assert "post" in paths[path], path
        assert "get" in paths["/v1/commissions/{commission_id}"]
        (row, *_) = demo_dossiers(client)
        for slug in REMOVED_STEPS:
            gone = client.post(
                f"/v1/dossiers/{row['id']}/{slug}", headers=MAIRIE, json={}
            )
            assert gone.status_code in (404, 405), gone.text
            assert gone.json()["code"] in ("not_found", "method_not_allowed")


class TestDemoDossiers:
    def test_the_demo_dossiers_reach_their_stages(self, client: httpx.Client) -> None:
        dossiers = demo_dossiers(client)
        assert Counter(d["stage"] for d in dossiers) == DEMO_STAGES
        assert {(d["department"], d["commune"]) for d in dossiers} == {
            ("972", DEMO_COMMUNE)
        }

    def test_the_dalo_dossier_proposed_by_the_prefecture_is_closed(
        self, client: httpx.Client
    ) -> None:
        (dalo,) = [d for d in demo_dossiers(client) if d["dalo"]]
        assert dalo["origin_role"] == "prefecture"
        dossier = client.get(f"/v1/dossiers/{dalo['id']}").json()
        assert dossier["stage"] == "clos"
        assert dossier["cal_decision"]["decision"] == "attribution"
        assert dossier["offer"]["answer"] == "acceptee"
        assert dossier["lease"]["dwelling_ref"] == dossier["offer"]["dwelling_ref"]
        assert len(dossier["information_meetings"]) == 1
        assert dossier["installation_review"] == {
            "outcome": "problemes",
            "support_months": 6,
        }
        # Step: ranked first by the commission préfectorale the préfet presided …
        pref = commission(client, dossier["ranking"]["commission_id"])
        assert pref["kind"] == "commission_prefectorale"
        assert pref["presided_by"]["function"] == "prefet"
        assert dossier["ranking"] == {
            **dossier["ranking"],
            "outcome": "rang",
            "rank": 1,
        }
        # … then designated by the préfet to the landlord's CAL.
        cal = commission(client, dossier["cal_decision"]["commission_id"])
        assert cal["kind"] == "cal"
        [examined] = [
            e
            for e in cal["examinations"]
            if e["dwelling_ref"] == dossier["cal_decision"]["dwelling_ref"]
        ]
        decisions = {d["dossier_id"]: d for d in examined["decisions"]}
        assert len(decisions) == 3  # CAL-TROIS
        assert decisions[dalo["id"]]["dalo_designated"] is True

    def test_the_demo_records_the_procedures_turns(self, client: httpx.Client) -> None:
        kinds: Counter[str] = Counter()
        avis: Counter[str] = Counter()
        for row in demo_dossiers(client):
            history = client.get(f"/v1/dossiers/{row['id']}/history").json()
            for event in history["events"]:
                kinds[event["type"]] += 1
                if event["type"] in ("SocialEnquiryRendered", "MairieAvisRendered"):
                    avis[event["data"]["avis"]] += 1
        assert avis["defavorable"] >= 2  # one enquête, one Mairie
        assert kinds["DocumentsRequested"] > kinds["DocumentsReceived"] > 0
        assert kinds["PreSelected"] > kinds["Ranked"] > kinds["CALDecided"] > 0
        assert kinds["Deferred"] == 1
        assert kinds["InstallationReviewed"] == 2
        by_stage: dict[str, list[dict[str, Any]]] = {}
        for row in demo_dossiers(client):
            by_stage.setdefault(row["stage"], []).append(row)
        [inadmissible] = by_stage["irrecevable"]
        resources = client.get(f"/v1/dossiers/{inadmissible['id']}").json()
        assert resources["resources"]["eligible"] is False
        [listed] = by_stage["classe"]
        ranked = client.get(f"/v1/dossiers/{listed['id']}").json()
        assert ranked["ranking"]["outcome"] == "liste_complementaire"
        assert ranked["list_valid_until"] is not None
        for row in by_stage["decide_cal"]:
            refused = client.get(f"/v1/dossiers/{row['id']}").json()["cal_decision"]
            assert refused["decision"] in ("non_attribution", "rejet_irrecevabilite")
            assert refused["motive"]

    def test_the_liste_complementaire_served_another_landlords_vacancy(
        self, client: httpx.Client
    ) -> None:
        programmes = demo_programmes(client)
        [vacancy] = [p for p in programmes if p["kind"] == "vacance"]
        [delivery] = [p for p in programmes if p["kind"] == "livraison"]
        assert vacancy["landlord"] != delivery["landlord"]
        assert vacancy["commune"] == delivery["commune"] == DEMO_COMMUNE
        [dwelling] = client.get(f"/v1/programmes/{vacancy['id']}").json()["dwellings"]
        assert dwelling["status"] == "loue"
        tenant = client.get(f"/v1/dossiers/{dwelling['dossier_id']}").json()
        assert tenant["ranking"]["outcome"] == "liste_complementaire"
        assert tenant["cal_decision"]["dwelling_ref"] == dwelling["ref"]
        cal = commission(client, tenant["cal_decision"]["commission_id"])
        assert (cal["kind"], cal["landlord"]) == ("cal", vacancy["landlord"])
        assert cal["held_on"] <= tenant["list_valid_until"]  # LC-VALIDITE


class TestHttpStep:
    def test_a_dossier_is_opened_then_advanced_by_http_commands(
        self, client: httpx.Client
    ) -> None:
        # Step: the Mairie opens a dossier (outside the demo's programme).
        opened = client.post(
            "/v1/dossiers",
            headers=MAIRIE,
            json={
                "applicant_name": "Mme Test E2E",
                "household_size": 2,
                "department": "972",
                "commune": "97213",
            },
        )
        assert opened.status_code == 201, opened.text
        dossier_id = opened.json()["id"]
        assert opened.headers["Location"] == f"/v1/dossiers/{dossier_id}"
        assert opened.headers["ETag"] == '"1"'

        # Step: the enquête sociale, at the version read, with an idempotency key.
        step = f"/v1/dossiers/{dossier_id}/social-enquiry"
        body = {"avis": "prioritaire", "summary": "Hebergee chez un tiers."}
        headers = {**DEPARTEMENT, "If-Match": '"1"', "Idempotency-Key": "e2e-step-1"}
        first = client.post(step, headers=headers, json=body)
        assert first.status_code == 200, first.text
        assert first.json()["stage"] == "enquete_sociale_rendue"
        assert first.json()["version"] == 2

        # Step: a retry with the same key replays the answer and writes nothing.
        again = client.post(step, headers=headers, json=body)
        assert again.status_code == 200
        assert again.json() == first.json()
        assert client.get(f"/v1/dossiers/{dossier_id}").headers["ETag"] == '"2"'

        # Step: a stale version, or a role the step does not allow, is refused.
        stale = client.post(
            f"/v1/dossiers/{dossier_id}/mairie-avis",
            headers={**MAIRIE, "If-Match": '"1"'},
            json={"avis": "favorable"},
        )
        assert stale.status_code == 409
        assert stale.json()["code"] == "version_conflict"
        wrong_role = client.post(
            f"/v1/dossiers/{dossier_id}/mairie-avis",
            headers=DEPARTEMENT,
            json={"avis": "favorable"},
        )
        assert wrong_role.status_code == 403
        assert wrong_role.json()["code"] == "role_not_allowed"
        out_of_order = client.post(
            f"/v1/dossiers/{dossier_id}/resources-check",
            headers=actor("deal", organisation="Mairie du Lamentin"),
            json={"annual_resources": "9000", "household_category": 2},
        )
        assert out_of_order.status_code == 409
        assert out_of_order.json()["code"] == "DOS-COMPLET"

        # Step: the list, read after the write, shows the new stage.
        listed = client.get(
            "/v1/dossiers",
            params={"min_position": first.json()["position"], "commune": "97213"},
        ).json()
        (row,) = [r for r in listed["data"] if r["id"] == dossier_id]
        assert row["stage"] == "enquete_sociale_rendue"
        assert row["version"] == 2
