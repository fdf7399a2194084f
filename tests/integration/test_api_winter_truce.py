"""Issue 14, hole 7, over the API on both stores: the CCAPEX records an
expulsion during the winter truce (CPCE L412-6) as it happened, and the legality
engine reports it (CCAPEX-SAISINE) unless a legal exception lifts the truce; an
unknown exception is refused with nothing stored."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.api import (
    StoreSnapshot,
    refused,
)
from tests.helpers.saisines_http import COURSE, SPRING, signalled, step

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")

IN_TRUCE = date(SPRING.year, 12, 1)  # after the course's last step, before today


def closing(**fields: Any) -> dict[str, Any]:
    return {"occurred_on": IN_TRUCE.isoformat(), "outcome": "expulsion", **fields}


def expelled(client: TestClient, **fields: Any) -> tuple[str, list[dict[str, Any]]]:
    saisine_id = signalled(client, *COURSE[:-1])
    answer = step(client, saisine_id, "closure", closing(**fields))
    assert answer.status_code == 200, answer.text
    legality = client.get(f"/v1/legality/saisines/{saisine_id}")
    assert legality.status_code == 200, legality.text
    return saisine_id, legality.json()["findings"]


def test_expulsion_in_the_truce_is_recorded_and_reported(client: TestClient) -> None:
    saisine_id, findings = expelled(client)
    assert client.get(f"/v1/saisines/{saisine_id}").json()["outcome"] == "expulsion"
    assert [f["rule"] for f in findings] == ["CCAPEX-SAISINE"]
    assert "trêve hivernale" in findings[0]["message"]
    _, lifted = expelled(client, truce_exception="relogement_assure")
    assert lifted == []


def test_an_unknown_exception_is_refused_and_nothing_stored(
    client: TestClient,
) -> None:
    saisine_id = signalled(client, *COURSE[:-1])
    before = StoreSnapshot.take(client, resources=[f"/v1/saisines/{saisine_id}"])
    answer = step(client, saisine_id, "closure", closing(truce_exception="bon_vouloir"))
    refused(answer, 422, "invalid_input", client, before)
