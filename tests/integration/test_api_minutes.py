"""A commission's procès-verbal over the API (issue 14): the session, attendance
and presidency, the ranked list in order with RDA criteria and motives, the
liste complémentaire and its last day, the CAL's decisions, the follow-up and
the legality findings, as HTML and PDF; households named only to a reader who
may read them; every text escaped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from tests.helpers.api import (
    LEASE,
    OFFER,
    OFFER_ANSWER,
    RDA,
    actor,
    adopt_settings,
    assert_error,
    drive_dossier,
    organisation_of,
    settings_body,
    take,
    today,
)
from tests.helpers.pdf import printed, squeezed
from tests.helpers.procedure import (
    LEGAL_ATTENDANCE,
    PREFET,
    attendee,
    cal_on_three,
    concerted_programme,
    entry,
    in_session,
    post_step,
    preselect,
    rank,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import httpx
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")

HOSTILE_MOTIVE = "<script>alert('pv')</script> Rez-de-chaussée & adapté"
HOSTILE_SUMMARY = "</main><b>Séance close</b>"
OTHER_LANDLORD = "SMHLM"  # attends the commission préfectorale, owns no dossier


@dataclass(frozen=True)
class Sessions:
    names: dict[str, str]  # dossier id → applicant name
    ranked: list[str]
    listed: list[str]
    pre: str
    prefectorale: str
    cal: str


def _sessions(client: TestClient) -> Sessions:
    """Five households for a programme: three ranked (the second ahead of the
    third, prioritaire by the RDA, with a motive), two on the liste
    complémentaire; the CAL attributes A1 to the first, refuses the second,
    adjourns the third, and closes its minutes; the commission préfectorale's
    minutes stay open."""
    programme_id = concerted_programme(client)
    names = {}
    for n in range(5):
        name = f"<i>Ménage {n}</i> Lordinot"
        dossier = drive_dossier(
            client,
            to="solvabilite_etudiee",
            identify_with={"programme_id": programme_id, "applicant_name": name},
        )
        names[dossier] = name
    ids = list(names)
    pre = in_session(client, "pre_commission", programme_id=programme_id)
    outcomes = dict.fromkeys(ids[:3], "prioritaire")
    outcomes |= dict.fromkeys(ids[3:], "liste_complementaire")
    assert preselect(client, pre, outcomes).status_code == 200
    attendance = LEGAL_ATTENDANCE["commission_prefectorale"]
    pref = in_session(
        client,
        "commission_prefectorale",
        programme_id=programme_id,
        attendance={
            "attendees": [
                *attendance["attendees"],
                attendee("bailleur", "observateur", OTHER_LANDLORD),
            ],
            "presided_by": PREFET,
        },
    )
    ranking = rank(
        client,
        pref,
        ranked=[
            entry(ids[0], ["dalo"]),
            entry(ids[1], ["hebergement_tiers"], HOSTILE_MOTIVE),
            entry(ids[2], ["sans_logement"]),
        ],
        liste=[entry(ids[3], ["sur_occupation"]), entry(ids[4])],
    )
    assert ranking.status_code == 200, ranking.text
    cal = cal_on_three(client, programme_id, ids)
    closed = post_step(
        client, cal, "minutes", {"summary": HOSTILE_SUMMARY}, role="bailleur"
    )
    assert closed.status_code == 200, closed.text
    return Sessions(names, ids[:3], ids[3:], pre, pref, cal)


@pytest.fixture
def sessions(client: TestClient) -> Sessions:
    return _sessions(client)


def minutes(
    client: TestClient,
    commission_id: str,
    role: str = "auditeur",
    organisation: str | None = None,
    **params: str,
) -> httpx.Response:
    return client.get(
        f"/v1/commissions/{commission_id}/minutes",
        params=params,
        headers=actor(role, organisation=organisation),
    )


def html_of(client: TestClient, commission_id: str, role: str = "auditeur") -> str:
    answer = minutes(client, commission_id, role)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


class TestTheCommissionPrefectorale:
    @pytest.fixture
    def page(self, client: TestClient, sessions: Sessions) -> str:
        """The minutes of the commission préfectorale, as the auditor reads them."""
        return html_of(client, sessions.prefectorale)

    def test_attendance_presidency_and_provisional(self, page: str) -> None:
        assert "Procès-verbal de séance — Commission préfectorale" in page
        assert f"{today():%d/%m/%Y}" in page
        assert (
            "Présidence :</strong>\npréfet — " + organisation_of("prefecture") in page
        )
        assert organisation_of("deal") in page
        assert "observateur" in page
        assert "COMPREF-PRESIDENCE : présidence préfectorale, DEAL présente" in page
        assert "Procès-verbal provisoire" in page
        assert "PROVISOIRE" in page  # the watermark

    def test_the_ranked_list_in_order_with_criteria_and_motives(
        self, sessions: Sessions, page: str
    ) -> None:
        ranked = page[page.index("Classement (ordre du RDA)") :]
        ranked = ranked[: ranked.index("Liste complémentaire")]
        places = [ranked.index(_escaped(sessions.names[i])) for i in sessions.ranked]
        assert places == sorted(places)
        for criterion in ("dalo", "hebergement_tiers", "sans_logement"):
            assert criterion in ranked
        assert "passe avant le classé n° 3, prioritaire selon le RDA" in ranked
        assert _escaped(HOSTILE_MOTIVE) in ranked

    def test_the_liste_complementaire_and_its_expiry(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        listed = client.get(f"/v1/commissions/{sessions.prefectorale}")
        until = listed.json()["ranking"]["list_valid_until"]
        y, m, d = until.split("-")
        page = html_of(client, sessions.prefectorale)
        liste = page[page.index("<h2>Liste complémentaire") :]
        assert f"Valable jusqu'au <strong>{d}/{m}/{y}</strong>" in liste
        first, second = (
            liste.index(_escaped(sessions.names[i])) for i in sessions.listed
        )
        assert first < second
        assert "sur_occupation" in liste

    def test_the_follow_up_names_the_cal_decisions(self, page: str) -> None:
        follow = page[page.index("Suites données") : page.index("Contrôle de légalité")]
        assert "attribution (A1), CAL de " + organisation_of("bailleur") in follow
        assert "non-attribution, CAL de" in follow
        assert "ajournement, revient en séance le" in follow

    def test_the_follow_up_shows_the_offer_and_the_lease(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        attributed = sessions.ranked[0]
        for step in (OFFER, OFFER_ANSWER, LEASE):
            answer = take(client, attributed, step)
            assert answer.status_code == 200, answer.text
        page = html_of(client, sessions.prefectorale)
        follow = page[page.index("Suites données") : page.index("Contrôle de légalité")]
        assert "<td>Bail signé</td>" in follow
        assert f"proposé le {today():%d/%m/%Y} : acceptée" in follow
        assert f"bail au {today():%d/%m/%Y}" in follow

    def test_a_refusal_by_the_household(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        attributed = sessions.ranked[0]
        assert take(client, attributed, OFFER).status_code == 200
        refused = take(
            client,
            attributed,
            OFFER_ANSWER,
            {"answer": "refusee", "occurred_on": today().isoformat()},
        )
        assert refused.status_code == 200, refused.text
        page = html_of(client, sessions.prefectorale)
        follow = page[page.index("Suites données") : page.index("Contrôle de légalité")]
        assert "<td>Proposition refusée</td>" in follow
        assert ": refusée par le ménage" in follow

    def test_no_finding_on_a_legal_session(self, page: str) -> None:
        assert "Aucun manquement constaté" in page

    def test_the_findings_of_the_legality_engine(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        """An RDA adopted since, in force on the session's day, puts the
        households in another order: the ranking departs from it unmotivated."""
        reversed_rda = list(reversed(RDA))
        body = settings_body(effective_from=today(), rda_priority_criteria=reversed_rda)
        assert adopt_settings(client, body=body).status_code == 201
        page = html_of(client, sessions.prefectorale)
        found = page[page.index("Contrôle de légalité") : page.index("Clôture")]
        assert "COMPREF-RANG" in found
        assert "sans motif" in found
        assert '<td class="breach">bloquant</td>' in found

    def test_hostile_text_is_escaped(self, page: str) -> None:
        assert "<script>" not in page
        assert "<i>Ménage" not in page
        assert "&lt;i&gt;Ménage 0&lt;/i&gt;" in page

    def test_reading_it_logs_the_households_named(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        html_of(client, sessions.prefectorale, "prefecture")
        log = client.get(
            "/v1/access-log",
            params={"subject": "agent.prefecture", "kind": "dossier"},
        )
        assert log.status_code == 200, log.text
        read = {
            row["record_id"]
            for row in log.json()["data"]
            if row["endpoint"].endswith("/minutes")
        }
        assert read == set(sessions.ranked) | set(sessions.listed)


class TestThePreCommission:
    def test_the_selection_and_the_quorum(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        page = html_of(client, sessions.pre, "als")
        assert "Procès-verbal de séance — Pré-commission" in page
        assert "PRECOM-QUORUM : Préfecture et DEAL présentes" in page
        selection = page[page.index("Pré-sélection") : page.index("Suites données")]
        places = [selection.index(_escaped(sessions.names[i])) for i in sessions.names]
        assert places == sorted(places)  # in the order decided
        assert selection.count("<td>prioritaire</td>") == 3
        assert selection.count("<td>liste complémentaire</td>") == 2
        assert "aucune présidence enregistrée" in page


class TestTheCAL:
    def test_decisions_motives_and_closing(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        page = html_of(client, sessions.cal, "bailleur")
        decisions = ("attribution", "non-attribution", "ajournement")
        for phrase in (
            "Logement A1",
            *(f"<td>{decision}</td>" for decision in decisions),
            "Ressources.",
            "Pièce à vérifier.",
            "classé n° 2 par la commission préfectorale",
            "revient en séance le",
            "président de la CAL",  # attendance, the function in words
            f"Procès-verbal clos le {today():%d/%m/%Y}",
            _escaped(HOSTILE_SUMMARY),
            # its own CAL's households
            *(_escaped(sessions.names[dossier]) for dossier in sessions.ranked),
        ):
            assert phrase in page, phrase
        assert "provisoire" not in page.lower()

    def test_as_pdf(self, client: TestClient, sessions: Sessions) -> None:
        answer = minutes(client, sessions.cal, format="pdf")
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert "proces-verbal-cal-" in answer.headers["content-disposition"]
        text = printed(answer.content)
        for phrase in (
            "Procès-verbal de séance",
            "Logement A1",
            "non-attribution",
            "Pièce à vérifier.",
            sessions.names[sessions.ranked[1]],
            "Le président de séance",
            f"Procès-verbal clos le {today():%d/%m/%Y}",
        ):
            assert squeezed(phrase) in text, phrase


class TestProvisionalPdf:
    def test_the_open_minutes_print_provisoire(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        answer = minutes(client, sessions.prefectorale, format="pdf")
        assert answer.status_code == 200, answer.text
        text = printed(answer.content)
        assert squeezed("Procès-verbal provisoire") in text
        assert squeezed("Liste complémentaire") in text
        assert squeezed(HOSTILE_MOTIVE) in text


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "organisation"),
        [
            ("caf", None),
            ("ccapex", None),
            ("association", None),
            ("bailleur", "Ozanam"),  # neither its CAL nor a session it attended
        ],
    )
    def test_a_role_without_the_right_is_refused(
        self,
        client: TestClient,
        sessions: Sessions,
        role: str,
        organisation: str | None,
    ) -> None:
        answer = minutes(client, sessions.prefectorale, role, organisation)
        assert_error(answer, 403, "forbidden")

    def test_a_mairie_of_another_commune_is_refused(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        answer = client.get(
            f"/v1/commissions/{sessions.prefectorale}/minutes",
            headers=actor("mairie", commune="97213"),
        )
        assert_error(answer, 403, "forbidden")

    def test_a_landlord_who_attended_reads_it_without_names(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        answer = minutes(
            client, sessions.prefectorale, "bailleur", organisation=OTHER_LANDLORD
        )
        assert answer.status_code == 200, answer.text
        page = answer.text
        for dossier, name in sessions.names.items():
            assert _escaped(name) not in page
            assert dossier in page  # the dossier's reference instead
        assert _escaped(HOSTILE_MOTIVE) not in page
        assert "non communiqué" in page
        assert "5 ménage(s) désigné(s) par l'identifiant de leur dossier" in page
        assert "Aucune suite à rapporter." in page

    def test_the_landlord_of_the_cal_names_its_households(
        self, client: TestClient, sessions: Sessions
    ) -> None:
        page = html_of(client, sessions.cal, "bailleur")
        assert "désigné(s) par l'identifiant" not in page


class TestTheCommand:
    def test_html_on_stdout_names_every_household(
        self,
        client: TestClient,
        sessions: Sessions,
        logis: Callable[..., tuple[int, str]],
    ) -> None:
        status, out = logis("commission", "minutes", sessions.prefectorale)
        assert status == 0
        assert out.startswith("<!DOCTYPE html>")
        assert "Procès-verbal provisoire" in out
        for name in sessions.names.values():
            assert _escaped(name) in out
        assert _escaped(HOSTILE_MOTIVE) in out

    def test_pdf_into_a_file(
        self,
        client: TestClient,
        sessions: Sessions,
        logis: Callable[..., tuple[int, str]],
        tmp_path: Path,
    ) -> None:
        output = tmp_path / "pv.pdf"
        status, _ = logis(
            "commissions", "minutes", sessions.cal, "--format", "pdf",
            "--output", str(output),
        )  # fmt: skip
        assert status == 0
        text = printed(output.read_bytes())
        assert squeezed("Logement A1") in text
        assert squeezed(sessions.names[sessions.ranked[0]]) in text

    def test_pdf_needs_a_file_and_an_unknown_id_fails(
        self,
        client: TestClient,
        sessions: Sessions,
        logis: Callable[..., tuple[int, str]],
    ) -> None:
        assert logis("commission", "minutes", sessions.cal, "--format", "pdf")[0] == 2
        status, out = logis("commission", "minutes", str(uuid4()))
        assert (status, out) == (1, "")  # commission_not_found, on stderr


class TestBadRequests:
    def test_unknown_commission(self, client: TestClient) -> None:
        answer = client.get(f"/v1/commissions/{uuid4()}/minutes")
        assert_error(answer, 404, "commission_not_found")

    def test_unknown_format(self, client: TestClient, sessions: Sessions) -> None:
        answer = minutes(client, sessions.cal, format="docx")
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"]


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
