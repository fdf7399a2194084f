"""The ASLL measure aggregate: given events, when a command, then events or error."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import mesure_steps as m
from domain.mesure import EVENT_LABELS, Mesure
from domain.shared import ROLES, add_months
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.chronology import (
    accepted_the_same_day,
    on_or_after,
    refused_the_day_before,
)
from tests.helpers.dossiers import ORGANISATIONS, make_meta
from tests.helpers.mesures import (
    ADSEA,
    AGASEF,
    ARIV,
    AXES,
    BAIL_PATHS,
    CLT,
    CLU,
    COMMUNE,
    CONVENTION_START,
    DAY,
    DEPARTMENT,
    DIAGNOSTIC_SIGNED_ON,
    DORDOGNE,
    DORDOGNE_AXES,
    DWELLING,
    EVENT,
    HEAD_LEASE_START,
    HOUSEHOLD,
    LANDLORD,
    LOIRE,
    LOIRE_ONLY_AXES,
    OTHER_ASSOCIATION,
    OTHER_LANDLORD,
    PATHS,
    RELAYED_TO,
    SUBLEASE_START,
    asll_settings,
    convention_args,
    course,
    drive_to,
    drive_with_history,
    history_after,
    kind_for,
    mesure_after,
    perform,
    ready_for,
    request_args,
)
from tests.helpers.tables import declared_events, outside

ASSOCIATION = frozenset({"association"})
CLU_CLT = frozenset({"commission_logement"})
# Who records each step, as DOMAIN.md §1, §4 and §10 describe it (not read from
# the code): the association runs the measure; the CLU/CLT instructs, notifies
# and decides renewals, or the association for its own actions; the bail
# glissant is reviewed with the landlord, who slides it.
STEPS_ON_A_MESURE = (
    "instruct",
    "notify",
    "diagnose",
    "sign_convention",
    "hold_meeting",
    "miss_meeting",
    "request_renewal",
    "decide_renewal",
    "end",
    "break_off",
    "sign_head_lease",
    "sign_sublease",
    "review_sublease",
    "slide_lease",
    "end_sublease",
)
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    step: CLU_CLT | ASSOCIATION
    if step in ("instruct", "notify", "decide_renewal")
    else ASSOCIATION
    for step in STEPS_ON_A_MESURE
} | {
    "review_sublease": ASSOCIATION | {"bailleur"},
    "slide_lease": frozenset({"bailleur"}),
}
# The stages at which each step of the measure's course may be taken (§10).
ALLOWED_STAGES: dict[str, frozenset[str]] = {
    "instruct": frozenset({m.REQUESTED}),
    "notify": frozenset({m.INSTRUCTED}),
    "diagnose": frozenset({m.NOTIFIED}),
    "sign_convention": frozenset({m.DIAGNOSED}),
    "hold_meeting": frozenset({m.RUNNING, m.RENEWAL_ASKED}),
    "miss_meeting": frozenset({m.RUNNING, m.RENEWAL_ASKED}),
    "request_renewal": frozenset({m.RUNNING}),
    "decide_renewal": frozenset({m.RENEWAL_ASKED}),
    "end": frozenset({m.RUNNING, m.RENEWAL_ASKED}),
    "break_off": frozenset({m.NOTIFIED, m.DIAGNOSED, m.RUNNING, m.RENEWAL_ASKED}),
}
OPEN_STAGES = (
    m.REQUESTED,
    m.INSTRUCTED,
    m.NOTIFIED,
    m.DIAGNOSED,
    m.RUNNING,
    m.RENEWAL_ASKED,
)
CLOSED_STAGES = (m.REFUSED, m.REORIENTED, m.ENDED, m.BROKEN_OFF)
MEETINGS = ("hold_meeting", "miss_meeting")
# The steps that only the association running the measure takes.
RUN_BY_THE_ASSOCIATION = (
    "diagnose",
    "sign_convention",
    "hold_meeting",
    "miss_meeting",
    "request_renewal",
    "end",
    "break_off",
    "sign_head_lease",
    "sign_sublease",
    "end_sublease",
)


def request(
    role: str = "prescripteur",
    *,
    kind: str = "individuelle",
    settings: Any = DORDOGNE,
    previous: Mesure | None = None,
    **args: Any,
) -> Any:
    """The request of a measure of `kind` as `role`; `args` override
    `request_args` (an association asks as the association that runs it)."""
    c = course(kind=kind, settings=settings, previous=previous)
    organisation = c.runner.name if role == "association" else None
    meta = make_meta(role, DAY["request"], organisation=organisation)
    return lambda _: Mesure.request(**request_args(c, **args), meta=meta)


def continued(events: list[Any], mesure: Mesure) -> Mesure:
    """The measure of `events`, with what was since recorded on it in memory."""
    return given([*events, *mesure.collect_events()])


def as_association(step: str, organisation: str = AGASEF.name, **args: Any) -> Any:
    """`step` taken by an agent of `organisation` (an association) on its day."""
    return lambda x: perform(
        x,
        step,
        organisation=organisation,
        on=on_or_after(x, DAY[step]),
        kind=x.kind,
        **args,
    )


def convention(on: date = DAY["sign_convention"], **overrides: Any) -> Any:
    meta = make_meta("association", on)
    return lambda x: x.sign_convention(**convention_args(**overrides), meta=meta)


# ---- one class per command -----------------------------------------------------


class TestRequest:
    @pytest.mark.parametrize(
        ("kind", "channel"), [("individuelle", "clu"), ("bail_glissant", "clt")]
    )
    def test_prescriber_asks_with_the_households_adhesion(
        self, kind: str, channel: str
    ) -> None:
        meta = make_meta("prescripteur", DAY["request"])
        mesure_id = uuid4()
        args = request_args(course(kind=kind), mesure_id=mesure_id)
        events = when(None, lambda _: Mesure.request(**args, meta=meta))
        then_event(
            events,
            Mesure.Requested,
            meta,
            originator_id=mesure_id,
            originator_version=1,
            kind=kind,
            household_id=HOUSEHOLD,
            department=DEPARTMENT,
            commune=COMMUNE,
            diagnostic={
                "summary": args["diagnostic_summary"],
                "signed_on": DIAGNOSTIC_SIGNED_ON,
                "household_signed": True,
            },
            min_months=None,
            origin_dossier_id=None,
            previous_mesure_id=None,
            association=None,
        )
        mesure = given(events)
        assert (mesure.stage, mesure.channel, mesure.kind) == (
            m.REQUESTED,
            channel,
            kind,
        )
        assert mesure.prescriber == meta.actor
        assert mesure.requested_on == mesure.last_occurred_on == DAY["request"]
        assert (mesure.association, mesure.convention, mesure.bail) == (None,) * 3
        assert (mesure.renewals, mesure.meetings, mesure.closure) == (0, [], None)

    def test_association_asks_for_its_own_specific_action(self) -> None:
        # ARIV, ARALIS: the association takes its households directly [seed 002].
        events = when(None, request("association", kind="action_specifique"))
        then_event(
            events,
            Mesure.Requested,
            kind="action_specifique",
            association="ariv",
            association_name="ARIV",
        )
        mesure = given(events)
        assert (mesure.channel, mesure.prescriber.organisation) == ("direct", "ARIV")

    def test_another_association_does_not_ask_for_an_associations_own_action(
        self,
    ) -> None:
        c = course(kind="action_specifique")
        meta = make_meta("association", DAY["request"], organisation=OTHER_ASSOCIATION)
        then_error(
            None,
            lambda _: Mesure.request(**request_args(c), meta=meta),
            "not_the_association",
        )

    def test_support_longer_than_a_measure_can_run_is_refused(self) -> None:
        # BILAN-SUITE asks at least min_months; no convention could reach it.
        longest = DORDOGNE.asll_max_months
        then_error(None, request(min_months=longest + 1), "ASLL-DUREE")
        events = when(None, request(min_months=longest))
        then_event(events, Mesure.Requested, min_months=longest)

    def test_prescriber_may_ask_for_an_associations_specific_action(self) -> None:
        events = when(None, request(kind="action_specifique"))
        assert given(events).channel == "direct"

    @pytest.mark.parametrize("association", [None, AGASEF])
    def test_specific_action_is_asked_of_an_association_that_instructs_itself(
        self, association: Any
    ) -> None:
        meta = make_meta("association", DAY["request"], organisation="ARIV")
        args = request_args(course(kind="action_specifique"), association=association)
        then_error(None, lambda _: Mesure.request(**args, meta=meta), "ASLL-CANAL")

    @pytest.mark.parametrize("role", sorted(set(ROLES) - {"prescripteur"}))
    def test_only_an_authorised_prescriber_asks(self, role: str) -> None:
        then_error(None, request(role), "ASLL-PRESCRIPTEUR")

    @pytest.mark.parametrize("role", sorted(LOIRE.prescriber_roles))
    def test_prescriber_roles_are_a_department_setting(self, role: str) -> None:
        # Loire: social services, landlords and associations prescribe [seed 002].
        events = when(None, request(role, settings=LOIRE))
        assert given(events).prescriber.role == role

    def test_role_left_out_of_the_settings_does_not_prescribe(self) -> None:
        settings = asll_settings(prescriber_roles=("departement",))
        then_error(None, request(settings=settings), "ASLL-PRESCRIPTEUR")

    def test_association_is_not_a_prescriber_of_individual_measures_by_default(
        self,
    ) -> None:
        then_error(None, request("association"), "ASLL-PRESCRIPTEUR")

    def test_diagnostic_not_signed_by_the_household_is_refused(self) -> None:
        then_error(None, request(household_signed=False), "ASLL-ADHESION")

    @pytest.mark.parametrize("summary", ["", "   "])
    def test_request_rests_on_a_diagnostic(self, summary: str) -> None:
        then_error(None, request(diagnostic_summary=summary), "ASLL-ADHESION")

    def test_diagnostic_signed_after_the_request_is_refused(self) -> None:
        later = DAY["request"] + timedelta(days=1)
        then_error(None, request(diagnostic_signed_on=later), "invalid_value")

    def test_diagnostic_signed_the_day_of_the_request_is_accepted(self) -> None:
        events = when(None, request(diagnostic_signed_on=DAY["request"]))
        assert given(events).stage == m.REQUESTED

    def test_unknown_kind_is_refused(self) -> None:
        then_error(None, request(kind="mandat_de_gestion"), "invalid_value")

    def test_bilan_asks_for_a_minimum_duration(self) -> None:
        # BILAN-SUITE: a bilan d'installation with problems asks for the measure.
        dossier_id = uuid4()
        settings = asll_settings(prescriber_roles=("als",))
        events = when(
            None,
            request(
                "als", settings=settings, min_months=6, origin_dossier_id=dossier_id
            ),
        )
        then_event(events, Mesure.Requested, min_months=6, origin_dossier_id=dossier_id)
        assert given(events).min_months == 6

    @pytest.mark.parametrize("stage", CLOSED_STAGES)
    def test_re_intervention_follows_a_closed_measure_of_the_household(
        self, stage: str
    ) -> None:
        previous = drive_to(stage)
        events = when(None, request(previous=previous))
        then_event(
            events,
            Mesure.Requested,
            previous_mesure_id=previous.id,
            household_id=HOUSEHOLD,
        )

    @pytest.mark.parametrize("stage", OPEN_STAGES)
    def test_re_intervention_while_the_previous_measure_runs_is_refused(
        self, stage: str
    ) -> None:
        then_error(None, request(previous=drive_to(stage)), "previous_mesure_open")

    def test_re_intervention_follows_a_measure_of_the_same_household(self) -> None:
        previous = drive_to(m.ENDED, household_id=uuid4())
        then_error(None, request(previous=previous), "previous_mesure_open")


class TestInstruct:
    @pytest.mark.parametrize(
        ("kind", "organisation", "channel"),
        [("individuelle", CLU, "clu"), ("bail_glissant", CLT, "clt")],
    )
    def test_commission_grants_the_measure(
        self, kind: str, organisation: str, channel: str
    ) -> None:
        mesure = drive_to(m.REQUESTED, kind=kind)
        meta = make_meta(
            "commission_logement", DAY["instruct"], organisation=organisation
        )
        events = when(mesure, lambda x: x.instruct(True, None, meta))
        then_event(
            events, Mesure.Instructed, meta, channel=channel, granted=True, motive=None
        )
        assert (mesure.stage, mesure.closure) == (m.INSTRUCTED, None)

    def test_association_instructs_its_own_specific_action(self) -> None:
        mesure = drive_to(m.REQUESTED, kind="action_specifique")
        meta = make_meta("association", DAY["instruct"], organisation=ARIV.name)
        events = when(mesure, lambda x: x.instruct(True, None, meta))
        then_event(events, Mesure.Instructed, meta, channel="direct", granted=True)
        assert mesure.stage == m.INSTRUCTED

    def test_only_the_commission_that_notified_decides_the_renewal(self) -> None:
        # Loire: the prolongation is asked of the CLU/CLT that notified [seed 002].
        mesure = drive_to(m.RENEWAL_ASKED)
        meta = make_meta(
            "commission_logement", DAY["decide_renewal"], organisation="CLT Roanne"
        )
        then_error(
            mesure,
            lambda x: x.decide_renewal(True, None, DORDOGNE, meta),
            "not_the_notifying_commission",
        )

    def test_commission_refuses_with_a_motive(self) -> None:
        mesure = drive_to(m.REQUESTED)
        meta = make_meta("commission_logement", DAY["instruct"], organisation=CLU)
        events = when(mesure, lambda x: x.instruct(False, "Relève du FSL", meta))
        then_event(events, Mesure.Instructed, granted=False, motive="Relève du FSL")
        assert (mesure.stage, mesure.closure) == (m.REFUSED, {"reason": "refusee"})

    @pytest.mark.parametrize("motive", [None, "", "  "])
    def test_refusal_without_motive_is_refused(self, motive: str | None) -> None:
        meta = make_meta("commission_logement", DAY["instruct"], organisation=CLU)
        then_error(
            drive_to(m.REQUESTED),
            lambda x: x.instruct(False, motive, meta),
            "invalid_value",
        )

    @pytest.mark.parametrize(
        ("role", "organisation", "kind", "code"),
        [
            pytest.param(
                "association", None, kind, "ASLL-CANAL",
                id=f"association_does_not_instruct_a_commissions_measure-{kind}",
            )
            for kind in ("individuelle", "bail_glissant")
        ] + [
            pytest.param(
                "commission_logement", CLU, "action_specifique", "ASLL-CANAL",
                id="commission_does_not_instruct_an_associations_own_action",
            ),
            pytest.param(
                "association", OTHER_ASSOCIATION, "action_specifique",
                "not_the_association",
                id="another_association_does_not_instruct_an_associations_own_action",
            ),
        ],
    )  # fmt: skip
    def test_only_the_channel_instructs(
        self, role: str, organisation: str | None, kind: str, code: str
    ) -> None:
        meta = make_meta(role, DAY["instruct"], organisation=organisation)
        then_error(
            drive_to(m.REQUESTED, kind=kind),
            lambda x: x.instruct(True, None, meta),
            code,
        )


class TestNotify:
    def test_commission_notifies_an_association(self) -> None:
        mesure = drive_to(m.INSTRUCTED)
        meta = make_meta("commission_logement", DAY["notify"], organisation=CLU)
        events = when(mesure, lambda x: x.notify(AGASEF, False, meta))
        then_event(
            events,
            Mesure.Notified,
            meta,
            association="agasef",
            association_name="AGASEF",
            renforce=False,
        )
        assert (mesure.stage, mesure.notified_on) == (m.NOTIFIED, DAY["notify"])
        assert mesure.holds_a_place

    def test_suivi_renforce_goes_to_an_association_that_runs_them(self) -> None:
        mesure = drive_to(m.INSTRUCTED)
        meta = make_meta("commission_logement", DAY["notify"], organisation=CLU)
        events = when(mesure, lambda x: x.notify(ADSEA, True, meta))
        then_event(events, Mesure.Notified, association="adsea_42", renforce=True)
        assert mesure.renforce

    def test_suivi_renforce_to_an_association_without_that_capacity_is_refused(
        self,
    ) -> None:
        meta = make_meta("commission_logement", DAY["notify"], organisation=CLU)
        then_error(
            drive_to(m.INSTRUCTED),
            lambda x: x.notify(AGASEF, True, meta),
            "ASLL-CAPACITE",
        )

    def test_association_notifies_its_own_action_to_itself(self) -> None:
        mesure = drive_to(m.INSTRUCTED, kind="action_specifique")
        meta = make_meta("association", DAY["notify"], organisation=ARIV.name)
        events = when(mesure, lambda x: x.notify(ARIV, False, meta))
        then_event(events, Mesure.Notified, association="ariv", association_name="ARIV")

    @pytest.mark.parametrize(
        ("role", "organisation", "own_action", "to", "code"),
        [
            pytest.param(
                "association", ARIV.name, True, AGASEF, "ASLL-CANAL",
                id="association_does_not_pass_its_own_action_to_another",
            ),
            pytest.param(
                "commission_logement", CLU, True, ARIV, "ASLL-CANAL",
                id="commission_does_not_notify_an_associations_own_action",
            ),
            pytest.param(
                "association", None, False, AGASEF, "ASLL-CANAL",
                id="association_does_not_notify_a_commissions_measure",
            ),
            pytest.param(
                "association", OTHER_ASSOCIATION, True, ARIV, "not_the_association",
                id="another_association_does_not_notify_an_associations_own_action",
            ),
        ],
    )  # fmt: skip
    def test_only_the_channel_notifies(
        self,
        role: str,
        organisation: str | None,
        own_action: bool,  # an action spécifique, else the measure's default kind
        to: Any,
        code: str,
    ) -> None:
        meta = make_meta(role, DAY["notify"], organisation=organisation)
        options = {"kind": "action_specifique"} if own_action else {}
        then_error(
            drive_to(m.INSTRUCTED, **options),
            lambda x: x.notify(to, False, meta),
            code,
        )


def diagnosis(
    outcome: str = "confirme",
    summary: str = "Projet confirmé.",
    reoriented_to: str | None = None,
    organisation: str = AGASEF.name,
) -> Any:
    meta = make_meta("association", DAY["diagnose"], organisation=organisation)
    return lambda x: x.diagnose(outcome, summary, reoriented_to, meta)


class TestDiagnose:
    def test_association_confirms_the_project(self) -> None:
        mesure = drive_to(m.NOTIFIED)
        events = when(mesure, diagnosis())
        then_event(
            events,
            Mesure.ComplementaryDiagnosisDone,
            outcome="confirme",
            summary="Projet confirmé.",
            reoriented_to=None,
        )
        assert (mesure.stage, mesure.closure) == (m.DIAGNOSED, None)
        assert mesure.holds_a_place

    def test_association_reorients_the_request(self) -> None:
        mesure = drive_to(m.NOTIFIED)
        events = when(
            mesure, diagnosis("reoriente", "Relève du SIAO.", "SIAO Dordogne")
        )
        then_event(
            events,
            Mesure.ComplementaryDiagnosisDone,
            outcome="reoriente",
            reoriented_to="SIAO Dordogne",
        )
        assert mesure.stage == m.REORIENTED
        assert mesure.closure == {"reason": "reorientee", "to": "SIAO Dordogne"}
        assert not mesure.holds_a_place

    @pytest.mark.parametrize(
        "command",
        [
            diagnosis("reoriente"),
            diagnosis("reoriente", reoriented_to="  "),
            diagnosis("confirme", reoriented_to="SIAO Dordogne"),
            diagnosis("abandonne"),
            diagnosis(summary="  "),
        ],
        ids=[
            "reorientation_nowhere",
            "blank",
            "confirmed_elsewhere",
            "unknown",
            "no_summary",
        ],
    )
    def test_impossible_diagnosis_is_refused(self, command: Any) -> None:
        then_error(drive_to(m.NOTIFIED), command, "invalid_value")

    def test_diagnosis_is_made_once(self) -> None:
        refused = then_error(drive_to(m.DIAGNOSED), diagnosis(), "invalid_transition")
        assert "la mesure est au stade « diagnostic fait »" in refused.message


class TestSignConvention:
    def test_association_household_and_prescriber_sign(self) -> None:
        mesure = drive_to(m.DIAGNOSED)
        meta = make_meta("association", DAY["sign_convention"])
        events = when(
            mesure, lambda x: x.sign_convention(**convention_args(), meta=meta)
        )
        then_event(
            events,
            Mesure.ConventionSigned,
            meta,
            orientation="acces",
            axes=AXES,
            duration_months=6,
            starts_on=CONVENTION_START,
            ends_on=date(2025, 10, 1),
            worker="Claire Vidal, conseillère ESF",
            signed_by=["association", "menage", "prescripteur"],
        )
        assert mesure.stage == m.RUNNING
        assert mesure.ends_on == date(2025, 10, 1)
        assert mesure.convention == {
            "orientation": "acces",
            "axes": AXES,
            "duration_months": 6,
            "starts_on": CONVENTION_START,
            "worker": "Claire Vidal, conseillère ESF",
        }

    @pytest.mark.parametrize("missing", m.SIGNATORIES)
    def test_every_signatory_signs(self, missing: str) -> None:
        signed_by = [s for s in m.SIGNATORIES if s != missing]
        then_error(
            drive_to(m.DIAGNOSED), convention(signed_by=signed_by), "ASLL-ADHESION"
        )

    @pytest.mark.parametrize("orientation", m.ORIENTATIONS)
    def test_each_orientation_is_accepted(self, orientation: str) -> None:
        events = when(drive_to(m.DIAGNOSED), convention(orientation=orientation))
        then_event(events, Mesure.ConventionSigned, orientation=orientation)

    @pytest.mark.parametrize(
        "overrides",
        [
            {"orientation": "relogement"},
            {"axes": []},
            {"axes": ["gestion_budgetaire", "jardinage"]},
        ],
        ids=["unknown_orientation", "no_axis", "unknown_axis"],
    )
    def test_orientation_and_a_configured_axis_are_required(
        self, overrides: dict[str, Any]
    ) -> None:
        then_error(drive_to(m.DIAGNOSED), convention(**overrides), "ASLL-CONTENU")

    @pytest.mark.parametrize("axis", LOIRE_ONLY_AXES)
    def test_work_axes_are_a_department_setting(self, axis: str) -> None:
        # The Dordogne's list has no "aide à la recherche"; the Loire's has.
        then_error(
            drive_to(m.DIAGNOSED),
            convention(axes=[axis], settings=DORDOGNE),
            "ASLL-CONTENU",
        )
        events = when(
            drive_to(m.DIAGNOSED, settings=LOIRE),
            convention(axes=[axis], settings=LOIRE),
        )
        then_event(events, Mesure.ConventionSigned, axes=[axis])

    def test_every_axis_of_the_settings_is_accepted_once(self) -> None:
        axes = [*DORDOGNE_AXES, DORDOGNE_AXES[0]]
        events = when(drive_to(m.DIAGNOSED), convention(axes=axes))
        then_event(events, Mesure.ConventionSigned, axes=list(DORDOGNE_AXES))

    @pytest.mark.parametrize(
        ("settings", "shortest", "longest"),
        [
            (DORDOGNE, 3, 6),
            (asll_settings(asll_min_months=6, asll_max_months=12), 6, 12),
        ],
        ids=["dordogne_3_6", "loire_6_12"],
    )
    def test_duration_within_the_departments_bounds(
        self, settings: Any, shortest: int, longest: int
    ) -> None:
        for months in (shortest, longest):
            events = when(
                drive_to(m.DIAGNOSED, settings=settings),
                convention(duration_months=months, settings=settings),
            )
            then_event(
                events,
                Mesure.ConventionSigned,
                duration_months=months,
                ends_on=add_months(CONVENTION_START, months),
            )
        for months in (shortest - 1, longest + 1):
            then_error(
                drive_to(m.DIAGNOSED, settings=settings),
                convention(duration_months=months, settings=settings),
                "ASLL-DUREE",
            )

    def test_bilan_sets_the_shortest_duration(self) -> None:
        # BILAN-SUITE: asked by a bilan with problems, at least 5 months here.
        then_error(
            drive_to(m.DIAGNOSED, min_months=5),
            convention(duration_months=4),
            "ASLL-DUREE",
        )
        events = when(
            drive_to(m.DIAGNOSED, min_months=5), convention(duration_months=5)
        )
        then_event(events, Mesure.ConventionSigned, duration_months=5)

    def test_bilan_asking_less_than_the_settings_does_not_shorten_them(self) -> None:
        then_error(
            drive_to(m.DIAGNOSED, min_months=1),
            convention(duration_months=2),
            "ASLL-DUREE",
        )

    def test_convention_runs_from_the_notification(self) -> None:
        events = when(drive_to(m.DIAGNOSED), convention(starts_on=DAY["notify"]))
        then_event(events, Mesure.ConventionSigned, starts_on=DAY["notify"])
        early = DAY["notify"] - timedelta(days=1)
        then_error(drive_to(m.DIAGNOSED), convention(starts_on=early), "invalid_value")

    def test_convention_names_its_worker(self) -> None:
        then_error(drive_to(m.DIAGNOSED), convention(worker=" "), "invalid_value")

    @pytest.mark.parametrize("stage", [m.NOTIFIED, m.RUNNING])
    def test_convention_follows_the_diagnosis_once(self, stage: str) -> None:
        then_error(drive_to(stage), convention(), "invalid_transition")


class TestMeetings:
    # A meeting held (of each kind) or missed (relaunched or not): the same
    # record, its one argument named `field` in the event.
    @pytest.mark.parametrize(
        ("step", "field", "value", "held"),
        [
            *(("hold_meeting", "kind", kind, True) for kind in m.MEETING_KINDS),
            ("miss_meeting", "relaunched", True, False),
            ("miss_meeting", "relaunched", False, False),
        ],
    )
    def test_meeting_held_or_missed_is_recorded(
        self, step: str, field: str, value: str | bool, held: bool
    ) -> None:
        mesure = drive_to(m.RUNNING)
        meta = make_meta("association", DAY[step])
        events = when(mesure, lambda x: getattr(x, step)(value, meta))
        then_event(events, EVENT[step], meta, **{field: value})
        assert mesure.meetings == [(DAY[step], held)]

    def test_meetings_go_on_while_a_renewal_is_asked(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED)
        meta = make_meta("association", DAY["decide_renewal"])
        events = when(mesure, lambda x: x.hold_meeting("entretien", meta))
        then_event(events, Mesure.MeetingHeld, kind="entretien")

    def test_unknown_kind_of_meeting_is_refused(self) -> None:
        meta = make_meta("association", DAY["hold_meeting"])
        then_error(
            drive_to(m.RUNNING),
            lambda x: x.hold_meeting("appel_telephonique", meta),
            "invalid_value",
        )

    @pytest.mark.parametrize("step", MEETINGS)
    def test_meeting_may_be_recorded_late(self, step: str) -> None:
        # Outside the steps' order: a meeting of April recorded after the renewal.
        mesure = drive_to(m.RENEWAL_ASKED)
        events = when(mesure, lambda x: perform(x, step, on=DAY[step]))
        then_event(events, EVENT[step], occurred_on=DAY[step])

    @pytest.mark.parametrize("step", MEETINGS)
    def test_meeting_before_the_convention_starts_is_refused(self, step: str) -> None:
        before = CONVENTION_START - timedelta(days=1)
        then_error(
            drive_to(m.RUNNING),
            lambda x: perform(x, step, on=before),
            "occurred_on_out_of_order",
        )

    @pytest.mark.parametrize("step", MEETINGS)
    def test_meeting_on_the_day_the_convention_starts_is_accepted(
        self, step: str
    ) -> None:
        events = when(
            drive_to(m.RUNNING), lambda x: perform(x, step, on=CONVENTION_START)
        )
        then_event(events, EVENT[step], occurred_on=CONVENTION_START)

    @pytest.mark.parametrize("step", MEETINGS)
    def test_convention_starting_later_holds_meetings_back(self, step: str) -> None:
        later = date(2025, 5, 1)
        mesure, events = history_after(*PATHS[m.DIAGNOSED])
        mesure.sign_convention(
            **convention_args(starts_on=later),
            meta=make_meta("association", DAY["sign_convention"]),
        )
        mesure = continued(events, mesure)
        then_error(
            mesure,
            lambda x: perform(x, step, on=later - timedelta(days=1)),
            "occurred_on_out_of_order",
        )

    def test_late_meeting_does_not_open_the_past_to_other_steps(self) -> None:
        mesure, events = drive_with_history(m.RENEWAL_ASKED)
        perform(mesure, "hold_meeting", on=DAY["hold_meeting"])
        mesure = continued(events, mesure)
        meta = make_meta("commission_logement", DAY["miss_meeting"], organisation=CLU)
        then_error(
            mesure,
            lambda x: x.decide_renewal(True, None, DORDOGNE, meta),
            "occurred_on_out_of_order",
        )


def renewal_request(
    months: int = 3,
    reason: str = "Budget à stabiliser.",
    settings: Any = DORDOGNE,
    on: date = DAY["request_renewal"],
) -> Any:
    meta = make_meta("association", on)
    return lambda x: x.request_renewal(months, reason, settings, meta)


def renewal_decision(
    granted: bool = True,
    motive: str | None = None,
    settings: Any = DORDOGNE,
    role: str = "commission_logement",
    organisation: str = CLU,
    on: date = DAY["decide_renewal"],
) -> Any:
    meta = make_meta(role, on, organisation=organisation)
    return lambda x: x.decide_renewal(granted, motive, settings, meta)


def with_renewals(times: int, settings: Any) -> Mesure:
    """A running measure of `settings`, renewed `times` times (every 3 months)."""
    mesure, events = history_after(*PATHS[m.RUNNING], settings=settings)
    for n in range(times):
        on = add_months(DAY["request_renewal"], 3 * n)
        renewal_request(settings=settings, on=on)(mesure)
        renewal_decision(settings=settings, on=on)(mesure)
    return continued(events, mesure)


class TestRequestRenewal:
    def test_association_asks_for_a_renewal(self) -> None:
        mesure = drive_to(m.RUNNING)
        meta = make_meta("association", DAY["request_renewal"])
        events = when(
            mesure,
            lambda x: x.request_renewal(3, "Budget à stabiliser.", DORDOGNE, meta),
        )
        then_event(
            events,
            Mesure.RenewalRequested,
            meta,
            months=3,
            reason="Budget à stabiliser.",
        )
        assert mesure.stage == m.RENEWAL_ASKED
        assert mesure.renewal_asked == {"months": 3, "reason": "Budget à stabiliser."}

    @pytest.mark.parametrize("months", [1, 6])
    def test_renewal_lasts_one_month_up_to_the_longest_measure(
        self, months: int
    ) -> None:
        events = when(drive_to(m.RUNNING), renewal_request(months))
        then_event(events, Mesure.RenewalRequested, months=months)

    @pytest.mark.parametrize("months", [0, 7])
    def test_renewal_beyond_its_bounds_is_refused(self, months: int) -> None:
        then_error(drive_to(m.RUNNING), renewal_request(months), "ASLL-DUREE")

    def test_renewal_says_why(self) -> None:
        then_error(drive_to(m.RUNNING), renewal_request(reason=" "), "invalid_value")

    @pytest.mark.parametrize(
        ("settings", "allowed"),
        [
            (DORDOGNE, 1),
            (LOIRE, 2),
            (asll_settings(asll_renewals_allowed=0), 0),
        ],
        ids=["dordogne_once", "loire_twice", "never"],
    )
    def test_renewals_are_counted_per_department(
        self, settings: Any, allowed: int
    ) -> None:
        for times in range(allowed):
            mesure = with_renewals(times, settings)
            on = add_months(DAY["request_renewal"], 3 * times)
            events = when(mesure, renewal_request(settings=settings, on=on))
            then_event(events, Mesure.RenewalRequested)
        exhausted = with_renewals(allowed, settings)
        assert exhausted.renewals == allowed
        on = add_months(DAY["request_renewal"], 3 * allowed)
        then_error(exhausted, renewal_request(settings=settings, on=on), "ASLL-DUREE")

    @pytest.mark.parametrize("stage", [m.DIAGNOSED, m.RENEWAL_ASKED])
    def test_renewal_is_asked_of_a_running_measure_once(self, stage: str) -> None:
        then_error(drive_to(stage), renewal_request(), "invalid_transition")


class TestDecideRenewal:
    def test_commission_renews_the_measure(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED)
        meta = make_meta("commission_logement", DAY["decide_renewal"], organisation=CLU)
        events = when(mesure, lambda x: x.decide_renewal(True, None, DORDOGNE, meta))
        then_event(events, Mesure.Renewed, meta, months=3, ends_on=date(2026, 1, 1))
        assert (mesure.stage, mesure.renewals) == (m.RUNNING, 1)
        assert mesure.ends_on == date(2026, 1, 1)

    def test_commission_refuses_with_a_motive(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED)
        events = when(mesure, renewal_decision(False, "Objectifs atteints"))
        then_event(events, Mesure.RenewalRefused, motive="Objectifs atteints")
        assert (mesure.stage, mesure.renewals) == (m.RUNNING, 0)
        assert mesure.ends_on == date(2025, 10, 1)

    def test_refused_renewal_uses_none_of_the_allowed_renewals(self) -> None:
        mesure, events = drive_with_history(m.RENEWAL_ASKED)
        perform(mesure, "decide_renewal", renewal_granted=False)
        mesure = continued(events, mesure)
        asked = when(mesure, renewal_request(on=DAY["decide_renewal"]))
        then_event(asked, Mesure.RenewalRequested)

    @pytest.mark.parametrize("motive", [None, " "])
    def test_refusal_without_motive_is_refused(self, motive: str | None) -> None:
        then_error(
            drive_to(m.RENEWAL_ASKED),
            renewal_decision(False, motive),
            "invalid_value",
        )

    def test_bail_glissant_is_renewed_by_the_clt(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED, kind="bail_glissant")
        events = when(mesure, renewal_decision(organisation=CLT))
        then_event(events, Mesure.Renewed, months=3)

    def test_association_renews_its_own_action(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED, kind="action_specifique")
        events = when(
            mesure, renewal_decision(role="association", organisation=ARIV.name)
        )
        then_event(events, Mesure.Renewed, months=3)

    def test_association_does_not_renew_a_commissions_measure(self) -> None:
        then_error(
            drive_to(m.RENEWAL_ASKED),
            renewal_decision(role="association", organisation=AGASEF.name),
            "ASLL-CANAL",
        )

    def test_commission_does_not_renew_an_associations_own_action(self) -> None:
        then_error(
            drive_to(m.RENEWAL_ASKED, kind="action_specifique"),
            renewal_decision(),
            "ASLL-CANAL",
        )

    def test_another_association_does_not_renew_an_associations_own_action(
        self,
    ) -> None:
        then_error(
            drive_to(m.RENEWAL_ASKED, kind="action_specifique"),
            renewal_decision(role="association", organisation=OTHER_ASSOCIATION),
            "not_the_association",
        )

    def test_renewal_is_judged_by_the_settings_of_the_decision(self) -> None:
        # The department allowed no more renewals between the request and the
        # decision: the decision is refused.
        settings = asll_settings(asll_renewals_allowed=0)
        then_error(
            drive_to(m.RENEWAL_ASKED),
            renewal_decision(settings=settings),
            "ASLL-DUREE",
        )

    def test_renewal_longer_than_the_settings_of_the_decision_is_refused(
        self,
    ) -> None:
        settings = asll_settings(asll_min_months=1, asll_max_months=2)
        then_error(
            drive_to(m.RENEWAL_ASKED),
            renewal_decision(settings=settings),
            "ASLL-DUREE",
        )

    def test_no_decision_without_a_request(self) -> None:
        then_error(drive_to(m.RUNNING), renewal_decision(), "invalid_transition")


def ending(
    bilan: str = "Objectifs atteints.",
    signed_by: tuple[str, ...] = ("travailleur_social", "menage"),
    relayed_to: str = RELAYED_TO,
    on: date = DAY["end"],
) -> Any:
    meta = make_meta("association", on)
    return lambda x: x.end(bilan, list(signed_by), relayed_to, meta)


class TestEnd:
    @pytest.mark.parametrize(
        ("kind", "returned_to"),
        [
            ("individuelle", "clu"),
            ("bail_glissant", "clt"),
            ("action_specifique", "direct"),
        ],
    )
    def test_bilan_signed_by_worker_and_household_ends_the_measure(
        self, kind: str, returned_to: str
    ) -> None:
        mesure = drive_to(m.RUNNING, kind=kind)
        organisation = mesure.association_name
        meta = make_meta("association", DAY["end"], organisation=organisation)
        events = when(
            mesure,
            lambda x: x.end(
                "Objectifs atteints.",
                ["travailleur_social", "menage"],
                RELAYED_TO,
                meta,
            ),
        )
        then_event(
            events,
            Mesure.Ended,
            meta,
            bilan="Objectifs atteints.",
            signed_by=["travailleur_social", "menage"],
            returned_to=returned_to,
            relayed_to=RELAYED_TO,
        )
        assert mesure.stage == m.ENDED
        assert mesure.closure == {"reason": "terminee", "bilan": "Objectifs atteints."}
        assert not mesure.holds_a_place

    def test_measure_ends_while_a_renewal_is_asked(self) -> None:
        mesure = drive_to(m.RENEWAL_ASKED)
        then_event(when(mesure, ending()), Mesure.Ended)
        assert mesure.stage == m.ENDED

    @pytest.mark.parametrize(
        "signed_by", [("travailleur_social",), ("menage",), ()], ids=str
    )
    def test_bilan_is_signed_by_the_worker_and_the_household(
        self, signed_by: tuple[str, ...]
    ) -> None:
        then_error(drive_to(m.RUNNING), ending(signed_by=signed_by), "ASLL-FIN")

    def test_bilan_has_a_content(self) -> None:
        then_error(drive_to(m.RUNNING), ending(bilan="  "), "ASLL-FIN")

    def test_bilan_is_relayed_to_the_prescriber(self) -> None:
        then_error(drive_to(m.RUNNING), ending(relayed_to=" "), "ASLL-FIN")

    @pytest.mark.parametrize("stage", [m.NOTIFIED, m.DIAGNOSED])
    def test_measure_without_convention_does_not_end_by_a_bilan(
        self, stage: str
    ) -> None:
        then_error(drive_to(stage), ending(), "invalid_transition")


class TestBreakOff:
    @pytest.mark.parametrize("stage", sorted(m.HOLDS_A_PLACE))
    def test_household_breaks_off(self, stage: str) -> None:
        mesure = drive_to(stage)
        meta = make_meta("association", on_or_after(mesure, DAY["break_off"]))
        events = when(mesure, lambda x: x.break_off("Ne répond plus.", meta))
        then_event(
            events,
            Mesure.BrokenOff,
            meta,
            motive="Ne répond plus.",
            relayed_to=ORGANISATIONS["prescripteur"],
        )
        assert mesure.stage == m.BROKEN_OFF
        assert mesure.closure == {"reason": "rompue", "motive": "Ne répond plus."}
        assert not mesure.holds_a_place

    def test_rupture_is_motivated(self) -> None:
        meta = make_meta("association", DAY["break_off"])
        then_error(
            drive_to(m.RUNNING), lambda x: x.break_off(" ", meta), "invalid_value"
        )

    @pytest.mark.parametrize("stage", [m.REQUESTED, m.INSTRUCTED])
    def test_measure_not_yet_notified_does_not_break_off(self, stage: str) -> None:
        meta = make_meta("association", DAY["break_off"])
        then_error(
            drive_to(stage),
            lambda x: x.break_off("Ne répond plus.", meta),
            "invalid_transition",
        )


# ---- the bail glissant -----------------------------------------------------------


def bail_after(status: str, **options: Any) -> Mesure:
    return mesure_after(*BAIL_PATHS[status], kind="bail_glissant", **options)


def bail_step(
    step: str,
    role: str = "association",
    organisation: str = AGASEF.name,
    **args: Any,
) -> Any:
    """A bail glissant step as `role` of `organisation`, with `args` (default:
    the builders' valid ones)."""

    def command(x: Mesure) -> None:
        meta = make_meta(role, on_or_after(x, DAY[step]), organisation=organisation)
        if step == "sign_head_lease":
            x.sign_head_lease(
                args.get("landlord", LANDLORD),
                args.get("dwelling_ref", DWELLING),
                args.get("starts_on", HEAD_LEASE_START),
                meta,
            )
        elif step == "sign_sublease":
            x.sign_sublease(args.get("starts_on", SUBLEASE_START), meta)
        elif step == "review_sublease":
            x.review_sublease(args.get("findings", "Loyer payé."), meta)
        elif step == "slide_lease":
            x.slide_lease(meta)
        else:
            x.end_sublease(args.get("motive", "Le ménage quitte le logement."), meta)

    return command


class TestBailGlissant:
    @pytest.mark.parametrize("stage", sorted(m.HOLDS_A_PLACE))
    def test_association_rents_the_dwelling_once_notified(self, stage: str) -> None:
        mesure = drive_to(stage, kind="bail_glissant")
        meta = make_meta("association", on_or_after(mesure, DAY["sign_head_lease"]))
        events = when(
            mesure,
            lambda x: x.sign_head_lease(LANDLORD, DWELLING, HEAD_LEASE_START, meta),
        )
        then_event(
            events,
            Mesure.HeadLeaseSigned,
            meta,
            landlord=LANDLORD,
            dwelling_ref=DWELLING,
            starts_on=HEAD_LEASE_START,
        )
        assert mesure.bail == {
            "status": m.HEAD_LEASE,
            "landlord": LANDLORD,
            "dwelling_ref": DWELLING,
            "head_lease_on": HEAD_LEASE_START,
            "sublease_on": None,
            "reviews": 0,
            "ended_on": None,
        }
        assert mesure.stage == stage

    def test_individual_measure_has_no_head_lease(self) -> None:
        then_error(
            drive_to(m.NOTIFIED),
            bail_step("sign_head_lease"),
            "not_a_bail_glissant",
        )

    @pytest.mark.parametrize("stage", [m.REQUESTED, m.INSTRUCTED])
    def test_head_lease_waits_for_the_notification(self, stage: str) -> None:
        then_error(
            drive_to(stage, kind="bail_glissant"),
            bail_step("sign_head_lease"),
            "invalid_transition",
        )

    def test_head_lease_is_signed_once(self) -> None:
        then_error(
            bail_after(m.HEAD_LEASE),
            bail_step("sign_head_lease"),
            "invalid_transition",
        )

    @pytest.mark.parametrize("args", [{"landlord": " "}, {"dwelling_ref": ""}], ids=str)
    def test_head_lease_names_the_landlord_and_the_dwelling(
        self, args: dict[str, Any]
    ) -> None:
        then_error(
            drive_to(m.NOTIFIED, kind="bail_glissant"),
            bail_step("sign_head_lease", **args),
            "invalid_value",
        )

    def test_association_sublets_to_the_household(self) -> None:
        mesure = bail_after(m.HEAD_LEASE)
        events = when(mesure, bail_step("sign_sublease"))
        then_event(events, Mesure.SubleaseSigned, starts_on=SUBLEASE_START)
        assert mesure.bail["status"] == m.SUBLET
        assert mesure.bail["sublease_on"] == SUBLEASE_START

    def test_sublease_starts_with_the_head_lease_at_the_earliest(self) -> None:
        events = when(
            bail_after(m.HEAD_LEASE),
            bail_step("sign_sublease", starts_on=HEAD_LEASE_START),
        )
        then_event(events, Mesure.SubleaseSigned, starts_on=HEAD_LEASE_START)
        early = HEAD_LEASE_START - timedelta(days=1)
        then_error(
            bail_after(m.HEAD_LEASE),
            bail_step("sign_sublease", starts_on=early),
            "invalid_value",
        )

    def test_no_sublease_without_a_head_lease(self) -> None:
        then_error(
            drive_to(m.NOTIFIED, kind="bail_glissant"),
            bail_step("sign_sublease"),
            "invalid_transition",
        )

    @pytest.mark.parametrize(
        ("role", "organisation"),
        [("association", AGASEF.name), ("bailleur", LANDLORD)],
    )
    def test_sublease_is_reviewed_with_both_parties(
        self, role: str, organisation: str
    ) -> None:
        mesure = bail_after(m.SUBLET)
        events = when(
            mesure, bail_step("review_sublease", role, organisation, findings="RAS")
        )
        then_event(events, Mesure.SubleaseReviewed, findings="RAS")
        assert mesure.bail["reviews"] == 1

    def test_review_records_its_findings(self) -> None:
        then_error(
            bail_after(m.SUBLET),
            bail_step("review_sublease", findings="  "),
            "invalid_value",
        )

    @pytest.mark.parametrize(
        ("role", "organisation", "code"),
        [
            ("association", OTHER_ASSOCIATION, "not_the_association"),
            ("bailleur", OTHER_LANDLORD, "not_the_landlord"),
        ],
    )
    def test_review_is_held_by_the_parties_to_this_bail(
        self, role: str, organisation: str, code: str
    ) -> None:
        then_error(
            bail_after(m.SUBLET),
            bail_step("review_sublease", role, organisation),
            code,
        )

    def test_head_lease_landlord_lets_the_lease_slide(self) -> None:
        mesure = bail_after(m.SUBLET)
        events = when(mesure, bail_step("slide_lease", "bailleur", LANDLORD))
        then_event(events, Mesure.LeaseSlid)
        assert mesure.bail["status"] == m.SLID
        assert mesure.bail["ended_on"] == DAY["slide_lease"]
        assert mesure.stage == m.NOTIFIED  # the measure runs on to its bilan

    def test_another_landlord_does_not_let_the_lease_slide(self) -> None:
        then_error(
            bail_after(m.SUBLET),
            bail_step("slide_lease", "bailleur", OTHER_LANDLORD),
            "not_the_landlord",
        )

    def test_association_ends_the_sublease(self) -> None:
        mesure = bail_after(m.SUBLET)
        events = when(mesure, bail_step("end_sublease", motive="Départ du ménage"))
        then_event(events, Mesure.SubleaseEnded, motive="Départ du ménage")
        assert mesure.bail["status"] == m.SUBLEASE_ENDED
        assert mesure.bail["ended_on"] == DAY["end_sublease"]

    def test_end_of_the_sublease_is_motivated(self) -> None:
        then_error(
            bail_after(m.SUBLET),
            bail_step("end_sublease", motive=" "),
            "invalid_value",
        )

    @pytest.mark.parametrize("status", [m.HEAD_LEASE, m.SLID, m.SUBLEASE_ENDED])
    @pytest.mark.parametrize("step", ["review_sublease", "slide_lease", "end_sublease"])
    def test_sublease_steps_need_a_running_sublease(
        self, step: str, status: str
    ) -> None:
        role, organisation = (
            ("bailleur", LANDLORD)
            if step == "slide_lease"
            else ("association", "AGASEF")
        )
        then_error(
            bail_after(status),
            bail_step(step, role, organisation),
            "invalid_transition",
        )

    @pytest.mark.parametrize(
        "step", ["sign_sublease", "review_sublease", "slide_lease", "end_sublease"]
    )
    def test_individual_measure_has_no_sublease(self, step: str) -> None:
        role, organisation = (
            ("bailleur", LANDLORD)
            if step == "slide_lease"
            else ("association", "AGASEF")
        )
        then_error(
            drive_to(m.RUNNING),
            bail_step(step, role, organisation),
            "not_a_bail_glissant",
        )

    def test_whole_course_of_a_bail_glissant(self) -> None:
        mesure, events = history_after(*BAIL_PATHS[m.SLID], "end", kind="bail_glissant")
        assert [type(e) for e in events] == [
            Mesure.Requested,
            Mesure.Instructed,
            Mesure.Notified,
            Mesure.HeadLeaseSigned,
            Mesure.SubleaseSigned,
            Mesure.ComplementaryDiagnosisDone,
            Mesure.ConventionSigned,
            Mesure.SubleaseReviewed,
            Mesure.LeaseSlid,
            Mesure.Ended,
        ]
        assert (mesure.stage, mesure.channel) == (m.ENDED, "clt")
        assert mesure.bail["status"] == m.SLID
        assert events[-1].returned_to == "clt"


# ---- across the steps --------------------------------------------------------------


class TestRoles:
    def test_every_step_has_its_expected_roles(self) -> None:
        assert m.STEP_ROLES == ALLOWED_ROLES

    @pytest.mark.parametrize(
        ("step", "role"),
        [(s, r) for s in STEPS_ON_A_MESURE for r in sorted(ALLOWED_ROLES[s])],
    )
    def test_allowed_role_records_the_step(self, step: str, role: str) -> None:
        # The channel steps: the commission on its measures, the association on
        # its own actions.
        kind = kind_for(step)
        if role == "association" and step in ("instruct", "notify", "decide_renewal"):
            kind = "action_specifique"
        mesure = ready_for(step, kind=kind)
        events = when(mesure, lambda x: perform(x, step, role=role, kind=kind))
        assert then_event(events, EVENT[step]).actor.role == role

    @pytest.mark.parametrize(
        ("step", "role"),
        outside({s: ALLOWED_ROLES[s] for s in STEPS_ON_A_MESURE}, ROLES),
    )
    def test_other_role_is_refused(self, step: str, role: str) -> None:
        then_error(
            ready_for(step),
            lambda x: perform(x, step, role=role, kind=x.kind),
            "role_not_allowed",
        )


class TestTheAssociationRunsItsMeasure:
    @pytest.mark.parametrize("step", RUN_BY_THE_ASSOCIATION)
    def test_another_association_does_not_act_on_it(self, step: str) -> None:
        then_error(
            ready_for(step),
            as_association(step, OTHER_ASSOCIATION),
            "not_the_association",
        )

    @pytest.mark.parametrize("step", RUN_BY_THE_ASSOCIATION)
    def test_the_association_notified_acts_on_it(self, step: str) -> None:
        mesure = ready_for(step, association="adsea_42")
        events = when(mesure, as_association(step, ADSEA.name, association="adsea_42"))
        assert then_event(events, EVENT[step]).actor.organisation == ADSEA.name


class TestProcedureOrder:
    @pytest.mark.parametrize(
        ("step", "stage"),
        outside(ALLOWED_STAGES, OPEN_STAGES),
    )
    def test_step_out_of_the_course_is_refused(self, step: str, stage: str) -> None:
        mesure = drive_to(stage)
        then_error(
            mesure,
            lambda x: perform(x, step, on=on_or_after(x, DAY[step])),
            "invalid_transition",
        )


class TestClosedMeasure:
    @pytest.mark.parametrize(
        ("stage", "step"),
        [(st, s) for st in CLOSED_STAGES for s in STEPS_ON_A_MESURE],
    )
    def test_nothing_follows_a_closed_measure(self, stage: str, step: str) -> None:
        mesure = drive_to(stage, kind="bail_glissant")
        then_error(
            mesure,
            lambda x: perform(x, step, on=on_or_after(x, DAY[step]), kind=x.kind),
            "mesure_ended",
        )

    def test_slid_lease_does_not_keep_an_ended_measure_open(self) -> None:
        steps = (*BAIL_PATHS[m.SUBLET], "diagnose", "sign_convention", "end")
        mesure = mesure_after(*steps, kind="bail_glissant")
        then_error(
            mesure,
            bail_step("slide_lease", "bailleur", LANDLORD),
            "mesure_ended",
        )


class TestChronology:
    @pytest.mark.parametrize(
        "step", [s for s in STEPS_ON_A_MESURE if s not in MEETINGS]
    )
    def test_step_dated_before_the_previous_one_is_refused(self, step: str) -> None:
        refused_the_day_before(
            ready_for(step), lambda x, on: perform(x, step, on=on, kind=x.kind)
        )

    @pytest.mark.parametrize("step", STEPS_ON_A_MESURE)
    def test_step_dated_the_same_day_as_the_previous_one_is_accepted(
        self, step: str
    ) -> None:
        accepted_the_same_day(
            ready_for(step),
            lambda x, on: perform(x, step, on=on, kind=x.kind),
            EVENT[step],
        )


class TestReplay:
    @pytest.mark.parametrize(
        ("steps", "options"),
        [
            (
                (
                    *PATHS[m.RUNNING],
                    "hold_meeting",
                    "miss_meeting",
                    "request_renewal",
                    "decide_renewal",
                    "end",
                ),
                {},
            ),
            ((*BAIL_PATHS[m.SLID], "end"), {"kind": "bail_glissant"}),
            ((*BAIL_PATHS[m.SUBLEASE_ENDED], "break_off"), {"kind": "bail_glissant"}),
            ((*PATHS[m.RUNNING], "end"), {"kind": "action_specifique"}),
            (PATHS[m.REORIENTED], {"diagnosis": "reoriente"}),
            (PATHS[m.REFUSED], {"granted": False}),
            (PATHS[m.NOTIFIED], {"renforce": True, "association": "adsea_42"}),
        ],
        ids=[
            "individual_renewed",
            "bail_slid",
            "sublease_ended",
            "direct",
            "reoriented",
            "refused",
            "renforce",
        ],
    )
    def test_stored_events_come_back_equal(
        self, steps: tuple[str, ...], options: dict[str, Any]
    ) -> None:
        """What the store keeps (JSON through Logis' transcoder) replays the same:
        dates, UUIDs, the diagnostic, the axes and signatories included."""
        mesure, events = history_after(*steps, **options)
        assert given(events) == mesure
        assert mesure.version == len(events) == len(steps)
        stored = read_back(events)
        assert stored == events
        assert given(stored) == mesure

    def test_re_intervention_comes_back_equal(self) -> None:
        previous = drive_to(m.BROKEN_OFF)
        mesure, events = history_after("request", previous=previous, min_months=6)
        stored = read_back(events)
        rebuilt = given(stored)
        assert rebuilt == mesure
        assert (rebuilt.previous_mesure_id, rebuilt.min_months) == (previous.id, 6)


def test_every_event_has_a_french_label() -> None:
    assert declared_events(Mesure) == set(EVENT_LABELS)
