"""The legality page (api/web/legality_pages.py): the department's breaches
over a period by rule, each linking to its record's page with its events,
answered by GET /v1/legality/report's own function: the same roles and
territory (a French 403 page otherwise), the same access log; escaped; the
printable report and its PDF are the API's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from markupsafe import escape

from api.web.pages import landing
from domain.places import DEPARTMENT_CODE_PATTERN
from tests.helpers import web
from tests.helpers.api import DEPARTMENT, actor
from tests.helpers.web import assert_logged_like_the_api, logged_reads, sign_in
from tests.integration.test_api_legality_report import (
    HOSTILE,
    IN_TRUCE,
    World,
    build,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient

browser = web.browser  # a fixture


@pytest.fixture
def world(client: TestClient) -> World:
    built = build(client)
    built.json()  # the audit trail's view has every record (min_position)
    return built


def test_the_page_groups_the_breaches_by_rule_as_the_api_counts_them(
    browser: TestClient, world: World
) -> None:
    sign_in(browser, "prefecture")
    page = browser.get("/legalite")  # the Préfecture's own department
    assert page.status_code == 200, page.text
    body = world.json("prefecture")
    assert f'value="{DEPARTMENT}"' in page.text
    # the browser checks the code as the API does (its pattern, unescaped)
    pattern = DEPARTMENT_CODE_PATTERN.strip("^$")
    assert f'pattern="{pattern}" required>' in page.text
    assert f"{body['count']} manquements" in page.text
    table = re.search(r'id="par-regle".*?</table>', page.text, re.S)
    assert table is not None
    for rule in body["rules"]:
        row = f"<td>{escape(rule['title'])}</td>"
        assert row in table[0], rule
        assert f">{rule['rule']}</a></td>{row}" in table[0]
    cells = re.findall(r"<td>(\d+)</td></tr>", table[0])
    assert [int(c) for c in cells] == [r["count"] for r in body["rules"]]
    # Each finding links to its record's page and names its events.
    for path in (
        f"/dossiers/{world.late}",
        f"/mesures/{world.mesure}",
        f"/saisines/{world.expelled}",
    ):
        assert f'href="{path}"' in page.text, path
    [expulsion] = [f for f in body["findings"] if f["rule"] == "CCAPEX-SAISINE"]
    section = re.search(r'id="regle-CCAPEX-SAISINE".*?</section>', page.text, re.S)
    assert section is not None
    for event in expulsion["events"]:
        assert str(escape(event["label"])) in section[0]
    assert "bloquant" in section[0]
    assert 'href="/legalite"' in page.text  # the header's navigation
    # The applicant's name, hostile, is escaped.
    assert "<script>alert" not in page.text
    assert str(escape(HOSTILE)) in page.text


def test_the_period_narrows_the_breaches_and_an_empty_one_is_refused(
    browser: TestClient, world: World
) -> None:
    sign_in(browser, "prefecture")
    start = IN_TRUCE.isoformat()
    page = browser.get("/legalite", params={"from": start, "to": start})
    assert page.status_code == 200, page.text
    body = world.json("prefecture", **{"from": start, "to": start})
    assert f"{body['count']} manquement" in page.text
    assert 'id="regle-CCAPEX-SAISINE"' in page.text
    assert 'id="regle-BILAN-DELAI"' not in page.text
    empty = browser.get("/legalite", params={"from": "2030-01-02", "to": "2030-01-01"})
    assert empty.status_code == 422
    assert "Période vide" in empty.text
    bad = browser.get("/legalite", params={"department": "<b>"})
    assert bad.status_code == 422
    assert "<b>" not in bad.text


def test_the_page_logs_the_reads_the_api_logs(
    client: TestClient, browser: TestClient, world: World
) -> None:
    sign_in(browser, "prefecture")
    before = logged_reads(client, world.late, "prefecture")
    assert browser.get("/legalite").status_code == 200
    rows = logged_reads(client, world.late, "prefecture")
    assert len(rows) == len(before) + 1  # the applicant named: Id, Res, Dec
    assert_logged_like_the_api(
        client,
        world.late,
        "prefecture",
        [f"/v1/legality/report?department={DEPARTMENT}"],
        actor("prefecture"),
        before,
    )


def test_the_printable_report_and_its_pdf_are_the_apis(
    client: TestClient, browser: TestClient, world: World
) -> None:
    sign_in(browser, "auditeur", "/dossiers")
    page = browser.get("/legalite")  # an auditor has no department: the form
    assert page.status_code == 200, page.text
    assert "Choisissez un département" in page.text
    printable = browser.get("/legalite/rapport", params={"department": DEPARTMENT})
    assert printable.status_code == 200, printable.text
    api = client.get(
        "/v1/legality/report",
        params={"department": DEPARTMENT, "format": "html"},
        headers=actor("auditeur"),
    )
    assert _undated(printable.text) == _undated(api.text)
    assert "<script>alert" not in printable.text
    pdf = browser.get(
        "/legalite/rapport", params={"department": DEPARTMENT, "format": "pdf"}
    )
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def _undated(report: str) -> str:
    """The report without the moments it was edited and verified at."""
    return re.sub(r"Édité le[^<]*|\d\d:\d\d(:\d\d)?[^<]*", "", report)


@pytest.mark.parametrize("role", ["mairie", "association"])
def test_a_role_that_reads_no_report_gets_the_french_403_page(
    browser: TestClient, world: World, role: str
) -> None:
    answer = sign_in(browser, role, landing(role))
    assert answer.status_code == 303
    for path in ("/legalite", f"/legalite/rapport?department={DEPARTMENT}"):
        page = browser.get(path)
        assert page.status_code == 403, path
        assert "Accès refusé" in page.text
        assert "rapport de légalité" in page.text
    assert 'href="/legalite"' not in browser.get("/legalite").text
