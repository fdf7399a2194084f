"""The three commissions over the API, on each store: the pré-commission, the
commission préfectorale and the landlord's CAL. Every rule they enforce is
accepted and refused here; a refusal answers its code and leaves the store as it
was (the commission and every dossier it names); a decision lands on the
commission and on its dossiers in one transaction, or nowhere.

Then a programme from its concertation to the bilans, and the vacancy flow: a
liste complémentaire serving another landlord's vacancy until it expires."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from domain.shared import ROLE_LABELS
from tests.helpers.api import (
    COMMUNE,
    DWELLING,
    OFFER_ANSWER,
    ORGANISATIONS,
    OTHER_COMMUNE,
    OTHER_LANDLORD,
    StoreSnapshot,
    actor,
    adopt_settings,
    assert_created,
    assert_error,
    assert_store_unchanged,
    drive_dossier,
    history,
    read_record,
    record,
    refused,
    settings_body,
    stage_of,
    store_position,
    take,
    today,
)
from tests.helpers.procedure import (
    LEGAL_ATTENDANCE,
    PREFET,
    SHORTFALL,
    adjournment,
    announce,
    attendee,
    attribution,
    concerted_programme,
    convene,
    decide,
    entry,
    in_session,
    post_step,
    preselect,
    rank,
    ranked_dossiers,
    refusal,
    solvent_dossiers,
)

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")

SMHLM = "SMHLM"
# A household the Préfecture proposes under DALO, recognised two months ago.
DALO = {
    "dalo": True,
    "dalo_appeal_on": (today() - timedelta(days=120)).isoformat(),
    "dalo_recognised_on": (today() - timedelta(days=60)).isoformat(),
}


# ---- reading and snapshots ----------------------------------------------------------


def commission(client: TestClient, commission_id: str) -> dict[str, Any]:
    return read_record(client, "commissions", commission_id)


def dossier(client: TestClient, dossier_id: str) -> dict[str, Any]:
    return read_record(client, "dossiers", dossier_id)


def programme(client: TestClient, programme_id: str) -> dict[str, Any]:
    return read_record(client, "programmes", programme_id)


def snapshot(
    client: TestClient, commission_id: str | None, *dossier_ids: str
) -> StoreSnapshot:
    """The store's position, the commission's and each dossier's version."""
    resources = [f"/v1/dossiers/{i}" for i in dossier_ids]
    if commission_id is not None:
        resources.insert(0, f"/v1/commissions/{commission_id}")
    return StoreSnapshot.take(client, resources=resources)


def accepted(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def ranked_for_a_cal(client: TestClient, count: int) -> tuple[list[str], str]:
    """`count` dossiers ranked by a commission préfectorale, and a CAL in session
    on DWELLING."""
    ranked, _, _ = ranked_dossiers(client, ranked=count)
    return ranked, in_session(client, "cal", dwelling_refs=[DWELLING])


def cal_decides(
    client: TestClient, cal: str, candidates: list[dict[str, Any]], **options: Any
) -> dict[str, Any]:
    """The CAL's decision on DWELLING, accepted."""
    return accepted(decide(client, cal, DWELLING, candidates, **options))


def attributed_to_the_first(client: TestClient) -> list[str]:
    """Three ranked dossiers: a CAL attributes DWELLING to the first, refuses it
    to the others."""
    ranked, cal = ranked_for_a_cal(client, 3)
    cal_decides(
        client, cal, [attribution(ranked[0]), refusal(ranked[1]), refusal(ranked[2])]
    )
    return ranked


def preselected(client: TestClient, count: int, *, on: date | None = None) -> list[str]:
    """`count` dossiers selected prioritaire by a legal pré-commission."""
    dossiers = solvent_dossiers(client, count, on=on)
    pre = in_session(client, "pre_commission", on=on)
    accepted(preselect(client, pre, dict.fromkeys(dossiers, "prioritaire"), on=on))
    return dossiers


def close(
    client: TestClient, commission_id: str, role: str, on: date | None = None
) -> httpx.Response:
    return post_step(
        client,
        commission_id,
        "minutes",
        {"summary": "Séance close, décisions notifiées."},
        role=role,
        on=on,
    )


def offer(
    client: TestClient,
    dossier_id: str,
    days: int = 15,
    *,
    organisation: str | None = None,
) -> httpx.Response:
    """The offer, by an agent of `organisation` (default: SIMAR)."""
    deadline = (today() + timedelta(days=days)).isoformat()
    return record(
        client,
        dossier_id,
        "offer",
        {"answer_deadline": deadline},
        role="bailleur",
        organisation=organisation,
    )


# ---- convening and the session's order ---------------------------------------------


class TestSession:
    def test_convene_answers_201_and_the_session_reads_back(
        self, client: TestClient
    ) -> None:
        position = store_position(client)

        answer = convene(client, "cal", dwelling_refs=["A1", "A2"])

        body = assert_created(
            client, answer, "commissions", "convoquee", since=position
        )
        session = commission(client, body["id"])
        assert session["kind"] == "cal"
        assert session["held_on"] == today().isoformat()
        assert session["landlord"] == ORGANISATIONS["bailleur"]
        assert session["dwelling_refs"] == ["A1", "A2"]
        assert (session["attendees"], session["presided_by"]) == ([], None)

        recorded = post_step(
            client, body["id"], "attendance", LEGAL_ATTENDANCE["cal"], role="bailleur"
        )

        assert (accepted(recorded)["version"], recorded.json()["stage"]) == (
            2,
            "en_seance",
        )
        assert commission(client, body["id"])["attendees"] == [
            attendee("bailleur", "president_cal")
        ]

    def test_unknown_commission_is_not_found(self, client: TestClient) -> None:
        unknown = "00000000-0000-4000-8000-000000000000"
        before = StoreSnapshot.take(client)

        for answer in (
            client.get(f"/v1/commissions/{unknown}"),
            post_step(
                client, unknown, "attendance", LEGAL_ATTENDANCE["cal"], role="bailleur"
            ),
        ):
            refused(answer, 404, "commission_not_found", client, before)

    def test_a_session_decides_once_its_attendance_is_recorded(
        self, client: TestClient
    ) -> None:
        [dossier_id] = solvent_dossiers(client, 1)
        convened = convene(client, "pre_commission")
        pre = convened.json()["id"]
        before = snapshot(client, pre, dossier_id)

        refused(
            preselect(client, pre, {dossier_id: "prioritaire"}),
            409,
            "attendance_not_recorded",
            client,
            before,
        )
        refused(
            close(client, pre, "als"), 409, "attendance_not_recorded", client, before
        )

    def test_attendance_is_recorded_once(self, client: TestClient) -> None:
        pre = in_session(client, "pre_commission")
        before = snapshot(client, pre)

        again = post_step(
            client, pre, "attendance", LEGAL_ATTENDANCE["pre_commission"], role="als"
        )

        refused(again, 409, "invalid_transition", client, before)

    def test_session_steps_are_dated_the_session_day(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        yesterday = today() - timedelta(days=1)
        [dossier_id] = solvent_dossiers(client, 1, on=yesterday - timedelta(days=1))
        # held yesterday, its attendance recorded today
        held_yesterday = convene(client, "pre_commission", on=yesterday).json()["id"]
        # convened yesterday for today, its attendance dated the convocation day
        held_today = convene(client, "pre_commission", convened_on=yesterday).json()[
            "id"
        ]
        in_session_today = in_session(client, "pre_commission")
        attendance = LEGAL_ATTENDANCE["pre_commission"]
        for name, commission_id, path, body, on in (
            ("late-attendance", held_yesterday, "attendance", attendance, today()),
            ("early-attendance", held_today, "attendance", attendance, yesterday),
            (
                "decision-the-day-before",
                in_session_today,
                "preselection",
                {"decisions": [{"dossier_id": dossier_id, "outcome": "prioritaire"}]},
                yesterday,
            ),
        ):
            with subtests.test(name):
                before = snapshot(client, commission_id, dossier_id)

                answer = post_step(client, commission_id, path, body, role="als", on=on)

                error = refused(answer, 409, "not_the_session_day", client, before)
                held_on = commission(client, commission_id)["held_on"]
                day = f"{date.fromisoformat(held_on):%d/%m/%Y}"
                assert f"jour de la séance ({day})." in error["message"]

    def test_a_session_convened_ahead_sits_on_its_day(self, client: TestClient) -> None:
        tomorrow = today() + timedelta(days=1)
        convened = convene(client, "pre_commission", on=tomorrow, convened_on=today())
        assert convened.status_code == 201, convened.text
        session_id = convened.json()["id"]
        before = snapshot(client, session_id)

        answer = post_step(
            client,
            session_id,
            "attendance",
            LEGAL_ATTENDANCE["pre_commission"],
            role="als",
            on=tomorrow,
        )

        refused(answer, 422, "occurred_on_in_future", client, before)
        late = convene(client, "pre_commission", convened_on=tomorrow)
        refused(late, 422, "occurred_on_in_future", client, before)

    def test_nothing_is_decided_after_the_minutes_are_closed(
        self, client: TestClient
    ) -> None:
        first, second = solvent_dossiers(client, 2)
        pre = in_session(client, "pre_commission")
        accepted(preselect(client, pre, {first: "prioritaire"}))

        closed = accepted(close(client, pre, "als"))

        assert closed["stage"] == "pv_clos"
        session = commission(client, pre)
        assert session["minutes_closed_on"] == today().isoformat()
        before = snapshot(client, pre, second)
        for answer in (
            preselect(client, pre, {second: "prioritaire"}),
            close(client, pre, "als"),
            post_step(
                client,
                pre,
                "attendance",
                LEGAL_ATTENDANCE["pre_commission"],
                role="als",
            ),
        ):
            refused(answer, 409, "minutes_closed", client, before)
        assert stage_of(client, second) == "solvabilite_etudiee"

    def test_each_commission_takes_its_own_steps(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        [dossier_id] = preselected(client, 1)
        pre = in_session(client, "pre_commission")
        pref = in_session(client, "commission_prefectorale")
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        ranking = {"ranked": [entry(dossier_id)]}
        decisions = {"candidates": [attribution(dossier_id)]}
        selection = {"decisions": [{"dossier_id": dossier_id, "outcome": "ecarte"}]}
        for commission_id, path, body, role in (
            (pre, "ranking", ranking, "prefecture"),
            (cal, "ranking", ranking, "prefecture"),
            (pref, "preselection", selection, "als"),
            (pre, f"dwellings/{DWELLING}/decisions", decisions, "bailleur"),
            (pref, f"dwellings/{DWELLING}/decisions", decisions, "bailleur"),
        ):
            with subtests.test(
                path=path, kind=commission(client, commission_id)["kind"]
            ):
                before = snapshot(client, commission_id, dossier_id)

                answer = post_step(client, commission_id, path, body, role=role)

                # A landlord is no party to a pré-commission or a commission
                # préfectorale: refused before it learns its kind (issue 13).
                if role == "bailleur":
                    refused(answer, 403, "forbidden", client, before)
                else:
                    refused(answer, 409, "wrong_commission_kind", client, before)

    def test_a_dossier_is_decided_once_per_session(self, client: TestClient) -> None:
        [dossier_id] = solvent_dossiers(client, 1)
        pre = in_session(client, "pre_commission")
        accepted(preselect(client, pre, {dossier_id: "prioritaire"}))
        before = snapshot(client, pre, dossier_id)

        again = preselect(client, pre, {dossier_id: "liste_complementaire"})

        refused(again, 409, "dossier_already_decided", client, before)

    def test_a_cal_examines_named_dwellings(self, client: TestClient) -> None:
        ranked, _, _ = ranked_dossiers(client, ranked=1)
        before = StoreSnapshot.take(client)
        for refs, status, code in (
            ((), 409, "invalid_value"),
            (("A1", "A1"), 409, "invalid_value"),
            ((" ",), 422, "invalid_input"),
        ):
            refused(
                convene(client, "cal", dwelling_refs=refs), status, code, client, before
            )
        # a pré-commission or a commission préfectorale examines no dwelling
        answer = convene(client, "pre_commission", dwelling_refs=["A1"])
        refused(answer, 409, "invalid_value", client, before)
        cal = in_session(client, "cal", dwelling_refs=["A1"])
        before = snapshot(client, cal, *ranked)

        answer = decide(
            client, cal, "B7", [attribution(ranked[0])], shortfall_motive=SHORTFALL
        )

        refused(answer, 409, "unknown_dwelling", client, before)
        accepted(
            decide(client, cal, "A1", [attribution(ranked[0])], shortfall_motive="x")
        )
        before = snapshot(client, cal)
        again = decide(client, cal, "A1", [refusal(ranked[0])], shortfall_motive="x")
        refused(again, 409, "dwelling_already_examined", client, before)

    def test_a_session_for_a_programme_sits_in_its_commune_and_dwellings(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        programme_id = concerted_programme(client)  # SIMAR's, dwellings A1, A2
        before = StoreSnapshot.take(client)
        for name, kind, args, code in (
            (
                "commune",
                "pre_commission",
                {"commune": OTHER_COMMUNE},
                "wrong_programme",
            ),
            ("landlord", "cal", {"organisation": OTHER_LANDLORD}, "forbidden"),
            ("dwelling", "cal", {"dwelling_refs": ["Z9"]}, "unknown_dwelling"),
        ):
            with subtests.test(name):
                refs = args.pop("dwelling_refs", ["A1"] if kind == "cal" else [])
                answer = convene(
                    client,
                    kind,
                    programme_id=programme_id,
                    dwelling_refs=refs,
                    **args,
                )

                status = 403 if code == "forbidden" else 409  # not its programme
                refused(answer, status, code, client, before)


class TestProgrammes:
    def test_unknown_programme_is_not_found(self, client: TestClient) -> None:
        before = StoreSnapshot.take(client)

        answer = convene(
            client,
            "pre_commission",
            programme_id="00000000-0000-4000-8000-000000000000",
        )

        refused(answer, 404, "programme_not_found", client, before)

    def test_a_pre_commission_selects_its_programmes_dossiers(
        self, client: TestClient
    ) -> None:
        ours, theirs = concerted_programme(client), concerted_programme(client)
        [gathered] = solvent_dossiers(client, 1, programme_id=theirs)
        pre = in_session(client, "pre_commission", programme_id=ours)
        before = snapshot(client, pre, gathered)

        answer = preselect(client, pre, {gathered: "prioritaire"})

        refused(answer, 409, "wrong_programme", client, before)

    def test_cal_prealable_a_ranked_household_is_its_programmes(
        self, client: TestClient
    ) -> None:
        # ours: a vacancy in existing stock, which a liste complémentaire serves
        ours = concerted_programme(client, kind="vacance")
        theirs = concerted_programme(client)
        ranked, listed, _ = ranked_dossiers(client, theirs, ranked=1, liste=1)
        cal = in_session(client, "cal", programme_id=ours, dwelling_refs=["A1"])
        before = snapshot(client, cal, *ranked, *listed)

        answer = decide(
            client, cal, "A1", [attribution(ranked[0])], shortfall_motive=SHORTFALL
        )

        error = refused(answer, 409, "CAL-PREALABLE", client, before)
        assert "liste complémentaire" in error["message"]
        # the liste complémentaire serves every dwelling of the commune
        accepted(
            decide(
                client, cal, "A1", [attribution(listed[0])], shortfall_motive=SHORTFALL
            )
        )
        assert dossier(client, listed[0])["cal_decision"]["dwelling_ref"] == "A1"


# ---- roles ---------------------------------------------------------------------------


class TestRoles:
    def test_only_the_hosts_convene(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for kind, role in (
            ("pre_commission", "prefecture"),
            ("pre_commission", "bailleur"),
            ("commission_prefectorale", "als"),
            ("commission_prefectorale", "mairie"),
            ("cal", "prefecture"),
            ("cal", "als"),
            ("cal", "auditeur"),
        ):
            with subtests.test(kind=kind, role=role):
                refs = [DWELLING] if kind == "cal" else []
                answer = convene(client, kind, role=role, dwelling_refs=refs)

                error = refused(answer, 403, "role_not_allowed", client, before)
                assert f"« {ROLE_LABELS[role]} »" in error["message"]

    def test_the_deal_may_convene_the_commission_prefectorale(
        self, client: TestClient
    ) -> None:
        answer = convene(client, "commission_prefectorale", role="deal")

        assert answer.status_code == 201, answer.text

    def test_only_the_roles_of_a_step_record_it(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        ranked, _, _ = ranked_dossiers(client, ranked=1)
        [solvent] = solvent_dossiers(client, 1)
        [chosen] = preselected(client, 1)
        pre = in_session(client, "pre_commission")
        pref = in_session(client, "commission_prefectorale")
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        selection = {"decisions": [{"dossier_id": solvent, "outcome": "prioritaire"}]}
        decisions = {
            "candidates": [attribution(ranked[0])],
            "shortfall_motive": SHORTFALL,
        }
        cases = [
            (pre, "preselection", selection, "prefecture", solvent),
            (pre, "preselection", selection, "deal", solvent),
            (pref, "ranking", {"ranked": [entry(chosen)]}, "deal", chosen),
            (pref, "ranking", {"ranked": [entry(chosen)]}, "als", chosen),
            (
                cal,
                f"dwellings/{DWELLING}/decisions",
                decisions,
                "prefecture",
                ranked[0],
            ),
            (cal, f"dwellings/{DWELLING}/decisions", decisions, "als", ranked[0]),
            (cal, "attendance", LEGAL_ATTENDANCE["cal"], "als", ranked[0]),
            (pre, "minutes", {"summary": "PV"}, "bailleur", solvent),
            (pref, "minutes", {"summary": "PV"}, "deal", chosen),
        ]
        for commission_id, path, body, role, dossier_id in cases:
            with subtests.test(path=path, role=role):
                before = snapshot(client, commission_id, dossier_id)

                answer = post_step(client, commission_id, path, body, role=role)

                # A landlord is no party to a pré-commission: out of its scope.
                code = "forbidden" if role == "bailleur" else "role_not_allowed"
                error = refused(answer, 403, code, client, before)
                assert f"« {ROLE_LABELS[role]} »" in error["message"]
        for role in ("auditeur", "admin"):
            before = snapshot(client, pre, solvent)
            answer = post_step(client, pre, "preselection", selection, role=role)
            refused(answer, 403, "role_not_allowed", client, before)


# ---- the pré-commission -------------------------------------------------------------


class TestPreCommission:
    def test_precom_quorum_the_prefecture_and_the_deal_attend(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossiers = solvent_dossiers(client, 2)
        outcomes = dict(
            zip(dossiers, ("prioritaire", "liste_complementaire"), strict=True)
        )
        for missing in ("deal", "prefecture"):
            with subtests.test(missing=missing):
                present = [
                    attendee(role)
                    for role in ("als", "prefecture", "deal")
                    if role != missing
                ]
                pre = in_session(
                    client, "pre_commission", attendance={"attendees": present}
                )
                before = snapshot(client, pre, *dossiers)

                answer = preselect(client, pre, outcomes)

                error = refused(answer, 409, "PRECOM-QUORUM", client, before)
                assert missing in error["message"]

        pre = in_session(client, "pre_commission")
        answer = accepted(preselect(client, pre, outcomes))

        assert answer["id"] == pre
        session = commission(client, pre)
        assert session["preselections"] == [
            {"dossier_id": i, "outcome": o} for i, o in outcomes.items()
        ]
        for dossier_id, outcome in outcomes.items():
            decided = dossier(client, dossier_id)
            assert (decided["stage"], decided["preselection"]) == (
                "preselectionne",
                outcome,
            )
            [event] = history(client, dossier_id)[-1:]
            assert event["type"] == "PreSelected"
            assert event["data"]["commission_id"] == pre

    def test_preselection_follows_the_solvency_study(self, client: TestClient) -> None:
        analysed = drive_dossier(client, to="en_analyse")
        pre = in_session(client, "pre_commission")
        before = snapshot(client, pre, analysed)

        answer = preselect(client, pre, {analysed: "prioritaire"})

        refused(answer, 409, "DOS-ORDRE", client, before)

    def test_unknown_outcome_or_dossier_is_refused(self, client: TestClient) -> None:
        [dossier_id] = solvent_dossiers(client, 1)
        pre = in_session(client, "pre_commission")
        before = snapshot(client, pre, dossier_id)

        wrong = preselect(client, pre, {dossier_id: "retenu"})
        unknown = preselect(
            client, pre, {"00000000-0000-4000-8000-000000000000": "prioritaire"}
        )

        error = refused(wrong, 422, "invalid_input", client, before)
        assert error["details"][0]["field"] == "body.decisions.0.outcome"
        refused(unknown, 404, "dossier_not_found", client, before)

    def test_a_set_aside_dossier_is_not_ranked(self, client: TestClient) -> None:
        [dossier_id] = solvent_dossiers(client, 1)
        pre = in_session(client, "pre_commission")
        accepted(preselect(client, pre, {dossier_id: "ecarte"}))
        pref = in_session(client, "commission_prefectorale")
        before = snapshot(client, pref, dossier_id)

        answer = rank(client, pref, ranked=[dossier_id])

        refused(answer, 409, "invalid_transition", client, before)


# ---- the commission préfectorale -----------------------------------------------------


class TestCommissionPrefectorale:
    def test_compref_presidence_the_prefet_presides_the_deal_attends(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossiers = preselected(client, 2)
        deal = attendee("deal", "directeur_deal")
        secretaire = attendee("prefecture", "secretaire_general")
        for name, attendance in {
            "no-presidency": {"attendees": [PREFET, deal]},
            "chaired-by-the-deal": {"attendees": [PREFET, deal], "presided_by": deal},
            "chair-not-prefet": {
                "attendees": [secretaire, deal],
                "presided_by": secretaire,
            },
            "no-deal": {"attendees": [PREFET, attendee("als")], "presided_by": PREFET},
        }.items():
            with subtests.test(name):
                pref = in_session(
                    client, "commission_prefectorale", attendance=attendance
                )
                before = snapshot(client, pref, *dossiers)

                answer = rank(client, pref, ranked=dossiers)

                refused(answer, 409, "COMPREF-PRESIDENCE", client, before)

        for function in ("sous_prefet", "representant_du_prefet"):
            with subtests.test(chair=function):
                chair = attendee("prefecture", function)
                pref = in_session(
                    client,
                    "commission_prefectorale",
                    attendance={"attendees": [chair, deal], "presided_by": chair},
                )
                [one] = preselected(client, 1)

                accepted(rank(client, pref, ranked=[one]))

                assert dossier(client, one)["ranking"]["rank"] == 1

    def test_a_presidency_is_held_by_someone_present(self, client: TestClient) -> None:
        convened = convene(client, "commission_prefectorale").json()["id"]
        before = snapshot(client, convened)

        answer = post_step(
            client,
            convened,
            "attendance",
            {"attendees": [attendee("deal")], "presided_by": PREFET},
            role="prefecture",
        )

        refused(answer, 409, "invalid_value", client, before)

    def test_ranking_places_each_dossier_and_sets_the_liste_complementaire(
        self, client: TestClient
    ) -> None:
        first, second, listed, set_aside = preselected(client, 4)
        pref = in_session(client, "commission_prefectorale")

        answer = accepted(
            rank(
                client,
                pref,
                ranked=[first, second],
                liste=[listed],
                non_retenus=[set_aside],
            )
        )

        assert (answer["id"], answer["version"]) == (pref, 3)
        until = _six_months_after(today())
        ranking = commission(client, pref)["ranking"]
        assert [(e["dossier_id"], e["rank"]) for e in ranking["ranked"]] == [
            (first, 1),
            (second, 2),
        ]
        assert [
            (e["dossier_id"], e["position"]) for e in ranking["liste_complementaire"]
        ] == [(listed, 1)]
        assert [e["dossier_id"] for e in ranking["non_retenus"]] == [set_aside]
        assert ranking["list_valid_until"] == until.isoformat()
        for dossier_id, outcome, place, valid in (
            (first, "rang", 1, None),
            (second, "rang", 2, None),
            (listed, "liste_complementaire", None, until.isoformat()),
            (set_aside, "non_retenu", None, None),
        ):
            ranked = dossier(client, dossier_id)
            assert ranked["stage"] == "classe"
            assert ranked["ranking"] == {
                "commission_id": pref,
                "outcome": outcome,
                "rank": place,
            }
            assert ranked["list_valid_until"] == valid

    def test_compref_rang_passing_a_priority_household_needs_a_motive(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dalo, other = preselected(client, 2)
        pref = in_session(client, "commission_prefectorale")
        before = snapshot(client, pref, dalo, other)
        for name, lists in {
            "ranked-ahead": {"ranked": [entry(other), entry(dalo, ["dalo"])]},
            "listed-ahead": {
                "ranked": [entry(other)],
                "liste": [entry(dalo, ["dalo"])],
            },
            "dalo-not-retained": {
                "ranked": [entry(other, ["sur_occupation"])],
                "non_retenus": [entry(dalo, ["dalo"])],
            },
            "unknown-criterion": {"ranked": [entry(dalo, ["handicap"]), entry(other)]},
        }.items():
            with subtests.test(name):
                answer = rank(client, pref, **lists)

                refused(answer, 409, "COMPREF-RANG", client, before)

        motive = "Logement adapté au handicap d'un enfant."
        answer = rank(
            client,
            pref,
            ranked=[entry(other, motive=motive), entry(dalo, ["dalo"])],
        )

        accepted(answer)
        ranking = commission(client, pref)["ranking"]
        assert [(e["dossier_id"], e["motive"]) for e in ranking["ranked"]] == [
            (other, motive),
            (dalo, None),
        ]
        assert ranking["ranked"][1]["criteria"] == ["dalo"]
        assert dossier(client, other)["ranking"]["rank"] == 1

    def test_compref_rang_a_ranking_needs_the_rda_order(
        self, client: TestClient
    ) -> None:
        [one] = preselected(client, 1)
        body = settings_body(effective_from=today(), rda_priority_criteria=[])
        assert adopt_settings(client, body=body).status_code == 201
        pref = in_session(client, "commission_prefectorale")
        before = snapshot(client, pref, one)

        answer = rank(client, pref, ranked=[one])

        error = refused(answer, 409, "COMPREF-RANG", client, before)
        assert "RDA" in error["message"]

    def test_the_rda_order_needs_no_motive(self, client: TestClient) -> None:
        dalo, homeless, other = preselected(client, 3)
        pref = in_session(client, "commission_prefectorale")

        answer = rank(
            client,
            pref,
            ranked=[
                entry(dalo, ["sur_occupation", "dalo"]),
                entry(homeless, ["sans_logement"]),
            ],
            liste=[entry(other)],
        )

        accepted(answer)
        ranked = commission(client, pref)["ranking"]["ranked"]
        assert ranked[0]["criteria"] == ["dalo", "sur_occupation"]  # the RDA's order

    def test_ranking_is_decided_once(self, client: TestClient) -> None:
        first, second = preselected(client, 2)
        pref = in_session(client, "commission_prefectorale")
        accepted(rank(client, pref, ranked=[first]))
        before = snapshot(client, pref, second)

        answer = rank(client, pref, ranked=[second])

        refused(answer, 409, "invalid_transition", client, before)

    def test_ranking_names_each_dossier_once(self, client: TestClient) -> None:
        [one] = preselected(client, 1)
        pref = in_session(client, "commission_prefectorale")
        before = snapshot(client, pref, one)

        for lists in ({"ranked": [one], "liste": [one]}, {}):
            refused(rank(client, pref, **lists), 409, "invalid_value", client, before)


# ---- the CAL ----------------------------------------------------------------------


def _six_months_after(day: date) -> date:
    month = day.month - 1 + 6
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)  # pragma: no cover


class TestCAL:
    def test_an_attribution_is_saved_on_the_cal_and_the_dossiers(
        self, client: TestClient
    ) -> None:
        ranked, _, pref = ranked_dossiers(client, ranked=3)
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        position = store_position(client)

        answer = cal_decides(
            client,
            cal,
            [
                attribution(ranked[0]),
                refusal(ranked[1]),
                refusal(ranked[2], "rejet_irrecevabilite"),
            ],
        )

        # one transaction: the CAL's event and one event on each dossier
        assert (answer["id"], answer["version"]) == (cal, 3)
        assert store_position(client) - position >= 4
        [examination] = commission(client, cal)["examinations"]
        assert examination["dwelling_ref"] == DWELLING
        assert examination["exception"] is None
        assert [(d["dossier_id"], d["decision"]) for d in examination["decisions"]] == [
            (ranked[0], "attribution"),
            (ranked[1], "non_attribution"),
            (ranked[2], "rejet_irrecevabilite"),
        ]
        assert examination["decisions"][0]["prior"]["commission_id"] == pref
        assert examination["decisions"][0]["prior"]["rank"] == 1
        decided = dossier(client, ranked[0])
        assert decided["stage"] == "decide_cal"
        assert decided["cal_decision"] == {
            **decided["cal_decision"],
            "commission_id": cal,
            "decision": "attribution",
            "dwelling_ref": DWELLING,
            "decided_on": today().isoformat(),
        }
        assert dossier(client, ranked[1])["cal_decision"]["dwelling_ref"] is None
        for dossier_id in ranked:
            [event] = history(client, dossier_id)[-1:]
            assert event["type"] == "CALDecided"
            assert event["actor"]["role"] == "bailleur"

    def test_cal_trois_three_candidates_unless_dalo_or_shortfall(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        ranked, _, _ = ranked_dossiers(client, ranked=2)
        cal = in_session(client, "cal", dwelling_refs=["A1", "A2", "A3"])
        two = [attribution(ranked[0]), refusal(ranked[1])]
        before = snapshot(client, cal, *ranked)

        for motive, status, code in (
            (None, 409, "CAL-TROIS"),
            ("   ", 422, "invalid_input"),  # a blank motive is no motive
        ):
            with subtests.test(motive=motive):
                answer = decide(client, cal, "A1", two, shortfall_motive=motive)

                refused(answer, status, code, client, before)
        error = assert_error(decide(client, cal, "A1", two), 409, "CAL-TROIS")
        assert "3 candidats" in error["message"]

        accepted(decide(client, cal, "A1", two, shortfall_motive=SHORTFALL))
        [examination] = commission(client, cal)["examinations"]
        assert examination["exception"] == "candidats_insuffisants"

        # a household the Préfecture proposed under DALO (its recorded recognition)
        dalo = [
            drive_dossier(
                client, to="classe", identifier="prefecture", identify_with=DALO
            )
        ]
        designated = attribution(dalo[0], dalo_designated=True)
        accepted(decide(client, cal, "A2", [designated]))
        examinations = commission(client, cal)["examinations"]
        assert examinations[1]["exception"] == "dalo"
        assert examinations[1]["decisions"][0]["dalo_designated"] is True

        three, _, _ = ranked_dossiers(client, ranked=3)
        accepted(
            decide(
                client,
                cal,
                "A3",
                [attribution(three[0]), refusal(three[1]), refusal(three[2])],
            )
        )
        assert commission(client, cal)["examinations"][2]["exception"] is None

    def test_cal_prealable_only_ranked_or_listed_dossiers(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        [only_preselected] = preselected(client, 1)
        not_retained, ranked_one = preselected(client, 2)
        other_pref = in_session(client, "commission_prefectorale")
        accepted(
            rank(client, other_pref, ranked=[ranked_one], non_retenus=[not_retained])
        )
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        for name, dossier_id in (
            ("not-ranked", only_preselected),
            ("not-retained", not_retained),
        ):
            with subtests.test(name):
                before = snapshot(client, cal, dossier_id)

                answer = decide(
                    client,
                    cal,
                    DWELLING,
                    [attribution(dossier_id)],
                    shortfall_motive=SHORTFALL,
                )

                # No party of SIMAR's: refused before the rule (issue 13).
                refused(answer, 403, "forbidden", client, before)

    def test_cal_prealable_a_ranked_dossier_is_its_communes(
        self, client: TestClient
    ) -> None:
        ranked, _, _ = ranked_dossiers(client, ranked=1)
        cal = in_session(client, "cal", commune=OTHER_COMMUNE, dwelling_refs=["L1"])
        before = snapshot(client, cal, *ranked)

        answer = decide(
            client, cal, "L1", [attribution(ranked[0])], shortfall_motive=SHORTFALL
        )

        # Ranked for another commune, no landlord's: out of SIMAR's scope.
        refused(answer, 403, "forbidden", client, before)

    def test_cal_decision_one_household_a_dwelling(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)
        before = snapshot(client, cal, *ranked)
        deadline = (today() + timedelta(days=30)).isoformat()
        by_rank = [
            attribution(i, decision="attribution_par_classement", rank=n)
            for n, i in enumerate(ranked, start=1)
        ]
        for name, candidates in {
            "two-attributions": [
                attribution(ranked[0]),
                attribution(ranked[1]),
                refusal(ranked[2]),
            ],
            "attribution-and-ranked": [attribution(ranked[0]), *by_rank[1:]],
            "attribution-and-condition": [
                attribution(ranked[0]),
                attribution(
                    ranked[1],
                    decision="attribution_sous_condition_suspensive",
                    missing_document="avis_imposition",
                    condition_deadline=deadline,
                ),
                refusal(ranked[2]),
            ],
            "ranks-with-a-gap": [
                by_rank[0],
                {**by_rank[1], "rank": 3},
                refusal(ranked[2]),
            ],
            "ranked-without-rank": [
                {**by_rank[0], "rank": None},
                refusal(ranked[1]),
                refusal(ranked[2]),
            ],
            "rank-on-an-attribution": [
                attribution(ranked[0], rank=1),
                refusal(ranked[1]),
                refusal(ranked[2]),
            ],
            "adjournment-without-return": [
                attribution(ranked[0]),
                refusal(ranked[1]),
                {**adjournment(ranked[2]), "return_session_on": None},
            ],
            "adjournment-returning-today": [
                attribution(ranked[0]),
                refusal(ranked[1]),
                {**adjournment(ranked[2]), "return_session_on": today().isoformat()},
            ],
            "adjournment-without-motive": [
                attribution(ranked[0]),
                refusal(ranked[1]),
                {**adjournment(ranked[2]), "motive": None},
            ],
        }.items():
            with subtests.test(name):
                answer = decide(client, cal, DWELLING, candidates)

                refused(answer, 409, "CAL-DECISION", client, before)

        cal_decides(client, cal, by_rank)
        assert [dossier(client, i)["cal_decision"]["rank"] for i in ranked] == [1, 2, 3]

    def test_unknown_decision_is_invalid_input(self, client: TestClient) -> None:
        ranked, cal = ranked_for_a_cal(client, 1)
        before = snapshot(client, cal, *ranked)

        answer = decide(
            client,
            cal,
            DWELLING,
            [{"dossier_id": ranked[0], "decision": "ajourne"}],
            shortfall_motive=SHORTFALL,
        )

        error = refused(answer, 422, "invalid_input", client, before)
        assert error["details"][0]["field"] == "body.candidates.0.decision"

    def test_an_adjournment_returns_the_dossier_to_a_later_cal(
        self, client: TestClient
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 1)

        cal_decides(client, cal, [adjournment(ranked[0])], shortfall_motive=SHORTFALL)

        deferred = dossier(client, ranked[0])
        assert deferred["stage"] == "ajourne"
        assert deferred["deferral"] == {
            "commission_id": cal,
            "motive": "Pièce à vérifier.",
            "return_session_on": (today() + timedelta(days=14)).isoformat(),
        }
        later = in_session(client, "cal", dwelling_refs=[DWELLING])
        cal_decides(client, later, [attribution(ranked[0])], shortfall_motive=SHORTFALL)
        decided = dossier(client, ranked[0])
        assert (decided["stage"], decided["deferral"]) == ("decide_cal", None)

    def test_cal_condition_names_the_document_and_a_later_deadline(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 1)
        before = snapshot(client, cal, *ranked)
        later = (today() + timedelta(days=30)).isoformat()
        condition = {
            "dossier_id": ranked[0],
            "decision": "attribution_sous_condition_suspensive",
            "missing_document": "avis_imposition_n_1",
            "condition_deadline": later,
        }
        for name, change in {
            "no-document": {"missing_document": None},
            "no-deadline": {"condition_deadline": None},
            "deadline-today": {"condition_deadline": today().isoformat()},
        }.items():
            with subtests.test(name):
                answer = decide(
                    client,
                    cal,
                    DWELLING,
                    [{**condition, **change}],
                    shortfall_motive=SHORTFALL,
                )

                refused(answer, 409, "CAL-CONDITION", client, before)

        cal_decides(client, cal, [condition], shortfall_motive=SHORTFALL)
        before = snapshot(client, None, ranked[0])
        refused(offer(client, ranked[0]), 409, "CAL-CONDITION", client, before)
        fulfilled = record(
            client, ranked[0], "condition-fulfilment", {}, role="bailleur"
        )
        assert accepted(fulfilled)["stage"] == "condition_levee"
        assert "avis_imposition_n_1" in dossier(client, ranked[0])["documents"]
        assert accepted(offer(client, ranked[0]))["stage"] == "offre_faite"

    def test_cal_motif_every_refusal_is_motivated(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)
        before = snapshot(client, cal, *ranked)
        for decision in ("non_attribution", "rejet_irrecevabilite"):
            for motive, status, code in (
                (None, 409, "CAL-MOTIF"),
                ("  ", 422, "invalid_input"),
            ):
                with subtests.test(decision=decision, motive=motive):
                    unmotivated = {
                        "dossier_id": ranked[1],
                        "decision": decision,
                        "motive": motive,
                    }
                    answer = decide(
                        client,
                        cal,
                        DWELLING,
                        [attribution(ranked[0]), unmotivated, refusal(ranked[2])],
                    )

                    refused(answer, status, code, client, before)

        cal_decides(
            client,
            cal,
            [
                attribution(ranked[0]),
                refusal(ranked[1]),
                refusal(ranked[2], "rejet_irrecevabilite"),
            ],
        )
        rejected = dossier(client, ranked[2])
        assert rejected["cal_decision"]["motive"] == "Ressources."
        closed = record(
            client, ranked[2], "closure", {"reason": "Rejet notifié"}, role="bailleur"
        )
        assert accepted(closed)["stage"] == "clos"

    def test_attributing_out_of_the_ranking_order_needs_a_motive(
        self, client: TestClient
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)
        before = snapshot(client, cal, *ranked)

        def by_rank(motive: str | None = None) -> list[dict[str, Any]]:
            # the CAL offers first to the household the commission ranked 2nd
            order = (ranked[1], ranked[0], ranked[2])
            return [
                attribution(i, decision="attribution_par_classement", rank=n)
                | ({"motive": motive} if motive and n == 1 else {})
                for n, i in enumerate(order, start=1)
            ]

        answer = decide(client, cal, DWELLING, by_rank())

        refused(answer, 409, "COMPREF-RANG", client, before)
        cal_decides(client, cal, by_rank("Rez-de-chaussée requis."))
        assert dossier(client, ranked[1])["cal_decision"]["rank"] == 1

    def test_a_direct_attribution_may_pass_over_refused_households(
        self, client: TestClient
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)

        answer = decide(
            client,
            cal,
            DWELLING,
            [refusal(ranked[0]), attribution(ranked[1]), refusal(ranked[2])],
        )

        accepted(answer)

    def test_offre_delai_after_an_attribution(self, client: TestClient) -> None:
        ranked = attributed_to_the_first(client)
        before = snapshot(client, None, ranked[0])

        for days in (0, 9):
            error = refused(
                offer(client, ranked[0], days), 409, "OFFRE-DELAI", client, before
            )
            assert "10 jours" in error["message"]
        before = snapshot(client, None, ranked[1])
        refused(offer(client, ranked[1]), 409, "invalid_transition", client, before)

        offered = accepted(offer(client, ranked[0], 10))

        assert offered["stage"] == "offre_faite"
        assert dossier(client, ranked[0])["offer"]["dwelling_ref"] == DWELLING

    def test_offre_delai_rank_two_is_offered_after_rank_one_declines(
        self, client: TestClient
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)
        cal_decides(
            client,
            cal,
            [
                attribution(i, decision="attribution_par_classement", rank=n)
                for n, i in enumerate(ranked, start=1)
            ],
        )
        before = snapshot(client, None, ranked[1])

        refused(offer(client, ranked[1]), 409, "OFFRE-DELAI", client, before)
        accepted(offer(client, ranked[0]))  # rank 1 has not answered yet
        before = snapshot(client, None, ranked[1])
        refused(offer(client, ranked[1]), 409, "OFFRE-DELAI", client, before)
        refusal = {"answer": "refusee", "motive": "Trop loin de l'école."}
        refused_offer = take(client, ranked[0], OFFER_ANSWER, refusal)
        assert accepted(refused_offer)["stage"] == "offre_refusee"

        assert accepted(offer(client, ranked[1]))["stage"] == "offre_faite"
        before = snapshot(client, None, ranked[2])
        refused(offer(client, ranked[2]), 409, "OFFRE-DELAI", client, before)


# ---- one transaction: the commission and every dossier it names ----------------------


class TestAtomicity:
    def test_a_dossier_that_refuses_refuses_the_whole_preselection(
        self, client: TestClient
    ) -> None:
        ready = solvent_dossiers(client, 2)
        early = drive_dossier(client, to="ressources_controlees")
        pre = in_session(client, "pre_commission")
        before = snapshot(client, pre, *ready, early)

        answer = preselect(
            client,
            pre,
            {ready[0]: "prioritaire", early: "prioritaire", ready[1]: "ecarte"},
        )

        refused(answer, 409, "DOS-ORDRE", client, before)
        assert commission(client, pre)["preselections"] == []
        assert {stage_of(client, i) for i in ready} == {"solvabilite_etudiee"}

    def test_a_dossier_that_refuses_refuses_the_whole_ranking(
        self, client: TestClient
    ) -> None:
        ready = preselected(client, 2)
        [not_preselected] = solvent_dossiers(client, 1)
        pref = in_session(client, "commission_prefectorale")
        before = snapshot(client, pref, *ready, not_preselected)

        answer = rank(client, pref, ranked=ready, liste=[not_preselected])

        refused(answer, 409, "invalid_transition", client, before)
        assert commission(client, pref)["ranking"] is None

    def test_an_expired_numero_unique_refuses_the_whole_cal_decision(
        self, client: TestClient
    ) -> None:
        fresh, _, _ = ranked_dossiers(client, ranked=2)
        [expired] = ranked_dossiers(client, ranked=1, on=today() - timedelta(days=380))[
            0
        ]
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        before = snapshot(client, cal, *fresh, expired)

        answer = decide(
            client,
            cal,
            DWELLING,
            [attribution(fresh[0]), refusal(fresh[1]), refusal(expired)],
        )

        error = refused(answer, 409, "SNE-NUMERO", client, before)
        assert "numéro unique" in error["message"]
        assert commission(client, cal)["examinations"] == []
        assert {stage_of(client, i) for i in fresh} == {"classe"}

    def test_a_dossier_already_decided_refuses_the_whole_cal_decision(
        self, client: TestClient
    ) -> None:
        ranked, _, _ = ranked_dossiers(client, ranked=4)
        first = in_session(client, "cal", dwelling_refs=["A1"])
        accepted(
            decide(
                client,
                first,
                "A1",
                [attribution(ranked[3])],
                shortfall_motive=SHORTFALL,
            )
        )
        second = in_session(client, "cal", dwelling_refs=["A2"])
        before = snapshot(client, second, *ranked)

        answer = decide(
            client,
            second,
            "A2",
            [attribution(ranked[0]), refusal(ranked[1]), refusal(ranked[3])],
        )

        refused(answer, 409, "CAL-PREALABLE", client, before)


# ---- each landlord its own CAL and attributions; each department its dossiers -------


class TestLandlords:
    def test_another_landlord_does_not_decide_at_simars_cal(
        self, client: TestClient
    ) -> None:
        ranked, cal = ranked_for_a_cal(client, 3)
        assert commission(client, cal)["landlord"] == ORGANISATIONS["bailleur"]
        candidates = [attribution(ranked[0]), refusal(ranked[1]), refusal(ranked[2])]
        before = snapshot(client, cal, *ranked)

        answer = decide(client, cal, DWELLING, candidates, organisation=OTHER_LANDLORD)

        error = refused(answer, 403, "forbidden", client, before)  # issue 13
        assert OTHER_LANDLORD in error["message"]
        assert commission(client, cal)["examinations"] == []
        assert {stage_of(client, i) for i in ranked} == {"classe"}
        # SIMAR's own agent takes the same decision.
        cal_decides(client, cal, candidates)
        decided = dossier(client, ranked[0])["cal_decision"]
        assert decided["landlord"] == ORGANISATIONS["bailleur"]

    def test_another_landlord_does_not_offer_simars_attributed_dwelling(
        self, client: TestClient
    ) -> None:
        ranked = attributed_to_the_first(client)
        before = StoreSnapshot.take(
            client, ranked[0], resources=[f"/v1/dossiers/{ranked[0]}"]
        )

        answer = offer(client, ranked[0], organisation=OTHER_LANDLORD)

        # not its household (issue 13)
        refused(answer, 403, "forbidden", client, before, ranked[0])
        assert stage_of(client, ranked[0]) == "decide_cal"
        accepted(offer(client, ranked[0]))  # SIMAR's, whose CAL attributed it
        assert stage_of(client, ranked[0]) == "offre_faite"


class TestDepartments:
    def test_a_pre_commission_does_not_select_another_departments_dossier(
        self, client: TestClient
    ) -> None:
        adopted = adopt_settings(client, "971")
        assert adopted.status_code == 201, adopted.text
        [here] = solvent_dossiers(client, 1)
        elsewhere = drive_dossier(
            client,
            to="solvabilite_etudiee",
            identify_with={"department": "971", "commune": "97101"},
        )
        assert dossier(client, elsewhere)["department"] == "971"
        pre = in_session(client, "pre_commission")
        assert commission(client, pre)["department"] == "972"
        before = snapshot(client, pre, here, elsewhere)

        answer = preselect(
            client, pre, {here: "prioritaire", elsewhere: "liste_complementaire"}
        )

        # The ALS of Martinique may not act on a Guadeloupe dossier: refused
        # before the rule, without telling where it sits (issue 13).
        error = refused(answer, 403, "forbidden", client, before)
        assert "971" not in error["message"]
        assert commission(client, pre)["preselections"] == []
        assert {stage_of(client, i) for i in (here, elsewhere)} == {
            "solvabilite_etudiee"
        }
        # The same session selects its own department's dossier.
        accepted(preselect(client, pre, {here: "prioritaire"}))


# ---- idempotency and optimistic concurrency ----------------------------------------


class TestRetries:
    def test_the_same_idempotency_key_replays_a_ranking(
        self, client: TestClient
    ) -> None:
        dossiers = preselected(client, 2)
        pref = in_session(client, "commission_prefectorale")

        first = accepted(rank(client, pref, ranked=dossiers, key="rang-2026-1"))
        before = snapshot(client, pref, *dossiers)
        again = rank(client, pref, ranked=dossiers, key="rang-2026-1")

        assert accepted(again) == first
        assert_store_unchanged(client, before)
        assert [e["type"] for e in history(client, dossiers[0])].count("Ranked") == 1
        reused = rank(client, pref, ranked=dossiers[::-1], key="rang-2026-1")
        refused(reused, 422, "idempotency_key_reused", client, before)

    def test_if_match_a_stale_commission_version_conflicts(
        self, client: TestClient
    ) -> None:
        dossiers = solvent_dossiers(client, 2)
        pre = in_session(client, "pre_commission")  # version 2
        accepted(preselect(client, pre, {dossiers[0]: "prioritaire"}, if_match=2))
        before = snapshot(client, pre, dossiers[1])

        stale = preselect(client, pre, {dossiers[1]: "prioritaire"}, if_match=2)

        error = refused(stale, 409, "version_conflict", client, before)
        assert "3" in error["message"]
        current = client.get(f"/v1/commissions/{pre}").headers["ETag"]
        assert current == '"3"'
        accepted(preselect(client, pre, {dossiers[1]: "prioritaire"}, if_match=3))


# ---- a programme from its concertation to the bilans ------------------------------


class TestProgrammeToBilans:
    def test_a_delivery_from_concertation_to_the_bilans(
        self, client: TestClient
    ) -> None:
        # Step: SIMAR announces two dwellings; the concertation sets 6 dossiers.
        programme_id = concerted_programme(client)
        delivered = programme(client, programme_id)
        assert delivered["stage"] == "concertation_tenue"
        assert delivered["concertation"]["dossiers_to_gather"] == 6
        assert delivered["dwellings_to_let"] == ["A1", "A2"]

        # Step: the partners gather six dossiers for it, up to the solvency study.
        dossiers = solvent_dossiers(client, 6, programme_id=programme_id)
        assert {dossier(client, i)["programme_id"] for i in dossiers} == {programme_id}

        # Step: the pré-commission: four prioritaires, one listed, one set aside.
        pre = in_session(client, "pre_commission", programme_id=programme_id)
        outcomes = dict.fromkeys(dossiers[:4], "prioritaire")
        outcomes |= {dossiers[4]: "liste_complementaire", dossiers[5]: "ecarte"}
        accepted(preselect(client, pre, outcomes))
        accepted(close(client, pre, "als"))
        assert commission(client, pre)["programme_id"] == programme_id
        assert [dossier(client, i)["preselection"] for i in dossiers] == list(
            outcomes.values()
        )
        assert {stage_of(client, i) for i in dossiers} == {"preselectionne"}

        # Step: the commission préfectorale ranks three, lists two, sets one aside.
        pref = in_session(client, "commission_prefectorale", programme_id=programme_id)
        first, second, third, fourth, listed, _ = dossiers
        accepted(
            rank(
                client,
                pref,
                ranked=[first, second, third, fourth],
                liste=[listed],
            )
        )
        accepted(close(client, pref, "prefecture"))
        assert commission(client, pref)["stage"] == "pv_clos"
        assert [
            dossier(client, i)["ranking"]["rank"]
            for i in (first, second, third, fourth)
        ] == [1, 2, 3, 4]
        until = _six_months_after(today()).isoformat()
        assert dossier(client, listed)["list_valid_until"] == until
        assert programme(client, programme_id)["stage"] == "concertation_tenue"

        # Step: SIMAR's CAL: A1 to the first ranked, A2 to the fourth (a new
        # delivery's dwellings go to the households ranked for it, not to the
        # liste complémentaire, which serves vacancies in existing stock).
        cal = in_session(
            client, "cal", programme_id=programme_id, dwelling_refs=["A1", "A2"]
        )
        accepted(
            decide(
                client,
                cal,
                "A1",
                [attribution(first), refusal(second), adjournment(third)],
            )
        )
        accepted(
            decide(
                client,
                cal,
                "A2",
                [attribution(fourth)],
                shortfall_motive=SHORTFALL,
            )
        )
        accepted(close(client, cal, "bailleur"))
        assert [stage_of(client, i) for i in dossiers] == [
            "decide_cal",
            "decide_cal",
            "ajourne",
            "decide_cal",
            "classe",
            "preselectionne",
        ]
        assert dossier(client, fourth)["cal_decision"]["dwelling_ref"] == "A2"
        assert [e["exception"] for e in commission(client, cal)["examinations"]] == [
            None,
            "candidats_insuffisants",
        ]

        # Step: the offers, accepted; the leases, on the dossiers and the programme.
        for household, ref in ((first, "A1"), (fourth, "A2")):
            assert accepted(offer(client, household))["stage"] == "offre_faite"
            assert (
                accepted(take(client, household, OFFER_ANSWER))["stage"]
                == "offre_acceptee"
            )
            lease = record(
                client,
                household,
                "lease",
                {
                    "lease_start": today().isoformat(),
                    "rent": "350.00",
                    "charges": "50.00",
                },
                role="bailleur",
            )
            assert accepted(lease)["stage"] == "bail_signe"
            let = client.post(
                f"/v1/programmes/{programme_id}/dwellings/{ref}/lease",
                json={"dossier_id": household, "lease_start": today().isoformat()},
                headers=actor("bailleur"),
            )
            accepted(let)
        let_programme = programme(client, programme_id)
        assert let_programme["dwellings_to_let"] == []
        assert [
            (d["ref"], d["status"], d["dossier_id"]) for d in let_programme["dwellings"]
        ] == [
            ("A1", "loue", first),
            ("A2", "loue", fourth),
        ]

        # Step: entry, the information meeting, the bilans: one with problems.
        for household, outcome in ((first, "ok"), (fourth, "problemes")):
            assert (
                accepted(record(client, household, "entry", {}, role="bailleur"))[
                    "stage"
                ]
                == "entre_dans_les_lieux"
            )
            accepted(
                record(
                    client,
                    household,
                    "information-meeting",
                    {"topics": ["droits et devoirs du locataire"]},
                    role="als",
                )
            )
            review: dict[str, Any] = {"outcome": outcome, "findings": "Bilan fait."}
            if outcome == "problemes":
                review["support_months"] = 6
            reviewed = record(
                client, household, "installation-review", review, role="als"
            )
            assert accepted(reviewed)["stage"] == "bilan_installation_fait"
        assert dossier(client, fourth)["installation_review"] == {
            "outcome": "problemes",
            "support_months": 6,
        }
        closed = record(
            client, first, "closure", {"reason": "Parcours achevé"}, role="als"
        )
        assert accepted(closed)["stage"] == "clos"
        types = [e["type"] for e in history(client, first)]
        assert types[-10:] == [
            "PreSelected",
            "Ranked",
            "CALDecided",
            "Offered",
            "OfferAccepted",
            "LeaseSigned",
            "Entered",
            "InformationMeetingAttended",
            "InstallationReviewed",
            "Closed",
        ]


# ---- the vacancy flow: a liste complémentaire serves any landlord of the commune -----


class TestVacancyFlow:
    @staticmethod
    def _vacancy(
        client: TestClient,
        landlord: str,
        *,
        commune: str = COMMUNE,
        on: date | None = None,
    ) -> str:
        announced = announce(
            client,
            kind="vacance",
            refs=["OZ-1"],
            landlord=landlord,
            commune=commune,
            on=on,
        )
        assert announced.status_code == 201, announced.text
        programme_id: str = announced.json()["id"]
        return programme_id

    @staticmethod
    def _cal(
        client: TestClient,
        programme_id: str,
        landlord: str,
        *,
        on: date | None = None,
        commune: str = COMMUNE,
    ) -> str:
        president = {
            "organisation": landlord,
            "role": "bailleur",
            "function": "president_cal",
        }
        return in_session(
            client,
            "cal",
            on=on,
            programme_id=programme_id,
            commune=commune,
            dwelling_refs=["OZ-1"],
            organisation=landlord,
            attendance={"attendees": [president]},
        )

    @staticmethod
    def _decide(
        client: TestClient,
        cal: str,
        candidates: list[dict[str, Any]],
        *,
        organisation: str = OTHER_LANDLORD,
        shortfall_motive: str = SHORTFALL,
        **options: Any,
    ) -> httpx.Response:
        """`organisation`'s CAL decides on the vacant dwelling OZ-1."""
        return decide(
            client,
            cal,
            "OZ-1",
            candidates,
            shortfall_motive=shortfall_motive,
            organisation=organisation,
            **options,
        )

    @staticmethod
    def _candidates(client: TestClient, programme_id: str) -> list[dict[str, Any]]:
        [dwelling] = programme(client, programme_id)["dwellings"]
        candidates: list[dict[str, Any]] = dwelling["candidates"]
        return candidates

    def test_another_landlords_vacancy_is_served_by_the_list(
        self, client: TestClient
    ) -> None:
        # Step: SIMAR's commission préfectorale ranks one household, lists two.
        _, listed, pref = ranked_dossiers(client, ranked=1, liste=2)

        # Step: OZANAM announces a vacancy in the same commune: the listed
        # households are its candidates, in the list's order.
        vacancy = self._vacancy(client, OTHER_LANDLORD)
        until = _six_months_after(today()).isoformat()
        assert self._candidates(client, vacancy) == [
            {
                "dossier_id": dossier_id,
                "commission_id": pref,
                "position": position,
                "valid_until": until,
            }
            for position, dossier_id in enumerate(listed, start=1)
        ]

        # Step: OZANAM's CAL attributes the dwelling to the first of them.
        cal = self._cal(client, vacancy, OTHER_LANDLORD)
        assert commission(client, cal)["landlord"] == OTHER_LANDLORD
        accepted(
            self._decide(
                client,
                cal,
                [attribution(listed[0]), refusal(listed[1])],
                shortfall_motive="Liste complémentaire de deux ménages.",
            )
        )
        decided = dossier(client, listed[0])
        assert (decided["stage"], decided["cal_decision"]["dwelling_ref"]) == (
            "decide_cal",
            "OZ-1",
        )
        [examination] = commission(client, cal)["examinations"]
        prior = examination["decisions"][0]["prior"]
        assert (prior["commission_id"], prior["outcome"]) == (
            pref,
            "liste_complementaire",
        )
        assert (prior["rank"], prior["valid_until"]) == (1, until)

        # Step: asked again, the list has nobody left for the dwelling.
        again = client.post(
            f"/v1/programmes/{vacancy}/dwellings/OZ-1/candidates",
            headers=actor("bailleur", organisation=OTHER_LANDLORD),
        )
        accepted(again)
        assert self._candidates(client, vacancy) == []

        # Step: OZANAM, whose CAL attributed the dwelling, makes the offer,
        # records its acceptance and lets the dwelling on its programme.
        assert decided["cal_decision"]["landlord"] == OTHER_LANDLORD
        accepted(offer(client, listed[0], organisation=OTHER_LANDLORD))
        accepted(take(client, listed[0], OFFER_ANSWER, organisation=OTHER_LANDLORD))
        let = client.post(
            f"/v1/programmes/{vacancy}/dwellings/OZ-1/lease",
            json={"dossier_id": listed[0], "lease_start": today().isoformat()},
            headers=actor("bailleur", organisation=OTHER_LANDLORD),
        )
        accepted(let)
        assert programme(client, vacancy)["dwellings"][0]["status"] == "loue"

    def test_a_list_serves_its_own_commune_only(self, client: TestClient) -> None:
        _, listed, _ = ranked_dossiers(client, ranked=1, liste=1)
        elsewhere = self._vacancy(client, SMHLM, commune=OTHER_COMMUNE)
        assert self._candidates(client, elsewhere) == []
        cal = self._cal(client, elsewhere, SMHLM, commune=OTHER_COMMUNE)
        before = snapshot(client, cal, *listed)

        answer = self._decide(client, cal, [attribution(listed[0])], organisation=SMHLM)

        # Another commune's list, not proposed to SMHLM: out of its scope, and
        # the refusal says nothing of the household (issue 13).
        error = refused(answer, 403, "forbidden", client, before)
        assert COMMUNE not in error["message"]

    def test_a_list_serves_until_its_last_day_six_months_on(
        self, client: TestClient
    ) -> None:
        # Step: a commission préfectorale listed two households seven months ago.
        long_ago = today() - timedelta(days=213)
        _, listed, pref = ranked_dossiers(client, ranked=0, liste=2, on=long_ago)
        ranking = commission(client, pref)["ranking"]
        until = date.fromisoformat(ranking["list_valid_until"])
        assert until == _six_months_after(long_ago) < today() - timedelta(days=1)

        # Step: OZANAM announced a vacancy while the list was valid: its
        # households were proposed. A vacancy announced today gets none.
        vacancy = self._vacancy(client, OTHER_LANDLORD, on=until - timedelta(days=10))
        assert [c["dossier_id"] for c in self._candidates(client, vacancy)] == listed
        late = self._vacancy(client, OTHER_LANDLORD)
        assert self._candidates(client, late) == []

        # Step: a CAL the day after the list's last day, or today, is refused.
        for held_on in (until + timedelta(days=1), today()):
            cal = self._cal(client, vacancy, OTHER_LANDLORD, on=held_on)
            before = snapshot(client, cal, *listed)

            answer = self._decide(
                client, cal, [attribution(listed[0]), refusal(listed[1])], on=held_on
            )

            error = refused(answer, 409, "LC-VALIDITE", client, before)
            assert f"a expiré le {until:%d/%m/%Y}." in error["message"]

        # Step: the CAL held on the list's last day still draws from it.
        cal = self._cal(client, vacancy, OTHER_LANDLORD, on=until)
        accepted(
            self._decide(
                client, cal, [attribution(listed[0]), refusal(listed[1])], on=until
            )
        )
        decided = dossier(client, listed[0])["cal_decision"]
        assert (decided["decided_on"], decided["dwelling_ref"]) == (
            until.isoformat(),
            "OZ-1",
        )
