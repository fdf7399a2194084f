"""The legality engine's "cmd" rules checked again on any history, and the rules
of commissions and programmes: for each, a history that breaks it (an import the
commands would have refused, made by altering the events) and one that does not.
Each decision is judged by the settings version in force on its day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain import commission_steps as c
from domain import dossier as d
from domain.commission import Commission
from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.dossier import Dossier
from domain.legality.commission import check_commission
from domain.legality.dossier import check_dossier
from domain.legality.programme import check_programme
from domain.legality.rules import Finding, SettingsOn
from domain.programme import Programme
from tests.helpers.commissions import (
    ALS,
    LIST_VALID_UNTIL,
    PROGRAMME_DAY,
    programme_with_history,
    rda_settings,
    session_history,
)
from tests.helpers.dossiers import DAY, history_to, make_settings

LATE = date(2026, 6, 30)
KEEP = {"social_data_retention_months": 24}  # RGPD-CONSERVATION out of the way


def versions(*adopted: tuple[date, DepartmentSettings]) -> SettingsOn:
    """A department's settings history: version n takes effect on its date."""

    def on(day: date) -> tuple[int, DepartmentSettings]:
        in_force = [
            (n, s) for n, (since, s) in enumerate(adopted, start=1) if since <= day
        ]
        if not in_force:
            raise DepartmentNotConfiguredError("aucun paramétrage")
        return in_force[-1]

    return on


SINCE_2020 = versions((date(2020, 1, 1), make_settings(**KEEP)))


def dossier_findings(
    events: list[Any], as_of: date = LATE, settings_on: SettingsOn = SINCE_2020
) -> list[Finding]:
    return check_dossier(events, settings_on, as_of)


def the_finding(
    rule: str,
    events: list[Any],
    as_of: date = LATE,
    settings_on: SettingsOn = SINCE_2020,
) -> Finding:
    """The one finding on `events`, which must be `rule`'s."""
    [finding] = dossier_findings(events, as_of, settings_on)
    assert finding.rule == rule
    return finding


def rules_of(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


def altered(history: list[Any], cls: type, **changes: Any) -> list[Any]:
    return [replace(e, **changes) if type(e) is cls else e for e in history]


def dropped(history: list[Any], cls: type) -> list[Any]:
    kept = [e for e in history if type(e) is not cls]
    return [replace(e, originator_version=i) for i, e in enumerate(kept, start=1)]


def the(events: list[Any], cls: type) -> Any:
    [event] = [e for e in events if type(e) is cls]
    return event


# ---- settings in force per decision -------------------------------------------


def test_a_decision_is_judged_by_the_settings_in_force_on_its_day() -> None:
    """A document required from 2026 on does not make a 2025 dossier incomplete;
    the same requirement in force in 2025 does, and the finding says which
    version judged it."""
    events = history_to(d.RESOURCES)
    stricter = make_settings(
        **KEEP,
        required_documents=(*make_settings().required_documents, "rib"),
    )
    later = versions(
        (date(2020, 1, 1), make_settings(**KEEP)), (date(2026, 1, 1), stricter)
    )
    assert dossier_findings(events, settings_on=later) == []
    earlier = versions(
        (date(2020, 1, 1), make_settings(**KEEP)), (date(2025, 1, 1), stricter)
    )
    finding = the_finding("DOS-COMPLET", events, settings_on=earlier)
    assert finding.settings_version == 2
    assert finding.breached_on == DAY["complete"]


def test_a_day_without_settings_in_force_is_not_judged() -> None:
    events = altered(history_to(d.RESOURCES), Dossier.Completed, documents=["rib"])
    assert dossier_findings(events, settings_on=versions()) == []


# ---- histories the commands record keep the rules -----------------------------

# For each "cmd" rule below, a history that keeps it (its breaches follow).
KEPT = {
    "SNE-NUMERO": (d.DECIDED, {}),  # a CAL decision with a numéro unique
    "DOS-AVIS": (d.MAIRIE, {"avis": "non_prioritaire"}),  # an avis of the list
    "DOS-COMPLET": (d.ANALYSIS, {}),  # with the required documents
    "DOS-ORIGINE": (d.IDENTIFIED, {"dalo": True}),  # proposed by the prefecture
    "ALS-SOLVA": (d.SOLVENCY, {}),  # a recomputable solvency study
    "ALS-CONTACT": (d.SOLVENCY, {"documents_round": True}),  # through the CCAS
    "CAL-PREALABLE": (d.DECIDED, {}),  # a CAL decision on a ranked dossier
    "CAL-DECISION": (d.DEFERRED, {}),  # a deferral with motive and return session
    "BILAN-SUITE": (d.REVIEWED, {"installation": "problemes"}),  # 6 months' support
}


@pytest.mark.parametrize(("stage", "options"), KEPT.values(), ids=list(KEPT))
def test_a_history_within_the_rule_is_legal(
    stage: str, options: dict[str, Any]
) -> None:
    assert dossier_findings(history_to(stage, **options)) == []


# ---- SNE-NUMERO ----------------------------------------------------------------


def test_a_cal_decision_without_numero_unique_is_a_breach() -> None:
    events = altered(
        history_to(d.DECIDED),
        Dossier.Identified,
        numero_unique=None,
        sne_registered_on=None,
    )
    finding = the_finding("SNE-NUMERO", events)
    assert finding.versions == (the(events, Dossier.CALDecided).originator_version,)
    assert finding.breached_on == DAY["decide"]
    assert dossier_findings(events, DAY["decide"] - timedelta(days=1)) == []


# ---- DOS-AVIS ------------------------------------------------------------------


def test_an_avis_outside_the_list_is_a_breach() -> None:
    events = altered(
        history_to(d.MAIRIE), Dossier.SocialEnquiryRendered, avis="tres_favorable"
    )
    assert rules_of(dossier_findings(events)) == ["DOS-AVIS"]


# ---- DOS-COMPLET ---------------------------------------------------------------


def test_a_dossier_missing_a_required_document_is_a_breach() -> None:
    events = altered(
        history_to(d.ANALYSIS), Dossier.Completed, documents=["piece_identite"]
    )
    finding = the_finding("DOS-COMPLET", events)
    assert "avis_imposition" in finding.message
    assert finding.settings_version == 1


# ---- DOS-ORIGINE ---------------------------------------------------------------


def test_a_dalo_dossier_proposed_by_the_mairie_is_a_breach() -> None:
    events = altered(history_to(d.IDENTIFIED), Dossier.Identified, dalo=True)
    assert the_finding("DOS-ORIGINE", events).breached_on == DAY["identify"]


# ---- DALO-DELAI -----------------------------------------------------------------

APPEAL, RECOGNISED = date(2024, 11, 4), date(2025, 1, 2)  # before DAY["identify"]
SIX_MONTHS_OFFER = versions(
    (date(2020, 1, 1), make_settings(**KEEP, dalo_offer_months=6))
)


def dalo_history(stage: str, **days: date | None) -> list[Any]:
    dated = {"dalo_appeal_on": APPEAL, "dalo_recognised_on": RECOGNISED} | days
    return altered(history_to(stage, dalo=True), Dossier.Identified, **dated)


def test_a_dalo_household_offered_a_dwelling_in_time_is_legal() -> None:
    events = dalo_history(d.OFFERED)  # offered 26/05/2025, within six months
    assert dossier_findings(events, settings_on=SIX_MONTHS_OFFER) == []


def test_an_offer_after_the_prefets_delay_is_a_breach() -> None:
    events = dalo_history(d.OFFERED)  # three months: due by 02/04/2025
    finding = the_finding("DALO-DELAI", events)
    offer = the(events, Dossier.Offered)
    assert finding.versions == (1, offer.originator_version)
    assert finding.breached_on == date(2025, 4, 3)
    assert finding.settings_version == 1
    assert "Première offre de logement le 26/05/2025" in finding.message


def test_no_offer_by_the_prefets_delay_is_a_breach_once_it_passed() -> None:
    events = dalo_history(d.IDENTIFIED)
    assert dossier_findings(events, as_of=date(2025, 4, 2)) == []
    finding = the_finding("DALO-DELAI", events, as_of=date(2025, 4, 3))
    assert "Aucune offre de logement" in finding.message
    assert finding.breached_on == date(2025, 4, 3)


def test_a_mediation_decision_after_its_delay_is_a_breach() -> None:
    events = dalo_history(d.OFFERED, dalo_appeal_on=date(2024, 6, 3))
    finding = the_finding("DALO-DELAI", events, settings_on=SIX_MONTHS_OFFER)
    assert "Commission de médiation" in finding.message
    assert finding.breached_on == date(2024, 9, 4)


def test_a_dalo_dossier_recorded_without_its_days_is_not_judged_on_them() -> None:
    events = dalo_history(d.IDENTIFIED, dalo_appeal_on=None, dalo_recognised_on=None)
    assert dossier_findings(events) == []


def test_the_delays_in_force_on_the_appeal_and_the_recognition_judge() -> None:
    changed = versions(
        (date(2020, 1, 1), make_settings(**KEEP)),
        (date(2025, 1, 1), make_settings(**KEEP, dalo_offer_months=6)),
    )
    assert dossier_findings(dalo_history(d.OFFERED), settings_on=changed) == []


# ---- DEAL-PLAFOND --------------------------------------------------------------


def test_resources_under_the_ceiling_in_force_are_legal() -> None:
    events = history_to(d.RESOURCES)
    # A lower ceiling adopted since does not judge the past control.
    lower = make_settings(**KEEP, resource_ceilings=())
    since = versions(
        (date(2020, 1, 1), make_settings(**KEEP)), (date(2025, 12, 1), lower)
    )
    assert dossier_findings(events, settings_on=since) == []


def test_an_eligibility_above_the_ceiling_is_a_breach() -> None:
    events = altered(
        history_to(d.RESOURCES),
        Dossier.ResourcesChecked,
        annual_resources=Decimal("20000"),
    )
    finding = the_finding("DEAL-PLAFOND", events)
    assert finding.settings_version == 1
    assert finding.breached_on == DAY["check_resources"]


# ---- ALS-SOLVA -----------------------------------------------------------------


def test_a_taux_d_effort_that_the_inputs_do_not_give_is_a_breach() -> None:
    events = altered(
        history_to(d.SOLVENCY),
        Dossier.SolvencyAssessed,
        taux_effort=Decimal("0.1000"),
    )
    assert "0.1000" in the_finding("ALS-SOLVA", events).message


def test_a_favourable_opinion_outside_thresholds_without_motive_is_a_breach() -> None:
    strict = versions(
        (date(2020, 1, 1), make_settings(**KEEP, max_taux_effort=Decimal("0.10")))
    )
    finding = the_finding("ALS-SOLVA", history_to(d.SOLVENCY), settings_on=strict)
    assert finding.settings_version == 1


# ---- ALS-CONTACT ---------------------------------------------------------------


def test_documents_asked_of_the_applicant_during_analysis_is_a_breach() -> None:
    events = altered(
        history_to(d.SOLVENCY, documents_round=True),
        Dossier.DocumentsRequested,
        through_role="demandeur",
    )
    assert the_finding("ALS-CONTACT", events).breached_on == DAY["request_documents"]


# ---- CAL-PREALABLE -------------------------------------------------------------


def test_a_cal_decision_on_a_dossier_never_ranked_is_a_breach() -> None:
    events = dropped(history_to(d.DECIDED), Dossier.Ranked)
    assert rules_of(dossier_findings(events)) == ["CAL-PREALABLE"]


# ---- CAL-DECISION --------------------------------------------------------------


def test_an_attribution_without_dwelling_is_a_breach() -> None:
    events = altered(history_to(d.DECIDED), Dossier.CALDecided, dwelling_ref=None)
    assert rules_of(dossier_findings(events)) == ["CAL-DECISION"]


def test_a_deferral_without_motive_is_a_breach() -> None:
    events = altered(history_to(d.DEFERRED), Dossier.Deferred, motive="")
    assert rules_of(dossier_findings(events)) == ["CAL-DECISION"]


# ---- BILAN-SUITE ---------------------------------------------------------------


def test_a_bilan_with_problems_and_short_support_is_a_breach() -> None:
    events = altered(
        history_to(d.REVIEWED, installation="problemes"),
        Dossier.InstallationReviewed,
        support_months=3,
    )
    finding = the_finding("BILAN-SUITE", events)
    assert finding.breached_on == DAY["review_installation"]
    assert finding.settings_version == 1


# ---- RGPD-CONSERVATION ---------------------------------------------------------

ONE_MONTH = versions((date(2020, 1, 1), make_settings()))  # the default: 1 month


def test_social_data_within_their_retention_is_legal() -> None:
    events = history_to(d.REVIEWED)
    assert dossier_findings(events, date(2025, 9, 4), ONE_MONTH) == []


def test_social_data_kept_past_their_retention_is_an_alert() -> None:
    events = history_to(d.REVIEWED)  # bilan "ok" on 4 August 2025: no follow-up
    finding = the_finding("RGPD-CONSERVATION", events, date(2025, 9, 5), ONE_MONTH)
    assert finding.severity == "alerte"
    assert finding.breached_on == date(2025, 9, 5)


def test_social_data_serve_until_the_end_of_the_support() -> None:
    events = history_to(d.REVIEWED, installation="problemes")  # 6 months
    assert dossier_findings(events, date(2026, 3, 4), ONE_MONTH) == []
    assert rules_of(dossier_findings(events, date(2026, 3, 5), ONE_MONTH)) == [
        "RGPD-CONSERVATION"
    ]


# ---- commissions ---------------------------------------------------------------

RDA_SINCE_2020 = versions((date(2020, 1, 1), rda_settings()))


def commission_findings(
    events: list[Any], settings_on: SettingsOn = RDA_SINCE_2020
) -> list[Finding]:
    return check_commission(events, settings_on, LATE)


def with_attendance(events: list[Any], **changes: Any) -> list[Any]:
    return altered(events, Commission.AttendanceRecorded, **changes)


def first_dwelling(events: list[Any], **changes: Any) -> list[Any]:
    """The history with the CAL's first dwelling decisions altered."""
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    return [replace(e, **changes) if e is first else e for e in events]


def test_whole_sessions_are_legal() -> None:
    for kind in c.KINDS:
        assert commission_findings(session_history(kind)[1]) == [], kind


def test_a_pre_selection_without_the_deal_is_a_breach() -> None:
    events = session_history(c.PRE_COMMISSION)[1]
    attendance = the(events, Commission.AttendanceRecorded)
    without_deal = [a for a in attendance.attendees if a["role"] != "deal"]
    found = commission_findings(with_attendance(events, attendees=without_deal))
    assert rules_of(found) == ["PRECOM-QUORUM", "PRECOM-QUORUM"]  # two decisions
    assert "deal" in found[0].message


def test_a_commission_prefectorale_presided_by_the_als_is_a_breach() -> None:
    events = session_history(c.COMMISSION_PREFECTORALE)[1]
    als = {"organisation": ALS.organisation, "role": "als", "function": ALS.function}
    found = commission_findings(with_attendance(events, presided_by=als))
    assert rules_of(found) == ["COMPREF-PRESIDENCE"]


def test_a_ranking_passing_over_the_rda_without_motive_is_a_breach() -> None:
    events = session_history(c.COMMISSION_PREFECTORALE)[1]
    ranking = the(events, Commission.RankingDecided)
    swapped = [
        {**ranking.ranked[0], "criteria": ["insalubre"]},
        *ranking.ranked[1:],
    ]
    events = altered(events, Commission.RankingDecided, ranked=swapped)
    [finding] = commission_findings(events)
    assert finding.rule == "COMPREF-RANG"
    assert finding.settings_version == 1


def test_a_ranking_when_the_rda_in_force_has_no_criteria_is_a_breach() -> None:
    events = session_history(c.COMMISSION_PREFECTORALE)[1]
    no_rda = versions((date(2020, 1, 1), make_settings()))
    assert rules_of(commission_findings(events, no_rda)) == ["COMPREF-RANG"]


def test_a_dwelling_with_two_candidates_and_no_motive_is_a_breach() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    events = first_dwelling(events, decisions=first.decisions[:2])
    assert rules_of(commission_findings(events)) == ["CAL-TROIS"]


def test_a_dwelling_with_two_candidates_and_a_motive_is_legal() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    events = first_dwelling(
        events,
        decisions=first.decisions[:2],
        exception="candidats_insuffisants",
        exception_motive="Deux dossiers seulement sur la liste.",
    )
    assert commission_findings(events) == []


def test_a_cal_decision_outside_r441_3_is_a_breach() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    decisions = [{**first.decisions[0], "decision": "accord"}, *first.decisions[1:]]
    events = first_dwelling(events, decisions=decisions)
    assert rules_of(commission_findings(events)) == ["CAL-DECISION"]


def test_a_cal_decision_on_an_expired_liste_is_a_breach() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    expired = {
        **first.decisions[1]["prior"],
        "outcome": "liste_complementaire",
        "valid_until": DAY["decide"] - timedelta(days=1),
    }
    decisions = [
        first.decisions[0],
        {**first.decisions[1], "prior": expired},
        first.decisions[2],
    ]
    found = commission_findings(first_dwelling(events, decisions=decisions))
    assert rules_of(found) == ["LC-VALIDITE"]


def test_a_cal_decision_on_a_valid_liste_is_legal() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    listed = {
        **first.decisions[1]["prior"],
        "outcome": "liste_complementaire",
        "valid_until": LIST_VALID_UNTIL,
    }
    decisions = [
        first.decisions[0],
        {**first.decisions[1], "prior": listed},
        first.decisions[2],
    ]
    assert commission_findings(first_dwelling(events, decisions=decisions)) == []


def test_a_cal_decision_on_a_dossier_not_retained_is_a_breach() -> None:
    events = session_history(c.CAL)[1]
    first = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    set_aside = {**first.decisions[2]["prior"], "outcome": "non_retenu"}
    decisions = [*first.decisions[:2], {**first.decisions[2], "prior": set_aside}]
    found = commission_findings(first_dwelling(events, decisions=decisions))
    assert rules_of(found) == ["CAL-PREALABLE"]


# ---- CONC-QUOTA ----------------------------------------------------------------


def programme_findings(
    events: list[Any], settings_on: SettingsOn = SINCE_2020
) -> list[Finding]:
    return check_programme(events, settings_on, LATE)


def test_a_concertation_with_the_quota_in_force_is_legal() -> None:
    assert programme_findings(programme_with_history("hold_concertation")[1]) == []


def test_a_quota_other_than_the_setting_without_motive_is_a_breach() -> None:
    events = altered(
        programme_with_history("hold_concertation")[1],
        Programme.ConcertationHeld,
        dossiers_per_dwelling=2,
        dossiers_to_gather=6,
    )
    [finding] = programme_findings(events)
    assert finding.rule == "CONC-QUOTA"
    assert finding.settings_version == 1
    assert finding.breached_on == PROGRAMME_DAY["hold_concertation"]
    # The same quota was the setting in force that day: legal.
    two = versions((date(2020, 1, 1), make_settings(dossiers_per_dwelling=2)))
    assert programme_findings(events, two) == []


def test_a_concertation_without_the_deal_invited_is_a_breach() -> None:
    history = programme_with_history("hold_concertation")[1]
    held = the(history, Programme.ConcertationHeld)
    invited = [p for p in held.invited if p["role"] != "deal"]
    events = altered(history, Programme.ConcertationHeld, invited=invited)
    assert rules_of(programme_findings(events)) == ["CONC-QUOTA"]
