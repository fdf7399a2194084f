"""Replay as the store knew it at a moment, for every kind of record the API
serves: a programme, a commission, an ASLL measure and a CCAPEX referral read
with `?known_at=` are exactly what they were then (each event recorded by that
moment, no later one); before they were recorded, 404; another kind's id, 404
too. `?as_of=` with a date and time (its meaning before the two clocks) still
reads the recording clock. Both stores. The day clock: tests/integration/
test_two_clocks.py."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.api import actor, assert_error, today
from tests.helpers.backends import EVERY_STORE
from tests.helpers.mesures_http import ask, post
from tests.helpers.procedure import LEGAL_ATTENDANCE, announce, convene
from tests.helpers.saisines_http import signalled
from tests.helpers.saisines_http import step as saisine_step

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.testclient import TestClient

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]


def now() -> str:
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)  # the next event is recorded strictly later
    return moment


def programme(client: TestClient) -> tuple[str, str, list[Callable[[], Any]]]:
    answer = announce(client)
    assert answer.status_code == 201, answer.text
    programme_id = answer.json()["id"]
    step = lambda: client.post(  # noqa: E731
        f"/v1/programmes/{programme_id}/dwellings/A1/candidates",
        headers=actor("bailleur"),
    )
    return "programmes", programme_id, [step]


def commission(client: TestClient) -> tuple[str, str, list[Callable[[], Any]]]:
    answer = convene(client, "pre_commission")
    assert answer.status_code == 201, answer.text
    commission_id = answer.json()["id"]
    step = lambda: client.post(  # noqa: E731
        f"/v1/commissions/{commission_id}/attendance",
        json={"occurred_on": today().isoformat(), **LEGAL_ATTENDANCE["pre_commission"]},
        headers=actor("als"),
    )
    return "commissions", commission_id, [step]


def mesure(client: TestClient) -> tuple[str, str, list[Callable[[], Any]]]:
    answer = ask(client)
    assert answer.status_code == 201, answer.text
    mesure_id = answer.json()["id"]
    step = lambda: post(  # noqa: E731
        client, mesure_id, "instruction", {"granted": True}, role="commission_logement"
    )
    return "mesures", mesure_id, [step]


def saisine(client: TestClient) -> tuple[str, str, list[Callable[[], Any]]]:
    saisine_id = signalled(client)
    return (
        "saisines",
        saisine_id,
        [lambda: saisine_step(client, saisine_id, "registration")],
    )


@pytest.mark.parametrize("record", [programme, commission, mesure, saisine])
def test_a_record_reads_as_it_stood_at_any_moment(
    client: TestClient, record: Callable[[TestClient], Any]
) -> None:
    before = now()
    resource, record_id, steps = record(client)
    created = now()
    first = client.get(f"/v1/{resource}/{record_id}").json()
    for step in steps:
        answer = step()
        assert answer.status_code == 200, answer.text
    current = client.get(f"/v1/{resource}/{record_id}")
    assert current.json()["version"] > first["version"]

    then = client.get(f"/v1/{resource}/{record_id}", params={"known_at": created})
    assert then.status_code == 200, then.text
    assert then.json() == first  # exactly that state: version, stage, all fields
    assert "ETag" not in then.headers  # a past state is not a version to write on
    former = client.get(f"/v1/{resource}/{record_id}", params={"as_of": created})
    assert former.json() == first  # a moment in as_of: the recording clock
    later = client.get(f"/v1/{resource}/{record_id}", params={"known_at": now()})
    assert later.json() == current.json()

    kind = resource.rstrip("s")
    missing = client.get(f"/v1/{resource}/{record_id}", params={"known_at": before})
    error = assert_error(missing, 404, f"{kind}_not_known_at")
    assert "known_at" in error["message"]


def test_another_kinds_id_is_not_found_as_of_a_moment(client: TestClient) -> None:
    _, mesure_id, _ = mesure(client)
    answer = client.get(f"/v1/saisines/{mesure_id}", params={"known_at": now()})
    assert_error(answer, 404, "saisine_not_found")


def test_a_malformed_moment_is_refused(client: TestClient) -> None:
    _, saisine_id, _ = saisine(client)
    answer = client.get(f"/v1/saisines/{saisine_id}", params={"as_of": "hier"})
    assert_error(answer, 422, "invalid_input")
    answer = client.get(f"/v1/saisines/{saisine_id}", params={"known_at": "hier"})
    assert_error(answer, 422, "invalid_input")
