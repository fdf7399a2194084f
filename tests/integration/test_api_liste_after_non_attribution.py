"""Issue 14, hole 4: one landlord's non-attribution keeps the household on its
commune's liste complémentaire for the other dwellings and landlords (LC-VALIDITE),
and a refusal says why it refuses, not "not ranked or listed" for a dossier that
is. Store-independent: run on SQLite only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import procedure
from tests.helpers.api import (
    StoreSnapshot,
    assert_error,
    assert_store_unchanged,
    record,
    refused,
)
from tests.helpers.backends import SQLITE_ONLY

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

pytestmark = [pytest.mark.usefixtures("department"), SQLITE_ONLY]
OTHER_LANDLORD = "SMHLM"


def cal(client: TestClient, ref: str, landlord: str | None = None) -> str:
    """A landlord's CAL on a vacancy of its existing stock in the commune."""
    return procedure.in_session(
        client, "cal", dwelling_refs=[ref], organisation=landlord
    )


def decide(
    client: TestClient, cal_id: str, ref: str, candidates: list[Any], **options: Any
) -> httpx.Response:
    """The CAL's decision on `ref`, with the motive for presenting fewer
    candidates than the rule asks for (SHORTFALL)."""
    return procedure.decide(
        client, cal_id, ref, candidates, shortfall_motive=procedure.SHORTFALL, **options
    )


def test_a_non_attribution_keeps_the_household_listed_for_other_landlords(
    client: TestClient,
) -> None:
    _, [listed, other], _ = procedure.ranked_dossiers(client, ranked=0, liste=2)
    first = cal(client, "V1")
    typology = {
        **procedure.refusal(listed),
        "motive": "Typologie inadaptée (T2 pour 5).",
    }
    refused = decide(client, first, "V1", [typology])
    assert refused.status_code == 200, refused.text

    second = cal(client, "V7", landlord=OTHER_LANDLORD)
    answer = decide(
        client,
        second,
        "V7",
        [procedure.attribution(listed)],
        organisation=OTHER_LANDLORD,
    )

    assert answer.status_code == 200, answer.text
    dossier = client.get(f"/v1/dossiers/{listed}").json()
    assert dossier["stage"] == "decide_cal"
    # still on the list for a vacancy: its expiry may be recorded only when due
    before = StoreSnapshot.take(client, other)
    early = record(client, other, "list-expiry", {}, role="prefecture")
    assert_error(early, 409, "LC-VALIDITE")
    assert_store_unchanged(client, before, other)


def test_an_attributed_household_is_refused_with_the_real_reason(
    client: TestClient,
) -> None:
    _, [listed], _ = procedure.ranked_dossiers(client, ranked=0, liste=1)
    first = cal(client, "V1")
    let = decide(client, first, "V1", [procedure.attribution(listed)])
    assert let.status_code == 200, let.text
    second = cal(client, "V7")  # its own landlord's next session
    before = StoreSnapshot.take(client, listed)

    answer = decide(client, second, "V7", [procedure.attribution(listed)])

    error = refused(answer, 409, "CAL-PREALABLE", client, before, listed)
    assert "classés ou inscrits" not in error["message"], error
    assert "déjà décidé" in error["message"], error
