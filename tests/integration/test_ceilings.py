"""Hole 8 of issue 14 through the API: with Martinique's packaged settings, a
household just under the overseas LLTS ceiling passes the DEAL's control (the
mainland PLAI figure made it inadmissible), settings carry their provenance,
and a provenance naming no setting is refused."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from tests.helpers.api import (
    StoreSnapshot,
    actor,
    adopt_settings,
    drive_dossier,
    main_line,
    refused,
    settings_body,
)
from tests.helpers.backends import SQLITE_ONLY

if TYPE_CHECKING:
    from starlette.testclient import TestClient

# Store-independent checks run on one store only (SQLITE_ONLY).
CONTROL_DAY = date(2026, 3, 2)
LLTS_2026_CATEGORY_1 = 15797  # 67,5 % of PLUS « autres régions » 2026
MAINLAND_PLAI_2026_CATEGORY_1 = 12870  # what 972.json held before


def packaged_972() -> dict[str, Any]:
    text = resources.files("infra").joinpath("departments", "972.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return {"effective_from": data["effective_from"], "settings": data["settings"]}


def to_resources_check(client: TestClient, annual_resources: int) -> str:
    """A household of one in Fort-de-France, through the DEAL's control on
    CONTROL_DAY with Martinique's packaged settings."""
    body = packaged_972()
    documents = body["settings"]["required_documents"]
    return drive_dossier(
        client,
        to="ressources_controlees",
        on=CONTROL_DAY,
        path=main_line(),
        identify_with={"household_size": 1},
        bodies={
            "completion": {"documents": documents},
            "resources-check": {
                "annual_resources": f"{annual_resources}.00",
                "household_category": 1,
            },
        },
    )


def test_household_just_under_the_llts_ceiling_is_eligible(
    client: TestClient,
) -> None:
    assert adopt_settings(client, "972", packaged_972()).status_code == 201
    resources_ = LLTS_2026_CATEGORY_1 - 7
    assert resources_ > MAINLAND_PLAI_2026_CATEGORY_1

    dossier_id = to_resources_check(client, resources_)

    dossier = client.get(f"/v1/dossiers/{dossier_id}").json()
    assert dossier["stage"] == "ressources_controlees"
    legality = client.get(f"/v1/legality/dossiers/{dossier_id}")
    assert legality.status_code == 200, legality.text
    assert "DEAL-PLAFOND" not in {f["rule"] for f in legality.json()["findings"]}


@SQLITE_ONLY
def test_adopted_settings_keep_their_provenance(client: TestClient) -> None:
    assert adopt_settings(client, "972", packaged_972()).status_code == 201

    answer = client.get("/v1/departments/972/settings", headers=actor("admin"))

    assert answer.status_code == 200, answer.text
    in_force = json.dumps(answer.json(), ensure_ascii=False)
    assert "arrêté du 14 mars 2011" in in_force.lower()
    assert "Lu comme un minimum" in in_force


@SQLITE_ONLY
def test_provenance_of_an_unknown_setting_is_refused(client: TestClient) -> None:
    before = StoreSnapshot.take(client)
    body = settings_body(provenance={"quota_magique": {"source": "arrêté test"}})

    answer = adopt_settings(client, "972", body)

    error = refused(answer, 422, "invalid_input", client, before)
    assert "provenance" in error["message"]
