"""A CCAPEX referral's step forms on /saisines/{id}, and a dossier's rarer
steps (a withdrawal…) in their own group on /dossiers/{id}: derived like the
others from the kind's step commands and the registry's roles
(api/web/step_forms.py). Each posts the API's command with the record's
version as If-Match: the timeline grows; a stale form is refused with what
changed; a role without the step sees no form and is refused; a wrong field is
told in French and nothing is stored."""

from __future__ import annotations

import re
from html import unescape
from uuid import UUID

import httpx
import pytest
from starlette.testclient import TestClient

from api.demo.loire import LOIRE, SAINT_ETIENNE
from tests.helpers import web
from tests.helpers.api import adopt_settings, identify, today
from tests.helpers.saisines_http import signal, signalling
from tests.helpers.web import CSRF, assert_stale, sign_in

browser = web.browser  # a fixture

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
AGASEF = "AGASEF"  # the demo's association: the enquiry's operator
CCAPEX_HOME = "/travail"  # its worklist: referrals awaiting its steps


def form_of(page: httpx.Response, slug: str) -> dict[str, str]:
    """The hidden fields of the page's form for `slug`."""
    assert page.status_code == 200, page.text
    start = page.text.index(f'id="formulaire-{slug}"')
    form = page.text[start : page.text.index("</form>", start)]
    return {"csrf_token": CSRF.search(page.text)[1], **dict(HIDDEN.findall(form))}


def events_of(client: TestClient, kind: str, record_id: str) -> list[str]:
    app = client.app.state.system.app  # type: ignore[attr-defined]
    return [type(event).__name__ for event in app.history(kind, UUID(record_id))]


def awaited(html: str) -> str:
    """The page but its rarer steps' forms (their group comes last)."""
    return html.split('id="autres-etapes"')[0]


def others(html: str) -> str:
    """The group of the rarer steps' forms."""
    start = html.index('id="autres-etapes"')
    return html[start : html.index("</details>", start)]


@pytest.fixture
def saisine(client: TestClient) -> str:
    """SIMAR refers its tenant to the Loire's CCAPEX (the demo's CCAPEX)."""
    adopted = adopt_settings(client, LOIRE)
    assert adopted.status_code == 201, adopted.text
    answer = signal(client, signalling(department=LOIRE, commune=SAINT_ETIENNE))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def registered_by_a_colleague(client: TestClient, saisine: str) -> None:
    """Another agent of the CCAPEX registers the referral by its form."""
    colleague = TestClient(client.app, follow_redirects=False)  # the app runs
    sign_in(colleague, "ccapex", home=CCAPEX_HOME)
    hidden = form_of(colleague.get(f"/saisines/{saisine}"), "registration")
    sent = colleague.post(f"/saisines/{saisine}/etapes/registration", data=hidden)
    assert sent.status_code == 303, sent.text


# ---- a referral ----------------------------------------------------------------


def test_the_ccapex_registers_and_asks_the_enquiry_by_their_forms(
    client: TestClient, browser: TestClient, saisine: str
) -> None:
    sign_in(browser, "ccapex", home=CCAPEX_HOME)
    page = browser.get(f"/saisines/{saisine}")
    assert 'id="formulaire-registration"' in awaited(page.text)
    assert 'id="formulaire-avis"' not in page.text  # not examined
    rarer = others(page.text)  # the court dates and the closure, at any stage
    assert 'id="formulaire-closure"' in rarer
    assert 'id="formulaire-court-dates"' in rarer
    assert "dette soldée" in unescape(rarer)  # OUTCOME_LABELS
    answer = browser.post(
        f"/saisines/{saisine}/etapes/registration",
        data=form_of(page, "registration"),
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/saisines/{saisine}#historique"
    assert events_of(client, "saisine", saisine) == ["Signalled", "Registered"]
    page = browser.get(f"/saisines/{saisine}")
    assert 'id="formulaire-registration"' not in page.text
    timeline = unescape(page.text[page.text.index('id="historique"') :])
    assert "Saisine enregistrée par la CCAPEX" in timeline
    fields = {"operator": AGASEF, "operator_role": "association"}
    answer = browser.post(
        f"/saisines/{saisine}/etapes/enquiry-request",
        data={**form_of(page, "enquiry-request"), **fields},
    )
    assert answer.status_code == 303, answer.text
    browser.cookies.clear()
    sign_in(browser, "association")  # AGASEF, the operator: it returns it
    page = browser.get(f"/saisines/{saisine}")
    summary = {"summary": "Dette née d'une perte d'emploi."}
    answer = browser.post(
        f"/saisines/{saisine}/etapes/enquiry-return",
        data={**form_of(page, "enquiry-return"), **summary},
    )
    assert answer.status_code == 303, answer.text
    assert events_of(client, "saisine", saisine)[-1] == "EnquiryReturned"


def test_a_stale_referral_form_is_refused_saying_what_changed(
    client: TestClient, browser: TestClient, saisine: str
) -> None:
    sign_in(browser, "ccapex", home=CCAPEX_HOME)
    hidden = form_of(browser.get(f"/saisines/{saisine}"), "closure")
    registered_by_a_colleague(client, saisine)
    sent = {**hidden, "outcome": "dette_soldee"}
    answer = browser.post(f"/saisines/{saisine}/etapes/closure", data=sent)
    assert_stale(answer, "Cette saisine", "Saisine enregistrée par la CCAPEX")
    assert events_of(client, "saisine", saisine) == ["Signalled", "Registered"]


def test_a_role_without_the_step_sees_no_form_and_is_refused(
    client: TestClient, browser: TestClient, saisine: str
) -> None:
    sign_in(browser, "ccapex", home=CCAPEX_HOME)
    hidden = form_of(browser.get(f"/saisines/{saisine}"), "registration")
    browser.cookies.clear()
    sign_in(browser, "auditeur", home="/dossiers")  # reads every referral
    page = browser.get(f"/saisines/{saisine}")
    assert page.status_code == 200
    assert "formulaire-" not in page.text
    hidden["csrf_token"] = CSRF.search(browser.get("/dossiers").text)[1]
    answer = browser.post(f"/saisines/{saisine}/etapes/registration", data=hidden)
    assert answer.status_code == 403
    assert "Accès refusé" in answer.text
    assert events_of(client, "saisine", saisine) == ["Signalled"]


def test_a_wrong_referral_field_is_told_in_french_and_nothing_stored(
    client: TestClient, browser: TestClient, saisine: str
) -> None:
    registered_by_a_colleague(client, saisine)
    sign_in(browser, "ccapex", home=CCAPEX_HOME)
    hidden = form_of(browser.get(f"/saisines/{saisine}"), "enquiry-request")
    sent = {**hidden, "operator": AGASEF, "operator_role": "mairie"}
    answer = browser.post(f"/saisines/{saisine}/etapes/enquiry-request", data=sent)
    assert answer.status_code == 422
    text = unescape(answer.text)
    start = text.index('id="formulaire-enquiry-request"')
    assert "fr-select-group--error" in text[start:]  # next to its field
    assert "valeur non admise (au choix : 'association' ou" in text[start:]
    assert events_of(client, "saisine", saisine) == ["Signalled", "Registered"]


# ---- a dossier's rarer steps ------------------------------------------------------


@pytest.fixture
def dossier(client: TestClient, department: str) -> str:
    answer = identify(client)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_withdrawal_is_offered_among_the_rarer_steps_and_recorded(
    client: TestClient, browser: TestClient, dossier: str
) -> None:
    """The Mairie's avis is not awaited yet; its rarer steps (a withdrawal, a
    renewal of the demand, a radiation) are offered in their own group."""
    sign_in(browser, "mairie")
    page = browser.get(f"/dossiers/{dossier}")
    assert 'id="formulaire-withdrawal"' not in awaited(page.text)
    rarer = others(page.text)
    for slug in ("withdrawal", "demand-renewal", "radiation"):
        assert f'id="formulaire-{slug}"' in rarer, slug
    assert 'id="formulaire-closure"' not in page.text  # not closable yet
    assert "en personne" in rarer  # the channel's words
    hidden = form_of(page, "withdrawal")
    fields = {
        "reason": "Relogé par sa famille.",
        "expressed_on": today().isoformat(),
        "expressed_by": "courrier",
    }
    answer = browser.post(
        f"/dossiers/{dossier}/etapes/withdrawal", data={**hidden, **fields}
    )
    assert answer.status_code == 303, answer.text
    assert events_of(client, "dossier", dossier)[-1] == "Withdrawn"
    page = browser.get(f"/dossiers/{dossier}")
    assert 'id="formulaire-' not in page.text  # withdrawn: no step is taken


def test_a_withdrawal_without_its_day_is_refused_by_its_rule_and_nothing_stored(
    client: TestClient, browser: TestClient, dossier: str
) -> None:
    sign_in(browser, "mairie")
    hidden = form_of(browser.get(f"/dossiers/{dossier}"), "withdrawal")
    sent = {**hidden, "reason": "Relogé par sa famille."}
    answer = browser.post(f"/dossiers/{dossier}/etapes/withdrawal", data=sent)
    assert answer.status_code == 409  # DOS-RETRAIT, as the API answers it
    refusal = re.search(r'id="refus".*?<p>(.*?)</p>', answer.text, re.S)
    assert refusal, answer.text
    assert "Le retrait est l'acte du ménage" in unescape(refusal[1])
    assert 'id="autres-etapes" open' in answer.text  # its group shown open
    assert events_of(client, "dossier", dossier) == ["Identified"]


def test_a_role_without_the_rarer_step_sees_none_and_is_refused(
    client: TestClient, browser: TestClient, dossier: str
) -> None:
    sign_in(browser, "mairie")
    hidden = form_of(browser.get(f"/dossiers/{dossier}"), "withdrawal")
    browser.cookies.clear()
    sign_in(browser, "auditeur", home="/dossiers")
    assert "formulaire-" not in browser.get(f"/dossiers/{dossier}").text
    sent = {**hidden, "reason": "x", "expressed_by": "courrier"}
    sent["csrf_token"] = CSRF.search(browser.get("/dossiers").text)[1]
    answer = browser.post(f"/dossiers/{dossier}/etapes/withdrawal", data=sent)
    assert answer.status_code == 403
    assert events_of(client, "dossier", dossier) == ["Identified"]
