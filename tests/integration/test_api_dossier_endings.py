"""Issue 14, holes 2 and 3, through the API: a withdrawal is the household's
own act (DOS-RETRAIT), inadmissibility the CAL's or the DEAL's after its
control (DOS-IRRECEVABILITE), radiation the registering services' (SNE-VALIDITE).
Each illegal step is refused with the rule's id and leaves the store unchanged.
Store-independent: run on SQLite only."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import api
from tests.helpers.backends import SQLITE_ONLY
from tests.helpers.procedure import concerted_programme

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = [pytest.mark.usefixtures("department"), SQLITE_ONLY]


def refused(
    client: TestClient,
    dossier_id: str,
    slug: str,
    body: dict[str, Any],
    role: str,
    rule: str,
) -> str:
    error = api.refused_step(client, dossier_id, slug, body, role=role, code=rule)
    return str(error["message"])


def test_a_landlord_cannot_withdraw_its_ranked_household(client: TestClient) -> None:
    simar = concerted_programme(client)
    dossier_id = api.drive_dossier(
        client,
        to="ajourne",
        path=[*api.main_line()[:8], api.CAL_DEFERRAL],
        identify_with={"programme_id": simar},
    )
    body = {
        "reason": "Dossier retiré par le bailleur",
        "expressed_on": api.today().isoformat(),
        "expressed_by": "courrier",
    }
    message = refused(client, dossier_id, "withdrawal", body, "bailleur", "DOS-RETRAIT")
    assert "décision motivée" in message


def test_a_withdrawal_records_how_and_when_the_household_expressed_it(
    client: TestClient,
) -> None:
    dossier_id = api.drive_dossier(client, to="complet")
    message = refused(
        client, dossier_id, "withdrawal", {"reason": "Renonce"}, "ccas", "DOS-RETRAIT"
    )
    assert "courrier" in message
    later = (api.today() + timedelta(days=3)).isoformat()
    said_later = {"reason": "x", "expressed_on": later, "expressed_by": "courriel"}
    refused(client, dossier_id, "withdrawal", said_later, "ccas", "DOS-RETRAIT")

    said = {
        "reason": "Renonce",
        "expressed_on": api.today().isoformat(),
        "expressed_by": "en_personne",
    }
    answer = api.record(client, dossier_id, "withdrawal", said, role="ccas")

    assert answer.status_code == 200, answer.text
    assert answer.json()["stage"] == "retire"
    last = api.history(client, dossier_id)[-1]
    assert last["data"]["expressed_by"] == "en_personne", last


@pytest.mark.parametrize(
    ("at", "role"),
    [("complet", "als"), ("en_analyse", "als"), ("en_analyse", "prefecture")],
)
def test_only_the_deal_records_an_inadmissibility_outside_the_cal(
    client: TestClient, at: str, role: str
) -> None:
    dossier_id = api.drive_dossier(client, to=at)
    body = {"reason": "Dossier incomplet"}
    message = refused(
        client, dossier_id, "inadmissibility", body, role, "DOS-IRRECEVABILITE"
    )
    assert "proposer" in message


def test_the_deal_declares_inadmissible_only_after_its_control(
    client: TestClient,
) -> None:
    dossier_id = api.drive_dossier(client, to="complet")
    body = {"reason": "Fraude"}
    refused(client, dossier_id, "inadmissibility", body, "deal", "DOS-IRRECEVABILITE")


def test_the_als_cannot_radiate_a_demand(client: TestClient) -> None:
    dossier_id = api.drive_dossier(
        client, to="identifie", on=api.today() - timedelta(days=400)
    )
    body = api.RADIATION.body(api.today())
    message = refused(client, dossier_id, "radiation", body, "als", "SNE-VALIDITE")
    assert "R441-2-8" in message
