"""A programme's and a commission's step forms (api/web/step_forms.py), derived
from the step commands of their kind (commands/procedures.py) and the roles of
the registry: the ALS's concertation on the programme's page, the landlord's
CAL decisions on its session's page (a form per dwelling, a row per dossier
awaiting the decision). Each posts the API's command with the record's version
as If-Match: the timeline grows; a stale form is refused with what changed; a
role without the step sees no form and is refused; a wrong field is told in
French next to it and nothing is stored."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html import unescape
from uuid import UUID

import httpx
import pytest
from starlette.testclient import TestClient

from api.web import french
from domain.programme_steps import CONCERTATION_PARTNERS
from tests.helpers import procedure as llts
from tests.helpers import web
from tests.helpers.api import ORGANISATIONS, actor, today
from tests.helpers.web import CSRF, assert_stale, sign_in

pytestmark = pytest.mark.usefixtures("department")

browser = web.browser  # a fixture

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def form_of(page: httpx.Response, form_id: str) -> tuple[dict[str, str], str]:
    """The hidden fields of the page's form `form_id`, and the form's HTML."""
    assert page.status_code == 200, page.text
    start = page.text.index(f'id="formulaire-{form_id}"')
    form = page.text[start : page.text.index("</form>", start)]
    hidden = {"csrf_token": CSRF.search(page.text)[1], **dict(HIDDEN.findall(form))}
    assert {"expected_version", "idempotency_key", "form_id"} <= set(hidden)
    return hidden, form


def events_of(client: TestClient, kind: str, record_id: str) -> list[str]:
    """The record's stored events (no history route for these kinds)."""
    app = client.app.state.system.app  # type: ignore[attr-defined]
    return [type(event).__name__ for event in app.history(kind, UUID(record_id))]


# ---- a commission: the CAL's decisions -------------------------------------------


@pytest.fixture
def cal(client: TestClient) -> tuple[str, list[str]]:
    """A CAL in session on A1 and A2 of a programme, three households ranked."""
    programme_id = llts.concerted_programme(client)
    ranked, _, _ = llts.ranked_dossiers(client, programme_id, ranked=3)
    cal_id = llts.in_session(
        client, "cal", programme_id=programme_id, dwelling_refs=["A1", "A2"]
    )
    for _ in range(100):  # the page reads its lists and candidates from the views
        listed = client.get("/v1/dossiers", params={"stage": "classe"}).json()
        if client.get(f"/v1/commissions/{cal_id}/list").status_code == 200 and listed[
            "count"
        ] == len(ranked):
            break
        time.sleep(0.05)
    return cal_id, ranked


def decisions(form: str, ranked: list[str]) -> dict[str, str]:
    """The CAL's three decisions on A1, each in the row of its dossier."""
    rows = dict(
        (dossier, row)
        for row, dossier in re.findall(
            r'name="candidates\.(\d+)\.dossier_id" value="([^"]+)"', form
        )
    )
    first, second, third = (rows[dossier] for dossier in ranked)
    return {
        f"candidates.{first}.decision": "attribution",
        f"candidates.{second}.decision": "non_attribution",
        f"candidates.{second}.motive": "Ressources insuffisantes.",
        f"candidates.{third}.decision": "rejet_irrecevabilite",
        f"candidates.{third}.motive": "Pièce d'identité manquante.",
    }


@dataclass(frozen=True)
class Opened:
    """The landlord's form of the CAL's decisions on A1, as its page drew it."""

    cal_id: str
    ranked: list[str]
    hidden: dict[str, str]
    form: str
    before: list[str]  # the session's events then

    def send(self, browser: TestClient, **more: str) -> httpx.Response:
        sent = {**self.hidden, **decisions(self.form, self.ranked), **more}
        return browser.post(f"/commissions/{self.cal_id}/etapes/decisions", data=sent)


@pytest.fixture
def opened(
    client: TestClient, browser: TestClient, cal: tuple[str, list[str]]
) -> Opened:
    cal_id, ranked = cal
    sign_in(browser, "bailleur")
    hidden, form = form_of(browser.get(f"/commissions/{cal_id}"), "decisions-A1")
    return Opened(cal_id, ranked, hidden, form, events_of(client, "commission", cal_id))


def test_the_cal_decides_on_a_dwelling_by_its_form_and_the_timeline_grows(
    client: TestClient, browser: TestClient, cal: tuple[str, list[str]]
) -> None:
    cal_id, ranked = cal
    sign_in(browser, "bailleur")
    page = browser.get(f"/commissions/{cal_id}")
    hidden, form = form_of(page, "decisions-A1")
    assert 'id="formulaire-decisions-A2"' in page.text  # a form per dwelling
    assert 'id="formulaire-minutes"' in page.text  # the landlord closes its CAL
    assert 'id="formulaire-ranking"' not in page.text  # the Préfecture's, elsewhere
    assert 'id="formulaire-attendance"' not in page.text  # recorded: in session
    assert "attribution sous condition suspensive" in form  # OUTCOME_LABELS
    assert all(f'value="{dossier}"' in form for dossier in ranked)  # a row each
    before = events_of(client, "commission", cal_id)
    sent = {**hidden, **decisions(form, ranked)}
    answer = browser.post(f"/commissions/{cal_id}/etapes/decisions", data=sent)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/commissions/{cal_id}#historique"
    assert events_of(client, "commission", cal_id) == [*before, "CALDecisionsTaken"]
    page = browser.get(f"/commissions/{cal_id}")
    assert 'id="formulaire-decisions-A1"' not in page.text  # examined
    assert 'id="formulaire-decisions-A2"' in page.text
    timeline = page.text[page.text.index('id="historique"') :]
    assert "Décisions de la CAL" in unescape(timeline)
    again = browser.post(f"/commissions/{cal_id}/etapes/decisions", data=sent)
    assert again.status_code == 303  # the same form twice: recorded once
    assert events_of(client, "commission", cal_id).count("CALDecisionsTaken") == 1


def test_a_stale_decision_form_is_refused_saying_what_changed(
    client: TestClient, browser: TestClient, opened: Opened
) -> None:
    ranked = opened.ranked
    by_api = llts.decide(
        client, opened.cal_id, "A2",
        [llts.attribution(ranked[0]), llts.refusal(ranked[1])],
        shortfall_motive="Deux candidats seulement.",
    )  # fmt: skip
    assert by_api.status_code == 200, by_api.text
    assert_stale(opened.send(browser), "Cette commission", "Décisions de la CAL")
    after_api = [*opened.before, "CALDecisionsTaken"]
    assert events_of(client, "commission", opened.cal_id) == after_api


def test_a_wrong_decision_is_told_next_to_its_cell_and_nothing_stored(
    client: TestClient, browser: TestClient, opened: Opened
) -> None:
    sent = decisions(opened.form, opened.ranked)
    cell = next(key for key, value in sent.items() if value == "attribution")
    answer = opened.send(browser, **{cell: "tirage_au_sort"})
    assert answer.status_code == 422
    error_id = "decisions-A1-" + cell.replace(".", "-") + "-erreur"
    said = re.search(rf'id="{error_id}">([^<]+)<', answer.text)
    assert said, answer.text
    assert unescape(said[1]).startswith("valeur non admise (au choix")
    assert 'value="tirage_au_sort"' not in answer.text  # a choice: not kept
    nothing = browser.post(  # no decision at all: the command's own message
        f"/commissions/{opened.cal_id}/etapes/decisions", data=opened.hidden
    )
    assert nothing.status_code == 422
    assert 'id="decisions-A1-candidates-erreur"' in nothing.text
    assert events_of(client, "commission", opened.cal_id) == opened.before


def test_a_role_without_the_step_sees_no_form_and_is_refused(
    client: TestClient, browser: TestClient, opened: Opened
) -> None:
    browser.cookies.clear()
    sign_in(browser, "mairie")
    page = browser.get(f"/commissions/{opened.cal_id}")
    assert page.status_code == 200, page.text
    assert "formulaire-" not in page.text
    token = CSRF.search(page.text)[1]
    answer = opened.send(browser, csrf_token=token)
    assert answer.status_code == 403
    assert "Décisions de la CAL sur un logement" in unescape(answer.text)
    assert events_of(client, "commission", opened.cal_id) == opened.before


# ---- a commission préfectorale: its ranking ------------------------------------


def settled(client: TestClient, stage: str, count: int) -> None:
    """The dossier list's view shows `count` dossiers at `stage`."""
    for _ in range(100):
        listed = client.get("/v1/dossiers", params={"stage": stage}).json()
        if listed["count"] == count:
            return
        time.sleep(0.05)
    raise AssertionError(stage)


def test_the_prefecture_ranks_the_preselected_dossiers_by_choosing_each_place(
    client: TestClient, browser: TestClient, programme: str
) -> None:
    """A ranking's rows hold no choice beside the dossier: each row chooses
    one among those preselected (the order is the rank)."""
    dossiers = llts.solvent_dossiers(client, 3, programme_id=programme)
    pre = llts.in_session(client, "pre_commission", programme_id=programme)
    chosen = dict.fromkeys(dossiers, "prioritaire")
    assert llts.preselect(client, pre, chosen).status_code == 200
    pref = llts.in_session(client, "commission_prefectorale", programme_id=programme)
    settled(client, "preselectionne", 3)
    sign_in(browser, "prefecture")
    hidden, form = form_of(browser.get(f"/commissions/{pref}"), "ranking")
    assert 'name="ranked.2.dossier_id"' in form  # a row per dossier awaiting
    assert all(f'<option value="{d}"' in form for d in dossiers)
    first, second, third = dossiers
    places = {
        "ranked.0.dossier_id": second,
        "ranked.1.dossier_id": first,
        "liste_complementaire.0.dossier_id": third,
    }
    answer = browser.post(
        f"/commissions/{pref}/etapes/ranking", data={**hidden, **places}
    )
    assert answer.status_code == 303, answer.text
    assert events_of(client, "commission", pref)[-1] == "RankingDecided"
    ranked = client.get(f"/v1/dossiers/{second}").json()["ranking"]
    assert (ranked["outcome"], ranked["rank"]) == ("rang", 1)


# ---- a programme: its concertation ----------------------------------------------


@pytest.fixture
def announced(client: TestClient) -> str:
    answer = llts.announce(client)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def concertation(form: str) -> dict[str, str]:
    """The concertation's fields: each partner invited (its row written
    beforehand) and present, with the landlord and the ALS."""
    rows = dict(
        (role, row)
        for row, role in re.findall(
            r'name="invited\.(\d+)\.role".*?<option value="(\w+)" selected', form, re.S
        )
    )
    sent = {f"invited.{rows[r]}.role": r for r in rows}
    sent |= {f"invited.{rows[r]}.organisation": ORGANISATIONS[r] for r in rows}
    present = ("bailleur", "als", *CONCERTATION_PARTNERS)
    for i, role in enumerate(present):
        sent |= {
            f"present.{i}.organisation": ORGANISATIONS[role],
            f"present.{i}.role": role,
        }
    return sent | {
        "programme_presented": "true",
        "candidate_profile": "Familles hébergées chez un tiers.",
    }


def test_the_concertation_held_by_its_form_grows_the_programmes_timeline(
    client: TestClient, browser: TestClient, announced: str
) -> None:
    sign_in(browser, "als")
    page = browser.get(f"/programmes/{announced}")
    hidden, form = form_of(page, "concertation")
    assert page.text.count('name="invited.') >= 2 * len(CONCERTATION_PARTNERS)
    assert 'id="formulaire-lease"' not in page.text  # the landlord's
    sent = concertation(form)
    assert len([k for k in sent if k.startswith("invited.")]) == 12
    answer = browser.post(
        f"/programmes/{announced}/etapes/concertation", data={**hidden, **sent}
    )
    assert answer.status_code == 303, answer.text
    assert events_of(client, "programme", announced)[-1] == "ConcertationHeld"
    page = browser.get(f"/programmes/{announced}")
    assert "Réunion de concertation tenue" in page.text
    timeline = unescape(page.text[page.text.index('id="historique"') :])
    # the fields in words: labels, not codes (api/web/words.py)
    assert "Programme présenté : oui" in timeline
    assert f"{ORGANISATIONS['caf']} (CAF)" in timeline
    assert "Commune : Fort-de-France (97209)" in timeline
    assert f"Loyer mensuel (€) : {french.euros('350.00')}" in timeline
    assert "programme_presented" not in timeline
    assert 'id="formulaire-concertation"' not in page.text  # held: no longer offered


def test_a_concertation_missing_a_partner_is_refused_in_french_and_stale_forms_too(
    client: TestClient, browser: TestClient, announced: str
) -> None:
    sign_in(browser, "als")
    hidden, form = form_of(browser.get(f"/programmes/{announced}"), "concertation")
    sent = concertation(form)
    missing = next(k for k in sent if k.endswith(".organisation"))
    answer = browser.post(
        f"/programmes/{announced}/etapes/concertation",
        data={**hidden, **sent, missing: ""},
    )
    assert answer.status_code == 422
    assert "champ obligatoire manquant" in answer.text  # next to its cell
    assert events_of(client, "programme", announced) == ["Announced"]
    by_api = client.post(
        f"/v1/programmes/{announced}/concertation",
        json={
            "invited": [
                {"organisation": ORGANISATIONS[r], "role": r}
                for r in CONCERTATION_PARTNERS
            ],
            "present": [{"organisation": ORGANISATIONS["als"], "role": "als"}],
            "programme_presented": True,
            "candidate_profile": "Jeunes actifs.",
        },
        headers=actor("als"),
    )
    assert by_api.status_code == 200, by_api.text
    stale = browser.post(
        f"/programmes/{announced}/etapes/concertation", data={**hidden, **sent}
    )
    assert stale.status_code == 409
    assert "Ce programme a changé depuis l'ouverture du formulaire" in unescape(
        stale.text
    )
    assert events_of(client, "programme", announced) == [
        "Announced",
        "ConcertationHeld",
    ]


# ---- a programme: the session it leads to ------------------------------------------


@pytest.fixture
def programme(client: TestClient) -> str:
    """A programme whose concertation was held: its sessions to convene."""
    return llts.concerted_programme(client)


def test_the_landlord_convenes_its_cal_from_the_programme_and_holds_it(
    client: TestClient, browser: TestClient, programme: str
) -> None:
    sign_in(browser, "bailleur")
    hidden, form = form_of(
        browser.get(f"/programmes/{programme}"), "convocation-seance"
    )
    kinds = form.split('name="kind"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)"', kinds) == ["cal"]
    assert "pre_commission" not in form  # the ALS's to convene
    missing = browser.post(f"/programmes/{programme}/convocation", data=hidden)
    assert missing.status_code == 422  # no kind, no day: said next to them
    assert 'id="convocation-seance-held_on-erreur"' in missing.text
    sent = {"kind": "cal", "held_on": today().isoformat(), "dwelling_refs": "A1\nA2"}
    answer = browser.post(
        f"/programmes/{programme}/convocation", data={**hidden, **sent}
    )
    assert answer.status_code == 303, answer.text
    cal = answer.headers["location"].rsplit("/", 1)[1]
    assert answer.headers["location"] == f"/commissions/{cal}"
    assert events_of(client, "commission", cal) == ["Convened"]
    session = browser.get(f"/commissions/{cal}")
    hidden, _ = form_of(session, "attendance")  # now its attendance
    attendance = {
        "attendees.0.organisation": ORGANISATIONS["bailleur"],
        "attendees.0.role": "bailleur",
        "attendees.0.function": "president_cal",
    }
    held = browser.post(
        f"/commissions/{cal}/etapes/attendance", data={**hidden, **attendance}
    )
    assert held.status_code == 303, held.text
    assert events_of(client, "commission", cal)[-1] == "AttendanceRecorded"


def test_a_role_that_convenes_no_session_sees_no_convocation_and_is_refused(
    client: TestClient, browser: TestClient, programme: str
) -> None:
    sign_in(browser, "mairie")  # the programme's page, read: no form of the Mairie's
    text = browser.get(f"/programmes/{programme}").text
    assert "formulaire-" not in text
    token = CSRF.search(text)[1]
    sent = {"csrf_token": token, "kind": "cal", "held_on": today().isoformat()}
    answer = browser.post(f"/programmes/{programme}/convocation", data=sent)
    assert answer.status_code == 403
    assert client.get("/v1/commissions").json()["count"] == 0


def test_a_role_without_the_concertation_sees_no_form_and_is_refused(
    client: TestClient, browser: TestClient, announced: str
) -> None:
    sign_in(browser, "als")
    hidden, form = form_of(browser.get(f"/programmes/{announced}"), "concertation")
    browser.cookies.clear()
    sign_in(browser, "mairie")
    text = browser.get(f"/programmes/{announced}").text
    assert "formulaire-" not in text
    sent = {**hidden, **concertation(form), "csrf_token": CSRF.search(text)[1]}
    answer = browser.post(f"/programmes/{announced}/etapes/concertation", data=sent)
    assert answer.status_code == 403
    assert "Réunion de concertation" in unescape(answer.text)
    assert events_of(client, "programme", announced) == ["Announced"]
