"""The commissions (pré-commission, commission préfectorale, CAL) and the pure
functions of their lists: given events, when a command, then events or error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import commission_steps as c
from domain import dossier as d
from domain.commission import EVENT_LABELS, Commission
from domain.commission_dossiers import record_on_dossiers
from domain.commission_values import Attendee, PriorRanking, RankingEntry
from domain.liste import (
    ListeComplementaire,
    ListedCandidate,
    in_rda_order,
    list_valid_until,
    next_candidates,
    rda_departures,
    rda_key,
)
from domain.shared import ROLES, DomainError
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.commissions import (
    ALS,
    ATTENDEES,
    CONDITION_DEADLINE,
    DEAL,
    DECISION_STEP,
    HOST,
    LANDLORD,
    LIST_VALID_UNTIL,
    MAIRIE,
    OTHER_COMMUNE,
    OTHER_LANDLORD,
    PREFECTORAL_ID,
    PREFECTURE,
    PREFET,
    PROGRAMME,
    RDA,
    REFS,
    RETURN_SESSION_ON,
    SESSION,
    STEPS,
    THREE,
    candidates,
    convene_command,
    convened,
    entry,
    examination,
    in_session,
    perform,
    prior,
    programme_after,
    ranking_args,
    rda_settings,
    ready_for,
    session_history,
    session_meta,
)
from tests.helpers.dossiers import (
    COMMUNE,
    DEPARTMENT,
    drive_to,
    make_meta,
    make_settings,
)
from tests.helpers.tables import declared_events

PRE, PREF, CAL = c.PRE_COMMISSION, c.COMMISSION_PREFECTORALE, c.CAL
# Who holds each step, by kind, as DOMAIN.md §1, §3 and §10 describe it.
ALLOWED_ROLES: dict[str, dict[str, frozenset[str]]] = {
    "record_attendance": {
        PRE: frozenset({"als"}),
        PREF: frozenset({"prefecture", "deal"}),
        CAL: frozenset({"bailleur"}),
    },
    "preselect": {PRE: frozenset({"als"})},
    "rank": {PREF: frozenset({"prefecture"})},
    "examine_dwelling": {CAL: frozenset({"bailleur"})},
    "close_minutes": {
        PRE: frozenset({"als"}),
        PREF: frozenset({"prefecture"}),
        CAL: frozenset({"bailleur"}),
    },
}
STEP_EVENT = {
    "record_attendance": Commission.AttendanceRecorded,
    "preselect": Commission.PreSelectionDecided,
    "rank": Commission.RankingDecided,
    "examine_dwelling": Commission.CALDecisionsTaken,
    "close_minutes": Commission.MinutesClosed,
}
TWICE = entry("dalo")
KIND_STEPS = [(k, s) for s in STEPS for k in c.KINDS if k in ALLOWED_ROLES[s]]
CAL_STEPS = [s for k, s in KIND_STEPS if k == CAL]
ELSEWHERE = {"department": "971", "commune": "97101"}  # Les Abymes, Guadeloupe


def examine(
    *examinations: Any,
    ref: str = REFS[0],
    shortfall: str | None = None,
    meta: Any = None,
) -> Any:
    meta = meta or session_meta(CAL)
    return lambda x: x.examine_dwelling(
        ref, list(examinations), meta, shortfall_motive=shortfall
    )


def rank(**overrides: Any) -> Any:
    meta = session_meta(PREF)
    return lambda x: x.rank(**ranking_args(**overrides), meta=meta)


# ---- convocation and attendance ------------------------------------------------


class TestConvene:
    @pytest.mark.parametrize(
        ("kind", "role"),
        [
            (k, r)
            for k in c.KINDS
            for r in sorted(ALLOWED_ROLES["record_attendance"][k])
        ],
    )
    def test_host_convenes_the_commission(self, kind: str, role: str) -> None:
        meta = make_meta(role, SESSION[kind] - timedelta(days=10))
        commission_id = uuid4()
        events = when(
            None,
            convene_command(
                kind, meta, commission_id=commission_id, programme=PROGRAMME
            ),
        )
        then_event(
            events,
            Commission.Convened,
            meta,
            originator_id=commission_id,
            kind=kind,
            held_on=SESSION[kind],
            department=DEPARTMENT,
            commune=COMMUNE,
            programme_id=PROGRAMME.id,
            landlord=LANDLORD if kind == CAL else None,
            dwelling_refs=list(REFS) if kind == CAL else [],
        )
        commission = given(events)
        assert commission.stage == c.CONVENED
        assert (commission.decided, commission.ranking) == ([], None)

    @pytest.mark.parametrize(
        ("kind", "role"),
        [
            (k, r)
            for k in c.KINDS
            for r in ROLES
            if r not in ALLOWED_ROLES["record_attendance"][k]
        ],
    )
    def test_others_cannot_convene_it(self, kind: str, role: str) -> None:
        meta = make_meta(role, SESSION[kind])
        then_error(None, convene_command(kind, meta), "role_not_allowed")

    def test_commission_may_be_convened_on_its_day(self) -> None:
        meta = make_meta("bailleur", SESSION[CAL])
        events = when(None, convene_command(CAL, meta))
        then_event(events, Commission.Convened, held_on=SESSION[CAL])

    @pytest.mark.parametrize("kind", c.KINDS)
    def test_commission_without_programme_is_convened(self, kind: str) -> None:
        events = when(None, convene_command(kind, programme=None))
        then_event(events, Commission.Convened, programme_id=None)

    @pytest.mark.parametrize(
        ("kind", "overrides"),
        [
            ("commission_departementale", {}),
            (PREF, {"commune": "97113"}),  # a commune of the 971
            (PREF, {"department": "100"}),
            (PREF, {"held_on": SESSION[PREF] - timedelta(days=30)}),  # before convening
            (PREF, {"landlord": LANDLORD}),
            (PRE, {"dwelling_refs": REFS}),
            (CAL, {"landlord": None}),
            (CAL, {"landlord": " "}),
            (CAL, {"dwelling_refs": ()}),
            (CAL, {"dwelling_refs": (REFS[0], REFS[0])}),
            (CAL, {"dwelling_refs": ("",)}),
        ],
    )
    def test_impossible_convocation_is_refused(
        self, kind: str, overrides: dict[str, Any]
    ) -> None:
        role = HOST.get(kind, "prefecture")
        meta = make_meta(role, SESSION.get(kind, SESSION[PREF]) - timedelta(days=14))
        then_error(None, convene_command(kind, meta, **overrides), "invalid_value")


class TestConveneForAProgramme:
    def test_cal_may_examine_some_of_the_programmes_dwellings(self) -> None:
        command = convene_command(CAL, programme=PROGRAMME, dwelling_refs=REFS[1:])
        then_event(
            when(None, command),
            Commission.Convened,
            programme_id=PROGRAMME.id,
            dwelling_refs=list(REFS[1:]),
        )

    @pytest.mark.parametrize("kind", c.KINDS)
    @pytest.mark.parametrize(
        "place",
        [
            {"commune": OTHER_COMMUNE},
            {"department": "971", "commune": "97101"},
        ],
        ids=["other_commune", "other_department"],
    )
    def test_programme_elsewhere_is_refused(
        self, kind: str, place: dict[str, str]
    ) -> None:
        elsewhere = programme_after(**place)
        then_error(None, convene_command(kind, programme=elsewhere), "wrong_programme")

    def test_cal_of_another_landlord_is_refused(self) -> None:
        command = convene_command(CAL, programme=PROGRAMME, landlord=OTHER_LANDLORD)
        then_error(None, command, "wrong_programme")

    def test_cal_of_the_programmes_landlord_is_convened(self) -> None:
        theirs = programme_after(landlord=OTHER_LANDLORD)
        command = convene_command(CAL, programme=theirs, landlord=OTHER_LANDLORD)
        then_event(
            when(None, command),
            Commission.Convened,
            programme_id=theirs.id,
            landlord=OTHER_LANDLORD,
        )

    @pytest.mark.parametrize(
        "refs",
        [("SMHLM-LAM-01",), (REFS[0], "SIMAR-FDF-BAT-B-14")],
        ids=["none_of_its_own", "one_not_its_own"],
    )
    def test_dwelling_not_of_the_programme_is_refused(
        self, refs: tuple[str, ...]
    ) -> None:
        command = convene_command(CAL, programme=PROGRAMME, dwelling_refs=refs)
        then_error(None, command, "unknown_dwelling")

    def test_cal_without_programme_examines_any_dwelling(self) -> None:
        # A vacancy outside any programme known here: nothing to check against.
        refs = ("SMHLM-LAM-01",)
        command = convene_command(CAL, programme=None, dwelling_refs=refs)
        then_event(when(None, command), Commission.Convened, dwelling_refs=list(refs))


class TestRecordAttendance:
    def test_attendance_and_presidency_are_recorded(self) -> None:
        commission = convened(PREF)
        meta = session_meta(PREF)
        attendees = (PREFET, DEAL, ALS)
        events = when(
            commission, lambda x: x.record_attendance(attendees, PREFET, meta)
        )
        then_event(
            events,
            Commission.AttendanceRecorded,
            meta,
            attendees=[
                {"organisation": a.organisation, "role": a.role, "function": a.function}
                for a in attendees
            ],
            presided_by={
                "organisation": PREFET.organisation,
                "role": "prefecture",
                "function": "sous_prefet",
            },
        )
        assert commission.stage == c.IN_SESSION

    def test_pre_commission_needs_no_president(self) -> None:
        events = when(
            convened(PRE),
            lambda x: x.record_attendance(ATTENDEES[PRE], None, session_meta(PRE)),
        )
        then_event(events, Commission.AttendanceRecorded, presided_by=None)

    @pytest.mark.parametrize(
        ("attendees", "chair"),
        [
            ((), None),
            ((Attendee("", "deal", "directeur"),), None),
            ((Attendee("DEAL", "deal", " "),), None),
            ((Attendee("Syndic", "syndic", "gerant"),), None),
            ((DEAL, ALS), PREFET),  # the chair is not among those present
        ],
    )
    def test_impossible_attendance_is_refused(
        self, attendees: tuple[Attendee, ...], chair: Attendee | None
    ) -> None:
        then_error(
            convened(PREF),
            lambda x: x.record_attendance(attendees, chair, session_meta(PREF)),
            "invalid_value",
        )

    def test_attendance_is_recorded_once(self) -> None:
        then_error(
            in_session(PREF),
            lambda x: perform(x, "record_attendance"),
            "invalid_transition",
        )


# ---- the pré-commission ----------------------------------------------------------


class TestPreselect:
    @pytest.mark.parametrize("outcome", d.PRESELECTION_OUTCOMES)
    def test_pre_commission_records_its_selection(self, outcome: str) -> None:
        commission = in_session(PRE)
        meta = session_meta(PRE)
        dossier_id = uuid4()
        events = when(commission, lambda x: x.preselect(dossier_id, outcome, meta))
        then_event(
            events,
            Commission.PreSelectionDecided,
            meta,
            dossier_id=dossier_id,
            outcome=outcome,
        )
        assert commission.decided == [dossier_id]
        assert commission.preselections == [
            {"dossier_id": dossier_id, "outcome": outcome}
        ]

    def test_pre_commission_with_the_prefecture_and_the_deal_decides(self) -> None:
        commission = in_session(PRE, attendees=(ALS, PREFECTURE, DEAL))
        events = when(commission, lambda x: perform(x, "preselect"))
        then_event(events, Commission.PreSelectionDecided)

    @pytest.mark.parametrize(
        "attendees",
        [(ALS, DEAL, MAIRIE), (ALS, PREFECTURE, MAIRIE), (ALS, MAIRIE)],
        ids=["without_prefecture", "without_deal", "without_both"],
    )
    def test_pre_commission_without_quorum_does_not_decide(
        self, attendees: tuple[Attendee, ...]
    ) -> None:
        commission = in_session(PRE, attendees=attendees)
        then_error(commission, lambda x: perform(x, "preselect"), "PRECOM-QUORUM")

    def test_unknown_outcome_is_refused(self) -> None:
        meta = session_meta(PRE)
        then_error(
            in_session(PRE),
            lambda x: x.preselect(uuid4(), "retenu", meta),
            "invalid_outcome",
        )

    def test_dossier_is_selected_once_a_session(self) -> None:
        dossier_id = uuid4()
        commission = in_session(
            PRE, lambda x: x.preselect(dossier_id, "prioritaire", session_meta(PRE))
        )
        then_error(
            commission,
            lambda x: x.preselect(dossier_id, "ecarte", session_meta(PRE)),
            "dossier_already_decided",
        )


# ---- the commission préfectorale ---------------------------------------------------


class TestRankPresidency:
    @pytest.mark.parametrize("function", c.PRESIDING_FUNCTIONS)
    def test_commission_presided_by_the_prefet_or_his_representative_ranks(
        self, function: str
    ) -> None:
        chair = replace(PREFET, function=function)
        commission = in_session(PREF, attendees=(chair, DEAL), presided_by=chair)
        then_event(when(commission, rank()), Commission.RankingDecided)

    @pytest.mark.parametrize(
        "chair",
        [
            None,
            PREFECTURE,  # a Préfecture officer, not the préfet nor his representative
            Attendee("DEAL Martinique", "deal", "representant_du_prefet"),
            Attendee("Mairie de Fort-de-France", "mairie", "prefet"),
        ],
    )
    def test_commission_not_presided_by_the_prefet_does_not_rank(
        self, chair: Attendee | None
    ) -> None:
        attendees = (PREFET, PREFECTURE, DEAL, *((chair,) if chair else ()))
        commission = in_session(PREF, attendees=attendees, presided_by=chair)
        then_error(commission, rank(), "COMPREF-PRESIDENCE")

    def test_commission_without_the_deal_does_not_rank(self) -> None:
        commission = in_session(PREF, attendees=(PREFET, ALS), presided_by=PREFET)
        then_error(commission, rank(), "COMPREF-PRESIDENCE")


class TestRankOrder:
    def test_commission_ranks_in_the_rda_order(self) -> None:
        def in_order(entries: list[Any], place: str) -> list[dict[str, Any]]:
            return [
                {
                    "dossier_id": e.dossier_id,
                    place: i,
                    "criteria": list(e.criteria),
                    "motive": None,
                }
                for i, e in enumerate(entries, 1)
            ]

        commission = in_session(PREF)
        args = ranking_args()
        meta = session_meta(PREF)
        events = when(commission, lambda x: x.rank(**args, meta=meta))
        ranked, liste = args["ranked"], args["liste_complementaire"]
        [out] = args["non_retenus"]
        then_event(
            events,
            Commission.RankingDecided,
            meta,
            ranked=in_order(ranked, "rank"),
            liste_complementaire=in_order(liste, "position"),
            non_retenus=[
                {"dossier_id": out.dossier_id, "criteria": [], "motive": None}
            ],
            list_valid_until=LIST_VALID_UNTIL,
            rda_order=list(RDA),
            departures=[],
            settings_version=1,
        )
        assert len(commission.decided) == 6

    def test_criteria_are_recorded_in_the_rda_order(self) -> None:
        first = entry("sans_logement", "dalo")
        events = when(in_session(PREF), rank(ranked=[first], liste_complementaire=[]))
        [row] = events[0].ranked
        assert row["criteria"] == ["dalo", "sans_logement"]

    def test_equal_priorities_may_come_in_any_order(self) -> None:
        ranked = [entry("handicap", "insalubre"), entry("insalubre", "handicap")]
        command = rank(ranked=ranked, liste_complementaire=[entry(), entry()])
        then_event(
            when(in_session(PREF), command), Commission.RankingDecided, departures=[]
        )

    @pytest.mark.parametrize(
        ("ranked", "liste"),
        [
            ([entry("handicap"), entry("dalo")], []),
            ([entry("dalo"), entry()], [entry("sans_logement")]),
            ([entry("sans_logement")], [entry(), entry("insalubre")]),
        ],
        ids=["ranked_list", "liste_after_ranked", "inside_the_liste"],
    )
    def test_departure_from_the_rda_order_without_motive_is_refused(
        self, ranked: list[RankingEntry], liste: list[RankingEntry]
    ) -> None:
        error = then_error(
            in_session(PREF),
            rank(ranked=ranked, liste_complementaire=liste, non_retenus=[]),
            "COMPREF-RANG",
        )
        assert "motif requis" in error.message

    def test_departure_with_a_motive_is_recorded(self) -> None:
        promoted = entry("handicap", motive="Logement adapté au fauteuil au RDC")
        passed_over = entry("dalo")
        events = when(
            in_session(PREF),
            rank(ranked=[promoted, passed_over], liste_complementaire=[]),
        )
        then_event(
            events,
            Commission.RankingDecided,
            departures=[
                {
                    "dossier_id": promoted.dossier_id,
                    "passed_over": [passed_over.dossier_id],
                }
            ],
        )

    def test_household_not_retained_ahead_of_a_retained_one_is_a_departure(
        self,
    ) -> None:
        command = rank(
            ranked=[entry("insalubre")],
            liste_complementaire=[],
            non_retenus=[entry("dalo")],
        )
        then_error(in_session(PREF), command, "COMPREF-RANG")

    def test_household_not_retained_with_a_motive_for_the_retained_one(self) -> None:
        retained = entry(
            "insalubre", motive="Ménage DALO hors plafond, relogé ailleurs"
        )
        command = rank(
            ranked=[retained], liste_complementaire=[], non_retenus=[entry("dalo")]
        )
        then_event(when(in_session(PREF), command), Commission.RankingDecided)

    def test_unknown_criterion_is_refused(self) -> None:
        command = rank(ranked=[entry("famille_nombreuse")], liste_complementaire=[])
        then_error(in_session(PREF), command, "COMPREF-RANG")

    def test_department_without_rda_criteria_cannot_rank(self) -> None:
        command = rank(settings=make_settings())
        then_error(in_session(PREF), command, "COMPREF-RANG")

    def test_rda_order_is_a_department_setting(self) -> None:
        # Here insalubrity comes before DALO.
        settings = rda_settings(rda_priority_criteria=("insalubre", "dalo"))
        ranked = [entry("insalubre"), entry("dalo")]
        command = rank(ranked=ranked, liste_complementaire=[], settings=settings)
        then_event(
            when(in_session(PREF), command),
            Commission.RankingDecided,
            rda_order=["insalubre", "dalo"],
            departures=[],
        )

    @pytest.mark.parametrize(
        "overrides",
        [
            {"ranked": [], "liste_complementaire": [], "non_retenus": []},
            {"ranked": [TWICE, TWICE], "liste_complementaire": []},
        ],
    )
    def test_impossible_ranking_is_refused(self, overrides: dict[str, Any]) -> None:
        then_error(in_session(PREF), rank(**overrides), "invalid_value")

    def test_commission_ranks_once(self) -> None:
        commission = in_session(PREF, lambda x: perform(x, "rank"))
        then_error(commission, rank(), "invalid_transition")


class TestListeComplementaireExpiry:
    def test_liste_is_valid_six_months_after_the_commission(self) -> None:
        events = when(in_session(PREF), rank())
        assert events[0].list_valid_until == date(2025, 10, 22)

    def test_validity_is_a_department_setting(self) -> None:
        settings = rda_settings(liste_complementaire_validity_months=3)
        events = when(in_session(PREF), rank(settings=settings))
        assert events[0].list_valid_until == date(2025, 7, 22)

    def test_validity_ends_on_the_last_day_of_a_shorter_month(self) -> None:
        day = date(2025, 8, 29)
        commission = in_session(PREF, held_on=day)
        meta = session_meta(PREF, on=day)
        events = when(commission, lambda x: x.rank(**ranking_args(), meta=meta))
        assert events[0].list_valid_until == date(2026, 2, 28)

    def test_ranking_without_liste_has_no_expiry(self) -> None:
        events = when(in_session(PREF), rank(liste_complementaire=[]))
        assert events[0].list_valid_until is None


# ---- the CAL -------------------------------------------------------------------------


class TestExamineDwelling:
    @pytest.mark.parametrize("decision", c.CAL_OUTCOMES)
    def test_cal_records_each_kind_of_decision(self, decision: str) -> None:
        examined = examination(decision, 1)
        others = [examination("non_attribution", i) for i in (2, 3)]
        commission = in_session(CAL)
        meta = session_meta(CAL)
        events = when(commission, examine(examined, *others, meta=meta))
        event = then_event(
            events,
            Commission.CALDecisionsTaken,
            meta,
            dwelling_ref=REFS[0],
            exception=None,
            exception_motive=None,
        )
        first = event.decisions[0]
        assert first == {
            "dossier_id": examined.dossier_id,
            "decision": decision,
            "rank": examined.rank,
            "missing_document": examined.missing_document,
            "condition_deadline": examined.condition_deadline,
            "motive": examined.motive,
            "return_session_on": examined.return_session_on,
            "dalo_designated": False,
            "dalo_recognised": False,
            "prior": {
                "commission_id": PREFECTORAL_ID,
                "commune": COMMUNE,
                "outcome": "rang",
                "rank": 1,
                "valid_until": None,
                "programme_id": None,
                "preselected_for": None,
            },
            "dwelling": None,
        }
        assert commission.decided == [e.dossier_id for e in (examined, *others)]

    def test_ajournement_names_its_return_session(self) -> None:
        events = when(in_session(CAL), examine(*candidates("ajournement", *THREE[1:])))
        assert events[0].decisions[0]["return_session_on"] == RETURN_SESSION_ON

    @pytest.mark.parametrize(
        "overrides",
        [
            {"motive": None},
            {"motive": "  "},
            {"return_session_on": None},
            {"return_session_on": SESSION[CAL]},
        ],
    )
    def test_ajournement_without_motive_or_later_session_is_refused(
        self, overrides: dict[str, Any]
    ) -> None:
        deferred = examination("ajournement", 1, **overrides)
        command = examine(deferred, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-DECISION")

    @pytest.mark.parametrize("decision", ["non_attribution", "rejet_irrecevabilite"])
    @pytest.mark.parametrize("motive", [None, "", "   "])
    def test_non_attribution_and_rejection_are_motivated(
        self, decision: str, motive: str | None
    ) -> None:
        refused = examination(decision, 2, motive=motive)
        command = examine(
            examination("attribution", 1), refused, examination("non_attribution", 3)
        )
        then_error(in_session(CAL), command, "CAL-MOTIF")

    @pytest.mark.parametrize(
        "overrides",
        [
            {"missing_document": None},
            {"condition_deadline": None},
            {"condition_deadline": SESSION[CAL]},
        ],
    )
    def test_condition_suspensive_names_a_document_and_a_later_deadline(
        self, overrides: dict[str, Any]
    ) -> None:
        conditional = examination(
            "attribution_sous_condition_suspensive", 1, **overrides
        )
        command = examine(conditional, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-CONDITION")

    def test_condition_with_a_deadline_the_next_day_is_recorded(self) -> None:
        next_day = SESSION[CAL] + timedelta(days=1)
        conditional = examination(
            "attribution_sous_condition_suspensive", 1, condition_deadline=next_day
        )
        events = when(in_session(CAL), examine(conditional, *candidates(*THREE)[1:]))
        assert events[0].decisions[0]["condition_deadline"] == next_day

    def test_unknown_decision_is_refused(self) -> None:
        command = examine(examination("acceptation", 1), *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-DECISION")

    @pytest.mark.parametrize(
        "decisions",
        [
            ("attribution", "attribution", "non_attribution"),
            ("attribution", "attribution_sous_condition_suspensive", "non_attribution"),
            ("attribution", "attribution_par_classement", "non_attribution"),
        ],
    )
    def test_dwelling_goes_to_one_household(self, decisions: tuple[str, ...]) -> None:
        then_error(in_session(CAL), examine(*candidates(*decisions)), "CAL-DECISION")

    def test_ranked_attributions_are_numbered_from_one(self) -> None:
        ranked = candidates(*["attribution_par_classement"] * 3)
        events = when(in_session(CAL), examine(*ranked))
        assert [x["rank"] for x in events[0].decisions] == [1, 2, 3]

    @pytest.mark.parametrize("ranks", [(1, 1, 2), (2, 3, 4), (1, 3, 4)])
    def test_ranked_attributions_with_gaps_or_twins_are_refused(
        self, ranks: tuple[int, ...]
    ) -> None:
        ranked = [
            examination("attribution_par_classement", i, rank=r)
            for i, r in enumerate(ranks, 1)
        ]
        then_error(in_session(CAL), examine(*ranked), "CAL-DECISION")

    @pytest.mark.parametrize(
        ("decision", "cal_rank"),
        [
            ("attribution_par_classement", None),
            ("attribution", 1),
            ("non_attribution", 2),
        ],
    )
    def test_only_a_ranked_attribution_has_a_rank(
        self, decision: str, cal_rank: int | None
    ) -> None:
        odd = examination(decision, 1, rank=cal_rank)
        command = examine(odd, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-DECISION")

    def test_unknown_dwelling_is_refused(self) -> None:
        command = examine(*candidates(*THREE), ref="SMHLM-LAM-01")
        then_error(in_session(CAL), command, "unknown_dwelling")

    def test_dwelling_is_examined_once_a_session(self) -> None:
        commission = in_session(CAL, lambda x: perform(x, "examine_dwelling"))
        then_error(
            commission, examine(*candidates(*THREE)), "dwelling_already_examined"
        )

    def test_household_is_decided_once_a_session(self) -> None:
        first = candidates(*THREE)
        commission = in_session(
            CAL, lambda x: x.examine_dwelling(REFS[0], first, session_meta(CAL))
        )
        again = replace(examination("attribution", 1), dossier_id=first[1].dossier_id)
        command = examine(again, *candidates(*THREE)[1:], ref=REFS[1])
        then_error(commission, command, "dossier_already_decided")

    def test_no_candidate_is_refused(self) -> None:
        then_error(in_session(CAL), examine(), "invalid_value")


class TestCalPrealable:
    @pytest.mark.parametrize("outcome", [None, "non_retenu"])
    def test_dossier_not_ranked_nor_listed_is_not_examined(
        self, outcome: str | None
    ) -> None:
        unranked = examination("non_attribution", 1, prior=prior(outcome, None))
        command = examine(unranked, *candidates(*THREE)[:2])
        then_error(in_session(CAL), command, "CAL-PREALABLE")

    def test_dossier_ranked_for_another_commune_is_not_examined(self) -> None:
        elsewhere = examination("attribution", 1, prior=prior(commune=OTHER_COMMUNE))
        command = examine(elsewhere, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-PREALABLE")

    def test_ranked_dossier_is_examined(self) -> None:
        then_event(
            when(in_session(CAL), examine(*candidates(*THREE))),
            Commission.CALDecisionsTaken,
        )

    def test_prior_rank_must_be_known(self) -> None:
        unknown = examination("attribution", 1, prior=prior("rang", None))
        command = examine(unknown, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "invalid_value")

    def test_dossier_ranked_for_the_cals_programme_is_examined(self) -> None:
        ours = examination("attribution", 1, prior=prior(programme_id=PROGRAMME.id))
        command = examine(ours, *candidates(*THREE)[1:])
        then_event(when(in_session(CAL), command), Commission.CALDecisionsTaken)

    def test_dossier_ranked_for_another_programme_is_not_examined(self) -> None:
        theirs = examination("attribution", 1, prior=prior(programme_id=uuid4()))
        command = examine(theirs, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "CAL-PREALABLE")

    def test_liste_complementaire_serves_the_other_programmes(self) -> None:
        listed = prior("liste_complementaire", 1, programme_id=uuid4())
        command = examine(
            examination("attribution", 1, prior=listed), *candidates(*THREE)[1:]
        )
        then_event(when(in_session(CAL), command), Commission.CALDecisionsTaken)

    def test_cal_without_programme_examines_any_ranked_dossier(self) -> None:
        ranked = examination("attribution", 1, prior=prior(programme_id=uuid4()))
        command = examine(ranked, *candidates(*THREE)[1:])
        commission = in_session(CAL, programme=None)
        then_event(when(commission, command), Commission.CALDecisionsTaken)


class TestListeComplementaireAtTheCal:
    def listed(self, position: int, **overrides: Any) -> Any:
        return examination(
            "non_attribution",
            position,
            prior=prior("liste_complementaire", position, **overrides),
        )

    def test_listed_dossier_is_examined_on_the_lists_last_day(self) -> None:
        commission = in_session(CAL, held_on=LIST_VALID_UNTIL)
        meta = session_meta(CAL, on=LIST_VALID_UNTIL)
        listed = [self.listed(i) for i in (1, 2, 3)]
        events = when(commission, lambda x: x.examine_dwelling(REFS[0], listed, meta))
        then_event(events, Commission.CALDecisionsTaken)

    def test_listed_dossier_is_not_examined_the_day_after(self) -> None:
        day_after = LIST_VALID_UNTIL + timedelta(days=1)
        commission = in_session(CAL, held_on=day_after)
        meta = session_meta(CAL, on=day_after)
        listed = [self.listed(i) for i in (1, 2, 3)]
        then_error(
            commission,
            lambda x: x.examine_dwelling(REFS[0], listed, meta),
            "LC-VALIDITE",
        )

    def test_liste_without_expiry_is_not_used(self) -> None:
        listed = examination(
            "attribution",
            1,
            prior=PriorRanking(PREFECTORAL_ID, COMMUNE, "liste_complementaire", 1),
        )
        command = examine(listed, *candidates(*THREE)[1:])
        then_error(in_session(CAL), command, "LC-VALIDITE")

    def test_liste_serves_any_landlord_of_its_commune(self) -> None:
        commission = in_session(CAL, landlord=OTHER_LANDLORD)
        listed = [self.listed(i) for i in (1, 2, 3)]
        meta = session_meta(CAL, organisation=OTHER_LANDLORD)
        then_event(
            when(commission, examine(*listed, meta=meta)), Commission.CALDecisionsTaken
        )

    def test_liste_does_not_serve_another_commune(self) -> None:
        listed = [self.listed(1, commune=OTHER_COMMUNE), *candidates(*THREE)[1:]]
        then_error(in_session(CAL), examine(*listed), "LC-VALIDITE")


class TestCalTrois:
    def test_three_candidates_per_dwelling_is_enough(self) -> None:
        then_event(
            when(in_session(CAL), examine(*candidates(*THREE))),
            Commission.CALDecisionsTaken,
            exception=None,
            exception_motive=None,
        )

    @pytest.mark.parametrize("count", [1, 2])
    def test_fewer_than_three_candidates_is_refused(self, count: int) -> None:
        command = examine(*candidates(*THREE[:count]))
        then_error(in_session(CAL), command, "CAL-TROIS")

    @pytest.mark.parametrize("motive", ["", "   "])
    def test_blank_shortfall_motive_is_no_motive(self, motive: str) -> None:
        command = examine(*candidates(*THREE[:2]), shortfall=motive)
        then_error(in_session(CAL), command, "CAL-TROIS")

    def test_too_few_candidates_with_a_motive_is_recorded(self) -> None:
        motive = "Deux dossiers seulement répondent à la typologie T4."
        events = when(
            in_session(CAL), examine(*candidates(*THREE[:2]), shortfall=motive)
        )
        then_event(
            events,
            Commission.CALDecisionsTaken,
            exception="candidats_insuffisants",
            exception_motive=motive,
        )

    def test_dalo_household_designated_by_the_prefet_may_be_alone(self) -> None:
        dalo = examination("attribution", 1, dalo_designated=True, dalo_recognised=True)
        events = when(in_session(CAL), examine(dalo))
        then_event(events, Commission.CALDecisionsTaken, exception="dalo")
        assert events[0].decisions[0]["dalo_designated"] is True

    def test_more_than_three_candidates_is_accepted(self) -> None:
        four = candidates(*THREE, "non_attribution")
        then_event(when(in_session(CAL), examine(*four)), Commission.CALDecisionsTaken)


class TestCalOrder:
    def test_ranked_attributions_follow_the_commissions_order(self) -> None:
        ranked = candidates(*["attribution_par_classement"] * 3)
        then_event(
            when(in_session(CAL), examine(*ranked)), Commission.CALDecisionsTaken
        )

    def inverted(self, motive: str | None) -> list[Any]:
        # CAL rank 1 to the commission's 2nd, CAL rank 2 to its 1st.
        return [
            examination("attribution_par_classement", 2, rank=1, motive=motive),
            examination("attribution_par_classement", 1, rank=2),
            examination("non_attribution", 3),
        ]

    def test_attribution_out_of_rank_order_without_motive_is_refused(self) -> None:
        then_error(in_session(CAL), examine(*self.inverted(None)), "COMPREF-RANG")

    def test_attribution_out_of_rank_order_with_a_motive_is_recorded(self) -> None:
        motive = "Seul ménage dont la composition correspond au T4"
        events = when(in_session(CAL), examine(*self.inverted(motive)))
        assert events[0].decisions[0]["motive"] == motive

    def test_better_ranked_household_passed_over_by_a_motivated_refusal(self) -> None:
        # The commission's 1st is not attributed, with its motive: no departure.
        command = examine(*candidates("non_attribution", "attribution", "ajournement"))
        then_event(when(in_session(CAL), command), Commission.CALDecisionsTaken)

    def test_ranks_of_different_commissions_are_not_compared(self) -> None:
        other = uuid4()
        command = examine(
            examination("attribution_par_classement", 2, rank=1),
            examination(
                "attribution_par_classement",
                1,
                rank=2,
                prior=prior(commission_id=other),
            ),
            examination("non_attribution", 3),
        )
        then_event(when(in_session(CAL), command), Commission.CALDecisionsTaken)

    def test_ranked_household_comes_before_a_listed_one(self) -> None:
        listed_first = [
            examination(
                "attribution_par_classement",
                1,
                rank=1,
                prior=prior("liste_complementaire", 1),
            ),
            examination("attribution_par_classement", 5, rank=2),
            examination("non_attribution", 6),
        ]
        then_error(in_session(CAL), examine(*listed_first), "COMPREF-RANG")


# ---- minutes, kinds, roles, days ----------------------------------------------------


class TestCloseMinutes:
    @pytest.mark.parametrize("kind", c.KINDS)
    def test_minutes_close_the_session(self, kind: str) -> None:
        commission = in_session(kind)
        meta = session_meta(kind, on=SESSION[kind] + timedelta(days=3))
        events = when(commission, lambda x: x.close_minutes("PV signé.", meta))
        then_event(events, Commission.MinutesClosed, meta, summary="PV signé.")
        assert (commission.stage, commission.minutes_closed_on) == (
            c.CLOSED,
            meta.occurred_on,
        )

    def test_minutes_may_close_on_the_session_day(self) -> None:
        events = when(
            in_session(CAL), lambda x: perform(x, "close_minutes", on=SESSION[CAL])
        )
        then_event(events, Commission.MinutesClosed)

    def test_minutes_do_not_precede_the_session(self) -> None:
        day_before = SESSION[CAL] - timedelta(days=1)
        then_error(
            in_session(CAL),
            lambda x: perform(x, "close_minutes", on=day_before),
            "occurred_on_out_of_order",
        )

    @pytest.mark.parametrize("kind", c.KINDS)
    def test_minutes_follow_the_attendance(self, kind: str) -> None:
        then_error(
            convened(kind),
            lambda x: perform(x, "close_minutes"),
            "attendance_not_recorded",
        )

    @pytest.mark.parametrize(("kind", "step"), KIND_STEPS)
    def test_nothing_is_added_once_the_minutes_are_closed(
        self, kind: str, step: str
    ) -> None:
        _, events = session_history(kind)
        then_error(given(events), lambda x: perform(x, step), "minutes_closed")


class TestOrder:
    @pytest.mark.parametrize("kind", c.KINDS)
    def test_no_decision_before_the_attendance(self, kind: str) -> None:
        then_error(
            convened(kind),
            lambda x: perform(x, DECISION_STEP[kind]),
            "attendance_not_recorded",
        )

    @pytest.mark.parametrize(
        ("kind", "step"),
        [(k, s) for s in STEPS for k in c.KINDS if k not in ALLOWED_ROLES[s]],
    )
    def test_a_commission_takes_only_its_own_decisions(
        self, kind: str, step: str
    ) -> None:
        then_error(
            in_session(kind), lambda x: perform(x, step), "wrong_commission_kind"
        )


class TestRoles:
    def test_every_step_has_its_expected_roles(self) -> None:
        expected = {"convene": ALLOWED_ROLES["record_attendance"], **ALLOWED_ROLES}
        assert expected == c.STEP_ROLES

    @pytest.mark.parametrize(
        ("kind", "step", "role"),
        [(k, s, r) for k, s in KIND_STEPS for r in sorted(ALLOWED_ROLES[s][k])],
    )
    def test_allowed_role_records_the_step(
        self, kind: str, step: str, role: str
    ) -> None:
        commission = ready_for(kind, step)
        events = when(commission, lambda x: perform(x, step, role=role))
        assert then_event(events, STEP_EVENT[step]).actor.role == role

    @pytest.mark.parametrize(
        ("kind", "step", "role"),
        [
            (k, s, r)
            for k, s in KIND_STEPS
            for r in ROLES
            if r not in ALLOWED_ROLES[s][k]
        ],
    )
    def test_other_role_is_refused(self, kind: str, step: str, role: str) -> None:
        commission = ready_for(kind, step)
        then_error(
            commission, lambda x: perform(x, step, role=role), "role_not_allowed"
        )


class TestLandlord:
    """A landlord's agents hold their own landlord's CAL only."""

    @pytest.mark.parametrize("step", CAL_STEPS)
    def test_another_landlords_agent_cannot_take_a_cal_step(self, step: str) -> None:
        commission = ready_for(CAL, step)
        error = then_error(
            commission,
            lambda x: perform(x, step, organisation=OTHER_LANDLORD),
            "not_the_landlord",
        )
        assert LANDLORD in error.message
        assert OTHER_LANDLORD in error.message

    @pytest.mark.parametrize("step", CAL_STEPS)
    def test_the_cals_landlord_takes_its_steps(self, step: str) -> None:
        commission = ready_for(CAL, step, landlord=OTHER_LANDLORD)
        events = when(
            commission, lambda x: perform(x, step, organisation=OTHER_LANDLORD)
        )
        assert then_event(events, STEP_EVENT[step]).actor.organisation == (
            OTHER_LANDLORD
        )

    @pytest.mark.parametrize("step", CAL_STEPS)
    def test_the_programmes_landlord_does_not_hold_another_landlords_cal(
        self, step: str
    ) -> None:
        commission = ready_for(CAL, step, landlord=OTHER_LANDLORD)
        then_error(
            commission,
            lambda x: perform(x, step, organisation=LANDLORD),
            "not_the_landlord",
        )


class TestSessionDay:
    @pytest.mark.parametrize(
        ("kind", "step"), [(k, s) for k, s in KIND_STEPS if s != "close_minutes"]
    )
    @pytest.mark.parametrize("shift", [-1, 1])
    def test_attendance_and_decisions_are_dated_on_the_session_day(
        self, kind: str, step: str, shift: int
    ) -> None:
        commission = ready_for(kind, step)
        other_day = SESSION[kind] + timedelta(days=shift)
        then_error(
            commission,
            lambda x: perform(x, step, on=other_day),
            "not_the_session_day",
        )


class TestReplay:
    @pytest.mark.parametrize("kind", c.KINDS)
    def test_session_history_rebuilds_an_equal_commission(self, kind: str) -> None:
        commission, events = session_history(kind)
        rebuilt = given(events)
        assert rebuilt == commission
        assert (rebuilt.stage, rebuilt.version) == (c.CLOSED, len(events))

    @pytest.mark.parametrize("kind", c.KINDS)
    def test_stored_events_come_back_equal(self, kind: str) -> None:
        """Through Logis' transcoder (JSON): nested lists and dicts of UUIDs, dates
        and None come back as they were, and replay the same commission."""
        commission, events = session_history(kind)
        stored = read_back(events)
        assert stored == events
        assert given(stored) == commission

    def test_replay_does_not_judge_past_facts_by_todays_rules(self) -> None:
        # A ranking recorded by a commission without the DEAL (imported history):
        # it replays, and the commission's list is what it says.
        commission = convene_command(PREF)(None)
        commission.record_attendance((PREFET,), PREFET, session_meta(PREF))
        history = list(commission.collect_events())
        dossier_id = uuid4()
        ranked = Commission.RankingDecided(
            originator_id=commission.id,
            originator_version=commission.version + 1,
            timestamp=Commission.RankingDecided.create_timestamp(),
            ranked=[],
            liste_complementaire=[
                {
                    "dossier_id": dossier_id,
                    "position": 1,
                    "criteria": [],
                    "motive": None,
                }
            ],
            non_retenus=[],
            list_valid_until=LIST_VALID_UNTIL,
            rda_order=[],
            departures=[],
            settings_version=1,
            **session_meta(PREF).fields(),
        )
        rebuilt = given([*history, ranked])
        assert rebuilt.liste_complementaire.dossier_ids == (dossier_id,)


# ---- what other aggregates read ------------------------------------------------------


class TestPriorRanking:
    def ranked_commission(self) -> tuple[Commission, dict[str, Any]]:
        args = ranking_args()
        commission = in_session(PREF, lambda x: x.rank(**args, meta=session_meta(PREF)))
        return commission, args

    def test_ranked_dossier_has_its_rank(self) -> None:
        commission, args = self.ranked_commission()
        second = args["ranked"][1].dossier_id
        assert commission.prior_ranking(second) == PriorRanking(
            commission.id, COMMUNE, "rang", 2, programme_id=PROGRAMME.id
        )

    def test_listed_dossier_has_its_place_and_the_lists_expiry(self) -> None:
        commission, args = self.ranked_commission()
        listed = args["liste_complementaire"][1].dossier_id
        assert commission.prior_ranking(listed) == PriorRanking(
            commission.id, COMMUNE, "liste_complementaire", 2, LIST_VALID_UNTIL
        )

    def test_dossier_not_retained_or_absent(self) -> None:
        commission, args = self.ranked_commission()
        out = args["non_retenus"][0].dossier_id
        assert commission.prior_ranking(out).outcome == "non_retenu"
        assert commission.prior_ranking(uuid4()).outcome is None

    def test_only_the_commission_prefectorale_ranks(self) -> None:
        with pytest.raises(DomainError) as caught:
            in_session(CAL).prior_ranking(uuid4())
        assert caught.value.code == "wrong_commission_kind"

    def test_liste_complementaire_of_the_commission(self) -> None:
        commission, args = self.ranked_commission()
        assert commission.liste_complementaire == ListeComplementaire(
            commission_id=commission.id,
            commune=COMMUNE,
            decided_on=SESSION[PREF],
            valid_until=LIST_VALID_UNTIL,
            dossier_ids=tuple(e.dossier_id for e in args["liste_complementaire"]),
        )
        assert in_session(PREF).liste_complementaire is None

    def test_the_cal_accepts_what_the_commission_says(self) -> None:
        prefectoral, args = self.ranked_commission()
        chosen = [*args["ranked"][:2], args["liste_complementaire"][0]]
        examined = [
            examination(
                decision,
                prior=prefectoral.prior_ranking(e.dossier_id),
                dossier_id=e.dossier_id,
            )
            for decision, e in zip(THREE, chosen, strict=True)
        ]
        then_event(
            when(in_session(CAL), examine(*examined)), Commission.CALDecisionsTaken
        )


# ---- pure functions: the RDA order and the liste complémentaire ---------------------


class TestRdaOrder:
    def test_first_criterion_outweighs_all_later_ones(self) -> None:
        assert rda_key(["dalo"], RDA) < rda_key(["handicap", "sans_logement"], RDA)
        assert rda_key(["handicap", "insalubre"], RDA) < rda_key(["handicap"], RDA)
        assert rda_key([], RDA) == (1, 1, 1, 1)

    def test_criteria_are_listed_as_the_rda_lists_them(self) -> None:
        assert in_rda_order({"insalubre", "dalo"}, RDA) == ["dalo", "insalubre"]

    def test_order_following_the_rda_has_no_departure(self) -> None:
        ordered = [("a", ["dalo"]), ("b", ["dalo"]), ("c", ["handicap"]), ("d", [])]
        assert rda_departures(ordered, RDA, [("e", [])]) == {}

    def test_each_household_placed_ahead_of_a_prior_one_departs(self) -> None:
        ordered = [("a", ["insalubre"]), ("b", ["handicap"]), ("c", ["dalo"])]
        assert rda_departures(ordered, RDA) == {"a": ["b", "c"], "b": ["c"]}

    def test_households_not_retained_count_after_everyone(self) -> None:
        assert rda_departures([("a", ["handicap"])], RDA, [("x", ["dalo"])]) == {
            "a": ["x"]
        }

    def test_no_criteria_no_order(self) -> None:
        assert rda_departures([("a", []), ("b", ["dalo"])], ()) == {}


def liste(
    dossiers: int = 3,
    *,
    commune: str = COMMUNE,
    decided_on: date = SESSION[PREF],
    valid_until: date = LIST_VALID_UNTIL,
) -> ListeComplementaire:
    return ListeComplementaire(
        uuid4(),
        commune,
        decided_on,
        valid_until,
        tuple(uuid4() for _ in range(dossiers)),
    )


class TestNextCandidates:
    def test_vacancy_calls_the_next_households_in_order(self) -> None:
        lc = liste(4)
        found = next_candidates([lc], COMMUNE, date(2025, 7, 1), 3)
        assert found == [
            ListedCandidate(dossier_id, lc.commission_id, i, LIST_VALID_UNTIL)
            for i, dossier_id in enumerate(lc.dossier_ids[:3], 1)
        ]

    def test_liste_serves_on_its_last_day(self) -> None:
        lc = liste()
        assert lc.serves(COMMUNE, LIST_VALID_UNTIL)
        assert len(next_candidates([lc], COMMUNE, LIST_VALID_UNTIL, 3)) == 3

    def test_liste_has_expired_the_day_after(self) -> None:
        day_after = LIST_VALID_UNTIL + timedelta(days=1)
        assert not liste().serves(COMMUNE, day_after)
        assert next_candidates([liste()], COMMUNE, day_after, 3) == []

    def test_liste_does_not_serve_before_its_commission(self) -> None:
        assert (
            next_candidates([liste()], COMMUNE, SESSION[PREF] - timedelta(1), 3) == []
        )

    def test_liste_serves_its_commune_only(self) -> None:
        other = liste(commune=OTHER_COMMUNE)
        assert next_candidates([other], COMMUNE, date(2025, 7, 1), 3) == []
        assert len(next_candidates([other], OTHER_COMMUNE, date(2025, 7, 1), 3)) == 3

    def test_households_already_housed_or_decided_are_skipped(self) -> None:
        lc = liste(4)
        found = next_candidates(
            [lc], COMMUNE, date(2025, 7, 1), 2, exclude={lc.dossier_ids[0]}
        )
        assert [(x.dossier_id, x.position) for x in found] == [
            (lc.dossier_ids[1], 2),
            (lc.dossier_ids[2], 3),
        ]

    def test_oldest_valid_list_comes_first(self) -> None:
        older = liste(2, decided_on=date(2025, 3, 10), valid_until=date(2025, 9, 10))
        newer = liste(2)
        expired = liste(2, decided_on=date(2024, 9, 1), valid_until=date(2025, 3, 1))
        found = next_candidates([newer, expired, older], COMMUNE, date(2025, 7, 1), 3)
        assert [x.dossier_id for x in found] == [
            *older.dossier_ids,
            newer.dossier_ids[0],
        ]

    def test_household_on_two_lists_is_called_once(self) -> None:
        older = liste(1, decided_on=date(2025, 3, 10), valid_until=date(2025, 9, 10))
        newer = replace(liste(1), dossier_ids=(older.dossier_ids[0], uuid4()))
        found = next_candidates([older, newer], COMMUNE, date(2025, 7, 1), 5)
        assert [x.dossier_id for x in found] == [
            *older.dossier_ids,
            newer.dossier_ids[1],
        ]

    def test_validity_is_computed_from_the_department_settings(self) -> None:
        assert list_valid_until(SESSION[PREF], make_settings()) == LIST_VALID_UNTIL
        year = make_settings(liste_complementaire_validity_months=12)
        assert list_valid_until(SESSION[PREF], year) == date(2026, 4, 22)


# ---- the same decision on the dossiers (one transaction in the application) ---------


class TestRecordOnDossiers:
    def test_pre_selection_is_recorded_on_the_dossier(self) -> None:
        dossier = drive_to(d.SOLVENCY)
        commission = in_session(PRE)
        commission.preselect(dossier.id, "liste_complementaire", session_meta(PRE))
        [event] = commission.collect_events()
        assert record_on_dossiers(
            commission, event, {dossier.id: dossier}, make_settings()
        ) == [dossier]
        [mirrored] = dossier.collect_events()
        assert isinstance(mirrored, d.Dossier.PreSelected)
        assert (mirrored.commission_id, mirrored.outcome, mirrored.command_id) == (
            commission.id,
            "liste_complementaire",
            event.command_id,
        )

    def preselected_by(self, commission: Commission, dossier: d.Dossier) -> Any:
        commission.preselect(dossier.id, "prioritaire", session_meta(PRE))
        [event] = commission.collect_events()
        return lambda x: record_on_dossiers(
            commission, event, {x.id: x}, make_settings()
        )

    def test_dossier_of_the_pre_commissions_programme_is_selected(self) -> None:
        dossier = drive_to(d.SOLVENCY, programme_id=PROGRAMME.id)
        commission = in_session(PRE, programme=PROGRAMME)
        events = when(dossier, self.preselected_by(commission, dossier))
        then_event(events, d.Dossier.PreSelected, commission_id=commission.id)

    def test_dossier_of_another_programme_refuses_the_pre_selection(self) -> None:
        dossier = drive_to(d.SOLVENCY, programme_id=uuid4())
        commission = in_session(PRE, programme=PROGRAMME)
        command = self.preselected_by(commission, dossier)
        then_error(dossier, command, "wrong_programme")

    @pytest.mark.parametrize(
        ("dossiers", "commissions"),
        [(uuid4(), None), (None, PROGRAMME)],
        ids=["pre_commission_without", "dossier_without"],
    )
    def test_programme_is_not_checked_when_either_has_none(
        self, dossiers: Any, commissions: Any
    ) -> None:
        dossier = drive_to(d.SOLVENCY, programme_id=dossiers)
        commission = in_session(PRE, programme=commissions)
        events = when(dossier, self.preselected_by(commission, dossier))
        then_event(events, d.Dossier.PreSelected, commission_id=commission.id)

    def test_ranking_is_recorded_on_each_dossier_with_the_same_expiry(self) -> None:
        dossiers = [drive_to(d.PRESELECTED) for _ in range(3)]
        ranked, listed, out = (RankingEntry(x.id, ("dalo",)) for x in dossiers)
        commission = in_session(PREF)
        settings = rda_settings()
        commission.rank(
            ranked=[ranked],
            liste_complementaire=[listed],
            non_retenus=[replace(out, criteria=(), motive="Hors plafond")],
            settings=settings,
            settings_version=1,
            meta=session_meta(PREF),
        )
        [event] = commission.collect_events()
        record_on_dossiers(commission, event, {x.id: x for x in dossiers}, settings)
        assert [x.ranking for x in dossiers] == [
            {"commission_id": commission.id, "outcome": "rang", "rank": 1},
            {
                "commission_id": commission.id,
                "outcome": "liste_complementaire",
                "rank": None,
            },
            {"commission_id": commission.id, "outcome": "non_retenu", "rank": None},
        ]
        assert dossiers[1].list_valid_until == event.list_valid_until
        mirrored = [e for x in dossiers for e in x.collect_events()]
        assert [type(e) for e in mirrored] == [d.Dossier.Ranked] * 3
        assert {e.commission_id for e in mirrored} == {commission.id}

    def test_cal_decisions_are_recorded_on_each_dossier(self) -> None:
        dossiers = [drive_to(d.RANKED) for _ in range(3)]
        decisions = (
            "attribution_sous_condition_suspensive",
            "ajournement",
            "rejet_irrecevabilite",
        )
        examined = [
            examination(decision, i, dossier_id=x.id)
            for i, (decision, x) in enumerate(zip(decisions, dossiers, strict=True), 1)
        ]
        commission = in_session(CAL)
        commission.examine_dwelling(REFS[2], examined, session_meta(CAL))
        [event] = commission.collect_events()
        record_on_dossiers(
            commission, event, {x.id: x for x in dossiers}, make_settings()
        )
        assert [x.stage for x in dossiers] == [d.DECIDED, d.DEFERRED, d.DECIDED]
        assert dossiers[0].cal_decision["dwelling_ref"] == REFS[2]
        assert dossiers[0].cal_decision["condition_deadline"] == CONDITION_DEADLINE
        assert dossiers[1].deferral["return_session_on"] == RETURN_SESSION_ON
        assert dossiers[2].cal_decision["dwelling_ref"] is None
        assert [
            dossiers[0].cal_decision["commission_id"],
            dossiers[1].deferral["commission_id"],
            dossiers[2].cal_decision["commission_id"],
        ] == [commission.id] * 3
        mirrored = [e for x in dossiers for e in x.collect_events()]
        assert [type(e) for e in mirrored] == [
            d.Dossier.CALDecided,
            d.Dossier.Deferred,
            d.Dossier.CALDecided,
        ]
        assert {e.commission_id for e in mirrored} == {commission.id}
        assert [dossiers[0].cal_decision["landlord"], mirrored[2].landlord] == [
            LANDLORD
        ] * 2

    def test_the_cal_records_its_landlord_on_the_dossier(self) -> None:
        # The landlord whose CAL decides makes the offer and signs the lease.
        dossiers = [drive_to(d.RANKED) for _ in THREE]
        commission = in_session(CAL, landlord=OTHER_LANDLORD)
        examined = [
            examination(decision, i, dossier_id=x.id)
            for i, (decision, x) in enumerate(zip(THREE, dossiers, strict=True), 1)
        ]
        meta = session_meta(CAL, organisation=OTHER_LANDLORD)
        commission.examine_dwelling(REFS[0], examined, meta)
        [event] = commission.collect_events()
        record_on_dossiers(
            commission, event, {x.id: x for x in dossiers}, make_settings()
        )
        assert [x.cal_decision["landlord"] for x in dossiers] == [OTHER_LANDLORD] * 3
        mirrored = [e for x in dossiers for e in x.collect_events()]
        assert {e.landlord for e in mirrored} == {OTHER_LANDLORD}

    def test_dossier_of_another_department_refuses_the_pre_selection(self) -> None:
        dossier = drive_to(d.SOLVENCY, **ELSEWHERE)
        commission = in_session(PRE)
        command = self.preselected_by(commission, dossier)
        error = then_error(dossier, command, "wrong_department")
        assert "971" in error.message
        assert DEPARTMENT in error.message

    def test_dossier_of_another_department_refuses_the_whole_ranking(self) -> None:
        here = [drive_to(d.PRESELECTED) for _ in range(2)]
        elsewhere = drive_to(d.PRESELECTED, **ELSEWHERE)
        commission = in_session(PREF)
        settings = rda_settings()
        commission.rank(
            ranked=[RankingEntry(here[0].id, ("dalo",))],
            liste_complementaire=[RankingEntry(here[1].id, ("dalo",))],
            non_retenus=[RankingEntry(elsewhere.id, (), "Hors plafond")],
            settings=settings,
            settings_version=1,
            meta=session_meta(PREF),
        )
        [event] = commission.collect_events()
        dossiers = {x.id: x for x in (*here, elsewhere)}
        then_error(
            elsewhere,
            lambda _: record_on_dossiers(commission, event, dossiers, settings),
            "wrong_department",
        )

    def test_dossier_of_another_department_refuses_the_whole_cal_decision(
        self,
    ) -> None:
        here = [drive_to(d.RANKED) for _ in THREE[1:]]
        elsewhere = drive_to(d.RANKED, **ELSEWHERE)
        commission = in_session(CAL)
        examined = [
            examination(decision, i, dossier_id=x.id)
            for i, (decision, x) in enumerate(
                zip(THREE, [*here, elsewhere], strict=True), 1
            )
        ]
        commission.examine_dwelling(REFS[0], examined, session_meta(CAL))
        [event] = commission.collect_events()
        dossiers = {x.id: x for x in (*here, elsewhere)}
        then_error(
            elsewhere,
            lambda _: record_on_dossiers(commission, event, dossiers, make_settings()),
            "wrong_department",
        )

    def test_a_dossier_that_refuses_refuses_the_decision(self) -> None:
        # No numéro unique: the dossier refuses the CAL (SNE-NUMERO), so the
        # application saves neither it nor the commission.
        dossier = drive_to(d.RANKED, numero_unique=None, sne_registered_on=None)
        others = [drive_to(d.RANKED) for _ in THREE[1:]]
        commission = in_session(CAL)
        examined = [
            examination(decision, i, dossier_id=x.id)
            for i, (decision, x) in enumerate(
                zip(THREE, [dossier, *others], strict=True), 1
            )
        ]
        commission.examine_dwelling(REFS[0], examined, session_meta(CAL))
        [event] = commission.collect_events()
        with pytest.raises(DomainError) as caught:
            record_on_dossiers(
                commission,
                event,
                {x.id: x for x in (dossier, *others)},
                make_settings(),
            )
        assert caught.value.code == "SNE-NUMERO"

    def test_other_events_concern_no_dossier(self) -> None:
        commission = convene_command(CAL)(None)
        events = commission.collect_events()
        assert record_on_dossiers(commission, events[0], {}, make_settings()) == []


def test_every_event_has_a_french_label() -> None:
    assert declared_events(Commission) == set(EVENT_LABELS)
