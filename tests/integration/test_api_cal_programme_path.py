"""Issue 14, hole 1, through the API: a CAL's DALO exemption is the dossier's
recorded recognition, not the request's claim (CAL-TROIS); the liste
complémentaire serves vacancies in existing stock, not a new delivery
(LC-VALIDITE); a programme's dwelling goes to a ranked household only after the
programme's concertation, pré-commission and commission préfectorale
(CAL-PREALABLE). Each refusal leaves the store unchanged. Store-independent:
run on SQLite only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import procedure
from tests.helpers.api import StoreSnapshot, assert_error, assert_store_unchanged
from tests.helpers.backends import SQLITE_ONLY

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

pytestmark = [pytest.mark.usefixtures("department"), SQLITE_ONLY]


def refused(answer: httpx.Response, rule: str) -> str:
    error = assert_error(answer, 409, rule)
    return str(error["message"])


def snapshot(client: TestClient, cal: str, *dossier_ids: str) -> StoreSnapshot:
    resources = [f"/v1/commissions/{cal}", *(f"/v1/dossiers/{i}" for i in dossier_ids)]
    return StoreSnapshot.take(client, resources=resources)


def refused_decision(
    client: TestClient,
    cal: str,
    ref: str,
    candidates: list[dict[str, Any]],
    rule: str,
    **options: Any,
) -> str:
    """The CAL's decision on `ref` refused by `rule`, the session and the
    candidates' dossiers unchanged: the refusal's message."""
    before = snapshot(client, cal, *(c["dossier_id"] for c in candidates))
    answer = procedure.decide(client, cal, ref, candidates, **options)
    message = refused(answer, rule)
    assert_store_unchanged(client, before)
    return message


def cal_on(client: TestClient, ref: str, programme_id: str | None = None) -> str:
    """A CAL in session on the dwelling `ref`, of the programme if one is given."""
    return procedure.in_session(
        client, "cal", programme_id=programme_id, dwelling_refs=[ref]
    )


def refused_dalo_designation(
    client: TestClient,
    dossier_id: str,
    ref: str,
    rule: str,
    delivery: str | None = None,
) -> str:
    """A CAL on the dwelling `ref` (of the delivery, if one is given) attributing
    it to `dossier_id` declared DALO, refused by `rule`: the refusal's message."""
    cal = cal_on(client, ref, delivery)
    dalo = [procedure.attribution(dossier_id, dalo_designated=True)]
    return refused_decision(client, cal, ref, dalo, rule)


def unconcerted_delivery(client: TestClient) -> str:
    announced = procedure.announce(client)  # a new delivery, no concertation held
    assert announced.status_code == 201, announced.text
    return str(announced.json()["id"])


def test_the_issues_delivery_from_the_list_with_a_declared_dalo_is_refused(
    client: TestClient,
) -> None:
    """The issue's path: a new delivery with no concertation, its CAL, one
    household of the liste complémentaire declared DALO."""
    _, [listed], _ = procedure.ranked_dossiers(client, ranked=0, liste=1)
    delivery = unconcerted_delivery(client)

    message = refused_dalo_designation(client, listed, "A1", "LC-VALIDITE", delivery)

    assert "livraison neuve" in message


def test_a_dalo_designation_needs_the_dossiers_recorded_recognition(
    client: TestClient,
) -> None:
    # ranked, not proposed under DALO
    [ranked], _, _ = procedure.ranked_dossiers(client, ranked=1)

    message = refused_dalo_designation(client, ranked, "V1", "CAL-TROIS")

    assert "reconnaissance DALO" in message


def test_a_delivery_goes_to_households_ranked_after_its_concertation(
    client: TestClient,
) -> None:
    delivery = unconcerted_delivery(client)
    ranked, _, _ = procedure.ranked_dossiers(client, delivery, ranked=3)
    cal = cal_on(client, "A1", delivery)
    three = [
        procedure.attribution(ranked[0]),
        procedure.refusal(ranked[1]),
        procedure.refusal(ranked[2]),
    ]

    message = refused_decision(client, cal, "A1", three, "CAL-PREALABLE")

    assert "concertation" in message
    assert "pré-commission" not in message  # held for it: only what is missing


def test_a_delivery_goes_to_households_its_own_commissions_ranked(
    client: TestClient,
) -> None:
    delivery = procedure.concerted_programme(client)
    ranked, _, _ = procedure.ranked_dossiers(client, ranked=1)  # for no programme
    cal = cal_on(client, "A1", delivery)
    one = [procedure.attribution(ranked[0])]

    message = refused_decision(
        client, cal, "A1", one, "CAL-PREALABLE", shortfall_motive=procedure.SHORTFALL
    )

    assert "sa pré-commission, sa commission préfectorale" in message
    assert "concertation" not in message
