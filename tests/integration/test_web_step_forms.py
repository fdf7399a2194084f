"""A dossier's step forms (api/web/step_forms.py): shown to a role that may
record the step at the dossier's stage, posting the API's command with the
form's version as If-Match; a wrong field is told in the API's French next to
it, a stale form is refused with what was recorded since, a role not allowed
or a form without the session's token is refused; nothing stored then."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx
import pytest
from starlette.testclient import TestClient

from tests.helpers import web
from tests.helpers.api import SOCIAL_ENQUIRY, drive_dossier, identify, record, today
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    asll,
    drive_mesure,
    read,
)
from tests.helpers.mesures_http import events_of as mesure_events
from tests.helpers.web import CSRF, assert_stale, sign_in

browser = web.browser  # a fixture

ENQUIRY = "/etapes/social-enquiry"
HIDDEN = re.compile(r'name="(expected_version|idempotency_key)" value="([^"]+)"')


def identified(client: TestClient) -> str:
    answer = identify(client)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def awaited(html: str) -> str:
    """The page but its rarer steps' forms (their group comes last)."""
    return html.split('id="autres-etapes"')[0]


def form_of(page: httpx.Response, slug: str) -> dict[str, str]:
    """The hidden fields of the page's form for `slug`."""
    assert page.status_code == 200, page.text
    start = page.text.index(f'id="formulaire-{slug}"')
    form = page.text[start : page.text.index("</form>", start)]
    return {"csrf_token": CSRF.search(page.text)[1], **dict(HIDDEN.findall(form))}


def opened(client: TestClient, browser: TestClient) -> tuple[str, dict[str, str]]:
    """A dossier identified, and the CCAS's enquiry form on its page."""
    dossier = identified(client)
    sign_in(browser, "ccas")
    return dossier, form_of(browser.get(f"/dossiers/{dossier}"), "social-enquiry")


def send_enquiry(
    browser: TestClient, dossier: str, hidden: dict[str, str], **fields: str
) -> httpx.Response:
    """The enquiry form sent with `fields` (a plausible enquiry by default)."""
    fields = fields or {"avis": "favorable", "summary": "Hébergé chez un tiers."}
    return browser.post(f"/dossiers/{dossier}{ENQUIRY}", data={**hidden, **fields})


def events_of(client: TestClient, dossier_id: str) -> list[str]:
    history = client.get(f"/v1/dossiers/{dossier_id}/history").json()
    return [event["type"] for event in history["events"]]


def test_an_enquiry_recorded_by_its_form_grows_the_timeline(
    client: TestClient, browser: TestClient, department: str
) -> None:
    dossier = identified(client)
    sign_in(browser, "ccas")
    page = browser.get(f"/dossiers/{dossier}")
    assert 'id="formulaire-mairie-avis"' not in page.text  # the Mairie's
    hidden = form_of(page, "social-enquiry")
    assert hidden["expected_version"] == "1"
    sent = {**hidden, "avis": "favorable", "summary": "Ménage hébergé chez un tiers."}
    answer = browser.post(f"/dossiers/{dossier}{ENQUIRY}", data=sent)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/dossiers/{dossier}#historique"
    assert events_of(client, dossier)[-1] == "SocialEnquiryRendered"
    page = browser.get(f"/dossiers/{dossier}")
    assert "Avis de l&#39;enquête sociale rendu" in page.text  # the timeline's
    assert 'id="formulaire-social-enquiry"' not in page.text  # no longer awaited
    again = browser.post(f"/dossiers/{dossier}{ENQUIRY}", data=sent)
    assert again.status_code == 303  # the same form twice: replayed, once stored
    assert events_of(client, dossier).count("SocialEnquiryRendered") == 1


def test_a_wrong_field_is_told_in_french_next_to_it_and_nothing_stored(
    client: TestClient, browser: TestClient, department: str
) -> None:
    dossier, hidden = opened(client, browser)
    answer = send_enquiry(browser, dossier, hidden, avis="excellent", summary=" ")
    assert answer.status_code == 422
    summary = re.search(r'id="social-enquiry-summary-erreur">([^<]+)<', answer.text)
    avis = re.search(r'id="social-enquiry-avis-erreur">([^<]+)<', answer.text)
    assert summary
    assert summary[1] == "champ obligatoire manquant"
    assert avis
    assert unescape(avis[1]).startswith("valeur non admise (au choix")
    assert events_of(client, dossier) == ["Identified"]


def test_a_stale_form_is_refused_saying_what_was_recorded_since(
    client: TestClient, browser: TestClient, department: str
) -> None:
    dossier, hidden = opened(client, browser)
    body = SOCIAL_ENQUIRY.body(today())
    by_api = record(client, dossier, "social-enquiry", body, role="departement")
    assert by_api.status_code == 200, by_api.text
    answer = send_enquiry(browser, dossier, hidden)
    assert_stale(answer, "Ce dossier", "Avis de l'enquête sociale rendu")
    assert events_of(client, dossier) == ["Identified", "SocialEnquiryRendered"]


def test_a_forged_form_of_a_role_not_allowed_is_refused(
    client: TestClient, browser: TestClient, department: str
) -> None:
    dossier, hidden = opened(client, browser)
    answer = browser.post(  # the Mairie's avis, which a CCAS never records
        f"/dossiers/{dossier}/etapes/mairie-avis", data={**hidden, "avis": "favorable"}
    )
    assert answer.status_code == 403
    assert "ne peut pas enregistrer l&#39;étape « Avis de la Mairie »" in answer.text
    assert events_of(client, dossier) == ["Identified"]


def test_no_form_for_a_role_that_may_not_record_and_none_without_the_token(
    client: TestClient, browser: TestClient, department: str
) -> None:
    dossier, hidden = opened(client, browser)
    browser.cookies.clear()
    sign_in(browser, "auditeur", home="/dossiers")
    assert "formulaire-" not in browser.get(f"/dossiers/{dossier}").text
    browser.cookies.clear()
    sign_in(browser, "ccas")  # a new session: the form's token is another's
    for token in (hidden["csrf_token"], None):  # another session's, then none
        sent = (
            {**hidden, "csrf_token": token}
            if token
            else {k: v for k, v in hidden.items() if k != "csrf_token"}
        )
        answer = browser.post(
            f"/dossiers/{dossier}{ENQUIRY}",
            data={**sent, "avis": "favorable", "summary": "Hébergé chez un tiers."},
        )
        assert answer.status_code == 403
        assert "Formulaire expiré ou venu d&#39;ailleurs" in answer.text
    assert events_of(client, dossier) == ["Identified"]


def association_opens(
    client: TestClient, browser: TestClient, stage: str
) -> tuple[str, httpx.Response]:
    """An AGASEF measure at `stage`, its page as AGASEF's social worker reads it."""
    mesure = drive_mesure(client, to=stage)
    sign_in(browser, "association")
    return mesure, browser.get(f"/mesures/{mesure}")


@pytest.mark.usefixtures("asll")
def test_an_association_records_a_meeting_and_asks_a_renewal_by_their_forms(
    client: TestClient, browser: TestClient
) -> None:
    mesure, page = association_opens(client, browser, "en_cours")
    assert 'id="formulaire-renewal-decision"' not in page.text  # none asked yet
    meeting = form_of(page, "meeting")
    answer = browser.post(
        f"/mesures/{mesure}/etapes/meeting", data={**meeting, "kind": "entretien"}
    )
    assert answer.status_code == 303, answer.text
    renewal = form_of(browser.get(f"/mesures/{mesure}"), "renewal-request")
    asked = {**renewal, "months": "trois", "reason": "Budget à stabiliser."}
    wrong = browser.post(f"/mesures/{mesure}/etapes/renewal-request", data=asked)
    assert wrong.status_code == 422
    assert 'id="renewal-request-months-erreur">nombre entier attendu<' in wrong.text
    asked["months"] = "3"
    answer = browser.post(f"/mesures/{mesure}/etapes/renewal-request", data=asked)
    assert answer.status_code == 303, answer.text
    assert read(client, mesure)["stage"] == "renouvellement_demande"
    types = [event["type"] for event in mesure_events(client, mesure)]
    assert types[-2:] == ["MeetingHeld", "RenewalRequested"]


@pytest.mark.usefixtures("asll")
def test_a_measures_rarer_steps_are_offered_apart_and_a_bail_glissants_only_on_one(
    client: TestClient, browser: TestClient
) -> None:
    mesure, page = association_opens(client, browser, "en_cours")  # individuelle
    assert 'id="formulaire-missed-meeting"' not in awaited(page.text)
    rarer = page.text[page.text.index('id="autres-etapes"') :]
    assert 'id="formulaire-missed-meeting"' in rarer
    assert 'id="formulaire-rupture"' in rarer
    for slug in ("head-lease", "sublease", "sublease-review", "sublease-end"):
        assert f'id="formulaire-{slug}"' not in page.text, slug  # no bail glissant
    missed = form_of(page, "missed-meeting")
    answer = browser.post(
        f"/mesures/{mesure}/etapes/missed-meeting",
        data={**missed, "relaunched": "true"},
    )
    assert answer.status_code == 303, answer.text
    assert mesure_events(client, mesure)[-1]["type"] == "MeetingMissed"


@pytest.mark.usefixtures("asll")
def test_a_rule_refusing_a_form_is_said_above_it_and_nothing_stored(
    client: TestClient, browser: TestClient
) -> None:
    # an association decides the renewal of its own specific actions only
    mesure, page = association_opens(client, browser, "renouvellement_demande")
    before = mesure_events(client, mesure)
    decision = form_of(page, "renewal-decision")
    answer = browser.post(
        f"/mesures/{mesure}/etapes/renewal-decision",
        data={**decision, "granted": "true"},
    )
    assert answer.status_code == 409
    refusal = re.search(r'<div [^>]*id="refus"[^>]*>(.*?)</div>', answer.text, re.S)
    assert refusal
    assert "qui renouvelle cette mesure" in unescape(refusal[1])
    assert mesure_events(client, mesure) == before


def test_the_households_offer_to_its_bilan_by_the_forms_of_their_roles(
    client: TestClient, browser: TestClient, department: str
) -> None:
    """After the CAL: the landlord's offer, its answer, the lease and the
    entry, then the ALS's bilan d'installation, each by the form its page
    offers at the dossier's stage (the registry's roles, not a hand list)."""
    dossier = drive_dossier(client, to="decide_cal")
    sign_in(browser, "bailleur")
    deadline = (today() + timedelta(days=10)).isoformat()
    steps = (
        ("offer", {"answer_deadline": deadline}),
        ("offer-answer", {"answer": "acceptee"}),
        ("lease", {"lease_start": today().isoformat(), "rent": "350", "charges": "50"}),
        ("entry", {}),
    )
    for slug, fields in steps:
        page = browser.get(f"/dossiers/{dossier}")
        assert awaited(page.text).count('id="formulaire-') == 1, slug
        sent = browser.post(
            f"/dossiers/{dossier}/etapes/{slug}", data={**form_of(page, slug), **fields}
        )
        assert sent.status_code == 303, (slug, sent.text)
    entered = browser.get(f"/dossiers/{dossier}").text
    assert "formulaire-" not in awaited(entered)  # the bilan is the ALS's
    browser.cookies.clear()
    sign_in(browser, "als")
    hidden = form_of(browser.get(f"/dossiers/{dossier}"), "installation-review")
    bilan = {"outcome": "ok", "findings": "Ménage bien installé."}
    answer = browser.post(
        f"/dossiers/{dossier}/etapes/installation-review", data={**hidden, **bilan}
    )
    assert answer.status_code == 303, answer.text
    assert events_of(client, dossier)[-5:] == [
        "Offered",
        "OfferAccepted",
        "LeaseSigned",
        "Entered",
        "InstallationReviewed",
    ]
