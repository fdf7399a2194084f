"""Logis assigns household ids (issue 13): a client may not invent one, and
links a new dossier, measure or referral to a household Logis knows only if it
may read one of that household's records; otherwise anyone with a write role
could attach a record to another household and hold back its erasure.

The rule reads the keys table and the records, the same on both stores: run on
SQLite only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    actor,
    identification,
    identify,
    store_position,
)
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    ask,
    asll,
    read,
    request_body,
)
from tests.helpers.saisines_http import signal, signalling

if TYPE_CHECKING:
    from starlette.testclient import TestClient

# Another commune of the department: its CCAS reads none of Fort-de-France's.
LAMENTIN = "97213"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def household_of(client: TestClient, dossier_id: str) -> str:
    household: str = client.get(f"/v1/dossiers/{dossier_id}").json()["household_id"]
    return household


def refused(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == code
    assert body["message"]


@pytest.mark.usefixtures("asll")
def test_a_household_id_logis_never_assigned_is_refused(client: TestClient):
    invented = str(uuid4())
    before = store_position(client)
    refused(
        identify(client, identification(household_id=invented)),
        422,
        "unknown_household",
    )
    refused(ask(client, request_body(household_id=invented)), 422, "unknown_household")
    refused(signal(client, signalling(household_id=invented)), 422, "unknown_household")
    assert (
        "Ménage inconnu"
        in identify(client, identification(household_id=invented)).json()["message"]
    )
    assert store_position(client) == before


@pytest.mark.usefixtures("department")
def test_logis_assigns_a_new_household_to_each_new_record(client: TestClient):
    first = identify(client, identification())
    second = identify(client, identification())
    assert first.status_code == second.status_code == 201
    one, two = (household_of(client, a.json()["id"]) for a in (first, second))
    assert one != two


@pytest.mark.usefixtures("asll")
def test_a_caller_who_reads_a_record_of_the_household_links_to_it(
    client: TestClient,
):
    dossier = identify(client, identification()).json()["id"]
    household = household_of(client, dossier)
    # The CCAS of the dossier's commune reads it: it may link to its household.
    again = client.post(
        "/v1/dossiers",
        json=identification(household_id=household),
        headers=actor("ccas", commune=COMMUNE),
    )
    assert again.status_code == 201, again.text
    assert household_of(client, again.json()["id"]) == household
    # The ALS reads every dossier of its department: it may prescribe for it.
    mesure = client.post(
        "/v1/mesures",
        json=request_body(household_id=household),
        headers=actor("als", department=DEPARTMENT),
    )
    assert mesure.status_code == 201, mesure.text
    assert read(client, mesure.json()["id"])["household_id"] == household


@pytest.mark.usefixtures("asll")
def test_a_caller_who_reads_none_of_its_records_may_not_link_to_it(
    client: TestClient,
):
    dossier = identify(client, identification()).json()["id"]
    household = household_of(client, dossier)
    before = store_position(client)
    # A CCAS of another commune, a prescriber who prescribed nothing for it.
    elsewhere = client.post(
        "/v1/dossiers",
        json=identification(household_id=household, commune=LAMENTIN),
        headers=actor("ccas", commune=LAMENTIN),
    )
    refused(elsewhere, 403, "forbidden")
    refused(
        ask(client, request_body(household_id=household), role="prescripteur"),
        403,
        "forbidden",
    )
    refused(signal(client, signalling(household_id=household)), 403, "forbidden")
    assert store_position(client) == before
