"""The legality engine on CCAPEX referral histories (CCAPEX-SAISINE): a history
that breaks each part of the rule and one that does not, read before and after
the dates are known. Histories come from referrals driven by commands
(`tests.helpers.saisines`); a closure in the winter truce is an imported event
(tests/unit/test_winter_truce.py has the exceptions of CPCE L412-6)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.department_settings import DepartmentSettings
from domain.legality import RULES_BY_ID, Finding, check_saisine
from domain.saisine import Saisine
from tests.helpers.dossiers import imported, make_meta, make_settings
from tests.helpers.saisines import (
    MAIN_LINE,
    SAISINE_DAY,
    perform_on_saisine,
    saisine_with_history,
    through,
)

LATE = date(2026, 6, 30)
REFERRED = SAISINE_DAY["signal"]  # 1 April 2025
ONE_DAY = timedelta(days=1)


def settings_on(day: date) -> tuple[int, DepartmentSettings]:
    return 1, make_settings()


def findings(events: list[Any], as_of: date = LATE) -> list[Finding]:
    return check_saisine(events, settings_on, as_of)


def with_court_dates(
    summons: date, hearing: date | None, on: date, *steps: str, **signalled: Any
) -> list[Any]:
    """A referral taken through `steps`, then its court dates recorded `on`."""
    saisine, events = saisine_with_history(*steps, **signalled)
    saisine.record_court_dates(summons, hearing, make_meta("prefecture", on))
    return events + list(saisine.collect_events())


def test_rule_is_national_and_applies_to_referrals() -> None:
    rule = RULES_BY_ID["CCAPEX-SAISINE"]
    assert rule.applies_to == ("saisine",)
    assert rule.severity == "bloquant"


def test_a_referral_driven_by_commands_breaks_nothing() -> None:
    saisine, events = saisine_with_history(*MAIN_LINE, "record_court_dates")
    perform_on_saisine(saisine, "close")
    assert findings(events + list(saisine.collect_events())) == []
    assert findings(events, REFERRED - ONE_DAY) == []
    assert findings([]) == []


# ---- referral two months before the assignation ---------------------------------


def test_assignation_less_than_two_months_after_the_referral_is_reported() -> None:
    summons, recorded = date(2025, 5, 20), date(2025, 5, 26)
    events = with_court_dates(summons, None, recorded, *through("orient"))
    assert findings(events, recorded - ONE_DAY) == []  # not known yet
    [finding] = findings(events, recorded)
    assert finding.rule == "CCAPEX-SAISINE"
    assert finding.versions == (1, events[-1].originator_version)
    assert finding.breached_on == summons
    assert finding.settings_version is None


def test_assignation_two_months_after_the_referral_is_legal() -> None:
    events = with_court_dates(date(2025, 6, 1), None, date(2025, 6, 5), "register")
    assert findings(events) == []


def test_a_landlord_that_is_a_person_need_not_refer_first() -> None:
    events = with_court_dates(
        date(2025, 5, 20),
        None,
        date(2025, 5, 26),
        "register",
        landlord_is_legal_entity=False,
    )
    assert findings(events) == []


def test_assignation_with_no_referral_before_it_is_reported() -> None:
    summons = date(2025, 3, 20)
    _, events = saisine_with_history(
        by="prefecture", source="assignation", summons_on=summons
    )
    [finding] = findings(events)
    assert (finding.versions, finding.breached_on) == ((1,), summons)
    assert "sans saisine préalable" in finding.message


# ---- assignation six weeks before the hearing -------------------------------------


def test_hearing_less_than_six_weeks_after_the_assignation_is_reported() -> None:
    summons = date(2025, 6, 2)
    hearing = summons + timedelta(weeks=6) - ONE_DAY
    events = with_court_dates(summons, hearing, date(2025, 6, 5), "register")
    [finding] = findings(events)
    assert finding.breached_on == summons
    assert finding.versions == (events[-1].originator_version,)
    assert "6 semaines" in finding.message


def test_hearing_six_weeks_after_the_assignation_is_legal() -> None:
    summons = date(2025, 6, 2)
    hearing = summons + timedelta(weeks=6)
    events = with_court_dates(summons, hearing, date(2025, 6, 5), "register")
    assert findings(events) == []


def test_hearing_recorded_later_is_judged_once_known() -> None:
    summons = date(2025, 6, 2)
    saisine, events = saisine_with_history("register")
    saisine.record_court_dates(summons, None, make_meta("prefecture", date(2025, 6, 5)))
    hearing, known_on = date(2025, 7, 1), date(2025, 6, 20)
    saisine.record_court_dates(None, hearing, make_meta("bailleur", known_on))
    events += list(saisine.collect_events())
    assert findings(events, known_on - ONE_DAY) == []
    [finding] = findings(events, known_on)
    assert finding.versions == (3, 4)
    assert finding.breached_on == summons


def test_an_assignation_before_loi_2023_668_is_judged_on_two_months() -> None:
    # Seven weeks: too short under the former text, enough under the new one.
    def summoned_on(summons: date) -> list[Any]:
        _, events = saisine_with_history(
            by="prefecture",
            source="assignation",
            summons_on=summons,
            hearing_on=summons + timedelta(weeks=7),
            landlord_is_legal_entity=False,
        )
        return events

    [finding] = findings(summoned_on(date(2023, 3, 1)))
    assert "2 mois" in finding.message
    assert findings(summoned_on(date(2024, 3, 1))) == []


# ---- winter truce ------------------------------------------------------------------


def closed(outcome: str, on: date, truce_exception: str | None = None) -> list[Any]:
    """An imported closure."""
    _, events = saisine_with_history(*through("issue_avis"))
    return imported(
        events,
        Saisine.Closed,
        "ccapex",
        on,
        outcome=outcome,
        truce_exception=truce_exception,
    )


def test_expulsion_during_the_winter_truce_is_reported() -> None:
    day = date(2025, 12, 1)
    events = closed("expulsion", day)
    assert findings(events, day - ONE_DAY) == []
    [finding] = findings(events, day)
    assert (finding.versions, finding.breached_on) == (
        (events[-1].originator_version,),
        day,
    )
    assert "trêve hivernale" in finding.message


def test_expulsion_outside_the_truce_or_another_outcome_is_legal() -> None:
    saisine, events = saisine_with_history(*through("issue_avis"))
    saisine.close("expulsion", make_meta("ccapex", date(2025, 6, 2)))
    assert findings(events + list(saisine.collect_events())) == []
    assert findings(closed("relogement", date(2025, 12, 1))) == []
    assert findings(closed("expulsion", date(2026, 3, 31))) != []
    assert findings(closed("expulsion", date(2026, 4, 1))) == []
