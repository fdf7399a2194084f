"""The LLTS dossier aggregate: given events, when a command, then events or error."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import dossier as d
from domain.department_settings import CeilingTable
from domain.dossier import Dossier
from domain.dossier_rules import AVIS_ENQUETE, AVIS_MAIRIE, CAL_DECISIONS
from domain.dossier_steps import PRESELECTION_OUTCOMES, STAGES, TERMINAL
from domain.shared import ROLES, DomainError, Meta
from tests.helpers.aggregates import given, then_error, then_event, when
from tests.helpers.chronology import (
    accepted_the_same_day,
    on_or_after,
    refused_the_day_before,
)
from tests.helpers.dossiers import (
    ANSWER_DEADLINE,
    CAL_ID,
    CEILINGS,
    CHARGES,
    COMMUNE,
    CONDITION_DEADLINE,
    DAY,
    DEPARTMENT,
    DWELLING,
    EVENT,
    LEASE_START,
    MEETING_TOPICS,
    NUMERO_UNIQUE,
    ORGANISATIONS,
    PRE_COMMISSION_ID,
    PREFECTORAL_ID,
    RENT,
    REQUESTED_DOCUMENTS,
    REQUIRED_DOCUMENTS,
    RETURN_SESSION_ON,
    SNE_REGISTERED_ON,
    STEPS,
    ceiling_table,
    decision_args,
    drive_to,
    drive_with_history,
    history_to,
    make_meta,
    make_settings,
    perform,
    ready_for,
)

PARTNERS = frozenset({"mairie", "ccas", "departement", "caf"})
# Who records each step, as DOMAIN.md §1 and §10 describe it (not read from the
# code), told role by role: the partners identify and follow the demand, the
# DEAL controls, the ALS instructs and supports, the Préfecture ranks, the
# landlord decides and houses (each role's steps in alphabetical order).
STEPS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "partners": ("render_social_enquiry", "renew_demand", "withdraw"),
    "mairie": ("render_mairie_avis", "radiate"),
    "ccas": ("complete", "receive_documents"),
    "deal": ("check_resources", "declare_inadmissible", "radiate", "expire_from_list"),
    "prefecture": ("renew_demand", "rank", "withdraw", "radiate", "expire_from_list"),
    "als": (
        "assess_solvency",
        "attend_information_meeting",
        "close",
        "enter",
        "expire_from_list",
        "preselect",
        "receive_documents",
        "renew_demand",
        "request_documents",
        "review_installation",
        "start_analysis",
        "withdraw",
    ),
    "bailleur": (
        "accept_offer",
        "attend_information_meeting",
        "close",
        "decide",
        "defer",
        "enter",
        "fulfil_condition",
        "lapse_offer",
        "offer",
        "radiate",
        "refuse_offer",
        "sign_lease",
    ),
}
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    step: frozenset(
        role
        for name, steps in STEPS_BY_ROLE.items()
        if step in steps
        for role in (PARTNERS if name == "partners" else {name})
    )
    for step in dict.fromkeys(s for steps in STEPS_BY_ROLE.values() for s in steps)
}
# Roles the rule itself names, refused with its id (test_dossier_endings.py).
REFUSED_BY_RULE = {
    ("withdraw", "bailleur"),
    ("declare_inadmissible", "als"),
    ("declare_inadmissible", "prefecture"),
    ("radiate", "als"),
}
STEPS_ON_A_DOSSIER = tuple(s for s in STEPS if s != "identify")
CHRONOLOGICAL_STEPS = tuple(
    s for s in STEPS_ON_A_DOSSIER if s != "attend_information_meeting"
)
LANDLORD = ORGANISATIONS["bailleur"]  # the landlord whose CAL decides by default
OTHER_LANDLORD = "SMHLM"
# The steps a dossier may take once a CAL has decided on it.
AFTER_THE_CAL = (
    "fulfil_condition",
    "offer",
    "accept_offer",
    "refuse_offer",
    "lapse_offer",
    "sign_lease",
    "enter",
    "attend_information_meeting",
    "review_installation",
    "withdraw",
    "close",
)
# The stages at which no attribution has been decided, or where it fell through.
NO_ATTRIBUTION = [
    (d.RANKED, {}),
    (d.DEFERRED, {}),
    (d.DECIDED, {"decision": "non_attribution"}),
    (d.DECIDED, {"decision": "rejet_irrecevabilite"}),
    (d.REFUSED, {}),
    (d.LAPSED, {}),
]
# The stages of a dossier whose CAL has decided an attribution.
ATTRIBUTED = [
    d.DECIDED,
    d.CONDITION_MET,
    d.OFFERED,
    d.ACCEPTED,
    d.LEASE,
    d.ENTERED,
    d.REVIEWED,
]
# Stages along the procedure, before a lease is signed.
BEFORE_THE_LEASE = [
    d.IDENTIFIED,
    d.ANALYSIS,
    d.RANKED,
    d.DEFERRED,
    d.DECIDED,
    d.OFFERED,
    d.ACCEPTED,
]
# The stages after which a dossier has no step left but its closing.
AT_THEIR_LAST_STEP = [
    (d.REVIEWED, {}),
    (d.REVIEWED, {"installation": "problemes"}),
    (d.REFUSED, {}),
    (d.LAPSED, {}),
    (d.PRESELECTED, {"preselection": "ecarte"}),
    (d.RANKED, {"ranking": "non_retenu"}),
    (d.DECIDED, {"decision": "non_attribution"}),
    (d.DECIDED, {"decision": "rejet_irrecevabilite"}),
]
# The stages from which the procedure still goes on.
STILL_OPEN = [
    (d.IDENTIFIED, {}),
    (d.SOLVENCY, {}),
    (d.PRESELECTED, {"preselection": "prioritaire"}),
    (d.RANKED, {"ranking": "rang"}),
    (d.RANKED, {"ranking": "liste_complementaire"}),
    (d.DEFERRED, {}),
    (d.DECIDED, {"decision": "attribution"}),
    (d.OFFERED, {}),
    (d.ENTERED, {}),
]


def identify_command(meta: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "dossier_id": uuid4(),
        "household_id": uuid4(),
        "applicant_name": "Jean-Marc Désir",
        "household_size": 3,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "programme_id": None,
        "numero_unique": NUMERO_UNIQUE,
        "sne_registered_on": SNE_REGISTERED_ON,
        "dalo": False,
        **overrides,
    }
    return lambda _: Dossier.identify(**fields, meta=meta)


# ---- one class per command ---------------------------------------------------


class TestIdentify:
    @pytest.mark.parametrize("role", sorted(PARTNERS))
    def test_partner_identifies_a_household(self, role: str) -> None:
        meta = make_meta(role, DAY["identify"])
        dossier_id, household_id, programme_id = uuid4(), uuid4(), uuid4()
        events = when(
            None,
            identify_command(
                meta,
                dossier_id=dossier_id,
                household_id=household_id,
                programme_id=programme_id,
            ),
        )
        then_event(
            events,
            Dossier.Identified,
            meta,
            originator_id=dossier_id,
            originator_version=1,
            household_id=household_id,
            applicant_name="Jean-Marc Désir",
            household_size=3,
            department=DEPARTMENT,
            commune=COMMUNE,
            programme_id=programme_id,
            numero_unique=NUMERO_UNIQUE,
            sne_registered_on=SNE_REGISTERED_ON,
            dalo=False,
        )
        dossier = given(events)
        assert dossier.stage == d.IDENTIFIED
        assert dossier.origin == meta.actor
        assert dossier.sne_valid_until == date(2026, 1, 2)

    def test_prefecture_identifies_a_dalo_household(self) -> None:
        meta = make_meta("prefecture", DAY["identify"])
        events = when(None, identify_command(meta, dalo=True))
        then_event(events, Dossier.Identified, meta, dalo=True)
        assert given(events).origin.role == "prefecture"

    def test_prefecture_records_the_dalo_appeal_and_its_recognition(self) -> None:
        meta = make_meta("prefecture", DAY["identify"])
        appeal, recognised = date(2024, 9, 2), date(2024, 11, 28)
        command = identify_command(
            meta, dalo=True, dalo_appeal_on=appeal, dalo_recognised_on=recognised
        )
        events = when(None, command)
        then_event(
            events,
            Dossier.Identified,
            meta,
            dalo=True,
            dalo_appeal_on=appeal,
            dalo_recognised_on=recognised,
        )
        dossier = given(events)
        assert (dossier.dalo_appeal_on, dossier.dalo_recognised_on) == (
            appeal,
            recognised,
        )

    @pytest.mark.parametrize(
        ("dalo", "appeal", "recognised"),
        [
            (False, date(2024, 9, 2), None),  # DALO days on a non-DALO dossier
            (False, None, date(2024, 11, 28)),
            (True, date(2024, 11, 28), date(2024, 9, 2)),  # decided before the appeal
            (True, date(2024, 9, 2), DAY["identify"] + timedelta(days=1)),  # future
            (True, DAY["identify"] + timedelta(days=1), None),
        ],
    )
    def test_dalo_days_no_real_procedure_has_are_refused(
        self, dalo: bool, appeal: date | None, recognised: date | None
    ) -> None:
        meta = make_meta("prefecture" if dalo else "ccas", DAY["identify"])
        command = identify_command(
            meta, dalo=dalo, dalo_appeal_on=appeal, dalo_recognised_on=recognised
        )
        then_error(None, command, "invalid_value")

    def test_a_v1_identification_reads_with_unknown_dalo_days(self) -> None:
        """Stored before v2, an identification has no DALO days: upcast, they are
        unknown (None), and the dossier replays."""
        state: dict[str, Any] = {"dalo": True}
        Dossier.Identified.upcast_v1_v2(state)
        assert state == {
            "dalo": True,
            "dalo_appeal_on": None,
            "dalo_recognised_on": None,
        }
        assert Dossier.Identified.class_version == 2

    def test_household_without_numero_unique_can_be_identified(self) -> None:
        meta = make_meta("ccas", DAY["identify"])
        events = when(
            None, identify_command(meta, numero_unique=None, sne_registered_on=None)
        )
        then_event(events, Dossier.Identified, numero_unique=None)
        assert given(events).sne_valid_until is None

    def test_prefecture_cannot_identify_a_non_dalo_household(self) -> None:
        meta = make_meta("prefecture", DAY["identify"])
        then_error(None, identify_command(meta, dalo=False), "DOS-ORIGINE")

    @pytest.mark.parametrize("role", sorted(PARTNERS))
    def test_partner_cannot_identify_a_dalo_household(self, role: str) -> None:
        meta = make_meta(role, DAY["identify"])
        then_error(None, identify_command(meta, dalo=True), "DOS-ORIGINE")

    @pytest.mark.parametrize("role", sorted(set(ROLES) - PARTNERS - {"prefecture"}))
    def test_other_organisations_cannot_identify_a_household(self, role: str) -> None:
        meta = make_meta(role, DAY["identify"])
        then_error(None, identify_command(meta), "role_not_allowed")

    @pytest.mark.parametrize(
        ("numero_unique", "registered_on"),
        [(NUMERO_UNIQUE, None), (None, SNE_REGISTERED_ON)],
    )
    def test_numero_unique_and_its_registration_date_go_together(
        self, numero_unique: str | None, registered_on: date | None
    ) -> None:
        meta = make_meta("mairie", DAY["identify"])
        command = identify_command(
            meta, numero_unique=numero_unique, sne_registered_on=registered_on
        )
        then_error(None, command, "SNE-NUMERO")

    def test_demand_registered_after_the_identification_is_refused(self) -> None:
        meta = make_meta("mairie", DAY["identify"])
        later = DAY["identify"] + timedelta(days=1)
        then_error(None, identify_command(meta, sne_registered_on=later), "SNE-NUMERO")

    def test_demand_registered_on_the_identification_day_is_accepted(self) -> None:
        meta = make_meta("mairie", DAY["identify"])
        events = when(None, identify_command(meta, sne_registered_on=DAY["identify"]))
        then_event(events, Dossier.Identified, sne_registered_on=DAY["identify"])


class TestRenderSocialEnquiry:
    @pytest.mark.parametrize("avis", AVIS_ENQUETE)
    def test_enquiry_records_its_avis(self, avis: str) -> None:
        dossier = drive_to(d.IDENTIFIED)
        meta = make_meta("departement", DAY["render_social_enquiry"])
        events = when(dossier, lambda x: x.render_social_enquiry(avis, "Résumé", meta))
        then_event(
            events, Dossier.SocialEnquiryRendered, meta, avis=avis, summary="Résumé"
        )
        assert dossier.stage == d.ENQUETE
        assert dossier.avis == {"enquete_sociale": avis}

    @pytest.mark.parametrize("avis", ["reserve", "Favorable", "très favorable", ""])
    def test_unknown_avis_is_refused(self, avis: str) -> None:
        dossier = drive_to(d.IDENTIFIED)
        meta = make_meta("departement", DAY["render_social_enquiry"])
        then_error(
            dossier, lambda x: x.render_social_enquiry(avis, "…", meta), "DOS-AVIS"
        )


class TestRenderMairieAvis:
    @pytest.mark.parametrize("avis", AVIS_MAIRIE)
    def test_mairie_records_its_avis(self, avis: str) -> None:
        dossier = drive_to(d.ENQUETE, avis="prioritaire")
        meta = make_meta("mairie", DAY["render_mairie_avis"])
        events = when(dossier, lambda x: x.render_mairie_avis(avis, "Vu.", meta))
        then_event(events, Dossier.MairieAvisRendered, meta, avis=avis, comment="Vu.")
        assert dossier.stage == d.MAIRIE
        assert dossier.avis == {"enquete_sociale": "prioritaire", "mairie": avis}

    @pytest.mark.parametrize("avis", ["prioritaire", "non_prioritaire", "reserve"])
    def test_unknown_mairie_avis_is_refused(self, avis: str) -> None:
        dossier = drive_to(d.ENQUETE)
        meta = make_meta("mairie", DAY["render_mairie_avis"])
        then_error(dossier, lambda x: x.render_mairie_avis(avis, "", meta), "DOS-AVIS")


class TestComplete:
    def test_ccas_completes_the_dossier_with_the_required_documents(self) -> None:
        dossier = drive_to(d.MAIRIE)
        meta = make_meta("ccas", DAY["complete"])
        documents = [*reversed(REQUIRED_DOCUMENTS), "rib", "piece_identite"]
        events = when(dossier, lambda x: x.complete(documents, make_settings(), meta))
        expected = sorted({*REQUIRED_DOCUMENTS, "rib"})
        then_event(events, Dossier.Completed, meta, documents=expected)
        assert dossier.stage == d.COMPLETED
        assert dossier.documents == expected

    @pytest.mark.parametrize("missing", REQUIRED_DOCUMENTS)
    def test_dossier_missing_a_required_document_is_refused(self, missing: str) -> None:
        dossier = drive_to(d.MAIRIE)
        meta = make_meta("ccas", DAY["complete"])
        documents = [doc for doc in REQUIRED_DOCUMENTS if doc != missing]
        error = then_error(
            dossier,
            lambda x: x.complete(documents, make_settings(), meta),
            "DOS-COMPLET",
        )
        assert missing in error.message

    def test_required_documents_are_a_department_setting(self) -> None:
        dossier = drive_to(d.MAIRIE)
        meta = make_meta("ccas", DAY["complete"])
        settings = make_settings(required_documents=("piece_identite",))
        events = when(dossier, lambda x: x.complete(["piece_identite"], settings, meta))
        then_event(events, Dossier.Completed, documents=["piece_identite"])


class TestRenewDemand:
    def test_renewal_restarts_the_year_of_validity(self) -> None:
        dossier = drive_to(d.ANALYSIS)
        on = date(2025, 12, 15)
        meta = make_meta("ccas", on)
        events = when(dossier, lambda x: x.renew_demand("0972251200007B", meta))
        then_event(events, Dossier.DemandRenewed, meta, numero_unique="0972251200007B")
        assert dossier.numero_unique == "0972251200007B"
        assert dossier.sne_valid_until == date(2026, 12, 15)
        assert dossier.stage == d.ANALYSIS

    def test_demand_can_be_renewed_on_its_last_valid_day(self) -> None:
        dossier = drive_to(d.IDENTIFIED)
        meta = make_meta("ccas", date(2026, 1, 2))
        events = when(dossier, lambda x: x.renew_demand(NUMERO_UNIQUE, meta))
        then_event(events, Dossier.DemandRenewed)

    def test_expired_demand_cannot_be_renewed(self) -> None:
        dossier = drive_to(d.IDENTIFIED)
        meta = make_meta("ccas", date(2026, 1, 3))
        then_error(
            dossier, lambda x: x.renew_demand(NUMERO_UNIQUE, meta), "SNE-VALIDITE"
        )

    def test_renewal_gives_a_numero_unique_to_a_dossier_without_one(self) -> None:
        dossier = drive_to(d.IDENTIFIED, numero_unique=None, sne_registered_on=None)
        meta = make_meta("mairie", DAY["renew_demand"])
        when(dossier, lambda x: x.renew_demand(NUMERO_UNIQUE, meta))
        assert dossier.numero_unique == NUMERO_UNIQUE
        assert dossier.sne_valid_until == date(2026, 1, 13)


def check_resources_command(
    amount: str, category: int = 2, settings: Any = None
) -> Any:
    meta = make_meta("deal", DAY["check_resources"])
    return lambda x: x.check_resources(
        Decimal(amount), category, settings or make_settings(), 1, meta
    )


class TestCheckResources:
    def test_resources_at_the_ceiling_are_eligible(self) -> None:
        dossier = drive_to(d.COMPLETED)
        meta = make_meta("deal", DAY["check_resources"])
        events = when(
            dossier,
            lambda x: x.check_resources(Decimal("14700"), 2, make_settings(), 3, meta),
        )
        then_event(
            events,
            Dossier.ResourcesChecked,
            meta,
            annual_resources=Decimal("14700"),
            household_category=2,
            ceiling_year=2025,
            ceiling=Decimal("14700"),
            eligible=True,
            settings_version=3,
        )
        assert dossier.stage == d.RESOURCES
        assert dossier.resources["eligible"] is True

    def test_resources_above_the_ceiling_make_the_dossier_inadmissible(self) -> None:
        dossier = drive_to(d.COMPLETED)
        events = when(dossier, check_resources_command("14700.01"))
        then_event(events, Dossier.ResourcesChecked, eligible=False)
        assert dossier.stage == d.INADMISSIBLE
        assert dossier.end_reason == "ressources_au_dessus_du_plafond"

    @pytest.mark.parametrize("category", sorted(CEILINGS))
    def test_ceiling_of_the_household_category_applies(self, category: int) -> None:
        dossier = drive_to(d.COMPLETED)
        events = when(dossier, check_resources_command("10000", category))
        then_event(events, Dossier.ResourcesChecked, ceiling=CEILINGS[category])

    def test_ceiling_of_the_year_of_the_check_applies(self) -> None:
        settings = make_settings(
            resource_ceilings=(
                ceiling_table(2024, {2: Decimal("14000")}),
                ceiling_table(2025, {2: Decimal("14500")}),
            )
        )
        dossier = drive_to(d.COMPLETED)
        events = when(dossier, check_resources_command("14200", settings=settings))
        then_event(
            events,
            Dossier.ResourcesChecked,
            ceiling_year=2025,
            ceiling=Decimal("14500"),
            eligible=True,
        )

    @pytest.mark.parametrize(
        "ceilings",
        [
            pytest.param(ceiling_table(2024), id="none-for-the-year"),
            pytest.param(
                ceiling_table(2025, {1: Decimal("11000")}),
                id="none-for-the-household-category",
            ),
        ],
    )
    def test_no_ceiling_is_refused(self, ceilings: CeilingTable) -> None:
        settings = make_settings(resource_ceilings=(ceilings,))
        dossier = drive_to(d.COMPLETED)
        command = check_resources_command("9000", settings=settings)
        then_error(dossier, command, "DEAL-PLAFOND")

    @pytest.mark.parametrize("stage", [d.IDENTIFIED, d.ENQUETE, d.MAIRIE])
    def test_incomplete_dossier_is_not_checked(self, stage: str) -> None:
        dossier = drive_to(stage)
        then_error(dossier, check_resources_command("9000"), "DOS-COMPLET")


class TestStartAnalysis:
    def test_als_starts_the_analysis_of_an_eligible_dossier(self) -> None:
        dossier = drive_to(d.RESOURCES)
        meta = make_meta("als", DAY["start_analysis"])
        events = when(dossier, lambda x: x.start_analysis(meta))
        then_event(events, Dossier.AnalysisStarted, meta)
        assert dossier.stage == d.ANALYSIS


class TestRequestDocuments:
    @pytest.mark.parametrize("channel", ["ccas", "mairie", "departement", "caf"])
    def test_documents_are_requested_through_a_partner(self, channel: str) -> None:
        dossier = drive_to(d.ANALYSIS)
        meta = make_meta("als", DAY["request_documents"])
        documents = ["bulletins_salaire", "attestation_caf", "bulletins_salaire"]
        events = when(
            dossier,
            lambda x: x.request_documents(
                documents, channel, ORGANISATIONS[channel], meta
            ),
        )
        then_event(
            events,
            Dossier.DocumentsRequested,
            meta,
            documents=["attestation_caf", "bulletins_salaire"],
            through_role=channel,
            through_organisation=ORGANISATIONS[channel],
        )
        assert dossier.outstanding_documents == ["attestation_caf", "bulletins_salaire"]
        assert dossier.stage == d.ANALYSIS

    @pytest.mark.parametrize("channel", ["demandeur", "als", "bailleur", ""])
    def test_documents_are_not_requested_from_the_applicants(
        self, channel: str
    ) -> None:
        dossier = drive_to(d.ANALYSIS)
        meta = make_meta("als", DAY["request_documents"])
        then_error(
            dossier,
            lambda x: x.request_documents(["rib"], channel, "M. Désir", meta),
            "ALS-CONTACT",
        )

    def test_requests_add_up(self) -> None:
        dossier = ready_for("receive_documents")
        meta = make_meta("als", DAY["receive_documents"])
        when(dossier, lambda x: x.request_documents(["rib"], "caf", "CAF", meta))
        assert dossier.outstanding_documents == sorted([*REQUESTED_DOCUMENTS, "rib"])


class TestReceiveDocuments:
    @pytest.mark.parametrize("role", ["als", "ccas"])
    def test_requested_documents_are_received(self, role: str) -> None:
        dossier = ready_for("receive_documents")
        meta = make_meta(role, DAY["receive_documents"])
        events = when(dossier, lambda x: x.receive_documents(REQUESTED_DOCUMENTS, meta))
        then_event(
            events, Dossier.DocumentsReceived, meta, documents=REQUESTED_DOCUMENTS
        )
        assert dossier.outstanding_documents == []
        assert set(REQUESTED_DOCUMENTS) <= set(dossier.documents)
        assert set(REQUIRED_DOCUMENTS) <= set(dossier.documents)

    def test_partial_receipt_leaves_the_rest_outstanding(self) -> None:
        dossier = ready_for("receive_documents")
        meta = make_meta("ccas", DAY["receive_documents"])
        when(dossier, lambda x: x.receive_documents(["attestation_caf"], meta))
        assert dossier.outstanding_documents == ["bulletins_salaire"]

    def test_documents_not_requested_are_refused(self) -> None:
        dossier = ready_for("receive_documents")
        meta = make_meta("ccas", DAY["receive_documents"])
        then_error(
            dossier,
            lambda x: x.receive_documents(["attestation_caf", "rib"], meta),
            "documents_not_requested",
        )


def solvency(
    *,
    resources: str = "1200.00",
    rent: str = "350.00",
    charges: str = "50.00",
    benefit: str = "200.00",
    opinion: str = "favorable",
    motive: str | None = None,
    settings: Any = None,
    meta: Any = None,
) -> Any:
    return lambda x: x.assess_solvency(
        monthly_resources=Decimal(resources),
        rent=Decimal(rent),
        charges=Decimal(charges),
        housing_benefit=Decimal(benefit),
        opinion=opinion,
        motive=motive,
        settings=settings or make_settings(),
        settings_version=2,
        meta=meta or make_meta("als", DAY["assess_solvency"]),
    )


class TestAssessSolvency:
    # size, "resources rent charges APL", "taux reste per-person", thresholds met;
    # worked out by hand: taux = (rent + charges - APL) / resources, 4 decimals
    # half up; reste = resources - (rent + charges - APL); per person 2 decimals.
    @pytest.mark.parametrize(
        ("size", "inputs", "expected", "met"),
        [
            # 200 / 1200 = 0.16666… ; 1000 / 2 = 500
            (2, "1200.00 350.00 50.00 200.00", "0.1667 1000.00 500.00", True),
            # 390 / 1000 = 0.39 ; 610 / 3 = 203.333…
            (3, "1000.00 420.00 60.00 90.00", "0.3900 610.00 203.33", False),
            # 360 / 1200 = 0.30 exactly (at the threshold) ; 840 / 2 = 420
            (2, "1200.00 360.00 0.00 0.00", "0.3000 840.00 420.00", True),
            # 0.30 but 840 / 3 = 280 < 300 per person
            (3, "1200.00 360.00 0.00 0.00", "0.3000 840.00 280.00", False),
            # 246.90 / 2000 = 0.12345 -> 0.1235 (half up, not half even)
            (1, "2000.00 246.90 0.00 0.00", "0.1235 1753.10 1753.10", True),
            # 1753.06 / 4 = 438.265 -> 438.27 (half up, not half even)
            (4, "2000.00 246.94 0.00 0.00", "0.1235 1753.06 438.27", True),
            # 450.27 / 1500 = 0.30018 -> 0.3002 > 0.30
            (2, "1500.00 400.00 52.52 2.25", "0.3002 1049.73 524.87", False),
        ],
    )
    def test_taux_effort_and_reste_a_vivre_are_computed_and_stored(
        self, size: int, inputs: str, expected: str, met: bool
    ) -> None:
        dossier = drive_to(d.ANALYSIS, household_size=size)
        resources, rent, charges, benefit = inputs.split()
        taux, reste, per_person = expected.split()
        events = when(
            dossier,
            solvency(
                resources=resources,
                rent=rent,
                charges=charges,
                benefit=benefit,
                opinion="reserve",
            ),
        )
        event = then_event(events, Dossier.SolvencyAssessed, thresholds_met=met)
        assert str(event.taux_effort) == taux
        assert str(event.reste_a_vivre) == reste
        assert str(event.reste_a_vivre_per_person) == per_person
        assert dossier.solvency == {
            "taux_effort": Decimal(taux),
            "reste_a_vivre": Decimal(reste),
            "reste_a_vivre_per_person": Decimal(per_person),
            "thresholds_met": met,
            "opinion": "reserve",
        }

    def test_assessment_records_its_inputs_and_the_thresholds_applied(self) -> None:
        dossier = drive_to(d.ANALYSIS)
        meta = make_meta("als", DAY["assess_solvency"])
        events = when(dossier, solvency(meta=meta))
        then_event(
            events,
            Dossier.SolvencyAssessed,
            meta,
            monthly_resources=Decimal("1200.00"),
            rent=Decimal("350.00"),
            charges=Decimal("50.00"),
            housing_benefit=Decimal("200.00"),
            max_taux_effort=Decimal("0.30"),
            min_reste_a_vivre_per_person=Decimal(300),
            opinion="favorable",
            motive=None,
            settings_version=2,
        )
        assert dossier.stage == d.SOLVENCY

    def test_thresholds_are_department_settings(self) -> None:
        settings = make_settings(
            max_taux_effort=Decimal("0.40"), min_reste_a_vivre_per_person=Decimal(200)
        )
        dossier = drive_to(d.ANALYSIS, household_size=3)
        command = solvency(
            resources="1000.00",
            rent="420.00",
            charges="60.00",
            benefit="90.00",
            settings=settings,
        )
        then_event(
            when(dossier, command),
            Dossier.SolvencyAssessed,
            thresholds_met=True,
            max_taux_effort=Decimal("0.40"),
            min_reste_a_vivre_per_person=Decimal(200),
        )

    @pytest.mark.parametrize("motive", [None, "", "   "])
    def test_favourable_opinion_outside_thresholds_needs_a_motive(
        self, motive: str | None
    ) -> None:
        dossier = drive_to(d.ANALYSIS)
        then_error(dossier, solvency(rent="700.00", motive=motive), "ALS-SOLVA")

    def test_favourable_opinion_outside_thresholds_with_a_motive_is_recorded(
        self,
    ) -> None:
        dossier = drive_to(d.ANALYSIS)
        motive = "Prime d'activité à venir, attestée par la CAF"
        events = when(dossier, solvency(rent="700.00", motive=motive))
        then_event(
            events,
            Dossier.SolvencyAssessed,
            opinion="favorable",
            thresholds_met=False,
            motive=motive,
        )

    @pytest.mark.parametrize("opinion", ["reserve", "defavorable"])
    def test_other_opinions_outside_thresholds_need_no_motive(
        self, opinion: str
    ) -> None:
        dossier = drive_to(d.ANALYSIS)
        events = when(dossier, solvency(rent="700.00", opinion=opinion))
        then_event(
            events, Dossier.SolvencyAssessed, opinion=opinion, thresholds_met=False
        )

    def test_favourable_opinion_within_thresholds_needs_no_motive(self) -> None:
        dossier = drive_to(d.ANALYSIS)
        events = when(dossier, solvency(opinion="favorable"))
        then_event(events, Dossier.SolvencyAssessed, thresholds_met=True, motive=None)

    @pytest.mark.parametrize(
        "inputs",
        [
            {"resources": "0.00"},
            {"resources": "-100.00"},
            {"rent": "-1.00"},
            {"charges": "-0.01"},
            {"benefit": "-10.00"},
        ],
    )
    def test_impossible_amounts_are_refused(self, inputs: dict[str, str]) -> None:
        dossier = drive_to(d.ANALYSIS)
        then_error(dossier, solvency(**inputs), "ALS-SOLVA")

    @pytest.mark.parametrize("opinion", ["tres_favorable", "Favorable", ""])
    def test_unknown_opinion_is_refused(self, opinion: str) -> None:
        dossier = drive_to(d.ANALYSIS)
        then_error(dossier, solvency(opinion=opinion), "ALS-SOLVA")

    def test_solvency_waits_for_the_requested_documents(self) -> None:
        dossier = ready_for("receive_documents")
        then_error(dossier, solvency(), "documents_outstanding")

    def test_solvency_follows_the_receipt_of_the_requested_documents(self) -> None:
        dossier = drive_to(d.ANALYSIS, documents_round=True)
        then_event(when(dossier, solvency()), Dossier.SolvencyAssessed)


def preselect_command(
    outcome: str = "prioritaire",
    *,
    programme_id: UUID | None = None,
    commission_id: UUID = PRE_COMMISSION_ID,
) -> Any:
    """The pré-commission `commission_id`, held for `programme_id`, selects."""
    meta = make_meta("als", DAY["preselect"])
    return lambda x: x.preselect(commission_id, programme_id, outcome, meta)


class TestPreselect:
    @pytest.mark.parametrize("outcome", PRESELECTION_OUTCOMES)
    def test_pre_commission_records_its_outcome(self, outcome: str) -> None:
        dossier = drive_to(d.SOLVENCY)
        meta = make_meta("als", DAY["preselect"])
        commission_id = uuid4()
        events = when(
            dossier, lambda x: x.preselect(commission_id, None, outcome, meta)
        )
        then_event(
            events,
            Dossier.PreSelected,
            meta,
            commission_id=commission_id,
            outcome=outcome,
        )
        assert (dossier.stage, dossier.preselection) == (d.PRESELECTED, outcome)

    @pytest.mark.parametrize("outcome", ["retenu", "rang", ""])
    def test_unknown_outcome_is_refused(self, outcome: str) -> None:
        dossier = drive_to(d.SOLVENCY)
        then_error(dossier, preselect_command(outcome), "invalid_outcome")

    def test_pre_commission_of_the_dossiers_programme_selects_it(self) -> None:
        programme_id = uuid4()
        dossier = drive_to(d.SOLVENCY, programme_id=programme_id)
        events = when(dossier, preselect_command(programme_id=programme_id))
        then_event(events, Dossier.PreSelected, commission_id=PRE_COMMISSION_ID)

    def test_pre_commission_of_another_programme_is_refused(self) -> None:
        dossier = drive_to(d.SOLVENCY, programme_id=uuid4())
        command = preselect_command(programme_id=uuid4())
        then_error(dossier, command, "wrong_programme")

    @pytest.mark.parametrize(
        ("dossiers", "commissions"),
        [(True, False), (False, True), (False, False)],
        ids=["commission_without", "dossier_without", "neither_has_one"],
    )
    def test_programme_is_not_checked_when_either_side_has_none(
        self, dossiers: bool, commissions: bool
    ) -> None:
        dossier = drive_to(d.SOLVENCY, programme_id=uuid4() if dossiers else None)
        assert (dossier.programme_id is not None) is dossiers
        command = preselect_command(programme_id=uuid4() if commissions else None)
        then_event(when(dossier, command), Dossier.PreSelected)


def rank_command(
    outcome: str,
    rank: int | None,
    *,
    on: date = DAY["rank"],
    settings: Any = None,
    motive: str | None = None,
) -> Any:
    meta = make_meta("prefecture", on)
    return lambda x: x.rank(
        PREFECTORAL_ID, outcome, rank, motive, settings or make_settings(), meta
    )


class TestRank:
    def test_commission_ranks_the_dossier(self) -> None:
        dossier = drive_to(d.PRESELECTED)
        meta = make_meta("prefecture", DAY["rank"])
        commission_id = uuid4()
        events = when(
            dossier,
            lambda x: x.rank(commission_id, "rang", 4, None, make_settings(), meta),
        )
        then_event(
            events,
            Dossier.Ranked,
            meta,
            commission_id=commission_id,
            outcome="rang",
            rank=4,
            list_valid_until=None,
            motive=None,
        )
        assert dossier.stage == d.RANKED
        assert dossier.ranking == {
            "commission_id": commission_id,
            "outcome": "rang",
            "rank": 4,
        }

    def test_liste_complementaire_is_valid_six_months(self) -> None:
        dossier = drive_to(d.PRESELECTED, preselection="liste_complementaire")
        events = when(dossier, rank_command("liste_complementaire", None))
        then_event(
            events,
            Dossier.Ranked,
            outcome="liste_complementaire",
            rank=None,
            list_valid_until=date(2025, 10, 22),
        )
        assert dossier.list_valid_until == date(2025, 10, 22)

    def test_validity_of_the_liste_complementaire_is_a_department_setting(self) -> None:
        settings = make_settings(liste_complementaire_validity_months=3)
        dossier = drive_to(d.PRESELECTED)
        events = when(
            dossier, rank_command("liste_complementaire", None, settings=settings)
        )
        then_event(events, Dossier.Ranked, list_valid_until=date(2025, 7, 22))

    def test_validity_ends_on_the_last_day_of_a_shorter_month(self) -> None:
        dossier = drive_to(d.PRESELECTED)
        command = rank_command("liste_complementaire", None, on=date(2025, 8, 31))
        then_event(
            when(dossier, command), Dossier.Ranked, list_valid_until=date(2026, 2, 28)
        )

    def test_non_retenu_records_its_motive(self) -> None:
        dossier = drive_to(d.PRESELECTED)
        command = rank_command("non_retenu", None, motive="Composition familiale")
        then_event(
            when(dossier, command),
            Dossier.Ranked,
            outcome="non_retenu",
            motive="Composition familiale",
        )

    def test_dossier_set_aside_in_pre_commission_cannot_be_ranked(self) -> None:
        dossier = drive_to(d.PRESELECTED, preselection="ecarte")
        then_error(dossier, rank_command("rang", 1), "invalid_transition")

    @pytest.mark.parametrize(
        ("outcome", "rank"),
        [
            ("rang", None),
            ("rang", 0),
            ("rang", -1),
            ("liste_complementaire", 3),
            ("non_retenu", 2),
            ("retenu", 1),
        ],
    )
    def test_inconsistent_outcome_is_refused(
        self, outcome: str, rank: int | None
    ) -> None:
        dossier = drive_to(d.PRESELECTED)
        then_error(dossier, rank_command(outcome, rank), "invalid_outcome")


def decide_command(decision: str, on: date = DAY["decide"], **overrides: Any) -> Any:
    args = {**decision_args(decision, on), **overrides}
    meta = make_meta("bailleur", on)
    return lambda x: x.decide(**args, meta=meta)


class TestDecide:
    @pytest.mark.parametrize("decision", CAL_DECISIONS)
    def test_cal_records_its_decision(self, decision: str) -> None:
        dossier = drive_to(d.RANKED)
        meta = make_meta("bailleur", DAY["decide"])
        args = decision_args(decision)
        events = when(dossier, lambda x: x.decide(**args, meta=meta))
        then_event(events, Dossier.CALDecided, meta, **args)
        assert dossier.stage == d.DECIDED
        assert dossier.cal_decision == {**args, "decided_on": DAY["decide"]}

    def test_cal_decides_on_a_deferred_dossier(self) -> None:
        dossier = drive_to(d.DEFERRED)
        then_event(
            when(dossier, decide_command("attribution", RETURN_SESSION_ON)),
            Dossier.CALDecided,
            decision="attribution",
        )
        assert dossier.deferral is None

    def test_cal_decides_on_the_liste_complementaire_until_its_last_day(self) -> None:
        dossier = drive_to(d.RANKED, ranking="liste_complementaire")
        command = decide_command("attribution", date(2025, 10, 22))
        then_event(when(dossier, command), Dossier.CALDecided)

    def test_expired_liste_complementaire_cannot_be_examined(self) -> None:
        dossier = drive_to(d.RANKED, ranking="liste_complementaire")
        command = decide_command("attribution", date(2025, 10, 23))
        then_error(dossier, command, "LC-VALIDITE")

    def test_deferred_dossier_from_an_expired_list_cannot_be_examined(self) -> None:
        dossier = drive_to(d.DEFERRED, ranking="liste_complementaire")
        then_error(
            dossier, decide_command("attribution", date(2025, 11, 3)), "LC-VALIDITE"
        )

    @pytest.mark.parametrize("stage", [d.SOLVENCY, d.PRESELECTED, d.DECIDED])
    def test_dossier_not_ranked_by_the_commission_cannot_be_examined(
        self, stage: str
    ) -> None:
        dossier = drive_to(stage)
        then_error(
            dossier, decide_command("attribution", DAY["decide"]), "CAL-PREALABLE"
        )

    def test_dossier_ranked_non_retenu_cannot_be_examined(self) -> None:
        dossier = drive_to(d.RANKED, ranking="non_retenu")
        then_error(dossier, decide_command("attribution"), "CAL-PREALABLE")

    def test_dossier_without_numero_unique_cannot_be_examined(self) -> None:
        dossier = drive_to(d.RANKED, numero_unique=None, sne_registered_on=None)
        then_error(dossier, decide_command("attribution"), "SNE-NUMERO")

    def test_dossier_with_an_expired_numero_unique_cannot_be_examined(self) -> None:
        dossier = drive_to(d.RANKED, sne_registered_on=date(2024, 5, 5))
        then_error(dossier, decide_command("attribution"), "SNE-NUMERO")

    def test_numero_unique_is_valid_on_its_last_day(self) -> None:
        dossier = drive_to(d.RANKED, sne_registered_on=date(2024, 5, 6))
        then_event(when(dossier, decide_command("attribution")), Dossier.CALDecided)

    def test_renewed_demand_can_be_examined(self) -> None:
        dossier = drive_to(d.RANKED, sne_registered_on=date(2024, 5, 5))
        meta = make_meta("ccas", DAY["rank"])
        when(dossier, lambda x: x.renew_demand(NUMERO_UNIQUE, meta))
        then_event(when(dossier, decide_command("attribution")), Dossier.CALDecided)

    @pytest.mark.parametrize(
        ("decision", "overrides"),
        [
            ("ajournement", {}),
            ("attribution_provisoire", {"dwelling_ref": DWELLING}),
            ("attribution", {"dwelling_ref": None}),
            ("attribution_par_classement", {"dwelling_ref": ""}),
            ("attribution_par_classement", {"rank": None}),
        ],
    )
    def test_decision_outside_the_regulated_list_is_refused(
        self, decision: str, overrides: dict[str, Any]
    ) -> None:
        dossier = drive_to(d.RANKED)
        then_error(dossier, decide_command(decision, **overrides), "CAL-DECISION")

    @pytest.mark.parametrize(
        "overrides",
        [
            {"missing_document": None},
            {"missing_document": ""},
            {"condition_deadline": None},
            {"condition_deadline": DAY["decide"]},
            {"condition_deadline": DAY["decide"] - timedelta(days=1)},
        ],
    )
    def test_condition_suspensive_names_a_document_and_a_later_deadline(
        self, overrides: dict[str, Any]
    ) -> None:
        dossier = drive_to(d.RANKED)
        command = decide_command("attribution_sous_condition_suspensive", **overrides)
        then_error(dossier, command, "CAL-CONDITION")

    def test_condition_suspensive_with_a_deadline_the_next_day_is_recorded(
        self,
    ) -> None:
        dossier = drive_to(d.RANKED)
        deadline = DAY["decide"] + timedelta(days=1)
        command = decide_command(
            "attribution_sous_condition_suspensive", condition_deadline=deadline
        )
        then_event(
            when(dossier, command), Dossier.CALDecided, condition_deadline=deadline
        )

    @pytest.mark.parametrize("decision", ["non_attribution", "rejet_irrecevabilite"])
    @pytest.mark.parametrize("motive", [None, "", "  \n"])
    def test_non_attribution_and_rejection_are_motivated(
        self, decision: str, motive: str | None
    ) -> None:
        dossier = drive_to(d.RANKED)
        then_error(dossier, decide_command(decision, motive=motive), "CAL-MOTIF")


class TestDefer:
    def test_cal_defers_the_dossier_to_a_later_session(self) -> None:
        dossier = drive_to(d.RANKED)
        meta = make_meta("bailleur", DAY["defer"])
        events = when(
            dossier,
            lambda x: x.defer(CAL_ID, "Enquête à compléter", RETURN_SESSION_ON, meta),
        )
        then_event(
            events,
            Dossier.Deferred,
            meta,
            commission_id=CAL_ID,
            motive="Enquête à compléter",
            return_session_on=RETURN_SESSION_ON,
        )
        assert dossier.stage == d.DEFERRED
        assert dossier.deferral == {
            "commission_id": CAL_ID,
            "motive": "Enquête à compléter",
            "return_session_on": RETURN_SESSION_ON,
        }

    def test_deferred_dossier_can_be_deferred_again(self) -> None:
        dossier = drive_to(d.DEFERRED)
        meta = make_meta("bailleur", RETURN_SESSION_ON)
        later = date(2025, 7, 1)
        events = when(
            dossier, lambda x: x.defer(CAL_ID, "Toujours incomplet", later, meta)
        )
        then_event(events, Dossier.Deferred, return_session_on=later)

    @pytest.mark.parametrize(
        ("motive", "return_on"),
        [("", RETURN_SESSION_ON), ("   ", RETURN_SESSION_ON), ("Motif", DAY["defer"])],
    )
    def test_deferral_needs_a_motive_and_a_later_session(
        self, motive: str, return_on: date
    ) -> None:
        dossier = drive_to(d.RANKED)
        meta = make_meta("bailleur", DAY["defer"])
        then_error(
            dossier,
            lambda x: x.defer(CAL_ID, motive, return_on, meta),
            "CAL-DECISION",
        )

    def test_dossier_ranked_non_retenu_cannot_be_deferred(self) -> None:
        dossier = drive_to(d.RANKED, ranking="non_retenu")
        meta = make_meta("bailleur", DAY["defer"])
        then_error(
            dossier,
            lambda x: x.defer(CAL_ID, "Motif", RETURN_SESSION_ON, meta),
            "CAL-PREALABLE",
        )


class TestFulfilCondition:
    def test_missing_document_arrives_in_time(self) -> None:
        dossier = ready_for("fulfil_condition")
        meta = make_meta("bailleur", DAY["fulfil_condition"])
        events = when(dossier, lambda x: x.fulfil_condition(meta))
        then_event(
            events, Dossier.ConditionFulfilled, meta, document="avis_imposition_2024"
        )
        assert dossier.stage == d.CONDITION_MET
        assert "avis_imposition_2024" in dossier.documents

    def test_condition_can_be_lifted_on_its_deadline(self) -> None:
        dossier = ready_for("fulfil_condition")
        meta = make_meta("bailleur", date(2025, 6, 5))
        then_event(
            when(dossier, lambda x: x.fulfil_condition(meta)),
            Dossier.ConditionFulfilled,
        )

    def test_condition_cannot_be_lifted_after_its_deadline(self) -> None:
        dossier = ready_for("fulfil_condition")
        meta = make_meta("bailleur", date(2025, 6, 6))
        then_error(dossier, lambda x: x.fulfil_condition(meta), "CAL-CONDITION")

    @pytest.mark.parametrize("decision", ["attribution", "non_attribution"])
    def test_decision_without_condition_has_nothing_to_lift(
        self, decision: str
    ) -> None:
        dossier = drive_to(d.DECIDED, decision=decision)
        meta = make_meta("bailleur", DAY["fulfil_condition"])
        then_error(dossier, lambda x: x.fulfil_condition(meta), "invalid_transition")


def offer_command(deadline: date = ANSWER_DEADLINE, on: date = DAY["offer"]) -> Any:
    meta = make_meta("bailleur", on)
    return lambda x: x.offer(deadline, meta)


class TestOffer:
    @pytest.mark.parametrize("decision", ["attribution", "attribution_par_classement"])
    def test_attributed_dwelling_is_offered(self, decision: str) -> None:
        dossier = drive_to(d.DECIDED, decision=decision)
        meta = make_meta("bailleur", DAY["offer"])
        events = when(dossier, lambda x: x.offer(ANSWER_DEADLINE, meta))
        then_event(
            events,
            Dossier.Offered,
            meta,
            dwelling_ref=DWELLING,
            answer_deadline=ANSWER_DEADLINE,
        )
        assert dossier.stage == d.OFFERED
        assert dossier.proposal == {
            "dwelling_ref": DWELLING,
            "offered_on": DAY["offer"],
            "answer_deadline": ANSWER_DEADLINE,
            "answer": None,
        }

    def test_offer_gives_at_least_ten_days(self) -> None:
        dossier = drive_to(d.DECIDED)
        deadline = DAY["offer"] + timedelta(days=10)
        then_event(when(dossier, offer_command(deadline)), Dossier.Offered)

    @pytest.mark.parametrize("days", [9, 1, 0, -1])
    def test_offer_with_less_than_ten_days_is_refused(self, days: int) -> None:
        dossier = drive_to(d.DECIDED)
        deadline = DAY["offer"] + timedelta(days=days)
        then_error(dossier, offer_command(deadline), "OFFRE-DELAI")

    def test_offer_waits_for_the_condition_suspensive(self) -> None:
        dossier = drive_to(d.DECIDED, decision="attribution_sous_condition_suspensive")
        then_error(dossier, offer_command(), "CAL-CONDITION")

    def test_offer_follows_the_lifted_condition(self) -> None:
        dossier = drive_to(d.CONDITION_MET)
        then_event(
            when(dossier, offer_command()), Dossier.Offered, dwelling_ref=DWELLING
        )

    @pytest.mark.parametrize("decision", ["non_attribution", "rejet_irrecevabilite"])
    def test_no_offer_without_an_attribution(self, decision: str) -> None:
        dossier = drive_to(d.DECIDED, decision=decision)
        then_error(dossier, offer_command(), "invalid_transition")


class TestAcceptOffer:
    def test_household_accepts_by_the_deadline(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", ANSWER_DEADLINE)
        then_event(
            when(dossier, lambda x: x.accept_offer(meta)), Dossier.OfferAccepted, meta
        )
        assert dossier.stage == d.ACCEPTED
        assert dossier.proposal["answer"] == "acceptee"

    def test_acceptance_after_the_deadline_is_refused(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", ANSWER_DEADLINE + timedelta(days=1))
        then_error(dossier, lambda x: x.accept_offer(meta), "OFFRE-DELAI")


class TestRefuseOffer:
    def test_household_refuses_the_offer(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", DAY["refuse_offer"])
        events = when(dossier, lambda x: x.refuse_offer("Trop petit", meta))
        then_event(events, Dossier.OfferRefused, meta, motive="Trop petit")
        assert dossier.stage == d.REFUSED
        assert dossier.proposal["answer"] == "refusee"


class TestLapseOffer:
    def test_silence_after_the_deadline_lapses_the_offer(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", ANSWER_DEADLINE + timedelta(days=1))
        then_event(
            when(dossier, lambda x: x.lapse_offer(meta)), Dossier.OfferLapsed, meta
        )
        assert dossier.stage == d.LAPSED
        assert dossier.proposal["answer"] == "caduque"

    @pytest.mark.parametrize("on", [DAY["offer"], ANSWER_DEADLINE])
    def test_offer_does_not_lapse_before_its_deadline_has_passed(
        self, on: date
    ) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", on)
        then_error(dossier, lambda x: x.lapse_offer(meta), "OFFRE-DELAI")


class TestSignLease:
    def test_lease_is_signed_for_the_accepted_dwelling(self) -> None:
        dossier = drive_to(d.ACCEPTED)
        meta = make_meta("bailleur", DAY["sign_lease"])
        events = when(dossier, lambda x: x.sign_lease(LEASE_START, RENT, CHARGES, meta))
        then_event(
            events,
            Dossier.LeaseSigned,
            meta,
            dwelling_ref=DWELLING,
            lease_start=LEASE_START,
            rent=RENT,
            charges=CHARGES,
        )
        assert dossier.stage == d.LEASE
        assert dossier.lease["dwelling_ref"] == DWELLING

    @pytest.mark.parametrize("stage", [d.REFUSED, d.LAPSED])
    def test_no_lease_without_acceptance(self, stage: str) -> None:
        dossier = drive_to(stage)
        meta = make_meta("bailleur", DAY["sign_lease"])
        then_error(
            dossier,
            lambda x: x.sign_lease(LEASE_START, RENT, CHARGES, meta),
            "invalid_transition",
        )


class TestEnter:
    @pytest.mark.parametrize("role", ["bailleur", "als"])
    def test_household_enters_once_the_lease_has_started(self, role: str) -> None:
        dossier = drive_to(d.LEASE)
        meta = make_meta(role, LEASE_START)
        then_event(when(dossier, lambda x: x.enter(meta)), Dossier.Entered, meta)
        assert dossier.stage == d.ENTERED
        assert dossier.entered_on == LEASE_START

    def test_entry_before_the_lease_starts_is_refused(self) -> None:
        dossier = drive_to(d.LEASE)
        meta = make_meta("bailleur", LEASE_START - timedelta(days=1))
        then_error(dossier, lambda x: x.enter(meta), "entry_before_lease")


class TestAttendInformationMeeting:
    @pytest.mark.parametrize("stage", ATTRIBUTED)
    def test_meeting_after_an_attribution_is_recorded(self, stage: str) -> None:
        dossier = drive_to(stage)
        before = list(dossier.information_meetings)
        on = on_or_after(dossier, DAY["attend_information_meeting"])
        meta = make_meta("bailleur", on)
        events = when(
            dossier, lambda x: x.attend_information_meeting(MEETING_TOPICS, meta)
        )
        then_event(
            events, Dossier.InformationMeetingAttended, meta, topics=MEETING_TOPICS
        )
        assert dossier.stage == stage
        assert dossier.information_meetings == [
            *before,
            {"on": on, "topics": MEETING_TOPICS},
        ]

    def test_meeting_may_be_recorded_after_later_steps(self) -> None:
        dossier = drive_to(d.ENTERED)
        meta = make_meta("als", date(2025, 5, 12))  # after the CAL, before the entry
        events = when(
            dossier, lambda x: x.attend_information_meeting(MEETING_TOPICS, meta)
        )
        then_event(
            events, Dossier.InformationMeetingAttended, occurred_on=date(2025, 5, 12)
        )

    def test_meeting_recorded_late_does_not_open_earlier_dates_to_next_steps(
        self,
    ) -> None:
        dossier = drive_to(d.ENTERED)  # entered on 16 June
        meta = make_meta("als", date(2025, 5, 12))
        when(dossier, lambda x: x.attend_information_meeting(MEETING_TOPICS, meta))
        review_meta = make_meta("als", date(2025, 6, 1))
        then_error(
            dossier,
            lambda x: x.review_installation(
                "ok", "", None, make_settings(), review_meta
            ),
            "occurred_on_out_of_order",
        )

    def test_meeting_dated_ahead_does_not_hold_back_next_steps(self) -> None:
        dossier = drive_to(d.DECIDED)
        meta = make_meta("als", date(2025, 9, 1))
        when(dossier, lambda x: x.attend_information_meeting(MEETING_TOPICS, meta))
        then_event(when(dossier, offer_command()), Dossier.Offered)

    def test_meeting_before_the_cal_decision_is_refused(self) -> None:
        dossier = drive_to(d.ENTERED)
        meta = make_meta("als", DAY["decide"] - timedelta(days=1))
        then_error(
            dossier,
            lambda x: x.attend_information_meeting(MEETING_TOPICS, meta),
            "occurred_on_out_of_order",
        )

    @pytest.mark.parametrize(("stage", "options"), NO_ATTRIBUTION)
    def test_no_meeting_without_an_attribution(
        self, stage: str, options: dict[str, Any]
    ) -> None:
        dossier = drive_to(stage, **options)
        meta = make_meta("als", on_or_after(dossier, DAY["attend_information_meeting"]))
        then_error(
            dossier,
            lambda x: x.attend_information_meeting(MEETING_TOPICS, meta),
            "invalid_transition",
        )


def review_command(
    outcome: str, support_months: int | None, settings: Any = None
) -> Any:
    meta = make_meta("als", DAY["review_installation"])
    return lambda x: x.review_installation(
        outcome, "Constat", support_months, settings or make_settings(), meta
    )


class TestReviewInstallation:
    # Without problems no support opens, whatever the months said; with
    # problems, at least six months open.
    @pytest.mark.parametrize(
        ("outcome", "months", "support"),
        [
            ("ok", None, None),
            ("ok", 6, None),
            ("problemes", 6, 6),
            ("problemes", 12, 12),
        ],
    )
    def test_review_opens_support_only_after_problems(
        self, outcome: str, months: int | None, support: int | None
    ) -> None:
        dossier = drive_to(d.ENTERED)
        events = when(dossier, review_command(outcome, months))
        then_event(
            events,
            Dossier.InstallationReviewed,
            outcome=outcome,
            findings="Constat",
            support_months=support,
        )
        assert dossier.stage == d.REVIEWED
        assert dossier.installation_review == {
            "outcome": outcome,
            "support_months": support,
        }

    @pytest.mark.parametrize("months", [None, 0, 5])
    def test_review_with_problems_and_shorter_support_is_refused(
        self, months: int | None
    ) -> None:
        dossier = drive_to(d.ENTERED)
        then_error(dossier, review_command("problemes", months), "BILAN-SUITE")

    @pytest.mark.parametrize(("months", "accepted"), [(3, True), (2, False)])
    def test_minimum_support_is_a_department_setting(
        self, months: int, accepted: bool
    ) -> None:
        settings = make_settings(min_support_months_after_bilan=3)
        dossier = drive_to(d.ENTERED)
        command = review_command("problemes", months, settings)
        if accepted:
            then_event(when(dossier, command), Dossier.InstallationReviewed)
        else:
            then_error(dossier, command, "BILAN-SUITE")

    @pytest.mark.parametrize("outcome", ["bon", "problems", ""])
    def test_unknown_outcome_is_refused(self, outcome: str) -> None:
        dossier = drive_to(d.ENTERED)
        then_error(dossier, review_command(outcome, None), "invalid_outcome")


class TestWithdraw:
    @pytest.mark.parametrize("stage", BEFORE_THE_LEASE)
    def test_dossier_is_withdrawn_before_the_lease(self, stage: str) -> None:
        dossier = drive_to(stage)
        meta = make_meta("ccas", on_or_after(dossier, DAY["withdraw"]))
        events = when(dossier, lambda x: withdraw(x, meta))
        then_event(events, Dossier.Withdrawn, meta, reason="Relogé")
        assert (dossier.stage, dossier.end_reason) == (d.WITHDRAWN, "Relogé")

    @pytest.mark.parametrize("stage", [d.LEASE, d.ENTERED, d.REVIEWED])
    def test_dossier_cannot_be_withdrawn_after_the_lease(self, stage: str) -> None:
        dossier = drive_to(stage)
        meta = make_meta("ccas", on_or_after(dossier, DAY["withdraw"]))
        then_error(dossier, lambda x: withdraw(x, meta), "invalid_transition")


def withdraw(dossier: Dossier, meta: Meta) -> None:
    """The household's withdrawal, as its letter expressed it that day."""
    dossier.withdraw(
        "Relogé", meta, expressed_on=meta.occurred_on, expressed_by="courrier"
    )


class TestDeclareInadmissible:
    @pytest.mark.parametrize(
        "stage",
        [d.RESOURCES, d.ANALYSIS, d.SOLVENCY, d.PRESELECTED, d.RANKED, d.DEFERRED],
    )
    def test_dossier_is_declared_inadmissible_before_the_cal(self, stage: str) -> None:
        dossier = drive_to(stage)
        meta = make_meta("deal", on_or_after(dossier, DAY["declare_inadmissible"]))
        events = when(dossier, lambda x: x.declare_inadmissible("Propriétaire", meta))
        then_event(events, Dossier.DeclaredInadmissible, meta, reason="Propriétaire")
        assert (dossier.stage, dossier.end_reason) == (d.INADMISSIBLE, "Propriétaire")

    @pytest.mark.parametrize("stage", [d.DECIDED, d.CONDITION_MET, d.OFFERED, d.LEASE])
    def test_dossier_decided_by_the_cal_cannot_be_declared_inadmissible(
        self, stage: str
    ) -> None:
        dossier = drive_to(stage)
        meta = make_meta("deal", on_or_after(dossier, DAY["declare_inadmissible"]))
        then_error(
            dossier, lambda x: x.declare_inadmissible("…", meta), "invalid_transition"
        )


class TestRadiate:
    def test_unrenewed_demand_is_radiated(self) -> None:
        dossier = drive_to(d.ENQUETE)  # registered 2 Jan 2025, valid until 2 Jan 2026
        meta = make_meta("prefecture", date(2026, 1, 3))
        events = when(dossier, lambda x: x.radiate("demande_non_renouvelee", meta))
        then_event(events, Dossier.Radiated, meta, reason="demande_non_renouvelee")
        assert dossier.stage == d.RADIATED

    @pytest.mark.parametrize("on", [DAY["radiate"], date(2026, 1, 2)])
    def test_valid_demand_is_not_radiated(self, on: date) -> None:
        dossier = drive_to(d.ENQUETE)
        meta = make_meta("prefecture", on)
        then_error(dossier, lambda x: x.radiate("…", meta), "SNE-VALIDITE")

    def test_dossier_without_numero_unique_is_not_radiated(self) -> None:
        dossier = drive_to(d.IDENTIFIED, numero_unique=None, sne_registered_on=None)
        meta = make_meta("prefecture", date(2027, 1, 1))
        then_error(dossier, lambda x: x.radiate("…", meta), "SNE-VALIDITE")


class TestExpireFromList:
    @pytest.mark.parametrize("stage", [d.RANKED, d.DEFERRED])
    def test_dossier_leaves_an_expired_liste_complementaire(self, stage: str) -> None:
        dossier = drive_to(stage, ranking="liste_complementaire")
        meta = make_meta("prefecture", date(2025, 10, 23))
        events = when(dossier, lambda x: x.expire_from_list(meta))
        then_event(
            events, Dossier.ListExpired, meta, reason="liste_complementaire_expiree"
        )
        assert dossier.stage == d.LIST_EXPIRED

    def test_list_has_not_expired_on_its_last_day(self) -> None:
        dossier = drive_to(d.RANKED, ranking="liste_complementaire")
        meta = make_meta("prefecture", date(2025, 10, 22))
        then_error(dossier, lambda x: x.expire_from_list(meta), "LC-VALIDITE")

    def test_ranked_dossier_is_on_no_list(self) -> None:
        dossier = drive_to(d.RANKED, ranking="rang")
        meta = make_meta("prefecture", date(2026, 1, 1))
        then_error(dossier, lambda x: x.expire_from_list(meta), "LC-VALIDITE")


class TestClose:
    @pytest.mark.parametrize(("stage", "options"), AT_THEIR_LAST_STEP)
    def test_dossier_is_closed_after_its_last_step(
        self, stage: str, options: dict[str, Any]
    ) -> None:
        dossier = drive_to(stage, **options)
        meta = make_meta("bailleur", on_or_after(dossier, DAY["close"]))
        events = when(dossier, lambda x: x.close("fin", meta))
        then_event(events, Dossier.Closed, meta, reason="fin")
        assert (dossier.stage, dossier.end_reason) == (d.CLOSED, "fin")

    @pytest.mark.parametrize(("stage", "options"), STILL_OPEN)
    def test_open_dossier_cannot_be_closed(
        self, stage: str, options: dict[str, Any]
    ) -> None:
        dossier = drive_to(stage, **options)
        meta = make_meta("als", on_or_after(dossier, DAY["close"]))
        then_error(dossier, lambda x: x.close("fin", meta), "invalid_transition")


# ---- rules that cut across the commands --------------------------------------

# DOS-ORDRE: each step of the instruction chain needs the one before it.
CHAIN = (
    d.IDENTIFIED,
    d.ENQUETE,
    d.MAIRIE,
    d.COMPLETED,
    d.RESOURCES,
    d.ANALYSIS,
    d.SOLVENCY,
)
CHAIN_STEPS = (
    "render_social_enquiry",
    "render_mairie_avis",
    "complete",
    "check_resources",
    "start_analysis",
    "assess_solvency",
    "preselect",
)


class TestProcedureOrder:
    @pytest.mark.parametrize(
        ("step", "stage"),
        [(step, stage) for i, step in enumerate(CHAIN_STEPS) for stage in CHAIN[:i]],
    )
    def test_step_taken_too_early_is_refused(self, step: str, stage: str) -> None:
        # Before the CCAS completes it, the DEAL and the ALS refuse it as incomplete.
        incomplete = step in ("check_resources", "start_analysis") and stage in (
            d.IDENTIFIED,
            d.ENQUETE,
            d.MAIRIE,
        )
        dossier = drive_to(stage)
        expected = "DOS-COMPLET" if incomplete else "DOS-ORDRE"
        then_error(dossier, lambda x: perform(x, step), expected)

    @pytest.mark.parametrize(
        ("step", "stage"),
        [
            (step, stage)
            for i, step in enumerate(CHAIN_STEPS)
            for stage in (*CHAIN, d.PRESELECTED)[i + 1 : i + 3]
        ],
    )
    def test_step_taken_again_is_refused(self, step: str, stage: str) -> None:
        dossier = drive_to(stage)
        on = on_or_after(dossier, DAY[step])
        then_error(dossier, lambda x: perform(x, step, on=on), "DOS-ORDRE")

    @pytest.mark.parametrize(
        ("step", "stage", "code"),
        [
            ("request_documents", d.RESOURCES, "invalid_transition"),
            ("request_documents", d.SOLVENCY, "invalid_transition"),
            ("receive_documents", d.SOLVENCY, "invalid_transition"),
            ("rank", d.SOLVENCY, "invalid_transition"),
            ("decide", d.PRESELECTED, "CAL-PREALABLE"),
            ("defer", d.PRESELECTED, "CAL-PREALABLE"),
            ("fulfil_condition", d.RANKED, "invalid_transition"),
            ("offer", d.RANKED, "invalid_transition"),
            ("offer", d.DEFERRED, "invalid_transition"),
            ("accept_offer", d.DECIDED, "invalid_transition"),
            ("refuse_offer", d.DECIDED, "invalid_transition"),
            ("lapse_offer", d.DECIDED, "invalid_transition"),
            ("sign_lease", d.OFFERED, "invalid_transition"),
            ("enter", d.ACCEPTED, "invalid_transition"),
            ("review_installation", d.LEASE, "invalid_transition"),
            ("close", d.ENTERED, "invalid_transition"),
            ("expire_from_list", d.PRESELECTED, "invalid_transition"),
            ("attend_information_meeting", d.SOLVENCY, "invalid_transition"),
            ("renew_demand", d.LEASE, "invalid_transition"),
            ("radiate", d.ENTERED, "invalid_transition"),
        ],
    )
    def test_later_step_taken_too_early_is_refused(
        self, step: str, stage: str, code: str
    ) -> None:
        dossier = drive_to(stage)
        on = on_or_after(dossier, DAY[step])
        then_error(dossier, lambda x: perform(x, step, on=on), code)


class TestRoles:
    def test_every_step_has_its_expected_roles(self) -> None:
        assert set(ALLOWED_ROLES) == set(STEPS_ON_A_DOSSIER)

    @pytest.mark.parametrize(
        ("step", "role"),
        [(s, r) for s in STEPS_ON_A_DOSSIER for r in sorted(ALLOWED_ROLES[s])],
    )
    def test_allowed_role_records_the_step(self, step: str, role: str) -> None:
        dossier = ready_for(step)
        events = when(dossier, lambda x: perform(x, step, role=role))
        event = then_event(events, EVENT[step])
        assert event.actor.role == role

    @pytest.mark.parametrize(
        ("step", "role"),
        [
            (s, r)
            for s in STEPS_ON_A_DOSSIER
            for r in ROLES
            if r not in ALLOWED_ROLES[s] and (s, r) not in REFUSED_BY_RULE
        ],
    )
    def test_other_role_is_refused(self, step: str, role: str) -> None:
        dossier = ready_for(step)
        then_error(dossier, lambda x: perform(x, step, role=role), "role_not_allowed")


def after_the_cal(step: str, **options: Any) -> Dossier:
    """A dossier a CAL has decided on (`options`: the procedure's, e.g. the CAL's
    `landlord`), on which `step` may be taken."""
    if step == "withdraw":
        return drive_to(d.DECIDED, **options)
    return ready_for(step, **options)


class TestLandlordAfterTheCal:
    """Once a CAL has decided, only its landlord's agents record the landlord's
    steps (offer, answer, lease, entry…); the other roles are not concerned."""

    @pytest.mark.parametrize(
        "step", [s for s in AFTER_THE_CAL if "bailleur" in ALLOWED_ROLES[s]]
    )
    def test_another_landlords_agent_is_refused(self, step: str) -> None:
        dossier = after_the_cal(step)
        on = on_or_after(dossier, DAY[step])
        error = then_error(
            dossier,
            lambda x: perform(
                x, step, role="bailleur", on=on, organisation=OTHER_LANDLORD
            ),
            "not_the_landlord",
        )
        assert LANDLORD in error.message
        assert OTHER_LANDLORD in error.message

    @pytest.mark.parametrize(
        "step", [s for s in AFTER_THE_CAL if "bailleur" in ALLOWED_ROLES[s]]
    )
    def test_the_deciding_landlords_agent_records_the_step(self, step: str) -> None:
        dossier = after_the_cal(step, landlord=OTHER_LANDLORD)
        on = on_or_after(dossier, DAY[step])
        events = when(
            dossier,
            lambda x: perform(
                x, step, role="bailleur", on=on, organisation=OTHER_LANDLORD
            ),
        )
        assert then_event(events, EVENT[step]).actor.organisation == OTHER_LANDLORD

    def test_another_landlord_cannot_offer_the_dwelling(self) -> None:
        dossier = drive_to(d.DECIDED, landlord=OTHER_LANDLORD)
        assert dossier.cal_decision["landlord"] == OTHER_LANDLORD
        then_error(dossier, offer_command(), "not_the_landlord")  # LANDLORD's agent

    def test_the_landlord_whose_cal_attributed_offers_the_dwelling(self) -> None:
        dossier = drive_to(d.DECIDED, landlord=OTHER_LANDLORD)
        meta = make_meta("bailleur", DAY["offer"], organisation=OTHER_LANDLORD)
        events = when(dossier, lambda x: x.offer(ANSWER_DEADLINE, meta))
        then_event(events, Dossier.Offered, meta, dwelling_ref=DWELLING)

    @pytest.mark.parametrize(
        ("step", "role"),
        [
            (s, r)
            for s in AFTER_THE_CAL
            for r in sorted(ALLOWED_ROLES[s] - {"bailleur"})
        ],
    )
    def test_other_roles_record_the_step_whoever_decided(
        self, step: str, role: str
    ) -> None:
        dossier = after_the_cal(step, landlord=OTHER_LANDLORD)
        on = on_or_after(dossier, DAY[step])
        events = when(dossier, lambda x: perform(x, step, role=role, on=on))
        event = then_event(events, EVENT[step])
        assert (event.actor.role, event.actor.organisation) == (
            role,
            ORGANISATIONS[role],
        )


class TestEndedDossier:
    @pytest.mark.parametrize("stage", sorted(TERMINAL))
    @pytest.mark.parametrize("step", STEPS_ON_A_DOSSIER)
    def test_ended_dossier_takes_no_further_step(self, stage: str, step: str) -> None:
        dossier = drive_to(stage)
        on = on_or_after(dossier, DAY[step])
        then_error(dossier, lambda x: perform(x, step, on=on), "dossier_ended")


class TestChronology:
    @pytest.mark.parametrize("step", CHRONOLOGICAL_STEPS)
    def test_step_dated_before_the_previous_one_is_refused(self, step: str) -> None:
        refused_the_day_before(ready_for(step), lambda x, on: perform(x, step, on=on))

    @pytest.mark.parametrize(
        "step",
        [
            s
            for s in CHRONOLOGICAL_STEPS
            if s not in {"lapse_offer", "expire_from_list", "enter"}  # dated rules
        ],
    )
    def test_step_dated_the_same_day_as_the_previous_one_is_accepted(
        self, step: str
    ) -> None:
        dossier = ready_for(step)
        same_day = dossier.last_occurred_on
        accepted_the_same_day(
            dossier, lambda x, on: perform(x, step, on=on), EVENT[step]
        )
        assert dossier.last_occurred_on == same_day


class TestReplay:
    def test_full_history_rebuilds_an_equal_dossier(self) -> None:
        dossier, events = drive_with_history(d.CLOSED, documents_round=True)
        rebuilt = given(events)
        assert rebuilt == dossier
        assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
        assert rebuilt.version == dossier.version == len(events) == 19
        assert rebuilt.stage == d.CLOSED
        assert rebuilt.documents == sorted({*REQUIRED_DOCUMENTS, *REQUESTED_DOCUMENTS})
        assert rebuilt.outstanding_documents == []
        assert rebuilt.avis == {"enquete_sociale": "favorable", "mairie": "favorable"}
        assert rebuilt.solvency == dossier.solvency
        assert rebuilt.solvency["taux_effort"] == Decimal("0.1667")
        assert rebuilt.lease == dossier.lease
        assert rebuilt.information_meetings == [
            {"on": DAY["attend_information_meeting"], "topics": MEETING_TOPICS}
        ]
        assert rebuilt.last_occurred_on == DAY["close"]

    @pytest.mark.parametrize("stage", STAGES)
    def test_history_to_each_stage_rebuilds_an_equal_dossier(self, stage: str) -> None:
        dossier, events = drive_with_history(stage)
        rebuilt = given(events)
        assert rebuilt == dossier
        assert (rebuilt.stage, rebuilt.version) == (stage, len(events))

    def test_replay_does_not_judge_past_facts_by_todays_rules(self) -> None:
        events = history_to(d.OFFERED)
        offered = given(events)
        late = ANSWER_DEADLINE + timedelta(days=30)  # accept_offer would refuse it
        accepted = Dossier.OfferAccepted(
            originator_id=offered.id,
            originator_version=offered.version + 1,
            timestamp=Dossier.OfferAccepted.create_timestamp(),
            **make_meta("bailleur", late).fields(),
        )
        rebuilt = given([*events, accepted])
        assert (rebuilt.stage, rebuilt.last_occurred_on) == (d.ACCEPTED, late)


class TestValuesNoSituationCanHave:
    """The domain refuses impossible values itself, not only the API's schemas."""

    def test_household_of_nobody_is_refused(self) -> None:
        meta = make_meta("mairie", DAY["identify"])
        with pytest.raises(DomainError) as caught:
            identify_command(meta, household_size=0)(None)
        assert caught.value.code == "invalid_value"

    def test_negative_resources_are_refused(self) -> None:
        dossier = drive_to(d.COMPLETED)
        meta = make_meta("deal", DAY["check_resources"])
        then_error(
            dossier,
            lambda x: x.check_resources(Decimal(-1), 2, make_settings(), 1, meta),
            "invalid_value",
        )

    @pytest.mark.parametrize("documents", [[], ["  "]])
    def test_empty_document_lists_are_refused(self, documents: list[str]) -> None:
        dossier = drive_to(d.ANALYSIS)
        meta = make_meta("als", DAY["request_documents"])
        then_error(
            dossier,
            lambda x: x.request_documents(documents, "ccas", "CCAS", meta),
            "invalid_value",
        )

    def test_housing_benefit_above_rent_and_charges_is_refused(self) -> None:
        dossier = drive_to(d.ANALYSIS)
        then_error(dossier, solvency(benefit="401.00"), "ALS-SOLVA")

    def test_negative_rent_is_refused(self) -> None:
        dossier = drive_to(d.ACCEPTED)
        meta = make_meta("bailleur", DAY["sign_lease"])
        then_error(
            dossier,
            lambda x: x.sign_lease(LEASE_START, Decimal(-5), CHARGES, meta),
            "invalid_value",
        )

    def test_lease_cannot_start_before_the_offer(self) -> None:
        dossier = drive_to(d.ACCEPTED)
        meta = make_meta("bailleur", DAY["sign_lease"])
        early = DAY["offer"] - timedelta(days=1)
        then_error(
            dossier,
            lambda x: x.sign_lease(early, RENT, CHARGES, meta),
            "lease_before_offer",
        )


class TestLateAnswers:
    def test_refusal_after_the_deadline_is_a_lapse_not_a_refusal(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", ANSWER_DEADLINE + timedelta(days=1))
        then_error(dossier, lambda x: x.refuse_offer("Trop tard", meta), "OFFRE-DELAI")

    def test_refusal_on_the_deadline_is_recorded(self) -> None:
        dossier = drive_to(d.OFFERED)
        meta = make_meta("bailleur", ANSWER_DEADLINE)
        events = when(dossier, lambda x: x.refuse_offer(None, meta))
        then_event(events, Dossier.OfferRefused, meta, motive=None)

    def test_condition_not_met_by_its_deadline_lets_the_dossier_close(self) -> None:
        dossier = drive_to(d.DECIDED, decision="attribution_sous_condition_suspensive")
        meta = make_meta("als", CONDITION_DEADLINE + timedelta(days=1))
        events = when(dossier, lambda x: x.close("Condition non levée", meta))
        then_event(events, Dossier.Closed, meta, reason="Condition non levée")
        assert dossier.stage == d.CLOSED

    def test_condition_still_open_keeps_the_dossier_from_closing(self) -> None:
        dossier = drive_to(d.DECIDED, decision="attribution_sous_condition_suspensive")
        meta = make_meta("als", CONDITION_DEADLINE)
        then_error(dossier, lambda x: x.close("Trop tôt", meta), "invalid_transition")
