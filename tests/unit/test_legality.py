"""The legality engine on LLTS dossier histories: for each rule, a history that
breaks it and one that does not, read before and after the deadlines.

Histories come from real dossiers driven by commands; an imported history that
the commands would have refused is made by building or altering the events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain import dossier as d
from domain import records
from domain.department_settings import DepartmentSettings
from domain.dossier import Dossier
from domain.legality import RULES, RULES_BY_ID, Finding, check_dossier
from domain.legality.rules import SettingsOn
from tests.helpers.dossiers import (
    CONDITION_DEADLINE,
    DAY,
    Procedure,
    decision_args,
    drive_with_history,
    history_to,
    imported,
    make_settings,
    perform,
)

# Social-appraisal data may be kept two years here, so that histories read on
# LATE show the other rules only; RGPD-CONSERVATION's tests set their own.
SETTINGS = make_settings(social_data_retention_months=24)
LATE = date(2026, 6, 30)  # long after every step of the driven calendar
ENTRY_DEADLINE = date(2025, 8, 16)  # entry 16/06/2025 + 2 months


def settings_on(
    settings: DepartmentSettings = SETTINGS, version: int = 1
) -> SettingsOn:
    """One settings version, in force since long before any test history."""

    def on(day: date) -> tuple[int, DepartmentSettings]:
        return version, settings

    return on


def findings(events: list[Any], as_of: date = LATE, **settings: Any) -> list[Finding]:
    rules = (
        settings_on(make_settings(**{"social_data_retention_months": 24, **settings}))
        if settings
        else settings_on()
    )
    return check_dossier(events, rules, as_of)


def rules_of(found: list[Finding]) -> list[str]:
    return [f.rule for f in found]


def the_finding(
    events: list[Any], rule: str, *named: type | int, day: date | None = None
) -> Finding:
    """The one finding on `events`: `rule`'s, naming the versions of the events
    of the classes `named` (or a version itself), breached on `day` (when
    given)."""
    versions = tuple(n if isinstance(n, int) else version(events, n) for n in named)
    [finding] = findings(events)
    assert (finding.rule, finding.versions) == (rule, versions)
    if day is not None:
        assert finding.breached_on == day
    return finding


def breached_on(events: list[Any], day: date, rule: str, *named: type | int) -> None:
    """`the_finding`, breached on `day` and not before."""
    the_finding(events, rule, *named, day=day)
    assert findings(events, day - timedelta(days=1)) == []


def version(events: list[Any], cls: type) -> int:
    [event] = [e for e in events if type(e) is cls]
    return event.originator_version


def extend(stage: str, steps: list[tuple[str, date]], **options: Any) -> list[Any]:
    """Drive to `stage`, then take `steps` on the given days (commands only)."""
    dossier, events = drive_with_history(stage, **options)
    procedure = replace(Procedure(), **options)
    for step, on in steps:
        perform(dossier, step, on=on, procedure=procedure)
    return events + list(dossier.collect_events())


def altered(history: list[Any], cls: type, **changes: Any) -> list[Any]:
    """The same history with the `cls` event's fields changed (an import's error)."""
    return [replace(e, **changes) if type(e) is cls else e for e in history]


def dropped(history: list[Any], cls: type) -> list[Any]:
    """The history without the `cls` event, renumbered."""
    kept = [e for e in history if type(e) is not cls]
    return [replace(e, originator_version=i) for i, e in enumerate(kept, start=1)]


# DOMAIN.md §8, in its order: the LLTS rules, then the ASLL / CCAPEX ones.
LLTS_RULES = (
    "SNE-NUMERO", "SNE-VALIDITE", "CONC-QUOTA", "DOS-ORDRE", "DOS-AVIS",
    "DOS-COMPLET", "DOS-ORIGINE", "DOS-RETRAIT", "DOS-IRRECEVABILITE",
    "DEAL-PLAFOND", "ALS-SOLVA", "ALS-CONTACT",
    "PRECOM-QUORUM", "COMPREF-PRESIDENCE", "COMPREF-RANG", "LC-VALIDITE",
    "CAL-PREALABLE", "CAL-TROIS", "CAL-DECISION", "LOGEMENT-UNIQUE", "CAL-CONDITION",
    "CAL-MOTIF",
    "OFFRE-DELAI", "DALO-DELAI", "ENTREE-INFO", "BILAN-DELAI", "BILAN-SUITE",
    "RGPD-CONSERVATION",
)  # fmt: skip
OTHER_RULES = (
    "ASLL-ADHESION", "ASLL-PRESCRIPTEUR", "ASLL-CANAL", "ASLL-CAPACITE",
    "ASLL-CONTENU", "ASLL-DUREE", "ASLL-RYTHME", "ASLL-FIN", "BG-GLISSEMENT",
    "CCAPEX-SAISINE", "SAISIE-TARDIVE",
)  # fmt: skip
KINDS = {kind.name for kind in records.KINDS}


def test_rules_table_has_titles_sources_and_severities() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids)) == len(RULES_BY_ID)
    assert set(LLTS_RULES) <= set(ids) <= {*LLTS_RULES, *OTHER_RULES}
    assert all(r.title and r.source and r.applies_to for r in RULES)
    assert all(set(r.applies_to) <= KINDS for r in RULES)
    assert {r.severity for r in RULES} == {"bloquant", "alerte"}


def test_the_rules_the_history_cannot_show_say_why() -> None:
    unchecked = {r.id: r.not_checkable for r in RULES if not r.checked}
    assert RULES_BY_ID["DALO-DELAI"].checked  # its days are recorded since v2
    assert all(
        (why or "").startswith("non vérifiable sur l'historique")
        for why in unchecked.values()
    )


@pytest.mark.parametrize("stage", [d.REVIEWED, d.CLOSED, d.LAPSED, d.REFUSED])
def test_a_driven_history_breaks_nothing(stage: str) -> None:
    assert findings(history_to(stage)) == []


def test_a_history_is_read_as_of_a_day() -> None:
    events = history_to(d.CLOSED)
    assert (
        check_dossier(events, settings_on(), DAY["identify"] - timedelta(days=1)) == []
    )
    assert check_dossier([], settings_on(), LATE) == []


# ---- BILAN-DELAI -------------------------------------------------------------


def test_bilan_within_the_deadline_is_legal() -> None:
    events = extend(
        d.ENTERED,
        [
            ("attend_information_meeting", DAY["attend_information_meeting"]),
            ("review_installation", ENTRY_DEADLINE),
        ],
    )
    assert findings(events) == []


def test_no_bilan_is_a_breach_only_once_the_deadline_passed() -> None:
    events = extend(
        d.ENTERED,
        [("attend_information_meeting", DAY["attend_information_meeting"])],
    )
    assert findings(events, ENTRY_DEADLINE) == []
    [finding] = findings(events, ENTRY_DEADLINE + timedelta(days=1))
    assert finding.rule == "BILAN-DELAI"
    assert finding.versions == (version(events, Dossier.Entered),)
    assert finding.breached_on == date(2025, 8, 17)
    assert finding.severity == "alerte"


def test_a_late_bilan_is_a_breach_from_the_day_after_the_deadline() -> None:
    review_on = date(2025, 9, 1)
    events = extend(
        d.ENTERED,
        [
            ("attend_information_meeting", DAY["attend_information_meeting"]),
            ("review_installation", review_on),
        ],
    )
    the_finding(
        events,
        "BILAN-DELAI",
        Dossier.Entered,
        Dossier.InstallationReviewed,
        day=date(2025, 8, 17),
    )
    # Before the review was recorded, the same breach shows as a missing bilan.
    [before] = findings(events, review_on - timedelta(days=1))
    assert before.versions == (version(events, Dossier.Entered),)


def test_the_bilan_deadline_follows_the_settings_passed() -> None:
    events = extend(
        d.ENTERED,
        [("attend_information_meeting", DAY["attend_information_meeting"])],
    )
    assert (
        findings(events, date(2025, 9, 1), bilan_installation_deadline_months=3) == []
    )


# ---- ENTREE-INFO -------------------------------------------------------------


def test_a_bilan_without_information_meeting_is_a_breach() -> None:
    events = extend(d.ENTERED, [("review_installation", DAY["review_installation"])])
    the_finding(
        events,
        "ENTREE-INFO",
        Dossier.CALDecided,
        Dossier.InstallationReviewed,
        day=DAY["review_installation"],
    )


def test_no_information_meeting_by_the_bilan_deadline_is_a_breach() -> None:
    events = history_to(d.ENTERED)
    assert findings(events, ENTRY_DEADLINE) == []
    found = findings(events, ENTRY_DEADLINE + timedelta(days=1))
    assert sorted(rules_of(found)) == ["BILAN-DELAI", "ENTREE-INFO"]
    [info] = [f for f in found if f.rule == "ENTREE-INFO"]
    assert info.versions == (
        version(events, Dossier.CALDecided),
        version(events, Dossier.Entered),
    )


def test_a_meeting_dated_before_the_cal_does_not_count() -> None:
    events = altered(
        history_to(d.REVIEWED),
        Dossier.InformationMeetingAttended,
        occurred_on=DAY["decide"] - timedelta(days=1),
    )
    assert rules_of(findings(events)) == ["ENTREE-INFO"]


# ---- OFFRE-DELAI -------------------------------------------------------------


def test_an_answer_within_the_deadline_is_legal() -> None:
    assert findings(history_to(d.ACCEPTED)) == []


@pytest.mark.parametrize("answer", [Dossier.OfferAccepted, Dossier.OfferRefused])
def test_an_answer_after_the_deadline_is_a_breach(answer: type) -> None:
    history = history_to(d.OFFERED)
    late = date(2025, 6, 12)  # the answer deadline was 9 June
    fields = {"motive": None} if answer is Dossier.OfferRefused else {}
    events = imported(history, answer, "bailleur", late, **fields)
    breached_on(events, late, "OFFRE-DELAI", Dossier.Offered, len(events))


def test_an_offer_with_less_than_ten_days_is_a_breach() -> None:
    events = altered(
        history_to(d.OFFERED),
        Dossier.Offered,
        answer_deadline=DAY["offer"] + timedelta(days=9),
    )
    breached_on(events, DAY["offer"], "OFFRE-DELAI", Dossier.Offered)


# ---- LC-VALIDITE -------------------------------------------------------------


def test_a_cal_decision_within_the_list_validity_is_legal() -> None:
    assert findings(history_to(d.DECIDED, ranking="liste_complementaire")) == []


def test_a_cal_decision_on_an_expired_list_is_a_breach() -> None:
    history = history_to(d.RANKED, ranking="liste_complementaire")
    decided_on = date(2025, 11, 3)  # the list expired on 22 October
    events = imported(
        history,
        Dossier.CALDecided,
        "bailleur",
        decided_on,
        **decision_args("attribution", decided_on),
    )
    finding = the_finding(
        events, "LC-VALIDITE", Dossier.Ranked, len(events), day=decided_on
    )
    assert finding.severity == "bloquant"
    assert findings(events, date(2025, 11, 2)) == []


# ---- CAL-CONDITION -----------------------------------------------------------

LEASE_STEPS = [
    ("offer", DAY["offer"]),
    ("accept_offer", DAY["accept_offer"]),
    ("sign_lease", DAY["sign_lease"]),
]


def test_a_lease_after_a_condition_met_in_time_is_legal() -> None:
    events = extend(
        d.CONDITION_MET,
        LEASE_STEPS,
        decision="attribution_sous_condition_suspensive",
    )
    assert findings(events) == []


def test_a_condition_fulfilled_after_its_deadline_is_a_breach() -> None:
    late = CONDITION_DEADLINE + timedelta(days=3)
    events = altered(
        history_to(d.CONDITION_MET), Dossier.ConditionFulfilled, occurred_on=late
    )
    the_finding(
        events,
        "CAL-CONDITION",
        Dossier.CALDecided,
        Dossier.ConditionFulfilled,
        day=late,
    )
    assert findings(events, CONDITION_DEADLINE) == []


def test_a_lease_signed_on_an_unmet_condition_is_a_breach() -> None:
    events = dropped(
        extend(
            d.CONDITION_MET,
            LEASE_STEPS,
            decision="attribution_sous_condition_suspensive",
        ),
        Dossier.ConditionFulfilled,
    )
    breached_on(
        events,
        DAY["sign_lease"],
        "CAL-CONDITION",
        Dossier.CALDecided,
        Dossier.LeaseSigned,
    )


def test_a_condition_without_deadline_is_a_breach() -> None:
    events = altered(
        history_to(d.DECIDED, decision="attribution_sous_condition_suspensive"),
        Dossier.CALDecided,
        condition_deadline=None,
    )
    assert rules_of(findings(events)) == ["CAL-CONDITION"]


# ---- SNE-VALIDITE ------------------------------------------------------------

OLD_REGISTRATION = date(2024, 5, 2)  # valid until 2 May 2025, before the CAL


def test_a_cal_decision_after_a_renewal_is_legal() -> None:
    events = extend(
        d.RANKED,
        [("renew_demand", date(2025, 4, 25)), ("decide", DAY["decide"])],
        sne_registered_on=OLD_REGISTRATION,
    )
    assert findings(events) == []


def test_a_cal_decision_on_an_expired_demand_is_a_breach() -> None:
    history = history_to(d.RANKED, sne_registered_on=OLD_REGISTRATION)
    events = imported(
        history,
        Dossier.CALDecided,
        "bailleur",
        DAY["decide"],
        **decision_args("attribution"),
    )
    breached_on(events, DAY["decide"], "SNE-VALIDITE", Dossier.Identified, len(events))


# ---- DOS-ORDRE (cmd, re-checked on imported histories) -----------------------


def test_a_step_dated_before_the_previous_one_is_a_breach() -> None:
    backdated = DAY["render_social_enquiry"] - timedelta(days=5)
    events = altered(
        history_to(d.ANALYSIS), Dossier.MairieAvisRendered, occurred_on=backdated
    )
    breached_on(
        events,
        backdated,
        "DOS-ORDRE",
        Dossier.SocialEnquiryRendered,
        Dossier.MairieAvisRendered,
    )


def test_a_step_without_the_previous_one_is_a_breach() -> None:
    events = dropped(history_to(d.ANALYSIS), Dossier.SocialEnquiryRendered)
    the_finding(events, "DOS-ORDRE", Dossier.MairieAvisRendered)
    assert findings(events, DAY["render_mairie_avis"] - timedelta(days=1)) == []


# ---- CAL-MOTIF (cmd, re-checked on imported histories) -----------------------


@pytest.mark.parametrize("decision", ["non_attribution", "rejet_irrecevabilite"])
def test_a_motivated_refusal_is_legal(decision: str) -> None:
    assert findings(history_to(d.DECIDED, decision=decision)) == []


@pytest.mark.parametrize("decision", ["non_attribution", "rejet_irrecevabilite"])
def test_a_refusal_without_motive_is_a_breach(decision: str) -> None:
    events = altered(
        history_to(d.DECIDED, decision=decision), Dossier.CALDecided, motive="  "
    )
    breached_on(events, DAY["decide"], "CAL-MOTIF", Dossier.CALDecided)


def test_findings_are_ordered_by_day() -> None:
    history = altered(
        history_to(d.RANKED, sne_registered_on=OLD_REGISTRATION),
        Dossier.MairieAvisRendered,
        occurred_on=DAY["render_social_enquiry"] - timedelta(days=1),
    )
    events = imported(
        history,
        Dossier.CALDecided,
        "bailleur",
        DAY["decide"],
        **{**decision_args("non_attribution"), "motive": None},
    )
    assert rules_of(findings(events)) == ["DOS-ORDRE", "CAL-MOTIF", "SNE-VALIDITE"]
