"""The CCAPEX referrals on the pages: the /saisines list (read and logged as
GET /v1/saisines reads and logs it, overdue ones marked, a role that lists
none refused with a French page, bad input refused with nothing read) and the
worklist's referrals (/travail): the CCAPEX's steps and an enquiry's, the
latter only for the operator it was asked of, each by the day its prevention
work is due (CCAPEX-SAISINE's delays), overdue first."""

from __future__ import annotations

import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from api.access_log import SAISINE_ROW
from api.demo.loire import LOIRE, SAINT_ETIENNE
from api.demo.plan import ACTORS
from api.web import french
from domain.shared import add_months
from tests.helpers import web
from tests.helpers.api import actor, adopt_settings, today
from tests.helpers.saisines_http import DAY, LANDLORD, signalled
from tests.helpers.web import (
    assert_logged_like_the_api,
    caught_up,
    logged_reads,
    sign_in,
)
from tests.helpers.web import worklist_rows as rows

browser = web.browser  # a fixture
pytestmark = pytest.mark.usefixtures("department")

DUE = add_months(DAY["signal"], 2)  # SIMAR's two months, long past
AGASEF = "AGASEF"  # the demo's association
CTM = ACTORS["departement"].organisation  # the demo's Département
LIST_ROW = re.compile(
    r'<tr( class="logis-en-retard")?>\s*<td><a href="/saisines/([0-9a-f-]{36})">'
    r"(?:(?!</tr>).)*?<td>([^<]*)(<span[^>]*>En retard</span>)?</td>\s*</tr>",
    re.S,
)


def listed_rows(html: str) -> dict[str, tuple[bool, str]]:
    """The list's rows: record id → (marked overdue, due day as shown)."""
    return {
        saisine_id: (bool(late), unescape(due).strip())
        for late, saisine_id, due, _ in LIST_ROW.findall(html)
    }


def today_on(*steps: str) -> dict[str, dict[str, str]]:
    """`steps`' bodies dated today (a referral signalled today)."""
    return {slug: {"occurred_on": today().isoformat()} for slug in steps}


def test_the_list_page_reads_logs_and_marks_like_the_api(
    client: TestClient, browser: TestClient
) -> None:
    late = signalled(client)
    fresh = signalled(client, occurred_on=today().isoformat())
    caught_up(client)
    sign_in(browser, "prefecture")  # Martinique's
    page = browser.get("/saisines")
    assert page.status_code == 200, page.text
    assert 'href="/saisines"' in page.text  # the header's navigation
    found = listed_rows(page.text)
    assert found[late] == (True, french.day(DUE))
    assert found[fresh] == (False, french.day(add_months(today(), 2)))
    assert LANDLORD in page.text
    assert "Saisine par le bailleur" in page.text  # the source, in words
    assert_logged_like_the_api(
        client, late, "prefecture", ["/v1/saisines"], actor("prefecture")
    )
    later = browser.get("/saisines", params={"stage": "enregistree"})
    assert late not in later.text
    assert "Aucune saisine ne correspond." in unescape(later.text)


def test_bad_input_gets_a_french_page_and_nothing_is_read(
    client: TestClient, browser: TestClient
) -> None:
    saisine = signalled(client)
    caught_up(client)
    sign_in(browser, "prefecture")
    for params in ({"stage": "inconnu"}, {"commune": "x"}):
        page = browser.get("/saisines", params=params)
        assert page.status_code == 422
        assert '<html lang="fr"' in page.text
    assert "Stade inconnu" in unescape(browser.get("/saisines?stage=x").text)
    assert logged_reads(client, saisine, "prefecture") == []


def test_a_role_that_lists_no_referral_gets_the_refusal_page(
    client: TestClient, browser: TestClient
) -> None:
    saisine = signalled(client)  # SIMAR's own referral: it reads none
    caught_up(client)
    sign_in(browser, "bailleur")
    page = browser.get("/saisines")
    assert page.status_code == 403
    assert "Accès refusé" in page.text
    assert 'href="/saisines"' not in page.text
    assert saisine not in browser.get("/travail").text
    assert logged_reads(client, saisine, "bailleur") == []


def test_the_ccapex_sees_its_steps_overdue_first_not_the_operators(
    client: TestClient, browser: TestClient
) -> None:
    assert adopt_settings(client, LOIRE).status_code == 201
    where = {"department": LOIRE, "commune": SAINT_ETIENNE}
    late = signalled(client, **where)
    fresh = signalled(
        client,
        "registration",
        bodies=today_on("registration"),
        occurred_on=today().isoformat(),
        **where,
    )
    asked = signalled(client, "registration", "enquiry-request", **where)
    closed = signalled(client, "registration", "closure", **where)
    caught_up(client)
    sign_in(browser, "ccapex")  # the Loire's: its worklist
    work = rows(browser.get("/travail").text)
    found = {row[2]: row for row in work}
    record = f"Saisine CCAPEX à {french.commune(SAINT_ETIENNE)}, bailleur {LANDLORD}"
    assert found[late] == (
        True,
        "Saisine à enregistrer",
        late,
        record,
        f"{french.day(DUE)} En retard",
    )
    assert found[fresh][1:] == (
        "Enquête sociale à demander",
        fresh,
        record,
        french.day(add_months(today(), 2)),
    )
    assert not found[fresh][0]
    assert asked not in found  # the UDAF's enquiry: its step, not the CCAPEX's
    assert closed not in found
    ids = [row[2] for row in work]
    assert ids.index(late) < ids.index(fresh)
    # read and logged as GET /v1/saisines reads and logs its rows
    assert logged_reads(client, late, "ccapex") == [("GET /travail", SAISINE_ROW)]


def test_an_enquiry_waits_on_the_operator_it_was_asked_of_only(
    client: TestClient, browser: TestClient
) -> None:
    def asked_of(operator: str, role: str) -> str:
        enquiry = {"operator": operator, "operator_role": role}
        return signalled(
            client,
            "registration",
            "enquiry-request",
            bodies={"enquiry-request": enquiry},
        )

    ours = asked_of(CTM, "departement")
    udaf = signalled(client, "registration", "enquiry-request")  # the UDAF's
    agasef = asked_of(AGASEF, "association")
    caught_up(client)
    sign_in(browser, "departement")  # reads every referral of Martinique
    found = {row[2]: row for row in rows(browser.get("/travail").text)}
    assert found[ours][:2] == (True, "Enquête sociale à rendre")
    assert found[ours][4] == f"{french.day(DUE)} En retard"
    assert udaf not in found
    assert agasef not in found
    browser.cookies.clear()
    sign_in(browser, "association")  # AGASEF: reads only what was asked of it
    found = {row[2]: row for row in rows(browser.get("/travail").text)}
    assert found[agasef][1] == "Enquête sociale à rendre"
    assert ours not in found
    assert udaf not in found
    listed = browser.get("/saisines")
    assert set(listed_rows(listed.text)) == {agasef}
