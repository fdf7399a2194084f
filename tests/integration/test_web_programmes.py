"""The programmes list (/programmes, api/web/programme_pages.py): the
programmes of the caller's scope as GET /v1/programmes lists them, paginated
and filtered, in the navigation of the roles that may list them; and the
announcement's form for the roles that announce one (the registry's), posting
the creation command POST /v1/programmes takes."""

from __future__ import annotations

import re
from html import unescape
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from tests.helpers import procedure as llts
from tests.helpers import web
from tests.helpers.api import COMMUNE, DEPARTMENT, store_position
from tests.helpers.web import CSRF, hidden_fields, sign_in

pytestmark = pytest.mark.usefixtures("department")

browser = web.browser  # a fixture

LISTED = re.compile(r'<a href="/programmes/([0-9a-f-]{36})">')
ANNOUNCEMENT = {
    "kind": "livraison",
    "name": "Résidence Les Alizés",
    "department": DEPARTMENT,
    "commune": COMMUNE,
    "dwellings.0.ref": "C1",
    "dwellings.0.typology": "T2",
    "dwellings.0.rent": "320",
    "dwellings.0.charges": "40",
}


def caught_up(client: TestClient) -> None:
    position = store_position(client)
    answer = client.get("/v1/programmes", params={"min_position": position})
    assert answer.status_code == 200, answer.text


def announcement_form(browser: TestClient) -> dict[str, str]:
    """The announcement's form as a landlord's agent (SIMAR's) fills it in."""
    sign_in(browser, "bailleur")
    return {**hidden_fields(browser.get("/programmes"), "annonce"), **ANNOUNCEMENT}


def programmes(client: TestClient) -> int:
    """How many programmes GET /v1/programmes lists, caught up with the store."""
    caught_up(client)
    return int(client.get("/v1/programmes").json()["count"])


def test_the_list_is_the_callers_scope_paginated_and_filtered(
    client: TestClient, browser: TestClient
) -> None:
    ours = [llts.announce(client).json()["id"] for _ in range(21)]
    vacancy = llts.announce(client, kind="vacance", refs=["V1"]).json()["id"]
    theirs = llts.announce(client, landlord="Ozanam").json()["id"]
    caught_up(client)
    sign_in(browser, "bailleur")  # SIMAR: its own programmes
    nav = browser.get("/programmes")
    assert nav.status_code == 200, nav.text
    assert 'href="/programmes" aria-current="page"' in nav.text  # in the menu
    first = LISTED.findall(nav.text)
    second = LISTED.findall(browser.get("/programmes", params={"page": 2}).text)
    assert len(first) == 20  # a page
    assert set(first) | set(second) == {*ours, vacancy}
    assert theirs not in first + second  # another landlord's
    assert '<p id="compte">22 programmes — page 1 sur 2</p>' in nav.text
    filtered = LISTED.findall(browser.get("/programmes?kind=vacance").text)
    assert filtered == [vacancy]
    refused = browser.get("/programmes", params={"kind": "vente"})
    assert refused.status_code == 422
    assert "Nature inconnue : « vente »" in unescape(refused.text)


def test_a_role_that_lists_no_programme_has_no_menu_entry_and_is_refused(
    browser: TestClient,
) -> None:
    sign_in(browser, "association")
    page = browser.get("/travail")
    assert 'href="/programmes"' not in page.text
    refused = browser.get("/programmes")
    assert refused.status_code == 403
    assert "Accès refusé" in refused.text


def test_a_landlord_announces_a_programme_by_its_form(
    client: TestClient, browser: TestClient
) -> None:
    sent = announcement_form(browser)
    answer = browser.post("/programmes/annonce", data=sent)
    assert answer.status_code == 303, answer.text
    programme_id = answer.headers["location"].removeprefix("/programmes/")
    app = client.app.state.system.app  # type: ignore[attr-defined]
    history = app.history("programme", UUID(programme_id))
    assert [type(event).__name__ for event in history] == ["Announced"]
    page = browser.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Résidence Les Alizés" in unescape(page.text)
    again = browser.post("/programmes/annonce", data=sent)  # sent twice
    assert again.headers["location"] == answer.headers["location"]
    assert programmes(client) == 1


def test_a_wrong_announcement_is_told_in_french_and_nothing_stored(
    client: TestClient, browser: TestClient
) -> None:
    sent = announcement_form(browser)
    sent["dwellings.0.typology"] = "T9"
    del sent["name"]
    answer = browser.post("/programmes/annonce", data=sent)
    assert answer.status_code == 422
    text = unescape(answer.text)
    form = text[text.index('id="formulaire-annonce"') :]
    assert "fr-input-group--error" in form  # the name, next to its field
    assert "valeur non admise" in form  # the typology, in its cell
    assert 'value="Résidence' not in form  # nothing sent is lost but the name
    assert 'value="C1"' in form
    assert programmes(client) == 0


def test_a_role_that_announces_none_sees_no_form_and_is_refused(
    client: TestClient, browser: TestClient
) -> None:
    sent = announcement_form(browser)
    browser.cookies.clear()
    sign_in(browser, "als")  # lists the department's programmes
    page = browser.get("/programmes")
    assert page.status_code == 200
    assert "formulaire-" not in page.text
    sent["csrf_token"] = CSRF.search(page.text)[1]
    answer = browser.post("/programmes/annonce", data=sent)
    assert answer.status_code == 403
    assert programmes(client) == 0
