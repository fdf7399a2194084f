"""What the legality engine finds now that it reads the commands' own checks
(domain/dossier_rules.py): the breaches a command refuses, in an imported
history, with the command's message."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain import dossier as d
from domain.dossier import Dossier
from domain.legality import check_dossier
from domain.shared import RuleViolation
from tests.helpers.aggregates import given
from tests.helpers.dossiers import (
    ANSWER_DEADLINE,
    DAY,
    drive_to,
    history_to,
    make_meta,
    make_settings,
)

SETTINGS = make_settings(social_data_retention_months=24)


def findings(events: list[Any], as_of: date) -> list[Any]:
    return check_dossier(events, lambda day: (1, SETTINGS), as_of)


def altered(history: list[Any], cls: type, **changes: Any) -> list[Any]:
    return [replace(e, **changes) if type(e) is cls else e for e in history]


def forced(history: list[Any], cls: type, role: str, on: date, **fields: Any) -> Any:
    """`history` plus the event recorded without the command's checks."""
    dossier = given(history)
    dossier._record(cls, make_meta(role, on), **fields)
    return [*history, *dossier.collect_events()]


def refusal(dossier: Dossier, command: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        command(dossier)
    return caught.value


def test_a_lapse_recorded_before_the_deadline_is_found_as_the_command_refuses_it() -> (
    None
):
    on = ANSWER_DEADLINE - timedelta(days=2)
    refused = refusal(
        drive_to(d.OFFERED), lambda x: x.lapse_offer(make_meta("bailleur", on))
    )
    events = forced(history_to(d.OFFERED), Dossier.OfferLapsed, "bailleur", on)
    [finding] = findings(events, on)
    assert (finding.rule, finding.breached_on) == (refused.code, on)
    assert refused.message in finding.message
    on_time = forced(
        history_to(d.OFFERED),
        Dossier.OfferLapsed,
        "bailleur",
        ANSWER_DEADLINE + timedelta(days=1),
    )
    assert findings(on_time, ANSWER_DEADLINE + timedelta(days=1)) == []


def test_a_renewal_after_the_demand_expired_is_found_as_the_command_refuses_it() -> (
    None
):
    late = date(2026, 1, 10)  # registered 2 Jan 2025: valid until 2 Jan 2026
    refused = refusal(
        drive_to(d.IDENTIFIED),
        lambda x: x.renew_demand("0972250100042A", make_meta("ccas", late)),
    )
    events = forced(
        history_to(d.IDENTIFIED),
        Dossier.DemandRenewed,
        "ccas",
        late,
        numero_unique="0972250100042A",
    )
    [finding] = findings(events, late)
    assert finding.rule == refused.code == "SNE-VALIDITE"
    assert refused.message in finding.message


def test_a_condition_whose_deadline_is_the_decision_day_is_found() -> None:
    events = altered(
        history_to(d.DECIDED, decision="attribution_sous_condition_suspensive"),
        Dossier.CALDecided,
        condition_deadline=DAY["decide"],
    )
    assert [f.rule for f in findings(events, DAY["decide"])] == ["CAL-CONDITION"]


def test_a_negative_rent_is_found_as_the_command_refuses_it() -> None:
    """Before: the engine read only the net cost, so a negative rent offset by
    the charges went unseen."""
    events = altered(
        history_to(d.SOLVENCY),
        Dossier.SolvencyAssessed,
        rent=Decimal("-50"),
        charges=Decimal("450"),
    )
    [finding] = findings(events, DAY["assess_solvency"])
    assert finding.rule == "ALS-SOLVA"
    assert "loyer, charges et APL/AL ≥ 0" in finding.message
