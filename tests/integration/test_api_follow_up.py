"""The follow-up read models over the API, on each store: bilans d'installation
due, overdue and done (BILAN-DELAI), the support a bilan with problems asks
(BILAN-SUITE), a programme's dossiers ready for the pré-commission."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from domain.shared import add_months
from infra.generations import ACTIVE
from tests.helpers import api, procedure
from tests.helpers.backends import EVERY_STORE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]


# Small batches: a dossier's events land in several view transactions.
PROJECTOR_BATCH_SIZE = 3


DWELLINGS = ("A1", "A2", "A3")
PROBLEMS = {
    "outcome": "problemes",
    "findings": "Impayés de loyer, isolement.",
    "support_months": 6,
}


def attributed(client: TestClient, on: date) -> tuple[str, list[str]]:
    """A programme of three dwellings, each attributed by its CAL to one of the
    households the commission préfectorale ranked (all sessions held on `on`)."""
    programme_id = procedure.concerted_programme(client, on=on, refs=DWELLINGS)
    ranked, _, _ = procedure.ranked_dossiers(client, programme_id, ranked=3, on=on)
    cal = procedure.in_session(
        client, "cal", programme_id=programme_id, dwelling_refs=DWELLINGS, on=on
    )
    for ref, dossier_id in zip(DWELLINGS, ranked, strict=True):
        answer = procedure.decide(
            client,
            cal,
            ref,
            [procedure.attribution(dossier_id)],
            shortfall_motive="Un seul ménage classé par logement.",
            on=on,
        )
        assert answer.status_code == 200, answer.text
    return programme_id, ranked


def move_in(client: TestClient, dossier_id: str, on: date) -> None:
    """Offer, acceptance, lease and entry on `on`."""
    for step in (api.OFFER, api.OFFER_ANSWER, api.LEASE, api.ENTRY):
        answer = api.take(client, dossier_id, step, on=on)
        assert answer.status_code == 200, f"{step.slug}: {answer.text}"


def review(client: TestClient, dossier_id: str, on: date, **fields: Any) -> None:
    """The bilan d'installation on `on`, `fields` over its default body."""
    body = {**api.INSTALLATION_REVIEW.body(on), **fields}
    answer = api.take(client, dossier_id, api.INSTALLATION_REVIEW, body)
    assert answer.status_code == 200, answer.text


def reviewed(client: TestClient, on: date, *days: date) -> tuple[str, str, str]:
    """`attributed` on `on`; its first two households moved in on `on` and their
    bilans recorded on `days`: problems for the first, none for the second. The
    three dossiers (the third not moved in)."""
    _, ranked = attributed(client, on)
    for dossier_id, day, fields in zip(ranked[:2], days, (PROBLEMS, {}), strict=True):
        move_in(client, dossier_id, on)
        review(client, dossier_id, day, **fields)
    troubled, fine, waiting = ranked
    return troubled, fine, waiting


def bilans(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get(
        "/v1/bilans", params={"min_position": api.store_position(client), **params}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def ids(page: dict[str, Any], key: str = "dossier_id") -> list[str]:
    return [row[key] for row in page["data"]]


class TestBilans:
    def test_due_overdue_and_done_bilans(self, client: TestClient) -> None:
        decided_on = api.today() - timedelta(days=120)
        programme_id, (late, recent, reviewed) = attributed(client, decided_on)
        move_in(client, late, decided_on)  # due 2 months later: now overdue
        move_in(client, recent, api.today() - timedelta(days=10))
        move_in(client, reviewed, decided_on)
        review(client, reviewed, decided_on + timedelta(days=20))

        overdue = bilans(client, status="overdue")
        assert (ids(overdue), overdue["count"]) == ([late], 1)
        [row] = overdue["data"]
        assert row["entered_on"] == decided_on.isoformat()
        assert row["due_on"] == add_months(decided_on, 2).isoformat()
        assert (row["status"], row["reviewed_on"]) == ("overdue", None)
        assert (row["department"], row["commune"]) == (api.DEPARTMENT, api.COMMUNE)
        assert row["programme_id"] == programme_id
        assert (row["landlord"], row["dwelling_ref"]) == (
            api.ORGANISATIONS["bailleur"],
            DWELLINGS[0],
        )
        assert "applicant_name" not in row

        assert ids(bilans(client, status="due")) == [recent]
        done = bilans(client, status="done")
        assert ids(done) == [reviewed]
        assert done["data"][0]["outcome"] == "ok"
        assert done["data"][0]["reviewed_late"] is False
        every = bilans(client, programme_id=programme_id)
        assert sorted(ids(every)) == sorted([late, recent, reviewed])

    def test_due_until_the_deadline_day_overdue_the_day_after(
        self, client: TestClient
    ) -> None:
        on = api.today() - timedelta(days=30)
        _, (dossier_id, *_) = attributed(client, on)
        move_in(client, dossier_id, on)
        deadline = add_months(on, 2)
        for as_of, due, overdue in [
            (deadline, [dossier_id], []),
            (deadline + timedelta(days=1), [], [dossier_id]),
        ]:
            assert ids(bilans(client, status="due", as_of=as_of)) == due
            page = bilans(client, status="overdue", as_of=as_of)
            assert (ids(page), page["as_of"]) == (overdue, as_of.isoformat())

    def test_filters_and_pages(self, client: TestClient) -> None:
        on = api.today() - timedelta(days=90)
        programme_id, ranked = attributed(client, on)
        for dossier_id in ranked:
            move_in(client, dossier_id, on)
        first = bilans(client, status="overdue", limit=2)
        second = bilans(client, status="overdue", limit=2, offset=2)
        assert (first["count"], second["count"]) == (3, 3)
        assert sorted(ids(first) + ids(second)) == sorted(ranked)
        assert bilans(client, department="971")["count"] == 0
        assert bilans(client, commune="97213")["count"] == 0
        assert bilans(client, programme_id=str(uuid4()))["count"] == 0
        assert (
            bilans(client, commune=api.COMMUNE, programme_id=programme_id)["count"] == 3
        )


class TestSupportRequests:
    def test_a_bilan_with_problems_asks_for_support(self, client: TestClient) -> None:
        on = api.today() - timedelta(days=60)
        reviewed_on = on + timedelta(days=30)
        troubled, _, _ = reviewed(client, on, reviewed_on, reviewed_on)

        answer = client.get(
            "/v1/support-requests",
            params={"min_position": api.store_position(client), "status": "demandee"},
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert page["count"] == 1
        [request] = page["data"]
        assert request["dossier_id"] == troubled
        assert request["support_months"] == 6
        assert request["requested_on"] == reviewed_on.isoformat()
        assert (request["status"], request["commune"]) == ("demandee", api.COMMUNE)
        [bilan] = [
            b
            for b in bilans(client, status="done")["data"]
            if b["dossier_id"] == troubled
        ]
        assert (bilan["outcome"], bilan["support_months"]) == ("problemes", 6)


class TestReadyForPreCommission:
    def test_the_programmes_solvent_dossiers_are_ready(
        self, client: TestClient
    ) -> None:
        programme_id = procedure.concerted_programme(client)
        ready = procedure.solvent_dossiers(client, 2, programme_id=programme_id)
        api.drive_dossier(
            client, to="en_analyse", identify_with={"programme_id": programme_id}
        )
        procedure.solvent_dossiers(client, 1)  # no programme

        answer = client.get(
            f"/v1/programmes/{programme_id}/ready-for-pre-commission",
            params={"min_position": api.store_position(client)},
        )
        assert answer.status_code == 200, answer.text
        readiness = answer.json()
        assert sorted(r["id"] for r in readiness["ready"]) == sorted(ready)
        assert readiness["ready_count"] == 2
        assert readiness["by_stage"] == {"en_analyse": 1, "solvabilite_etudiee": 2}
        assert readiness["dossiers_to_gather"] == 6  # 3 per dwelling (CONC-QUOTA)
        assert readiness["dossiers_in_progress"] == 3
        assert "applicant_name" not in readiness["ready"][0]


class TestBadInput:
    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/v1/bilans", {"status": "en_retard"}),
            ("/v1/bilans", {"department": "999"}),
            ("/v1/bilans", {"commune": "Fort-de-France"}),
            ("/v1/bilans", {"as_of": "31/12/2025"}),
            ("/v1/bilans", {"programme_id": "not-a-uuid"}),
            ("/v1/bilans", {"limit": 0}),
            ("/v1/bilans", {"offset": -1}),
            ("/v1/support-requests", {"status": "terminee"}),
            ("/v1/support-requests", {"limit": 501}),
            ("/v1/programmes/not-a-uuid/ready-for-pre-commission", {}),
        ],
    )
    def test_bad_query_is_refused_in_french(
        self, client: TestClient, path: str, params: dict[str, Any]
    ) -> None:
        api.assert_error(client.get(path, params=params), 422, "invalid_input")

    def test_an_unknown_programme_is_not_found(self, client: TestClient) -> None:
        answer = client.get(f"/v1/programmes/{uuid4()}/ready-for-pre-commission")
        error = api.assert_error(answer, 404, "programme_not_found")
        assert "introuvable" in error["message"]


def test_the_view_rebuilt_from_the_first_event_is_the_one_built_as_it_came(
    client: TestClient,
) -> None:
    on = api.today() - timedelta(days=70)
    _, _, waiting = reviewed(client, on, on + timedelta(days=3), on + timedelta(days=5))
    move_in(client, waiting, on)
    api.drive_dossier(client, to="retire", path=[api.WITHDRAWAL])
    assert bilans(client)["count"] == 3
    engine = client.app.state.system.engine  # type: ignore[attr-defined]

    def dump() -> dict[str, list[dict[str, Any]]]:
        generation = engine.registry.find("follow_up", ACTIVE)
        view = engine.view(generation)
        return {table.name: view.select(table.name)[0] for table in view.tables}

    incremental = dump()
    engine.rebuild("follow_up")
    assert dump() == incremental
    assert len(incremental["support_requests"]) == 1
    assert incremental["dossiers"] == []  # entered or ended: nothing left to hold
