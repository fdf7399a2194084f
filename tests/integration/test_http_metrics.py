"""/metrics counts HTTP requests by method, route template and status, with
their latency: the template, never the ids in the path."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.helpers.api import actor, drive_dossier

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")


def sample(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and ",".join(sorted(match.group(1).split(","))) == wanted:
            return float(match.group(2))
    return 0.0


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    dossier_id = drive_dossier(client, to="identifie")
    route = "/v1/dossiers/{dossier_id}"
    before = client.get("/metrics").text
    for _ in range(3):
        assert client.get(f"/v1/dossiers/{dossier_id}").status_code == 200
    assert (
        client.get("/v1/dossiers/6f1c3e0e-2a8b-4a5e-9a51-6e1f0c2d7b90").status_code
        == 404
    )
    assert client.get("/nulle-part").status_code == 404
    denied = client.get(
        f"/v1/dossiers/{dossier_id}", headers=actor("bailleur", organisation="Autre")
    )
    after = client.get("/metrics").text

    def grew(**labels: str) -> float:
        name = "logis_http_requests_total"
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew(method="GET", route=route, status="200") == 3
    assert grew(method="GET", route=route, status="404") == 1
    assert grew(method="GET", route=route, status=str(denied.status_code)) >= 1
    assert grew(method="GET", route="unmatched", status="404") == 1
    assert dossier_id not in after  # no series per record
    latency = "logis_http_request_duration_seconds_count"
    assert (
        sample(after, latency, method="GET", route=route)
        - sample(before, latency, method="GET", route=route)
        >= 4
    )
