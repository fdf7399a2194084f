"""The ASLL measures' and the CCAPEX referrals' pages (api/web/record_pages.py):
the same scope, redaction and access log as GET /v1/mesures, /v1/mesures/{id},
/v1/saisines/{id} and their histories; escaped; French labels and days."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from api.web import french
from domain.shared import add_months
from tests.helpers import web
from tests.helpers.api import actor, today
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    DIAGNOSIS,
    INSTRUCTION,
    MEETING,
    Step,
    asll,
    convention,
    drive_mesure,
    notification,
    read,
    take,
)
from tests.helpers.saisines_http import BODIES, DAY, dated, signalled, step
from tests.helpers.web import (
    assert_as_of_like_the_api,
    assert_logged_like_the_api,
    sign_in,
    without_links,
)

browser = web.browser  # a fixture

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def mesure_id(client: TestClient, asll: str) -> str:  # noqa: F811
    """A measure of AGASEF's under convention, its référent's name a script,
    with one meeting; the list's view has it."""
    signed = Step(
        "convention", "association", convention(worker=f"{SCRIPT} Vidal"), "en_cours"
    )
    path = [INSTRUCTION, notification(), DIAGNOSIS, signed]
    mesure_id = drive_mesure(client, to="en_cours", path=path)
    met = take(client, mesure_id, MEETING)
    assert met.status_code == 200, met.text
    listed = client.get("/v1/mesures", params={"min_position": met.json()["position"]})
    assert listed.status_code == 200
    return mesure_id


def test_mesures_list_and_page_escape_label_and_log_like_the_api(
    client: TestClient, browser: TestClient, mesure_id: str
) -> None:
    sign_in(browser, "departement")  # Martinique's
    listed = browser.get("/mesures", params={"association": "agasef"})
    assert listed.status_code == 200, listed.text
    assert f'href="/mesures/{mesure_id}"' in listed.text
    assert "ASLL individuelle" in listed.text
    assert "en cours" in listed.text  # the stage's label
    assert (
        browser.get("/mesures", params={"stage": "terminee"}).text.count(
            f"/mesures/{mesure_id}"
        )
        == 0
    )
    page = browser.get(f"/mesures/{mesure_id}")
    assert page.status_code == 200, page.text
    assert "<script>alert" not in page.text
    assert f"{escape(SCRIPT)} Vidal" in page.text
    api = read(client, mesure_id)
    ends_on = date.fromisoformat(api["ends_on"])
    bilan = re.search(r'<dd id="bilan">([^<]*)</dd>', page.text)
    assert bilan is not None
    assert bilan[1] == french.day(ends_on)  # due by the convention's last day
    assert f"{french.day(today())} — tenue" in page.text  # the meeting
    assert str(escape("Convention d'accompagnement signée")) in page.text
    assert "Fondement : ASLL-ADHESION" in page.text
    assert mesure_id not in without_links(page.text)  # no UUID
    assert_logged_like_the_api(
        client,
        mesure_id,
        "departement",
        [
            "/v1/mesures?association=agasef",
            "/v1/mesures?stage=terminee",
            f"/v1/mesures/{mesure_id}",
            f"/v1/mesures/{mesure_id}/history",
        ],
        actor("departement"),
    )


def test_an_association_lands_on_its_worklist_and_reads_no_dossiers(
    client: TestClient, browser: TestClient, mesure_id: str
) -> None:
    sign_in(browser, "association")  # AGASEF
    assert browser.get("/").headers["location"] == "/travail"
    work = browser.get("/travail")
    assert work.status_code == 200, work.text
    # under convention: its bilan is due by the convention's last day
    ends_on = date.fromisoformat(read(client, mesure_id)["ends_on"])
    row = re.search(
        rf"<td>Bilan de fin de mesure à rendre</td>\s*"
        rf'<td><a href="/mesures/{mesure_id}">([^<]*)</a></td>\s*<td>([^<]*)</td>',
        work.text,
    )
    assert row is not None, work.text
    assert row[1] == "Mesure ASLL individuelle à Fort-de-France (97209)"
    assert row[2].strip() == french.day(ends_on)
    listed = browser.get("/mesures")
    assert f'href="/mesures/{mesure_id}"' in listed.text
    assert 'href="/mesures"' in listed.text  # the header's navigation
    assert 'href="/travail"' in listed.text
    assert 'href="/dossiers"' not in listed.text
    refused = browser.get("/dossiers")
    assert refused.status_code == 403
    assert "Accès refusé" in refused.text


def test_mesure_as_of_is_the_apis(
    client: TestClient, browser: TestClient, mesure_id: str
) -> None:
    sign_in(browser, "auditeur", home="/dossiers")
    assert_as_of_like_the_api(client, browser, "mesure", mesure_id, "Telle qu'au")


def test_a_caller_outside_the_scope_gets_the_french_403_page(
    browser: TestClient, mesure_id: str, saisine_id: str
) -> None:
    sign_in(browser, "commission_logement")  # the Loire's CLU
    assert browser.get(f"/mesures/{mesure_id}").status_code == 403
    assert mesure_id not in browser.get("/travail").text
    assert mesure_id not in browser.get("/mesures").text
    browser.cookies.clear()
    sign_in(browser, "ccapex")  # the Loire's CCAPEX, on its worklist
    page = browser.get(f"/saisines/{saisine_id}")
    assert page.status_code == 403
    assert "Accès refusé" in page.text
    assert '<html lang="fr"' in page.text


@pytest.fixture
def saisine_id(client: TestClient, asll: str) -> str:  # noqa: F811
    """A referral oriented by the CCAPEX, the orientation's note a script."""
    saisine_id = signalled(client, "registration", "enquiry-request", "enquiry-return")
    note = dated("orientation", towards="fsl", note=f"{SCRIPT} FSL")
    assert step(client, saisine_id, "orientation", note).status_code == 200
    return saisine_id


def test_saisine_page_redacts_escapes_and_logs_like_the_api(
    client: TestClient, browser: TestClient, saisine_id: str
) -> None:
    sign_in(browser, "prefecture")  # Martinique's
    page = browser.get(f"/saisines/{saisine_id}")
    assert page.status_code == 200, page.text
    assert_logged_like_the_api(
        client,
        saisine_id,
        "prefecture",
        [
            f"/v1/saisines/{saisine_id}",
            f"/v1/saisines/{saisine_id}/history",
            f"/v1/legality/saisines/{saisine_id}",  # it reads the legality too
        ],
        actor("prefecture"),
    )
    assert "<script>alert" not in page.text
    assert f"{escape(SCRIPT)} FSL" in page.text
    assert ">orientée<" in page.text
    assert "saisine par le bailleur" in page.text
    assert french.euros("1850.40") in page.text
    # the Préfecture reads the enquiry's avis, not its summary (Soc)
    api = client.get(f"/v1/saisines/{saisine_id}", headers=actor("prefecture"))
    assert api.json()["enquiry"]["summary"] is None
    summary = re.search(r'<dd id="synthese">(.*?)</dd>', page.text)
    assert summary is not None
    assert "Non communiqué à votre rôle" in summary[1]
    earliest = add_months(DAY["signal"], 2)  # a legal-entity landlord's
    assert f"Assignation possible au plus tôt le</dt><dd>{french.day(earliest)}" in (
        page.text
    )
    assert BODIES["enquiry-request"]["operator"] in page.text
    assert saisine_id not in without_links(page.text)
