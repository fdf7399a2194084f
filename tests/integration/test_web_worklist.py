"""The worklist (/travail, api/web/work_pages.py): what waits on the signed-in
caller's role among the records of their scope, read and logged as the JSON
lists read them; overdue first, marked, with French days; a clear empty state."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from starlette.testclient import TestClient

from api.access_log import DOSSIER_FOLLOW_UP, DOSSIER_ROW
from api.web import french
from domain.dossier_steps import STEP_ROLES
from tests.helpers import procedure as llts
from tests.helpers import web
from tests.helpers.api import (
    DOCUMENTS_RECEIPT,
    DOCUMENTS_REQUEST,
    drive_dossier,
    identification,
    identify,
    record,
    store_position,
    today,
)
from tests.helpers.web import caught_up, logged_reads, sign_in
from tests.helpers.web import worklist_rows as rows

browser = web.browser  # a fixture


def identified(client: TestClient, name: str, commune: str = "97209") -> str:
    answer = identify(client, identification(applicant_name=name, commune=commune))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_mairie_sees_its_communes_enquiries_and_avis_awaited(
    client: TestClient, browser: TestClient, department: str
) -> None:
    enquiry = identified(client, "Ménage Lordinot")
    elsewhere = identified(client, "Ménage Ailleurs", commune="97213")  # Le Lamentin
    avis = drive_dossier(
        client,
        to="enquete_sociale_rendue",
        identify_with={"applicant_name": "Ménage Avis"},
    )
    caught_up(client)
    sign_in(browser, "mairie")  # Fort-de-France's: lands on its worklist
    assert browser.get("/").headers["location"] == "/travail"
    page = browser.get("/travail")
    assert page.status_code == 200, page.text
    assert 'href="/travail"' in page.text  # the header's navigation
    listed = {record_id: row for row in rows(page.text) for record_id in [row[2]]}
    assert listed[enquiry][:2] == (False, "Enquête sociale à rendre")
    assert listed[enquiry][3] == "Ménage Lordinot"
    assert listed[avis][:2] == (False, "Avis de la Mairie à rendre")
    assert listed[avis][4] == "—"  # a Mairie's avis has no deadline
    assert elsewhere not in page.text  # another commune's: not the Mairie's
    # read and logged as GET /v1/dossiers reads and logs its rows
    assert logged_reads(client, enquiry, "mairie") == [("GET /travail", DOSSIER_ROW)]
    browser.cookies.clear()
    sign_in(browser, "ccas")  # the CCAS renders enquiries, not the Mairie's avis
    listed = {row[2]: row[1] for row in rows(browser.get("/travail").text)}
    assert listed.get(enquiry) == "Enquête sociale à rendre"
    assert avis not in listed


def test_an_overdue_bilan_comes_first_marked_with_its_due_day(
    client: TestClient, browser: TestClient, department: str
) -> None:
    long_ago = today() - timedelta(days=300)
    entered = drive_dossier(client, to="entre_dans_les_lieux", on=long_ago)
    to_analyse = drive_dossier(
        client,
        to="ressources_controlees",
        identify_with={"applicant_name": "Ménage Analyse"},
    )
    caught_up(client)
    bilans = client.get("/v1/bilans", params={"status": "overdue"}).json()["data"]
    due_on = next(
        date.fromisoformat(b["due_on"]) for b in bilans if b["dossier_id"] == entered
    )
    sign_in(browser, "als")
    listed = rows(browser.get("/travail").text)
    ids = [row[2] for row in listed]
    assert ids.index(entered) < ids.index(to_analyse)
    # (the sessions that took it there, their minutes open, are late too)
    assert listed[ids.index(entered)] == (
        True,
        "Bilan d'installation à faire",
        entered,
        "Dossier à Fort-de-France (97209)",
        f"{french.day(due_on)} En retard",
    )
    assert listed[ids.index(to_analyse)][1:] == (
        "Dossier à analyser",
        to_analyse,
        "Ménage Analyse",
        "—",
    )
    logged = logged_reads(client, entered, "als")
    assert ("GET /travail", DOSSIER_FOLLOW_UP) in logged


@pytest.mark.parametrize(
    ("role", "home", "message"),
    [
        ("deal", "/travail", "Rien n'attend votre rôle pour l'instant."),
        ("auditeur", "/dossiers", "Aucune étape suivie ici n'est celle de votre rôle."),
    ],
)
def test_nothing_due_is_said_plainly(
    browser: TestClient, role: str, home: str, message: str
) -> None:
    sign_in(browser, role, home=home)
    page = browser.get("/travail")
    assert page.status_code == 200
    assert message in unescape(page.text)
    assert ('href="/travail"' in page.text) == (home == "/travail")


def test_a_landlords_sessions_to_hold_with_their_day_late_ones_first(
    client: TestClient, browser: TestClient, department: str
) -> None:
    past = today() - timedelta(days=10)
    late = llts.in_session(client, "cal", on=past, dwelling_refs=["B1"])
    coming = llts.in_session(client, "cal", dwelling_refs=["B2"])
    closed = llts.in_session(client, "cal", dwelling_refs=["B3"])
    summary = {"summary": "Séance close."}
    done = llts.post_step(client, closed, "minutes", summary, role="bailleur")
    assert done.status_code == 200, done.text
    caught_up(client)
    assert client.get("/v1/commissions", params={"kind": "cal"}).json()["count"] == 3
    sign_in(browser, "bailleur")
    listed = {row[2]: row for row in rows(browser.get("/travail").text)}
    commune = "Fort-de-France (97209)"
    assert listed[late] == (
        True,
        "Procès-verbal à clore",
        late,
        f"Séance du {french.day(past)} à {commune}",
        f"{french.day(past)} En retard",
    )
    assert listed[coming][:2] == (
        False,
        "Commission d'attribution des logements (CAL) à tenir",
    )
    assert listed[coming][4] == french.day(today())
    assert closed not in listed  # its minutes closed: nothing more to do
    ids = [row[2] for row in rows(browser.get("/travail").text)]
    assert ids.index(late) < ids.index(coming)


def test_an_announced_programme_awaits_its_concertation_on_the_als_worklist(
    client: TestClient, browser: TestClient, department: str
) -> None:
    announced = llts.announce(client).json()["id"]
    concerted = llts.concerted_programme(client)
    caught_up(client)
    client.get("/v1/programmes", params={"min_position": store_position(client)})
    sign_in(browser, "als")
    listed = {row[2]: row for row in rows(browser.get("/travail").text)}
    assert listed[announced][1:] == (
        "Réunion de concertation à tenir",
        announced,
        "Résidence Les Flamboyants à Fort-de-France (97209)",
        "—",
    )
    assert concerted not in listed  # held: nothing more to do


def test_a_liste_complementaire_is_due_by_its_last_day(
    client: TestClient, browser: TestClient, department: str
) -> None:
    """LC-VALIDITE: the DEAL records a listed dossier's expiry; the session
    whose ranking keeps the list is on its worklist by the list's last day,
    as the commissions' view holds it."""
    _, listed, pref = llts.ranked_dossiers(client, ranked=1, liste=1)
    assert listed  # one dossier on the liste complémentaire
    summary = {"summary": "Séance close."}
    done = llts.post_step(client, pref, "minutes", summary, role="prefecture")
    assert done.status_code == 200, done.text
    caught_up(client)
    position = store_position(client)
    session = client.get(
        f"/v1/commissions/{pref}/list", params={"min_position": position}
    )
    assert session.status_code == 200, session.text
    until = date.fromisoformat(session.json()["list_valid_until"])
    sign_in(browser, "deal")
    listed_rows = {row[2]: row for row in rows(browser.get("/travail").text)}
    assert listed_rows[pref][:2] == (False, "Liste complémentaire à échéance")
    assert listed_rows[pref][4] == french.day(until)


def test_an_offer_awaits_the_households_answer_by_its_deadline(
    client: TestClient, browser: TestClient, department: str
) -> None:
    """OFFRE-DELAI: the dossier list's view holds the offer's answer deadline
    while the offer awaits its answer; past it, silence is a refusal: the
    offer has lapsed, to be recorded, first."""
    long_ago = today() - timedelta(days=60)
    lapsed = drive_dossier(
        client,
        to="offre_faite",
        on=long_ago,
        identify_with={"applicant_name": "Ménage Silence"},
    )
    waiting = drive_dossier(
        client, to="offre_faite", identify_with={"applicant_name": "Ménage Attente"}
    )
    answered = drive_dossier(client, to="offre_acceptee")
    caught_up(client)
    listed = client.get("/v1/dossiers", params={"stage": "offre_faite"}).json()
    deadlines = {row["id"]: row["answer_deadline"] for row in listed["data"]}
    in_15_days = today() + timedelta(days=15)  # the tests' offers give 15 days
    assert deadlines[waiting] == in_15_days.isoformat()
    answered_row = client.get("/v1/dossiers?stage=offre_acceptee").json()["data"]
    assert {row["id"]: row["answer_deadline"] for row in answered_row} == {
        answered: None
    }
    sign_in(browser, "bailleur")  # SIMAR, whose CAL attributed them
    work = rows(browser.get("/travail").text)
    found = {row[2]: row for row in work}
    assert found[lapsed] == (
        True,
        "Délai de réponse passé : proposition caduque à enregistrer",
        lapsed,
        "Ménage Silence",
        f"{french.day(long_ago + timedelta(days=15))} En retard",
    )
    assert found[waiting] == (
        False,
        "Réponse du ménage à la proposition",
        waiting,
        "Ménage Attente",
        french.day(in_15_days),
    )
    ids = [row[2] for row in work]
    assert ids.index(lapsed) < ids.index(waiting)


def test_documents_asked_await_their_receipt_by_the_roles_that_record_it(
    client: TestClient, browser: TestClient, department: str
) -> None:
    """Documents asked during the analysis (ALS-CONTACT) are on the worklist of
    the roles that record their receipt, with the request's day and no
    deadline (no rule dates them), until they are received; the dossier list
    holds them (their names are no personal data)."""
    asked_on = today() - timedelta(days=10)
    named = {"applicant_name": "Ménage Pièces"}
    awaited = drive_dossier(client, to="en_analyse", on=asked_on, identify_with=named)
    documents = ["avis_imposition", "quittances_loyer"]
    asked = {**DOCUMENTS_REQUEST.body(asked_on), "documents": documents}
    answer = record(client, awaited, "documents-request", asked, role="als")
    assert answer.status_code == 200, answer.text
    caught_up(client)

    def listed_row() -> dict[str, object]:
        data = client.get("/v1/dossiers", params={"stage": "en_analyse"}).json()
        return next(row for row in data["data"] if row["id"] == awaited)

    row = listed_row()
    assert row["outstanding_documents"] == documents
    assert row["documents_requested_on"] == asked_on.isoformat()
    item = (
        False,
        f"Pièces demandées : {', '.join(documents)} "
        f"(demande du {french.day(asked_on)})",
        awaited,
        "Ménage Pièces",
        "—",
    )
    receivers = STEP_ROLES["receive_documents"]
    for role in sorted({*receivers, "mairie", "departement"}):
        browser.cookies.clear()
        sign_in(browser, role)
        work = rows(browser.get("/travail").text)
        assert (item in work) == (role in receivers), (role, work)
        # The solvency, which the dossier refuses until they are received, is
        # not offered meanwhile.
        labels = [r[1] for r in work if r[2] == awaited]
        assert "Solvabilité à étudier" not in labels, (role, labels)

    received = {**DOCUMENTS_RECEIPT.body(today()), "documents": documents}
    answer = record(client, awaited, "documents-receipt", received, role="ccas")
    assert answer.status_code == 200, answer.text
    caught_up(client)
    row = listed_row()
    assert (row["outstanding_documents"], row["documents_requested_on"]) == ([], None)
    browser.cookies.clear()
    sign_in(browser, "ccas")
    labels = [r[1] for r in rows(browser.get("/travail").text) if r[2] == awaited]
    assert not [label for label in labels if label.startswith("Pièces demandées")]
    browser.cookies.clear()
    sign_in(browser, "als")  # who studies the solvency, now that it may
    labels = [r[1] for r in rows(browser.get("/travail").text) if r[2] == awaited]
    assert "Solvabilité à étudier" in labels
