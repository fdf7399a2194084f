"""The dossiers' search (issue 17): words found, without case or accents, in
what the list's view holds for the caller (reference, numéro unique, commune's
code or name, programme's name, landlord), never the household's name; the
page's GET form and GET /v1/dossiers?q= answer alike, on both stores, and log
what they list as the list does; a search refused logs nothing."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs

import pytest
from starlette.testclient import TestClient

from api.access_log import DOSSIER_ROW
from api.web.pages import PAGE_SIZE
from tests.helpers import web
from tests.helpers.api import identification, identify
from tests.helpers.backends import EVERY_STORE
from tests.helpers.procedure import announce
from tests.helpers.web import logged_reads, sign_in

pytestmark = EVERY_STORE
browser = web.browser  # a fixture


@pytest.fixture
def dossiers(client: TestClient, department: str) -> tuple[str, str]:
    """Two dossiers: one for the Flamboyants in Fort-de-France, one in
    Schœlcher without a programme (numéro unique …77B), the view caught up."""
    programme = announce(client)
    assert programme.status_code == 201, programme.text
    body = identification(
        applicant_name="Éloïse Flamboyant-Résidence",
        programme_id=programme.json()["id"],
    )
    first = identify(client, body)
    assert first.status_code == 201, first.text
    second = identify(
        client,
        identification(
            applicant_name="Lamentin Fort",
            commune="97229",
            numero_unique="0972250100077B",
        ),
    )
    assert second.status_code == 201, second.text
    listed = client.get(
        "/v1/dossiers", params={"min_position": second.json()["position"]}
    )
    assert listed.status_code == 200, listed.text
    return str(first.json()["id"]), str(second.json()["id"])


def listed(browser: TestClient, q: str) -> str:
    page = browser.get("/dossiers", params={"q": q})
    assert page.status_code == 200, page.text
    return page.text


def test_words_find_dossiers_without_case_or_accents(
    client: TestClient, browser: TestClient, dossiers: tuple[str, str]
) -> None:
    flamboyants, schoelcher = dossiers
    sign_in(browser, "auditeur", home="/dossiers")
    searches = {
        "RESIDENCE flamboyants": {flamboyants},  # the programme's name
        "SCHOELCHER": {schoelcher},  # the commune's name, « Schœlcher »
        "97229": {schoelcher},  # the commune's code
        "97209": {flamboyants},
        "ccas de FORT-DE-FRANCE": {flamboyants, schoelcher},  # who identified them
        "0972250100077b": {schoelcher},  # the numéro unique
        flamboyants[:8]: {flamboyants},  # the reference's first characters
        "972": {flamboyants, schoelcher},  # the department
    }
    for q, expected in searches.items():
        page = listed(browser, q)
        found = {d for d in dossiers if f'href="/dossiers/{d}"' in page}
        assert found == expected, q
        api = client.get("/v1/dossiers", params={"q": q})
        assert api.status_code == 200, api.text
        assert {row["id"] for row in api.json()["data"]} == expected, q
        assert api.json()["count"] == len(expected), q
    page = listed(browser, "<b>flamboyants</b>")  # sent back, escaped
    assert 'value="&lt;b&gt;flamboyants&lt;/b&gt;"' in page
    assert 'method="get"' in page  # a form without JavaScript
    assert 'name="q"' in page


def test_the_households_names_are_not_searched(
    client: TestClient, browser: TestClient, dossiers: tuple[str, str]
) -> None:
    sign_in(browser, "auditeur", home="/dossiers")
    for q in ("Éloïse", "lamentin", "Fort Lamentin"):  # names, not places
        page = listed(browser, q)
        assert "Aucun dossier ne correspond." in page, q
        assert all(d not in page for d in dossiers), q
        assert client.get("/v1/dossiers", params={"q": q}).json()["count"] == 0


def test_a_search_logs_what_it_lists_as_the_list_does(
    client: TestClient, browser: TestClient, dossiers: tuple[str, str]
) -> None:
    flamboyants, schoelcher = dossiers
    before = {d: logged_reads(client, d, "auditeur") for d in dossiers}
    sign_in(browser, "auditeur", home="/dossiers")
    listed(browser, "schoelcher")
    assert logged_reads(client, schoelcher, "auditeur") == sorted(
        [*before[schoelcher], ("GET /dossiers", DOSSIER_ROW)]
    )
    assert logged_reads(client, flamboyants, "auditeur") == before[flamboyants]


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("%_%", "La recherche « %_% » ne contient ni lettre ni chiffre."),
        ("a b c d e f g h i", "La recherche compte plus de 8 mots."),
        ("x" * 81, "Requête invalide"),
    ],
)
def test_a_bad_search_is_refused_in_french_and_logs_nothing(
    client: TestClient,
    browser: TestClient,
    dossiers: tuple[str, str],
    q: str,
    message: str,
) -> None:
    before = {d: logged_reads(client, d, "auditeur") for d in dossiers}
    sign_in(browser, "auditeur", home="/dossiers")
    page = browser.get("/dossiers", params={"q": q})
    assert page.status_code == 422
    assert message.replace("'", "&#39;") in page.text
    api = client.get("/v1/dossiers", params={"q": q})
    assert api.status_code == 422
    assert message in api.text
    for dossier in dossiers:
        assert logged_reads(client, dossier, "auditeur") == before[dossier]


def test_the_next_page_keeps_the_search(
    client: TestClient, browser: TestClient, department: str
) -> None:
    for n in range(PAGE_SIZE + 1):
        body = identification(
            applicant_name=f"Ménage {n}", numero_unique=None, sne_registered_on=None
        )
        answer = identify(client, body)
        assert answer.status_code == 201, answer.text
    position = answer.json()["position"]
    assert client.get("/v1/dossiers", params={"min_position": position}).is_success
    sign_in(browser, "auditeur", home="/dossiers")
    first = listed(browser, "Fort-de-France")
    assert f"{PAGE_SIZE + 1} dossiers — page 1 sur 2" in first
    link = re.search(r'href="\?([^"]*)">Page suivante', first)
    assert link is not None
    assert parse_qs(html.unescape(link[1])) == {
        "q": ["Fort-de-France"],
        "page": ["2"],
    }
    second = browser.get(f"/dossiers?{html.unescape(link[1])}")
    assert second.status_code == 200, second.text
    assert f"{PAGE_SIZE + 1} dossiers — page 2 sur 2" in second.text
