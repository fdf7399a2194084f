"""Issue 14, two clocks: a step recorded long after the day it happened is a
finding of its own (SAISIE-TARDIVE), its delay a department setting; a client
cannot pass its steps off as an imported history."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tests.helpers.api import (
    StoreSnapshot,
    adopt_settings,
    identification,
    identify,
    refused,
    settings_body,
    today,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient

RULE = "SAISIE-TARDIVE"


def late_entries(client: TestClient, dossier_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/v1/legality/dossiers/{dossier_id}")
    assert answer.status_code == 200, answer.text
    return [f for f in answer.json()["findings"] if f["rule"] == RULE]


def identified(client: TestClient, days_ago: int) -> str:
    answer = identify(client, identification(on=today() - timedelta(days=days_ago)))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_step_recorded_60_days_after_it_happened_is_found(
    client: TestClient,
) -> None:
    assert adopt_settings(client, body=settings_body(late_entry_days=30)).is_success
    happened = today() - timedelta(days=60)

    dossier_id = identified(client, 60)

    [finding] = late_entries(client, dossier_id)
    assert finding["severity"] == "alerte"
    assert finding["versions"] == [1]
    assert finding["breached_on"] == today().isoformat()
    assert finding["settings_version"] == 1
    assert f"{happened:%d/%m/%Y}" in finding["message"]
    assert f"{today():%d/%m/%Y}" in finding["message"]
    assert "60 jours" in finding["message"]
    assert "délai de 30 jours" in finding["message"]


def test_a_step_recorded_within_the_delay_is_not_found(client: TestClient) -> None:
    assert adopt_settings(client, body=settings_body(late_entry_days=30)).is_success

    dossier_id = identified(client, 30)

    assert late_entries(client, dossier_id) == []


def test_the_department_s_delay_decides(client: TestClient) -> None:
    """The same history, judged by a version with a longer delay in force on
    the step's day: no finding; each department sets its own."""
    assert adopt_settings(client, body=settings_body(late_entry_days=30)).is_success
    dossier_id = identified(client, 60)
    assert [f["settings_version"] for f in late_entries(client, dossier_id)] == [1]

    longer = settings_body(
        late_entry_days=90, effective_from=today() - timedelta(days=365)
    )
    assert adopt_settings(client, body=longer).is_success

    assert late_entries(client, dossier_id) == []


def test_a_finding_judged_by_the_default_delay_states_its_assumption(
    client: TestClient,
) -> None:
    body = settings_body(
        late_entry_days=30,
        provenance={
            "late_entry_days": {
                "source": "Règle SAISIE-TARDIVE de Logis",
                "assumption": "Délai de 30 jours retenu par Logis",
            }
        },
    )
    assert adopt_settings(client, body=body).is_success

    [finding] = late_entries(client, identified(client, 45))

    assert finding["assumptions"] == [
        "late_entry_days : Délai de 30 jours retenu par Logis"
    ]


def test_a_client_cannot_claim_an_import_s_correlation_id(
    client: TestClient,
) -> None:
    assert adopt_settings(client, body=settings_body(late_entry_days=30)).is_success
    before = StoreSnapshot.take(client)

    answer = identify(
        client,
        identification(on=today() - timedelta(days=60)),
        headers={"X-Correlation-ID": "import:00000000-0000-0000-0000-000000000001"},
    )

    refused(answer, 422, "reserved_correlation_id", client, before)
