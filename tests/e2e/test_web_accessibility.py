"""Every main page through axe-core at desktop and phone widths, with a
screenshot of each (issue 17): in a file of its own, so that the test runs
beside the other browser scenarios rather than after them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.browsing import late_referral, martinique_dossier, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.support import Server

# Where the screenshots of the main pages go (ignored by git), at each width.
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WIDTHS = {"1280x800": (1280, 800), "390x844": (390, 844)}
FIRST_ROW = "table tbody tr a"
BAD_IMPACTS = ("serious", "critical")


# What Swagger UI and ReDoc show once their scripts have drawn the API.
DRAWN = {"/docs": ".swagger-ui .info .title", "/redoc": "redoc .api-info h1"}
# What axe still finds in Swagger UI once an operation is opened and tried out,
# all in markup of its own that neither its options nor a stylesheet reach
# (api/web/docs.py mends the rest: contrasts, links nested in buttons, the
# page's language): a parameter's list of values and the examples' list are
# <select>s without a label (select-name), and an example's <pre>, which
# scrolls sideways, takes no keyboard focus (scrollable-region-focusable).
# Mending them would mean patching its React components' output.
SWAGGER_UI_OWN = {
    "select-name": ".swagger-ui select",
    "scrollable-region-focusable": ".swagger-ui pre.example",
}


def _axe_report(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical violations, readable: rule, impact, what it
    asks, where to read more, then each element and what to fix."""
    lines = []
    for violation in violations:
        if violation["impact"] not in BAD_IMPACTS:
            continue
        lines.append(
            f"{where} — {violation['id']} ({violation['impact']}) :"
            f" {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = str(node.get("failureSummary", "")).replace("\n", " ")
            lines.append(f"    {', '.join(map(str, node['target']))} : {summary}")
    return lines


def _check_and_photograph(page: Page, name: str, whole: bool = True) -> list[str]:
    """Axe at each width (the phone's layout hides and shows other things),
    and a screenshot of the whole page at each (of its top only unless
    `whole`: ReDoc's page, the whole API, is too tall to photograph)."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for size, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        results = Axe().run(page)
        where = f"{urlsplit(page.url).path} ({name}, {size})"
        found += _axe_report(where, results.response["violations"])
        page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=whole)
    return found


def test_every_main_page_has_no_serious_accessibility_violation(
    page: Page, server: Server
) -> None:
    """axe-core (bundled with axe-playwright-python, nothing fetched) on each
    main page as the roles that read it, at desktop and phone widths: no
    serious or critical violation. The screenshots go to tests/artifacts/."""
    martinique = martinique_dossier(server)  # refused to the Loire's CLU
    # (the role signed in, none on the sign-in page; the screenshots' name; the
    # path, or the link of the page before that leads there)
    visits: list[tuple[str | None, str, str]] = [
        (None, "connexion", "/connexion"),
        ("mairie", "travail", "/travail"),
        ("mairie", "dossiers", "/dossiers"),
        ("mairie", "dossier", FIRST_ROW),
        ("mairie", "commissions", "/commissions"),
        ("mairie", "commission", FIRST_ROW),
        ("mairie", "commission-pv", "#pv"),
        ("bailleur", "programmes", "/programmes"),  # its announcement's form
        ("bailleur", "programme", FIRST_ROW),
        ("association", "mesures", "/mesures"),
        ("association", "mesure", FIRST_ROW),
        ("ccapex", "saisines", "/saisines"),
        ("ccapex", "saisine", late_referral(server)),
        ("auditeur", "dossier-auditeur", martinique),
        ("prefecture", "legalite", "/legalite?department=972"),
        ("prefecture", "legalite-rapport", "#imprimable"),
        ("commission_logement", "charge", "/charge"),
        ("commission_logement", "refus", martinique),
        (None, "docs", "/docs"),
        (None, "redoc", "/redoc"),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    homes = {"auditeur": "/dossiers"}
    signed_in: str | None = None
    violations: list[str] = []
    for role, name, where in visits:
        if role != signed_in:
            page.context.clear_cookies()
            if role:
                sign_in(page, role, home=homes.get(role, "/travail"))
            signed_in = role
        if not where.startswith("/"):  # a link of the page before
            where = page.locator(where).first.get_attribute("href") or ""
        page.goto(where)
        if where in DRAWN:  # drawn by their scripts once loaded
            page.locator(DRAWN[where]).first.wait_for()
        violations += _check_and_photograph(page, name, whole=where not in DRAWN)
    if violations:
        heading = "Violations d'accessibilité graves ou critiques (axe-core) :"
        pytest.fail("\n".join([heading, *violations]), pytrace=False)


def test_swagger_ui_with_an_operation_tried_out_has_only_its_own_known_violations(
    page: Page,
) -> None:
    """/docs as loaded has none (the scenario above); with the dossiers' list
    opened and "Try it out" pressed, the serious and critical violations left
    are only those of Swagger UI's own markup (SWAGGER_UI_OWN), each on the
    elements named there."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto("/docs")
    operation = page.locator("#operations-dossiers-list_dossiers_v1_dossiers_get")
    operation.locator(".opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator(".parameters select").first.wait_for()
    violations = Axe().run(page).response["violations"]
    bad = [v for v in violations if v["impact"] in BAD_IMPACTS]
    assert {v["id"] for v in bad} <= set(SWAGGER_UI_OWN), _axe_report("/docs", bad)
    for violation in bad:
        known = SWAGGER_UI_OWN[violation["id"]]
        for node in violation["nodes"]:
            element = page.locator(str(node["target"][-1]))
            assert element.evaluate(f"e => e.matches({known!r})"), node["html"]
