"""Legality over the API, on both stores: a record's findings as of a day, a
commune's report with its totals, the rules catalogue, and the 404 / 422
answers."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from domain.shared import add_months
from tests.helpers.api import COMMUNE, assert_error, drive_dossier, read_json, today

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")


def legality(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    return read_json(client, f"/v1/legality/{path}", **params)


def rules_found(body: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in body["findings"]]


ENTERED_ON = today() - timedelta(days=100)  # long enough for the bilan's deadline
DEADLINE = add_months(ENTERED_ON, 2)


def entered_without_bilan(client: TestClient) -> str:
    return drive_dossier(client, to="entre_dans_les_lieux", on=ENTERED_ON)


def test_a_clean_procedure_has_no_finding(client: TestClient) -> None:
    dossier_id = drive_dossier(client, to="clos")
    body = legality(client, f"dossiers/{dossier_id}")
    assert body["findings"] == []
    assert body["blocking"] is False
    assert body["kind"] == "dossier"
    assert (body["id"], body["commune"]) == (dossier_id, COMMUNE)
    assert body["as_of"] == today().isoformat()


def test_a_late_bilan_is_found_only_after_its_deadline(client: TestClient) -> None:
    dossier_id = entered_without_bilan(client)
    before = legality(client, f"dossiers/{dossier_id}", as_of=DEADLINE.isoformat())
    assert before["findings"] == []
    after = legality(
        client,
        f"dossiers/{dossier_id}",
        as_of=(DEADLINE + timedelta(days=1)).isoformat(),
    )
    assert "BILAN-DELAI" in rules_found(after)
    [bilan] = [f for f in after["findings"] if f["rule"] == "BILAN-DELAI"]
    assert bilan["severity"] == "alerte"
    assert bilan["breached_on"] == (DEADLINE + timedelta(days=1)).isoformat()
    assert bilan["settings_version"] == 1
    assert bilan["title"]
    assert bilan["source"] == "seed 000"
    assert after["blocking"] is False


def test_the_commune_report_totals_findings_of_the_period(client: TestClient) -> None:
    drive_dossier(client, to="clos")
    late = entered_without_bilan(client)
    position = client.get("/health").json()["position"]
    report = legality(
        client,
        "report",
        commune=COMMUNE,
        min_position=position,
        **{"from": (DEADLINE - timedelta(days=5)).isoformat()},
    )
    assert report["commune"] == COMMUNE
    assert report["checked"]["dossier"] == 2
    assert report["checked"]["commission"] >= 3  # each procedure's sessions
    assert report["by_rule"] == {"BILAN-DELAI": 1, "ENTREE-INFO": 1}
    assert report["by_severity"] == {"alerte": 2}
    assert report["blocking"] is False
    assert [r["id"] for r in report["records"]] == [late]
    assert "BILAN-DELAI" in report["rules_checked"]
    not_checked = {r["id"]: r["reason"] for r in report["rules_not_checked"]}
    assert "DALO-DELAI" not in not_checked  # checked since its days are recorded
    assert all(r.startswith("porte sur d'autres") for r in not_checked.values())
    assert "DALO-DELAI" in report["rules_checked"]
    # A period that ends before the breach shows nothing.
    earlier = legality(
        client,
        "report",
        commune=COMMUNE,
        to=DEADLINE.isoformat(),
        min_position=position,
    )
    assert earlier["by_rule"] == {}
    assert earlier["records"] == []


def test_a_commission_of_the_procedure_is_legal(client: TestClient) -> None:
    drive_dossier(client, to="clos")
    position = client.get("/health").json()["position"]
    sessions = client.get(
        "/v1/commissions", params={"commune": COMMUNE, "min_position": position}
    ).json()["data"]
    assert sessions
    for session in sessions:
        body = legality(client, f"commissions/{session['id']}")
        assert body["findings"] == [], body


def test_the_rules_catalogue_lists_every_rule(client: TestClient) -> None:
    body = legality(client, "rules")
    rules = {r["id"]: r for r in body["data"]}
    assert body["count"] == len(rules)
    assert rules["BILAN-DELAI"]["checked"] is True
    assert rules["DALO-DELAI"]["checked"] is True
    assert rules["DALO-DELAI"]["not_checkable"] is None
    assert rules["DALO-DELAI"]["enforced"] == "found"  # a deadline: no command
    assert rules["ALS-SOLVA"]["enforced"] == "both"
    assert rules["COMPREF-RANG"]["applies_to"] == ["commission"]


def test_the_rules_catalogue_cites_its_sources_as_texts(client: TestClient) -> None:
    """`source` keeps the seed's number (stable, as stored in findings);
    `source_text` is what people read: each source document by its title."""
    rules = {r["id"]: r for r in legality(client, "rules")["data"]}
    assert rules["DOS-ORDRE"]["source"] == "seed 000"
    assert rules["DOS-ORDRE"]["source_text"] == (
        "Procédure d'attribution LLTS de l'ALS Martinique (diaporama de l'ALS)"
    )
    assert rules["BG-GLISSEMENT"]["source_text"] == (
        "CCH L442-8-3 ; PDALPD de la Loire 2002-2007"
    )
    assert rules["SNE-NUMERO"]["source_text"] == "CCH L441-2-1"
    assert not [r["id"] for r in rules.values() if "seed" in r["source_text"]]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("dossiers", "dossier_not_found"),
        ("commissions", "commission_not_found"),
        ("programmes", "programme_not_found"),
        ("mesures", "mesure_not_found"),
        ("saisines", "saisine_not_found"),
    ],
)
def test_an_unknown_record_is_404(client: TestClient, kind: str, code: str) -> None:
    assert_error(client.get(f"/v1/legality/{kind}/{uuid4()}"), 404, code)


def test_another_kind_of_record_is_404(client: TestClient) -> None:
    dossier_id = drive_dossier(client, to="complet")
    answer = client.get(f"/v1/legality/commissions/{dossier_id}")
    assert_error(answer, 404, "commission_not_found")


@pytest.mark.parametrize(
    "params",
    [
        {"commune": COMMUNE, "as_of": "2025-13-01"},
        {"commune": COMMUNE, "from": "hier"},
        {"commune": "972"},
        {},
    ],
)
def test_a_bad_report_query_is_422(client: TestClient, params: dict[str, str]) -> None:
    assert_error(client.get("/v1/legality/report", params=params), 422, "invalid_input")


def test_a_period_ending_before_it_starts_is_422(client: TestClient) -> None:
    params = {"commune": COMMUNE, "from": "2025-06-01", "to": "2025-05-01"}
    answer = client.get("/v1/legality/report", params=params)
    assert_error(answer, 422, "invalid_period")


def test_a_bad_as_of_is_422(client: TestClient) -> None:
    answer = client.get(f"/v1/legality/dossiers/{uuid4()}", params={"as_of": "demain"})
    assert_error(answer, 422, "invalid_input")
