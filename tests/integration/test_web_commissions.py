"""The commissions' pages (api/web/commission_pages.py): the agenda, a
session's page and its procès-verbal answer from GET /v1/commissions, GET
/v1/commissions/{id}/list and GET /v1/commissions/{id}/minutes's own functions:
the same scope and access log; escaped; French labels and days."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from api.web import french
from tests.helpers import web
from tests.helpers.api import actor
from tests.helpers.procedure import Procedure, full_procedure
from tests.helpers.web import (
    assert_logged_like_the_api,
    page_as,
    sign_in,
    without_links,
)

pytestmark = pytest.mark.usefixtures("department")

browser = web.browser  # a fixture

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def procedure(client: TestClient) -> Procedure:
    """Fort-de-France's three sessions; the CAL's refusal motive a script."""
    done = full_procedure(client, motive=f"{SCRIPT} Ressources.")
    done.get(client, "/v1/commissions")  # the view has them
    return done


def test_the_agenda_lists_the_sessions_of_the_callers_commune(
    browser: TestClient, procedure: Procedure
) -> None:
    agenda = page_as(browser, "mairie", "/commissions")
    assert "3 séances" in agenda.text
    for title in ("Pré-commission", "Commission préfectorale", "PV clos"):
        assert title in agenda.text
    assert f'href="/commissions/{procedure.cal}"' in agenda.text
    assert 'href="/commissions"' in agenda.text  # the header's navigation
    cal = browser.get("/commissions", params={"kind": "cal", "held_from": ""})
    assert "1 séance" in cal.text
    empty = browser.get(
        "/commissions", params={"held_from": "2030-01-02", "held_until": "2030-01-01"}
    )
    assert empty.status_code == 422
    assert "Période vide" in empty.text


def test_a_sessions_page_shows_its_lists_like_the_api_and_logs_alike(
    client: TestClient, browser: TestClient, procedure: Procedure
) -> None:
    page = page_as(browser, "mairie", f"/commissions/{procedure.prefectorale}")
    lists = procedure.get(client, f"/v1/commissions/{procedure.prefectorale}/list")
    ranked = re.search(r'id="classement".*?</table>', page.text, re.S)
    listed = re.search(r'id="liste-complementaire".*?</table>', page.text, re.S)
    assert ranked is not None
    assert listed is not None
    for entry in lists["ranked"]:
        assert f'href="/dossiers/{entry["dossier_id"]}"' in ranked[0]
    until = french.day(date.fromisoformat(lists["list_valid_until"]))
    assert f"Liste complémentaire, valable jusqu'au {until}" in page.text
    assert listed[0].count(until) == len(lists["liste_complementaire"]) == 2
    assert "préfet" in page.text  # its presidency
    assert procedure.prefectorale not in without_links(page.text)
    assert_logged_like_the_api(
        client,
        lists["ranked"][0]["dossier_id"],
        "mairie",
        [f"/v1/commissions/{procedure.prefectorale}/list"],
        actor("mairie"),
    )


def test_a_cals_page_shows_its_candidates_per_dwelling_escaped(
    browser: TestClient, procedure: Procedure
) -> None:
    page = page_as(browser, "mairie", f"/commissions/{procedure.cal}")
    assert "<script>alert" not in page.text
    assert f"{escape(SCRIPT)} Ressources." in page.text
    first = re.search(r'id="logement-1".*?</table>', page.text, re.S)
    assert first is not None
    assert first[0].count("<tr>") == 4  # its head and three candidates
    assert "non-attribution" in first[0]
    assert "Logement A2 (pas encore examiné)" in page.text
    assert f'href="/commissions/{procedure.cal}/pv"' in page.text


def test_the_minutes_page_is_the_apis_and_logs_alike(
    client: TestClient, browser: TestClient, procedure: Procedure
) -> None:
    page = page_as(browser, "mairie", f"/commissions/{procedure.cal}/pv")
    assert page.headers["content-type"].startswith("text/html")
    assert "Procès-verbal" in page.text or "PROCÈS-VERBAL" in page.text.upper()
    assert "<script>alert" not in page.text
    assert_logged_like_the_api(
        client,
        procedure.ranked[0],
        "mairie",
        [f"/v1/commissions/{procedure.cal}/minutes"],
        actor("mairie"),
    )
    api = client.get(
        f"/v1/commissions/{procedure.cal}/minutes", headers=actor("mairie")
    )
    assert _undated(page.text) == _undated(api.text)
    pdf = browser.get(f"/commissions/{procedure.cal}/pv", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def _undated(minutes: str) -> str:
    """The minutes without the moment they were edited at (in the facts, the
    footer and the metadata: two requests may fall in different seconds)."""
    return re.sub(
        r"(Édité le(</dt><dd>)?|édité par Logis le )[^<.—]*"
        r"|\d{4}-\d\d-\d\dT[\d:.]+\+00:00",
        "",
        minutes,
    )


def test_a_caller_outside_the_scope_gets_the_french_403_page(
    browser: TestClient, procedure: Procedure
) -> None:
    sign_in(browser, "commission_logement")  # the Loire's CLU
    for path in (
        f"/commissions/{procedure.prefectorale}",
        f"/commissions/{procedure.cal}/pv",
    ):
        page = browser.get(path)
        assert page.status_code == 403, path
        assert "Accès refusé" in page.text
    assert procedure.cal not in browser.get("/commissions").text
