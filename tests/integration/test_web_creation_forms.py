"""The creation forms of the lists (api/web/list_pages.py): a dossier opened by
its repérage on /dossiers, an ASLL measure asked for on /mesures, for the roles
the registry lets create one, posting the creation command POST /v1/<kind>s
takes: the new record's page once created (once, if the form is sent twice),
the list again with the French words next to the field otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from uuid import UUID

import httpx
import pytest
from starlette.testclient import TestClient

from api.web.pages import landing
from tests.helpers import web
from tests.helpers.api import COMMUNE, DEPARTMENT, store_position, today
from tests.helpers.mesures_http import asll  # noqa: F401 (a fixture)
from tests.helpers.web import CSRF, hidden_fields, sign_in

pytestmark = pytest.mark.usefixtures("department", "asll")

browser = web.browser  # a fixture


@dataclass(frozen=True)
class Case:
    role: str  # one that creates the kind
    kind: str
    slug: str  # its form's
    sent: dict[str, str]  # what is typed in it, a text first
    shown: str  # on the new record's page
    event: str
    wrong: str  # a field given a wrong value
    other: str  # a role that lists the kind but creates none
    refusal: tuple[int, str]  # the other's POST: status, words
    on: str = ""  # the page its form is on: the kind's list unless said

    @property
    def url(self) -> str:
        return f"/{self.kind}s/{self.slug}"

    @property
    def page(self) -> str:
        return self.on or f"/{self.kind}s"

    def form(self, browser: TestClient, role: str | None = None) -> dict[str, str]:
        """The form as its role fills it, once signed in."""
        sign_in(browser, role or self.role, landing(role or self.role))
        return {**hidden_fields(browser.get(self.page), self.slug), **self.sent}


REPERAGE = Case(
    "mairie",
    "dossier",
    "reperage",
    {
        "applicant_name": "Mme Joséphine Rosette",
        "household_size": "3",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "dalo": "false",
    },
    "Joséphine Rosette",
    "Identified",
    "household_size",
    "als",
    (403, "ne peut pas"),  # the registry's roles, before the form is read
)
# The prescribers are a department's setting (ASLL-PRESCRIPTEUR): another role's
# request is refused by that rule, as POST /v1/mesures refuses it (409).
DEMANDE = Case(
    "prescripteur",
    "mesure",
    "demande",
    {
        "diagnostic_summary": "Dettes de loyer ; budget à reprendre.",
        "kind": "individuelle",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "diagnostic_signed_on": today().isoformat(),
        "household_signed": "true",
    },
    "ASLL individuelle",
    "Requested",
    "household_signed",
    "association",
    (409, "Seul un prescripteur"),
)
# No list of referrals: the signal's form is on the worklist.
SIGNALEMENT = Case(
    "departement",
    "saisine",
    "signalement",
    {
        "landlord": "SIMAR",
        "source": "commandement_de_payer",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "landlord_is_legal_entity": "true",
        "arrears": "2400",
    },
    "commandement de payer",
    "Signalled",
    "arrears",
    "mairie",
    (403, "ne peut pas"),
    on="/travail",
)
CASES = pytest.mark.parametrize(
    "case", [REPERAGE, DEMANDE, SIGNALEMENT], ids=lambda c: c.kind
)


def posted_storing_nothing(
    client: TestClient, browser: TestClient, url: str, form: dict[str, str]
) -> httpx.Response:
    """`form` posted to `url` by the browser: the answer, the store unchanged."""
    stored = store_position(client)
    answer = browser.post(url, data=form)
    assert store_position(client) == stored
    return answer


@CASES
def test_a_record_is_created_by_its_form_once_even_sent_twice(
    client: TestClient, browser: TestClient, case: Case
) -> None:
    form = case.form(browser)
    answer = browser.post(case.url, data=form)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    stored = store_position(client)
    again = browser.post(case.url, data=form)  # sent twice
    assert again.status_code == 303
    assert again.headers["location"] == location
    assert store_position(client) == stored  # nothing more
    record_id = UUID(location.removeprefix(f"/{case.kind}s/"))
    app = client.app.state.system.app  # type: ignore[attr-defined]
    assert [type(e).__name__ for e in app.history(case.kind, record_id)] == [case.event]
    page = browser.get(location)  # its step forms carry it on
    assert page.status_code == 200, page.text
    assert case.shown in unescape(page.text)


@CASES
def test_a_wrong_form_is_told_next_to_its_field_and_nothing_stored(
    client: TestClient, browser: TestClient, case: Case
) -> None:
    form = case.form(browser) | {case.wrong: "peut-être"}
    answer = posted_storing_nothing(client, browser, case.url, form)
    assert answer.status_code == 422, answer.text
    text = unescape(answer.text)
    shown = text[text.index(f'id="formulaire-{case.slug}"') :]
    group = shown[: shown.index(f'name="{case.wrong}"')]
    assert "group--error" in group[group.rindex('<div class="fr-') :]  # its field's
    assert next(iter(case.sent.values())) in shown  # what was sent is kept


@CASES
def test_a_role_that_creates_none_sees_no_form_and_is_refused(
    client: TestClient, browser: TestClient, case: Case
) -> None:
    form = case.form(browser)
    browser.cookies.clear()
    sign_in(browser, case.other, landing(case.other))
    page = browser.get(case.page)
    assert page.status_code == 200, page.text
    assert "formulaire-" not in page.text
    form["csrf_token"] = CSRF.search(page.text)[1]
    answer = posted_storing_nothing(client, browser, case.url, form)
    status, words = case.refusal
    assert answer.status_code == status, answer.text
    assert words in unescape(answer.text)  # the API's


@CASES
def test_a_form_without_its_token_is_refused(
    client: TestClient, browser: TestClient, case: Case
) -> None:
    form = case.form(browser)
    del form["csrf_token"]
    answer = posted_storing_nothing(client, browser, case.url, form)
    assert answer.status_code == 403, answer.text
    assert "Formulaire expiré" in unescape(answer.text)


def test_a_signaller_who_reads_no_referral_is_told_it_is_recorded(
    client: TestClient, browser: TestClient
) -> None:
    landlord = {"source": "saisine_bailleur"}  # its own tenant, it reads no referral
    form = SIGNALEMENT.form(browser, "bailleur") | landlord
    stored = store_position(client)
    answer = browser.post(SIGNALEMENT.url, data=form)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/travail?enregistre=saisine"
    assert store_position(client) > stored
    page = browser.get(answer.headers["location"])
    assert page.status_code == 200, page.text
    assert "Enregistrement fait : Saisine CCAPEX." in unescape(page.text)


def test_a_role_the_departments_settings_name_a_prescriber_is_offered_the_form(
    client: TestClient, browser: TestClient
) -> None:
    """The ALS prescribes where its department's settings say so (here: the
    test settings' prescriber_roles), though the registry's default does not."""
    form = DEMANDE.form(browser, "als")
    assert 'id="formulaire-demande"' in browser.get("/mesures").text
    answer = browser.post(DEMANDE.url, data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/mesures/")
