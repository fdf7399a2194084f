"""The web pages (api/web/): signed in through the session cookie, a person is
the same caller as a bearer token, with the same scope, redaction and access
log as the JSON API; pages escape what records hold; POST forms need the
session's CSRF token."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.access_log import DOSSIER, DOSSIER_ROW
from api.main import create_app
from infra.settings import Settings
from tests.helpers import raw_sql, web
from tests.helpers.api import actor, identification, identify
from tests.helpers.web import (
    assert_as_of_like_the_api,
    assert_logged_like_the_api,
    logged_reads,
    sign_in,
    without_links,
)

browser = web.browser  # a fixture


@pytest.fixture
def dossier_id(client: TestClient, department: str) -> str:
    body = identification(applicant_name="<script>alert(1)</script> Lordinot")
    answer = identify(client, body)
    assert answer.status_code == 201, answer.text
    # the list's view has it (the pages read the view as it stands)
    listed = client.get(
        "/v1/dossiers", params={"min_position": answer.json()["position"]}
    )
    assert listed.status_code == 200
    return str(answer.json()["id"])


def test_pages_redirect_to_sign_in_without_a_session(browser: TestClient) -> None:
    for path in ("/", "/dossiers", "/dossiers/0b7e9a52-5d3c-4d5e-9a55-6f7b8e9d0c1a"):
        answer = browser.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/connexion", path


def test_session_cookie_is_signed_httponly_and_lax(browser: TestClient) -> None:
    set_cookie = sign_in(browser, "mairie").headers["set-cookie"]
    assert [c.name for c in browser.cookies.jar] == ["logis_session"]
    assert "httponly" in set_cookie.lower()
    assert "samesite=lax" in set_cookie.lower()
    assert "secure" not in set_cookie.lower()  # loopback: plain http


def test_a_form_without_the_csrf_token_is_refused(browser: TestClient) -> None:
    browser.get("/connexion")
    answer = browser.post("/connexion", data={"identity": "0"})
    assert answer.status_code == 403
    assert "Formulaire expiré" in answer.text
    assert browser.get("/dossiers").status_code == 303  # not signed in
    sign_in(browser, "mairie")
    assert browser.post("/deconnexion", data={"csrf_token": "x"}).status_code == 403
    assert browser.get("/dossiers").status_code == 200  # still signed in


def test_list_and_page_escape_and_log_like_the_api(
    client: TestClient, browser: TestClient, dossier_id: str
) -> None:
    sign_in(browser, "mairie")
    page = browser.get("/dossiers", params={"stage": "identifie"})
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Lordinot" in page.text
    assert "<script>alert" not in page.text
    assert f'href="/dossiers/{dossier_id}"' in page.text
    assert "<td>Fort-de-France (97209)</td>" in page.text  # its code once
    assert "Ménage repéré, dossier LLTS ouvert" in page.text  # a label, not a code
    dossier = browser.get(f"/dossiers/{dossier_id}")
    assert dossier.status_code == 200, dossier.text
    assert "<script>alert" not in dossier.text
    assert "Fondement : DOS-ORIGINE" in dossier.text
    assert dossier_id not in without_links(dossier.text)  # no UUID
    read = logged_reads(client, dossier_id, "mairie")
    # what GET /v1/dossiers, GET /v1/dossiers/{id} and its history log: a
    # row for the list, one for the record, one for its history
    assert read == [
        ("GET /dossiers", DOSSIER_ROW),
        ("GET /dossiers/{dossier_id}", DOSSIER),
        ("GET /dossiers/{dossier_id}", DOSSIER),
    ], read


def test_each_list_names_its_filters_form(browser: TestClient) -> None:
    # the form's accessible name, from the list's heading (api/web/templates/_list.html)
    sign_in(browser, "auditeur", home="/dossiers")
    for path, things in (
        ("/dossiers", "dossiers"),
        ("/mesures", "mesures"),
        ("/saisines", "saisines"),
        ("/programmes", "programmes"),
        ("/commissions", "commissions"),
    ):
        page = browser.get(path)
        assert page.status_code == 200, (path, page.text)
        assert f'role="search" aria-label="Filtrer les {things}">' in page.text, path


def test_as_of_is_the_apis(
    client: TestClient, browser: TestClient, dossier_id: str
) -> None:
    sign_in(browser, "auditeur", home="/dossiers")
    assert_as_of_like_the_api(client, browser, "dossier", dossier_id, "Tel qu'au")
    wrong = browser.get(f"/dossiers/{dossier_id}", params={"as_of": "hier"})
    assert wrong.status_code == 422
    assert "n&#39;est pas un jour" in wrong.text


def test_a_caller_outside_the_scope_gets_the_french_403_page(
    browser: TestClient, dossier_id: str
) -> None:
    sign_in(browser, "commission_logement")  # the Loire's CLU
    page = browser.get(f"/dossiers/{dossier_id}")
    assert page.status_code == 403
    assert "Accès refusé" in page.text
    assert '<html lang="fr"' in page.text
    listed = browser.get("/dossiers")
    assert dossier_id not in listed.text


def test_state_brand_only_for_a_state_operator(
    browser: TestClient, settings: Settings
) -> None:
    page = browser.get("/connexion")
    assert "fr-logo" not in page.text
    assert 'class="logis-neutral"' in page.text  # no Marianne either
    state = settings.model_copy(update={"state_operator": True})
    with TestClient(create_app(state)) as operated_by_the_state:
        page = operated_by_the_state.get("/connexion")
    assert "fr-logo" in page.text
    assert "logis-neutral" not in page.text


def test_legality_and_verified_history_only_for_whom_the_api_answers(
    client: TestClient, browser: TestClient, dossier_id: str, settings: Settings
) -> None:
    # the auditor reads its legality and verifies its chain
    sign_in(browser, "auditeur", home="/dossiers")
    before = logged_reads(client, dossier_id, "auditeur")  # the client's own
    page = browser.get(f"/dossiers/{dossier_id}")
    assert page.status_code == 200, page.text
    assert ">Historique vérifié<" in page.text
    assert 'id="legalite"' in page.text
    assert_logged_like_the_api(
        client,
        dossier_id,
        "auditeur",
        [
            f"/v1/dossiers/{dossier_id}",
            f"/v1/dossiers/{dossier_id}/history",
            f"/v1/legality/dossiers/{dossier_id}",
            f"/v1/dossiers/{dossier_id}/verify",
        ],
        actor("auditeur"),
        before,
    )
    legality = client.get(f"/v1/legality/dossiers/{dossier_id}").json()
    for finding in legality["findings"]:
        assert finding["rule"] in page.text
    if not legality["findings"]:
        assert "Aucun manquement constaté" in page.text
    # a seal rewritten behind Logis's back: the page says so
    raw_sql.execute(
        settings.database_url,
        "UPDATE event_seals SET event_hash = ? WHERE notification_id = "
        "(SELECT max(notification_id) FROM event_seals)",
        ("00" * 32,),
    )
    altered = browser.get(f"/dossiers/{dossier_id}")
    assert ">Historique altéré<" in altered.text
    assert 'id="alteration"' in altered.text
    browser.cookies.clear()
    sign_in(browser, "mairie")  # reads neither
    page = browser.get(f"/dossiers/{dossier_id}")
    assert page.status_code == 200
    assert 'id="legalite"' not in page.text
    assert 'id="verifie"' not in page.text
    assert_logged_like_the_api(
        client,
        dossier_id,
        "mairie",
        [f"/v1/dossiers/{dossier_id}", f"/v1/dossiers/{dossier_id}/history"],
        actor("mairie"),
    )
