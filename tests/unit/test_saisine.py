"""The CCAPEX referral: given events, when a command, then events or error."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain import saisine_steps as s
from domain.saisine import EVENT_LABELS, Saisine
from domain.saisine_rules import in_winter_truce
from domain.shared import ROLES, add_months
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.chronology import ChronologyTests
from tests.helpers.dossiers import COMMUNE, DEPARTMENT, ORGANISATIONS, make_meta
from tests.helpers.saisines import (
    ARREARS,
    ENQUIRY_SUMMARY,
    HOUSEHOLD,
    LANDLORD,
    MAIN_LINE,
    OPERATOR,
    RECOMMENDATIONS,
    SAISINE_DAY,
    SAISINE_STEPS,
    court_dates,
    perform_on_saisine,
    saisine_after,
    saisine_with_history,
    signal_command,
    through,
)
from tests.helpers.tables import declared_events, outside

# Who records each step, as DOMAIN.md §1, §5 and §10 describe it.
SOCIAL = frozenset({"departement", "ccas", "als", "prescripteur"})
ALLOWED_ROLES = {
    "signal": SOCIAL | {"bailleur", "caf", "prefecture"},
    "register": frozenset({"ccapex"}),
    "request_enquiry": frozenset({"ccapex"}),
    "return_enquiry": frozenset({"association", "departement"}),
    "orient": frozenset({"ccapex"}),
    "examine": frozenset({"ccapex"}),
    "issue_avis": frozenset({"ccapex"}),
    "record_follow_up": frozenset({"ccapex"}),
    "record_court_dates": frozenset({"ccapex", "prefecture", "bailleur"}),
    "close": frozenset({"ccapex"}),
}
SIGNALLERS = {
    "commandement_de_payer": SOCIAL | {"bailleur", "prefecture"},
    "saisine_bailleur": frozenset({"bailleur"}),
    "impayes_caf": frozenset({"caf"}),
    "assignation": SOCIAL | {"prefecture"},
    "commandement_de_quitter": SOCIAL | {"prefecture"},
}
# The steps before each one, so it may be taken.
BEFORE: dict[str, tuple[str, ...]] = {
    **{step: MAIN_LINE[: MAIN_LINE.index(step)] for step in MAIN_LINE},
    "record_court_dates": through("orient"),
    "close": through("issue_avis"),
}
EVENT = {
    "register": Saisine.Registered,
    "request_enquiry": Saisine.EnquiryRequested,
    "return_enquiry": Saisine.EnquiryReturned,
    "orient": Saisine.Oriented,
    "examine": Saisine.Examined,
    "issue_avis": Saisine.AvisIssued,
    "record_follow_up": Saisine.FollowUpRecorded,
    "record_court_dates": Saisine.CourtDatesRecorded,
    "close": Saisine.Closed,
}
STAGE_AFTER = {
    (): s.SIGNALLED,
    **{through(step): EVENT[step].STAGE for step in MAIN_LINE},
}


def ccapex(step: str, on: date | None = None) -> Any:
    return make_meta("ccapex", on or SAISINE_DAY[step])


def closing(outcome: str, on: date) -> Any:
    return lambda x: x.close(outcome, make_meta("ccapex", on))


class TestSignal:
    @pytest.mark.parametrize(
        ("source", "role"),
        [(src, r) for src, roles in SIGNALLERS.items() for r in sorted(roles)],
    )
    def test_household_is_signalled_by_those_who_know_of_its_source(
        self, source: str, role: str
    ) -> None:
        on = SAISINE_DAY["signal"]
        organisation = LANDLORD if role == "bailleur" else None
        meta = make_meta(role, on, organisation=organisation)
        summons, hearing = court_dates(on)
        saisine_id = uuid4()
        command = signal_command(
            meta,
            saisine_id=saisine_id,
            source=source,
            summons_on=summons,
            hearing_on=hearing,
        )
        events = when(None, command)
        then_event(
            events,
            Saisine.Signalled,
            meta,
            originator_id=saisine_id,
            source=source,
            household_id=HOUSEHOLD,
            department=DEPARTMENT,
            commune=COMMUNE,
            landlord=LANDLORD,
            landlord_is_legal_entity=True,
            arrears=ARREARS,
            summons_on=summons,
            hearing_on=hearing,
        )
        saisine = given(events)
        assert (saisine.stage, saisine.referred_on) == (s.SIGNALLED, on)
        assert saisine.signalled_by == meta.actor
        assert (saisine.enquiry, saisine.outcome, saisine.closed_on) == (
            None,
            None,
            None,
        )

    def test_landlord_refers_without_court_dates(self) -> None:
        saisine = saisine_after()
        assert (saisine.summons_on, saisine.hearing_on) == (None, None)
        assert saisine.findings == []

    @pytest.mark.parametrize(
        ("source", "role"),
        outside(SIGNALLERS, ROLES),
    )
    def test_other_role_does_not_signal_this_source(
        self, source: str, role: str
    ) -> None:
        meta = make_meta(role, SAISINE_DAY["signal"])
        summons, _ = court_dates(SAISINE_DAY["signal"])
        command = signal_command(meta, source=source, summons_on=summons)
        then_error(None, command, "role_not_allowed")

    def test_landlord_signals_its_own_tenants_only(self) -> None:
        meta = make_meta("bailleur", SAISINE_DAY["signal"], organisation="Ozanam")
        then_error(None, signal_command(meta), "not_the_landlord")

    def test_no_arrears_is_accepted(self) -> None:
        meta = make_meta("bailleur", SAISINE_DAY["signal"], organisation=LANDLORD)
        events = when(None, signal_command(meta, arrears=Decimal(0)))
        then_event(events, Saisine.Signalled, arrears=Decimal(0))

    @pytest.mark.parametrize(
        "overrides",
        [
            pytest.param({"source": "expulsion"}, id="unknown_source"),
            pytest.param({"landlord": "  "}, id="no_landlord"),
            pytest.param({"arrears": Decimal("-0.01")}, id="negative_arrears"),
            pytest.param({"commune": "97101"}, id="commune_of_another_department"),
            pytest.param({"department": "99"}, id="unknown_department"),
            pytest.param({"summons_on": date(2025, 4, 2)}, id="summons_not_yet"),
            pytest.param({"hearing_on": date(2025, 6, 1)}, id="hearing_no_summons"),
            pytest.param(
                {"summons_on": date(2025, 3, 1), "hearing_on": date(2025, 3, 1)},
                id="hearing_not_after_summons",
            ),
        ],
    )
    def test_impossible_signal_is_refused(self, overrides: dict[str, Any]) -> None:
        meta = make_meta("bailleur", SAISINE_DAY["signal"], organisation=LANDLORD)
        then_error(None, signal_command(meta, **overrides), "invalid_value")

    def test_signal_of_an_assignation_dates_it(self) -> None:
        meta = make_meta("prefecture", SAISINE_DAY["signal"])
        then_error(None, signal_command(meta, source="assignation"), "invalid_value")


class TestRegister:
    def test_ccapex_registers_the_signal(self) -> None:
        saisine = saisine_after()
        meta = ccapex("register")
        then_event(when(saisine, lambda x: x.register(meta)), Saisine.Registered, meta)
        assert (saisine.stage, saisine.registered_on) == (
            s.REGISTERED,
            meta.occurred_on,
        )

    def test_referral_is_registered_once(self) -> None:
        saisine = saisine_after("register")
        then_error(
            saisine, lambda x: x.register(ccapex("register")), "invalid_transition"
        )


class TestEnquiry:
    @pytest.mark.parametrize(
        ("operator", "role"),
        [(OPERATOR, "association"), (ORGANISATIONS["departement"], "departement")],
    )
    def test_ccapex_asks_an_operator_for_an_enquiry(
        self, operator: str, role: str
    ) -> None:
        saisine = saisine_after("register")
        meta = ccapex("request_enquiry")
        events = when(saisine, lambda x: x.request_enquiry(operator, role, meta))
        then_event(
            events,
            Saisine.EnquiryRequested,
            meta,
            operator=operator,
            operator_role=role,
        )
        assert saisine.stage == s.ENQUIRY_REQUESTED
        assert saisine.enquiry == {
            "operator": operator,
            "operator_role": role,
            "requested_on": meta.occurred_on,
            "returned_on": None,
            "summary": None,
        }

    @pytest.mark.parametrize(
        ("operator", "role"), [("  ", "association"), (OPERATOR, "ccas")]
    )
    def test_enquiry_goes_to_a_named_operator(self, operator: str, role: str) -> None:
        saisine = saisine_after("register")
        meta = ccapex("request_enquiry")
        then_error(
            saisine, lambda x: x.request_enquiry(operator, role, meta), "invalid_value"
        )

    @pytest.mark.parametrize("before", [(), through("return_enquiry")])
    def test_enquiry_is_asked_of_a_registered_referral_once(
        self, before: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*before)
        meta = ccapex("request_enquiry", SAISINE_DAY["orient"])
        then_error(
            saisine,
            lambda x: x.request_enquiry(OPERATOR, "association", meta),
            "invalid_transition",
        )

    def test_operator_returns_the_enquiry(self) -> None:
        saisine = saisine_after(*through("request_enquiry"))
        meta = make_meta(
            "association", SAISINE_DAY["return_enquiry"], organisation=OPERATOR
        )
        events = when(saisine, lambda x: x.return_enquiry(ENQUIRY_SUMMARY, meta))
        then_event(events, Saisine.EnquiryReturned, meta, summary=ENQUIRY_SUMMARY)
        assert saisine.stage == s.ENQUIRY_RETURNED
        assert saisine.enquiry["returned_on"] == meta.occurred_on
        assert saisine.enquiry["summary"] == ENQUIRY_SUMMARY

    def test_departement_returns_the_enquiry_it_was_asked(self) -> None:
        saisine, events = saisine_with_history("register")
        departement = ORGANISATIONS["departement"]
        saisine.request_enquiry(departement, "departement", ccapex("request_enquiry"))
        saisine = given([*events, *saisine.collect_events()])
        events = when(
            saisine,
            lambda x: perform_on_saisine(x, "return_enquiry", role="departement"),
        )
        then_event(events, Saisine.EnquiryReturned, summary=ENQUIRY_SUMMARY)

    @pytest.mark.parametrize(
        ("role", "organisation"),
        [
            ("association", "AGASEF"),  # another association
            ("departement", ORGANISATIONS["departement"]),  # not asked
        ],
    )
    def test_only_the_operator_asked_returns_the_enquiry(
        self, role: str, organisation: str
    ) -> None:
        saisine = saisine_after(*through("request_enquiry"))
        then_error(
            saisine,
            lambda x: perform_on_saisine(
                x, "return_enquiry", role=role, organisation=organisation
            ),
            "not_the_operator",
        )

    def test_enquiry_is_returned_only_after_it_was_asked(self) -> None:
        saisine = saisine_after("register")
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, "return_enquiry", organisation=OPERATOR),
            "invalid_transition",
        )

    def test_returned_enquiry_has_a_summary(self) -> None:
        saisine = saisine_after(*through("request_enquiry"))
        meta = make_meta(
            "association", SAISINE_DAY["return_enquiry"], organisation=OPERATOR
        )
        then_error(saisine, lambda x: x.return_enquiry("  ", meta), "invalid_value")


class TestOrient:
    @pytest.mark.parametrize("towards", s.ORIENTATIONS)
    @pytest.mark.parametrize(
        "before", [("register",), through("return_enquiry"), through("orient")]
    )
    def test_ccapex_orients_the_household(
        self, before: tuple[str, ...], towards: str
    ) -> None:
        saisine = saisine_after(*before)
        meta = ccapex("orient")
        note = "Orientation motivée."
        events = when(saisine, lambda x: x.orient(towards, note, meta))
        then_event(events, Saisine.Oriented, meta, towards=towards, note=note)
        assert saisine.stage == s.ORIENTED
        assert saisine.orientations[-1] == {
            "towards": towards,
            "note": note,
            "on": meta.occurred_on,
        }
        assert len(saisine.orientations) == before.count("orient") + 1

    @pytest.mark.parametrize(
        "before", [(), through("request_enquiry"), through("examine")]
    )
    def test_orientation_follows_registration_and_the_enquiry(
        self, before: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*before)
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, "orient", on=SAISINE_DAY["close"]),
            "invalid_transition",
        )

    @pytest.mark.parametrize(
        ("towards", "note"), [("logement_social", "Motif"), ("fsl", "  ")]
    )
    def test_orientation_is_known_and_motivated(self, towards: str, note: str) -> None:
        saisine = saisine_after("register")
        meta = ccapex("orient")
        then_error(saisine, lambda x: x.orient(towards, note, meta), "invalid_value")


class TestExamine:
    @pytest.mark.parametrize(
        "before",
        [
            ("register",),
            through("return_enquiry"),
            through("orient"),
            through("issue_avis"),
            through("record_follow_up"),
        ],
    )
    def test_ccapex_examines_the_referral_in_session(
        self, before: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*before)
        session = date(2025, 6, 24)
        meta = ccapex("examine", session)
        events = when(saisine, lambda x: x.examine(session, meta))
        then_event(events, Saisine.Examined, meta, session_on=session)
        assert saisine.stage == s.EXAMINED
        assert saisine.examinations[-1] == session

    def test_examination_is_dated_of_the_session(self) -> None:
        saisine = saisine_after(*through("orient"))
        meta = ccapex("examine")
        session = SAISINE_DAY["examine"] + timedelta(days=1)
        then_error(saisine, lambda x: x.examine(session, meta), "not_the_session_day")

    @pytest.mark.parametrize("before", [(), through("request_enquiry")])
    def test_examination_follows_registration_and_the_enquiry(
        self, before: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*before)
        then_error(
            saisine, lambda x: perform_on_saisine(x, "examine"), "invalid_transition"
        )

    def test_examined_referral_is_not_examined_again_before_its_avis(self) -> None:
        saisine = saisine_after(*through("examine"))
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, "examine", on=SAISINE_DAY["close"]),
            "invalid_transition",
        )


class TestIssueAvis:
    def test_ccapex_gives_its_avis_after_the_examination(self) -> None:
        saisine = saisine_after(*through("examine"))
        meta = ccapex("issue_avis")
        events = when(saisine, lambda x: x.issue_avis(list(RECOMMENDATIONS), meta))
        then_event(
            events, Saisine.AvisIssued, meta, recommendations=list(RECOMMENDATIONS)
        )
        assert saisine.stage == s.AVIS_ISSUED
        assert saisine.avis == [
            {"on": meta.occurred_on, "recommendations": list(RECOMMENDATIONS)}
        ]

    @pytest.mark.parametrize(
        "before",
        [("register",), through("orient"), through("issue_avis")],
    )
    def test_avis_follows_an_examination(self, before: tuple[str, ...]) -> None:
        saisine = saisine_after(*before)
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, "issue_avis", on=SAISINE_DAY["close"]),
            "invalid_transition",
        )

    @pytest.mark.parametrize("recommendations", [[], ["Saisir le FSL", " "]])
    def test_avis_has_recommendations(self, recommendations: list[str]) -> None:
        saisine = saisine_after(*through("examine"))
        meta = ccapex("issue_avis")
        then_error(
            saisine, lambda x: x.issue_avis(recommendations, meta), "invalid_value"
        )

    def test_second_examination_gives_a_second_avis(self) -> None:
        saisine, events = saisine_with_history(*through("record_follow_up"))
        session = date(2025, 9, 2)
        saisine.examine(session, ccapex("examine", session))
        saisine = given([*events, *saisine.collect_events()])
        meta = ccapex("issue_avis", session)
        events = when(
            saisine, lambda x: x.issue_avis(["Maintien dans les lieux"], meta)
        )
        then_event(
            events, Saisine.AvisIssued, recommendations=["Maintien dans les lieux"]
        )
        assert saisine.examinations == [SAISINE_DAY["examine"], session]
        assert [a["on"] for a in saisine.avis] == [SAISINE_DAY["issue_avis"], session]


class TestFollowUp:
    @pytest.mark.parametrize(
        "before", [through("issue_avis"), through("record_follow_up")]
    )
    def test_ccapex_follows_its_avis(self, before: tuple[str, ...]) -> None:
        saisine = saisine_after(*before)
        meta = ccapex("record_follow_up")
        note = "Premier versement du plan reçu."
        events = when(saisine, lambda x: x.record_follow_up(note, meta))
        then_event(events, Saisine.FollowUpRecorded, meta, note=note)
        assert saisine.stage == s.FOLLOWED_UP
        assert saisine.follow_ups[-1] == {"on": meta.occurred_on, "note": note}

    @pytest.mark.parametrize("before", [("register",), through("examine")])
    def test_follow_up_comes_after_the_avis(self, before: tuple[str, ...]) -> None:
        saisine = saisine_after(*before)
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, "record_follow_up"),
            "invalid_transition",
        )

    def test_follow_up_is_described(self) -> None:
        saisine = saisine_after(*through("issue_avis"))
        meta = ccapex("record_follow_up")
        then_error(saisine, lambda x: x.record_follow_up(" ", meta), "invalid_value")


class TestCourtDates:
    @pytest.mark.parametrize(
        "steps", [MAIN_LINE[:n] for n in range(len(MAIN_LINE) + 1)]
    )
    def test_court_dates_are_recorded_at_any_stage_which_they_leave(
        self, steps: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*steps)
        stage = saisine.stage
        meta = make_meta("prefecture", SAISINE_DAY["record_court_dates"])
        summons, hearing = court_dates(meta.occurred_on)
        events = when(saisine, lambda x: x.record_court_dates(summons, hearing, meta))
        then_event(
            events,
            Saisine.CourtDatesRecorded,
            meta,
            summons_on=summons,
            hearing_on=hearing,
        )
        assert (saisine.stage, saisine.summons_on, saisine.hearing_on) == (
            stage,
            summons,
            hearing,
        )

    def test_hearing_set_later_keeps_the_summons(self) -> None:
        summons = SAISINE_DAY["signal"] - timedelta(days=3)
        saisine = saisine_after(
            "register", by="prefecture", source="assignation", summons_on=summons
        )
        meta = ccapex("record_court_dates")
        hearing = summons + timedelta(weeks=7)
        events = when(saisine, lambda x: x.record_court_dates(None, hearing, meta))
        then_event(
            events, Saisine.CourtDatesRecorded, summons_on=None, hearing_on=hearing
        )
        assert (saisine.summons_on, saisine.hearing_on) == (summons, hearing)

    def test_other_landlord_does_not_record_court_dates(self) -> None:
        saisine = saisine_after("register")
        then_error(
            saisine,
            lambda x: perform_on_saisine(
                x, "record_court_dates", role="bailleur", organisation="Ozanam"
            ),
            "not_the_landlord",
        )

    @pytest.mark.parametrize(
        ("summons", "hearing"),
        [
            pytest.param(None, None, id="no_date"),
            pytest.param(date(2025, 7, 2), None, id="summons_not_yet_delivered"),
            pytest.param(None, date(2025, 9, 1), id="hearing_without_summons"),
            pytest.param(date(2025, 6, 1), date(2025, 5, 1), id="hearing_first"),
        ],
    )
    def test_impossible_court_dates_are_refused(
        self, summons: date | None, hearing: date | None
    ) -> None:
        saisine = saisine_after("register")
        meta = ccapex("record_court_dates")
        then_error(
            saisine,
            lambda x: x.record_court_dates(summons, hearing, meta),
            "invalid_value",
        )


class TestClose:
    @pytest.mark.parametrize("outcome", s.OUTCOMES)
    @pytest.mark.parametrize(
        "before", [(), ("register",), through("return_enquiry"), MAIN_LINE]
    )
    def test_ccapex_closes_the_referral(
        self, before: tuple[str, ...], outcome: str
    ) -> None:
        saisine = saisine_after(*before)
        meta = ccapex("close")
        events = when(saisine, lambda x: x.close(outcome, meta))
        then_event(events, Saisine.Closed, meta, outcome=outcome)
        assert (saisine.stage, saisine.outcome, saisine.closed_on) == (
            s.CLOSED,
            outcome,
            meta.occurred_on,
        )

    @pytest.mark.parametrize(
        "day",
        [date(2025, 11, 1), date(2025, 12, 24), date(2026, 1, 15), date(2026, 3, 31)],
    )
    def test_expulsion_during_the_winter_truce_is_recorded_and_found(
        self, day: date
    ) -> None:
        saisine = saisine_after(*MAIN_LINE)
        then_event(when(saisine, closing("expulsion", day)), Saisine.Closed)
        [finding] = saisine.findings
        assert "trêve hivernale" in finding

    @pytest.mark.parametrize("day", [date(2025, 10, 31), date(2026, 4, 1)])
    def test_expulsion_outside_the_truce_closes_the_referral(self, day: date) -> None:
        saisine = saisine_after(*MAIN_LINE)
        then_event(when(saisine, closing("expulsion", day)), Saisine.Closed)
        assert saisine.findings == []

    @pytest.mark.parametrize("outcome", ["dette_soldee", "relogement", "abandon"])
    def test_other_outcomes_are_recorded_during_the_truce(self, outcome: str) -> None:
        saisine = saisine_after(*MAIN_LINE)
        then_event(
            when(saisine, closing(outcome, date(2025, 12, 1))),
            Saisine.Closed,
            outcome=outcome,
        )

    def test_outcome_is_known(self) -> None:
        saisine = saisine_after("register")
        then_error(saisine, closing("radiation", SAISINE_DAY["close"]), "invalid_value")

    @pytest.mark.parametrize("step", SAISINE_STEPS)
    def test_nothing_follows_the_closure(self, step: str) -> None:
        saisine = saisine_after(*BEFORE[step], "close")
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, step, on=SAISINE_DAY["close"]),
            "saisine_closed",
        )


class TestWinterTruce:
    @pytest.mark.parametrize(
        ("day", "in_truce"),
        [
            (date(2025, 10, 31), False),
            (date(2025, 11, 1), True),
            (date(2025, 12, 31), True),
            (date(2026, 1, 1), True),
            (date(2024, 2, 29), True),
            (date(2026, 3, 31), True),
            (date(2026, 4, 1), False),
            (date(2026, 7, 14), False),
        ],
    )
    def test_truce_runs_from_1_november_to_31_march(
        self, day: date, in_truce: bool
    ) -> None:
        assert in_winter_truce(day) is in_truce


class TestFindings:
    """CCAPEX-SAISINE as the history shows it: Logis records these facts of the
    landlord and the court, and reads the breaches back."""

    def court(self, summons: date, hearing: date | None = None, **signal: Any) -> Any:
        saisine = saisine_after("register", **signal)
        on = max(summons, SAISINE_DAY["register"])
        saisine.record_court_dates(summons, hearing, ccapex("register", on))
        return saisine

    def test_legal_entity_summons_two_months_after_the_referral_is_lawful(
        self,
    ) -> None:
        summons = add_months(SAISINE_DAY["signal"], 2)
        saisine = self.court(summons, summons + timedelta(weeks=6))
        assert saisine.findings == []

    def test_legal_entity_summons_within_two_months_is_found(self) -> None:
        summons = add_months(SAISINE_DAY["signal"], 2) - timedelta(days=1)
        [finding] = self.court(summons).findings
        assert "moins de deux mois" in finding
        assert f"assignation du {summons:%d/%m/%Y}," in finding

    def test_private_landlord_may_summon_within_two_months(self) -> None:
        meta = make_meta("ccas", SAISINE_DAY["signal"])
        saisine = given(
            when(
                None,
                signal_command(
                    meta,
                    source="commandement_de_payer",
                    landlord="M. Joseph",
                    landlord_is_legal_entity=False,
                ),
            )
        )
        on = SAISINE_DAY["register"]
        saisine.record_court_dates(on, None, ccapex("register"))
        assert saisine.findings == []

    @pytest.mark.parametrize("source", sorted(s.COURT_SOURCES))
    def test_legal_entity_summons_without_prior_referral_is_found(
        self, source: str
    ) -> None:
        summons = SAISINE_DAY["signal"] - timedelta(days=20)
        saisine = saisine_after(by="prefecture", source=source, summons_on=summons)
        [finding] = saisine.findings
        assert "sans saisine préalable" in finding

    def test_hearing_less_than_six_weeks_after_the_summons_is_found(self) -> None:
        summons = add_months(SAISINE_DAY["signal"], 3)
        [finding] = self.court(summons, summons + timedelta(days=41)).findings
        assert "moins de six semaines" in finding

    def test_expulsion_imported_during_the_truce_replays_and_is_found(self) -> None:
        saisine, events = saisine_with_history(*MAIN_LINE)
        closed = Saisine.Closed(
            originator_id=saisine.id,
            originator_version=saisine.version + 1,
            timestamp=Saisine.Closed.create_timestamp(),
            outcome="expulsion",
            truce_exception=None,
            **make_meta("ccapex", date(2025, 12, 10)).fields(),
        )
        rebuilt = given([*events, closed])
        assert rebuilt.stage == s.CLOSED
        [finding] = rebuilt.findings
        assert "trêve hivernale" in finding


class TestRoles:
    def test_every_step_has_its_expected_roles(self) -> None:
        assert s.STEP_ROLES == ALLOWED_ROLES
        assert s.SOURCE_ROLES == SIGNALLERS

    @pytest.mark.parametrize(
        ("step", "role"),
        [
            (st, r)
            for st in SAISINE_STEPS
            if st != "return_enquiry"
            for r in sorted(ALLOWED_ROLES[st])
        ],
    )
    def test_allowed_role_records_the_step(self, step: str, role: str) -> None:
        saisine = saisine_after(*BEFORE[step])
        events = when(saisine, lambda x: perform_on_saisine(x, step, role=role))
        assert then_event(events, EVENT[step]).actor.role == role

    @pytest.mark.parametrize(
        ("step", "role"),
        outside({st: ALLOWED_ROLES[st] for st in SAISINE_STEPS}, ROLES),
    )
    def test_other_role_is_refused(self, step: str, role: str) -> None:
        saisine = saisine_after(*BEFORE[step])
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, step, role=role),
            "role_not_allowed",
        )


class TestOrder:
    @pytest.mark.parametrize("step", MAIN_LINE)
    def test_main_line_steps_lead_to_their_stage(self, step: str) -> None:
        saisine = saisine_after(*BEFORE[step])
        perform_on_saisine(saisine, step)
        assert saisine.stage == STAGE_AFTER[through(step)]

    @pytest.mark.parametrize(
        ("step", "done"),
        [
            (step, done)
            for step in ("register", "request_enquiry", "return_enquiry", "issue_avis")
            for done in STAGE_AFTER
            if done != BEFORE[step]
        ],
    )
    def test_step_out_of_order_is_refused(
        self, step: str, done: tuple[str, ...]
    ) -> None:
        saisine = saisine_after(*done)
        then_error(
            saisine,
            lambda x: perform_on_saisine(x, step, on=SAISINE_DAY["close"]),
            "invalid_transition",
        )


class TestChronology(ChronologyTests):
    event, before = EVENT, BEFORE
    after = staticmethod(saisine_after)
    take = staticmethod(perform_on_saisine)


class TestReplay:
    def test_history_rebuilds_an_equal_referral(self) -> None:
        saisine, events = saisine_with_history(
            *MAIN_LINE, "record_court_dates", "close"
        )
        rebuilt = given(events)
        assert rebuilt == saisine
        assert rebuilt.version == len(events) == 10

    def test_stored_events_come_back_equal(self) -> None:
        """What the store keeps (JSON through Logis' transcoder) replays the same:
        dates, Decimals, UUIDs and the recommendations included."""
        saisine, events = saisine_with_history(
            *MAIN_LINE, "record_court_dates", "close"
        )
        stored = read_back(events)
        assert stored == events
        rebuilt = given(stored)
        assert rebuilt == saisine
        assert rebuilt.arrears == ARREARS
        assert rebuilt.avis[0]["recommendations"] == list(RECOMMENDATIONS)


def test_every_event_has_a_french_label() -> None:
    assert declared_events(Saisine) == set(EVENT_LABELS)
