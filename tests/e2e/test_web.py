"""The web pages in a real browser: Debian's Chromium driven by Playwright,
against `logis serve` on the demo (tests/e2e/conftest.py). Nothing may leave
127.0.0.1: every other request is aborted and fails the test.

The browser is the system's (`make system` installs Debian's chromium), never
one Playwright downloads; Playwright is pinned (pyproject.toml) to the release
whose bundled Chromium has the same major version, which a test checks. With
CI set these tests never skip; without chromium locally, they skip."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from api.demo.identities import DEMO_IDENTITIES
from api.demo.loire import LOIRE, SAINT_ETIENNE
from api.web import french
from api.web.pages import landing
from domain.programme_steps import CONCERTATION_PARTNERS
from domain.shared import add_months
from tests.e2e.browsing import (
    chromium_or_skip,
    late_referral,
    martinique_dossier,
    sign_in,
)
from tests.e2e.support import ADDED_BY_A_SCENARIO, PROGRAMME_BY_A_SCENARIO
from tests.helpers.api import (
    SOCIAL_ENQUIRY,
    actor,
    identification,
    identify,
    record,
    today,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.support import Server


def _major(version: str) -> int:
    found = re.search(r"(\d+)\.\d+\.\d+", version)
    assert found, version
    return int(found[1])


def test_playwright_and_debian_chromium_have_one_major_version() -> None:
    import playwright

    chromium = chromium_or_skip()
    shipped = Path(playwright.__file__).parent / "driver/package/browsers.json"
    bundled = next(
        b["browserVersion"]
        for b in json.loads(shipped.read_text())["browsers"]
        if b["name"] == "chromium"
    )
    installed = subprocess.run(
        [chromium, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert _major(bundled) == _major(installed), (
        f"Playwright pilote Chromium {bundled}, Debian fournit {installed.strip()} :"
        " déplacez l'épinglage de playwright dans pyproject.toml."
    )


def from_menu(page: Page, link: str, path: str) -> None:
    """Open a page by the header's navigation."""
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name=link).click()
    page.wait_for_url(f"**{path}")


def test_sign_in_list_filter_dossier_timeline_and_as_of(page: Page) -> None:
    page.goto("/dossiers")
    assert urlsplit(page.url).path == "/connexion"  # not signed in: sign-in page
    assert page.locator("html").get_attribute("lang") == "fr"
    sign_in(page, "mairie")
    page.goto("/dossiers")
    assert page.get_by_role("heading", name="Dossiers LLTS").is_visible()
    page.get_by_label("Rechercher").fill("FORT-DE-FRANCE")  # its commune's name
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"q=FORT-DE-FRANCE"))
    assert page.locator("table tbody tr").count() >= 1
    page.get_by_label("Rechercher").fill("Zyxwvu")  # nothing holds it
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"q=Zyxwvu"))
    assert page.get_by_text("Aucun dossier ne correspond.").is_visible()
    page.get_by_label("Rechercher").fill("")
    page.get_by_label("Étape", exact=True).select_option("avis_mairie_rendu")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"stage=avis_mairie_rendu"))
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert "Avis de la Mairie rendu" in rows.first.inner_text()  # a label
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    assert page.locator("#etape").text_content() == "Avis de la Mairie rendu"
    timeline = page.locator("#historique > li")
    steps = timeline.count()
    assert steps >= 3  # identified, social enquiry, Mairie's avis
    assert "Fondement" in timeline.first.inner_text()
    days = [li.get_attribute("data-occurred-on") for li in timeline.all()]
    first = min(day for day in days if day)
    # as it stood on the day of its first step: only the steps of that day
    page.get_by_label("Voir le dossier tel qu'il était le").fill(first)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(rf"as_of={first}"))
    assert "Tel qu'au" in (page.locator("main").text_content() or "")
    then = page.locator("#historique > li")
    assert 1 <= then.count() == sum(day == first for day in days) < steps
    assert page.locator("#etape").text_content() != "Avis de la Mairie rendu"


def test_docs_render_swagger_ui_offline(page: Page) -> None:
    page.goto("/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Logis" in page.locator(".swagger-ui .info .title").inner_text()
    page.goto("/redoc")
    page.locator("redoc .api-info h1, [role=navigation]").first.wait_for()


def test_a_post_form_without_its_csrf_token_is_refused(page: Page) -> None:
    sign_in(page, "mairie")
    answer = page.request.post("/deconnexion", form={"csrf_token": "forged"})
    assert answer.status == 403
    assert "Formulaire expiré" in answer.text()
    page.goto("/dossiers")
    assert urlsplit(page.url).path == "/dossiers"  # still signed in
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion")


def test_a_caller_outside_the_scope_gets_the_french_403_page(
    page: Page, server: Server
) -> None:
    sign_in(page, "commission_logement")  # the Loire's CLU
    answer = page.goto(martinique_dossier(server))
    assert answer is not None
    assert answer.status == 403
    assert page.get_by_role("heading", name="Accès refusé").is_visible()


def test_an_association_opens_one_of_its_measures(page: Page) -> None:
    sign_in(page, "association")  # AGASEF
    page.goto("/mesures")
    assert page.get_by_role("heading", name="Mesures ASLL").is_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert all("AGASEF" in row.inner_text() for row in rows.all())
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/mesures/[0-9a-f-]{36}$"))
    assert page.locator("#etape").text_content()
    assert page.locator("#historique > li").count() >= 1
    main = page.locator("main").inner_text()
    assert "Mesure ASLL demandée par le prescripteur" in main


def test_the_ccapex_opens_a_referral(page: Page, server: Server) -> None:
    sign_in(page, "ccapex")  # the Loire's CCAPEX, on its worklist
    page.goto(late_referral(server))
    assert page.get_by_role("heading", name=re.compile("Saisine CCAPEX")).is_visible()
    assert "moins de deux mois" in page.locator("#manquements").inner_text()
    assert page.locator("#historique > li").count() >= 2


def test_the_ccapex_worklist_shows_a_referral_by_its_legal_deadline(
    page: Page, server: Server
) -> None:
    """A legal-entity landlord's tenant signalled today awaits the CCAPEX's
    registration, due by the first day the landlord may assign (two months:
    CCAPEX-SAISINE); the item opens the referral, and the referrals' list
    shows the same day."""
    signalled_on = today()
    with server.client() as api:  # the Préfecture relays a commandement de payer
        body = {
            "source": "commandement_de_payer",
            "department": LOIRE,
            "commune": SAINT_ETIENNE,
            "landlord": "Loire Habitat",
            "landlord_is_legal_entity": True,
            "arrears": "1200.00",
            "occurred_on": signalled_on.isoformat(),
        }
        headers = actor("prefecture", department=LOIRE)
        answer = api.post("/v1/saisines", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        saisine = answer.json()["id"]
    link = f'a[href="/saisines/{saisine}"]'
    due = french.day(add_months(signalled_on, 2))
    sign_in(page, "ccapex")  # the Loire's CCAPEX, on its worklist
    row = page.locator("#a-faire tbody tr").filter(has=page.locator(link))
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "Saisine à enregistrer"
    assert cells.nth(2).inner_text().strip() == due  # not late
    row.locator(link).click()
    page.wait_for_url(re.compile(r"/saisines/[0-9a-f-]{36}$"))
    deadlines = page.locator("#delais").inner_text()
    assert "Assignation possible au plus tôt le" in deadlines
    assert due in deadlines
    from_menu(page, "Saisines CCAPEX", "/saisines")
    listed = page.locator("table tbody tr").filter(has=page.locator(link))
    assert due in listed.inner_text()


def test_a_mairie_opens_a_commission_and_its_minutes(page: Page) -> None:
    sign_in(page, "mairie")
    from_menu(page, "Commissions", "/commissions")
    assert page.get_by_role("heading", name="Commissions").is_visible()
    page.get_by_role("link", name="Commission préfectorale").first.click()
    page.wait_for_url(re.compile(r"/commissions/[0-9a-f-]{36}$"))
    assert page.locator("#classement tbody tr").count() >= 1
    assert "valable jusqu'au" in page.locator("main").inner_text()
    page.locator("#pv").click()
    page.wait_for_url(re.compile(r"/commissions/[0-9a-f-]{36}/pv$"))
    assert "Commission préfectorale" in page.locator("body").inner_text()


def test_an_auditor_sees_a_dossiers_legality_and_verified_history(page: Page) -> None:
    sign_in(page, "auditeur", home="/dossiers")
    page.locator("table tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    assert page.locator("#verifie").text_content() == "Historique vérifié"
    assert page.get_by_role("heading", name="Contrôle de légalité").is_visible()


def test_a_mairie_lands_on_its_worklist_and_opens_an_item(page: Page) -> None:
    sign_in(page, "mairie")  # lands on /travail
    assert page.get_by_role("heading", name="À faire").is_visible()
    rows = page.locator("#a-faire tbody tr")
    assert rows.count() >= 1
    first = rows.first
    to_do = first.locator("td").first.inner_text()
    assert to_do in ("Enquête sociale à rendre", "Avis de la Mairie à rendre")
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    awaited_after = {
        "Enquête sociale à rendre": "Ménage repéré, dossier LLTS ouvert",
        "Avis de la Mairie à rendre": "Enquête sociale rendue",
    }
    assert page.locator("#etape").text_content() == awaited_after[to_do]


@pytest.mark.parametrize("role", sorted({a.role for a, _, _ in DEMO_IDENTITIES}))
def test_every_demo_role_lands_on_its_worklist_whose_items_it_may_open(
    page: Page, role: str
) -> None:
    """Each demo person, one click on the sign-in page: the worklist (or the
    first list its role reads); every record the worklist names opens for that
    role, never on a refusal."""
    home = landing(role)
    sign_in(page, role, home)
    if home != "/travail":
        assert "Accès refusé" not in page.content()
        return
    assert page.get_by_role("heading", name="À faire", exact=True).is_visible()
    assert page.locator("#compte").is_visible()
    links = page.locator("#a-faire tbody a")
    hrefs = {links.nth(i).get_attribute("href") or "" for i in range(links.count())}
    targets = sorted(hrefs)
    for target in targets[:3] + targets[-2:]:
        answer = page.goto(target)
        assert answer is not None
        assert answer.status == 200, (role, target)
        assert "Accès refusé" not in page.content(), (role, target)


def test_the_prefecture_reads_its_departments_legality_and_its_pdf(page: Page) -> None:
    sign_in(page, "prefecture")
    from_menu(page, "Légalité", "/legalite")
    field = page.get_by_role("textbox", name=re.compile("^Département"))
    assert field.input_value() == "972"  # its own
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"/legalite\?department=972"))
    rules = page.locator("#par-regle tbody tr")
    assert rules.count() >= 1
    first = page.locator("section .logis-findings li").first
    assert "Né le" in first.inner_text()
    pdf = page.request.get(page.locator("#pdf").get_attribute("href") or "")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    # the first finding's record page (every kind of record has one)
    page.locator("section .logis-findings li a").first.click()
    page.wait_for_url(
        re.compile(r"/(dossier|mesure|saisine|commission|programme)s/[0-9a-f-]{36}$")
    )
    assert page.locator("#etape").text_content()


def test_the_clu_reads_the_associations_workload_and_the_years_figures(
    page: Page,
) -> None:
    sign_in(page, "commission_logement")  # the Loire's CLU
    from_menu(page, "Charge ASLL", "/charge")
    assert page.get_by_role("heading", name="Charge des associations ASLL").is_visible()
    rows = page.locator("#charge tbody tr")
    assert rows.count() >= 1
    _assert_chart_drawn(page, "#charge-graphique")  # the workload chart drawn
    assert page.locator("#orientations tbody tr").count() >= 1
    assert "%" in page.locator("#orientations").inner_text()
    _assert_chart_drawn(page, "#orientations-graphique")


# The pixels of a canvas that are not transparent: what Chart.js painted.
PAINTED = """canvas => {
  const pixels = canvas.getContext("2d")
    .getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted;
}"""


def _assert_chart_drawn(page: Page, figure: str) -> None:
    """DSFR Chart's figure is shown, its canvas sized and painted, its legend
    written; the canvas is hidden from screen readers (the table says it)."""
    shown = page.locator(figure)
    shown.wait_for(state="visible")  # hidden until bar-chart is defined
    canvas = shown.locator("canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 50
    page.wait_for_function(f"c => ({PAINTED})(c) > 1000", arg=canvas.element_handle())
    assert shown.locator("bar-chart").get_attribute("aria-hidden") == "true"
    assert shown.locator(".chart_legend").inner_text().strip()


def test_a_mairie_records_its_avis_by_the_form_after_a_stale_one_is_refused(
    page: Page, server: Server
) -> None:
    with server.client() as api:  # a new dossier, its enquiry still awaited
        answer = identify(api, identification(applicant_name=ADDED_BY_A_SCENARIO))
        assert answer.status_code == 201, answer.text
        dossier = answer.json()["id"]
        sign_in(page, "mairie")
        page.goto(f"/dossiers/{dossier}")
        enquiry = page.locator("#formulaire-social-enquiry")
        enquiry.get_by_label("Avis").select_option("favorable")
        enquiry.get_by_label("Synthèse de l'enquête").fill("Hébergé chez un tiers.")
        body = SOCIAL_ENQUIRY.body(today())  # meanwhile, the department's
        by_api = record(api, dossier, "social-enquiry", body, role="departement")
        assert by_api.status_code == 200, by_api.text
    enquiry.get_by_role("button", name="Enregistrer").click()
    refused = page.locator("#refus")
    assert "Ce dossier a changé" in refused.inner_text()
    assert (
        "Avis de l'enquête sociale rendu" in page.locator("#entre-temps").inner_text()
    )
    steps = page.locator("#historique > li").count()
    avis = page.locator("#formulaire-mairie-avis")  # now the awaited step
    avis.get_by_label("Avis").select_option("defavorable")
    avis.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/dossiers/{dossier}#historique$"))
    assert page.locator("#etape").text_content() == "Avis de la Mairie rendu"
    assert page.locator("#historique > li").count() == steps + 1
    assert page.locator("#formulaire-mairie-avis").count() == 0


def test_the_als_holds_a_programmes_concertation_by_its_form(
    page: Page, server: Server
) -> None:
    with server.client() as api:  # a landlord announces a delivery
        body = {
            "kind": "livraison",
            "name": PROGRAMME_BY_A_SCENARIO,
            "department": "972",
            "commune": "97209",
            "dwellings": [
                {"ref": "F1", "typology": "T3", "rent": "350.00", "charges": "50.00"}
            ],
        }
        answer = api.post("/v1/programmes", json=body, headers=actor("bailleur"))
        assert answer.status_code == 201, answer.text
        programme = answer.json()["id"]
    sign_in(page, "als")
    page.goto(f"/programmes/{programme}")
    form = page.locator("#formulaire-concertation")
    steps = page.locator("#historique > li").count()
    for row, role in enumerate(CONCERTATION_PARTNERS):  # written beforehand
        cell = form.locator(f"#concertation-invited-{row}-role")
        assert cell.input_value() == role
        form.locator(f"#concertation-invited-{row}-organisation").fill(f"{role} 972")
    form.locator("#concertation-present-0-organisation").fill("ALS Martinique")
    form.locator("#concertation-present-0-role").select_option("als")
    form.get_by_label("Programme présenté").select_option("true")
    profile = form.get_by_label("Profil des candidats recherchés")
    profile.fill("Familles hébergées chez un tiers.")
    form.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/programmes/{programme}#historique$"))
    assert page.locator("#historique > li").count() == steps + 1
    held = page.locator("#historique > li").last.inner_text()
    assert "Réunion de concertation tenue" in held
    assert "Programme présenté : oui" in held  # in words, not codes
    assert page.locator("#formulaire-concertation").count() == 0
