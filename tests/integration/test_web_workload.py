"""The ASLL workload page (api/web/workload_pages.py): each association's
measures against its capacity, the renewals to decide and the overdue bilans,
and the year's figures by orientation, answered by GET /v1/dashboards/workload's
and GET /v1/statistics's own functions: the same roles and territory (a French
403 page otherwise), nothing logged as nothing is there; escaped."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from markupsafe import Markup, escape

from api.web.pages import landing
from tests.helpers import web
from tests.helpers.api import actor, adopt_settings, settings_body, today
from tests.helpers.mesure_courses import DEPARTMENT, HttpCourse, associations_body
from tests.helpers.web import logged_reads, sign_in

if TYPE_CHECKING:
    from starlette.testclient import TestClient

browser = web.browser  # a fixture

HOSTILE = "<script>alert(1)</script> & Cie"


@pytest.fixture
def mesures(client: TestClient) -> dict[str, str]:
    """Three AGASEF measures: one running, one whose convention ended a
    month ago without its bilan (maintien), one ending within days; and an
    association whose name is a script."""
    hostile = {"code": "hostile", "name": HOSTILE, "monthly_capacity": 3}
    body = settings_body(
        associations=[*associations_body(), hostile],
        prescriber_roles=["prescripteur"],
    )
    assert adopt_settings(client, DEPARTMENT, body).status_code == 201
    asked = today() - timedelta(days=130)
    days = [today() - timedelta(days=n) for n in (90, 120, 80)]
    courses = {
        "running": HttpCourse(client, asked).up_to_convention(days[0], months=6),
        "overdue": HttpCourse(client, asked).up_to_convention(
            days[1], months=3, orientation="maintien"
        ),
        "ending": HttpCourse(client, asked).up_to_convention(days[2], months=3),
    }
    position = max(c.position for c in courses.values())
    client.get("/v1/mesures", params={"min_position": position})  # the view has them
    return {name: str(c.id) for name, c in courses.items()}


def _chart(page: str, figure: str) -> dict[str, Any]:
    """What the DSFR Chart element of `figure` is given to draw: its x, y and
    name attributes, read back from JSON."""
    found = re.search(rf'<figure [^>]*id="{figure}".*?<bar-chart ([^>]*)>', page, re.S)
    assert found is not None, figure
    attributes = re.findall(r"""([a-z-]+)='([^']*)'""", found[1])
    return {k: json.loads(Markup(v).unescape()) for k, v in attributes}


def _api(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params=params, headers=actor("departement"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_each_association_against_its_capacity_as_the_api_counts(
    client: TestClient, browser: TestClient, mesures: dict[str, str]
) -> None:
    sign_in(browser, "departement", landing("departement"))
    page = browser.get("/charge")
    assert page.status_code == 200, page.text
    workload = _api(client, "/v1/dashboards/workload")
    table = re.search(r'id="charge".*?</table>', page.text, re.S)
    assert table is not None
    for row in workload["associations"]:
        name = str(escape(row["name"]))
        assert f'<th scope="row">{name}</th>' in table[0]
        assert f"{row['active']} sur {row['capacity']}" in table[0]
    # the bar chart draws the same figures: each association's places, its capacity
    chart = _chart(page.text, "charge-graphique")
    rows = workload["associations"]
    assert chart["x"] == [[row["name"] for row in rows]]
    assert chart["y"] == [[r["active"] for r in rows], [r["capacity"] for r in rows]]
    assert chart["name"] == ["Places occupées", "Capacité"]
    agasef = next(a for a in workload["associations"] if a["association"] == "agasef")
    assert agasef["active"] >= 2
    assert mesures["overdue"] in agasef["overdue_bilans"]
    assert mesures["ending"] in agasef["ending_soon"]
    for section, field in (
        ("a-decider", "ending_soon"),
        ("bilans-en-retard", "overdue_bilans"),
    ):
        listed = re.search(rf'<ul id="{section}">.*?</ul>', page.text, re.S)
        assert listed is not None
        links = re.findall(r'href="/mesures/([0-9a-f-]{36})"', listed[0])
        assert links == [i for a in workload["associations"] for i in a[field]]
    assert 'href="/charge"' in page.text  # the header's navigation
    assert "<script>alert" not in page.text
    assert str(escape(HOSTILE)) in page.text


def test_the_years_figures_and_orientation_shares_are_the_apis(
    client: TestClient, browser: TestClient, mesures: dict[str, str]
) -> None:
    sign_in(browser, "departement", landing("departement"))
    year = today().year
    page = browser.get("/charge", params={"year": year})
    assert page.status_code == 200, page.text
    figures = _api(client, "/v1/statistics", department=DEPARTMENT, year=year)
    orientations = re.search(r'id="orientations".*?</table>', page.text, re.S)
    assert orientations is not None
    for o in figures["by_orientation"]:
        share = "—" if o["share_percent"] is None else f"{o['share_percent']:.1f} %"
        assert (
            f"<td>{o['count']}</td><td>{share.replace('.', ',')}</td>"
            in (orientations[0])
        )
    # drawn as bars of their shares, in the table's order
    chart = _chart(page.text, "orientations-graphique")
    assert chart["y"] == [[o["share_percent"] for o in figures["by_orientation"]]]
    assert len(chart["x"][0]) == len(figures["by_orientation"])
    assert (
        f'<tr><th scope="row">Conventions signées</th><td>{figures["conventions"]}</td>'
        in page.text
    )
    future = browser.get("/charge", params={"year": year + 1})
    assert future.status_code == 422
    assert "Année à venir" in future.text


def test_the_page_logs_nothing_as_the_api_logs_nothing(
    client: TestClient, browser: TestClient, mesures: dict[str, str]
) -> None:
    sign_in(browser, "departement", landing("departement"))
    assert browser.get("/charge").status_code == 200
    _api(client, "/v1/dashboards/workload")
    for mesure_id in mesures.values():
        assert logged_reads(client, mesure_id, "departement") == []


@pytest.mark.parametrize("role", ["prefecture", "mairie", "association"])
def test_a_role_that_reads_no_workload_gets_the_french_403_page(
    browser: TestClient, mesures: dict[str, str], role: str
) -> None:
    sign_in(browser, role, landing(role))
    page = browser.get("/charge")
    assert page.status_code == 403
    assert "Accès refusé" in page.text
    assert "la charge des associations ASLL" in page.text
    assert 'href="/charge"' not in page.text


def test_another_department_is_refused(
    browser: TestClient, mesures: dict[str, str]
) -> None:
    sign_in(browser, "departement", landing("departement"))
    page = browser.get("/charge", params={"department": "971"})
    assert page.status_code == 403
    assert "Accès refusé" in page.text
