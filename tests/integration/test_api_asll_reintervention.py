"""Issue 14, hole 5, over the API on both stores: a re-intervention asked the day
of a measure's bilan, once the department's renewals are used, is refused
(ASLL-DUREE) with nothing stored; asked after a measure never renewed, it is
recorded as the chain's renewal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers.api import (
    DEPARTMENT,
    StoreSnapshot,
    adopt_settings,
    refused,
)
from tests.helpers.mesures_http import (
    ask,
    asll_settings,
    course,
    drive_mesure,
    read,
    request_body,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient


def test_a_chained_re_intervention_counts_as_a_renewal(client: TestClient) -> None:
    # Dordogne's rule: renewable once.
    answer = adopt_settings(client, DEPARTMENT, asll_settings(asll_renewals_allowed=1))
    assert answer.status_code == 201, answer.text
    renewed = drive_mesure(client, to="terminee")  # the course renews it once
    before = StoreSnapshot.take(client, resources=[f"/v1/mesures/{renewed}"])
    answer = ask(client, request_body(previous_mesure_id=renewed))
    refused(answer, 409, "ASLL-DUREE", client, before)

    never_renewed = [s for s in course() if "renewal" not in s.slug]
    ended = drive_mesure(client, to="terminee", path=never_renewed)
    answer = ask(client, request_body(previous_mesure_id=ended))
    assert answer.status_code == 201, answer.text
    assert read(client, answer.json()["id"])["chain_renewals"] == 1
