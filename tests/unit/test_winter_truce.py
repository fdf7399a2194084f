"""Issue 14, hole 7: an expulsion during the winter truce (CPCE L412-6) is
recorded as it happened and reported as a CCAPEX-SAISINE breach, unless the
CCAPEX invokes a legal exception that lifts the truce. Imported histories (the
Closed event built directly) and histories made by the command read the same."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain import saisine_rules as s
from domain.legality import check_saisine
from domain.saisine import Saisine
from domain.shared import InvalidValueError
from tests.helpers.aggregates import given, then_error
from tests.helpers.dossiers import imported as imported_event
from tests.helpers.dossiers import make_meta, make_settings
from tests.helpers.saisines import MAIN_LINE, saisine_with_history

IN_TRUCE = date(2025, 12, 10)
LIFTING = sorted(k for k, v in s.TRUCE_EXCEPTIONS.items() if v.lifts_truce)


def settings_on(day: date) -> tuple[int, Any]:
    return 1, make_settings()


def imported(outcome: str, on: date, exception: str | None) -> list[Any]:
    """A referral's history ending with a closure built as an import would."""
    _, events = saisine_with_history(*MAIN_LINE)
    return imported_event(
        events, Saisine.Closed, "ccapex", on, outcome=outcome, truce_exception=exception
    )


def rules(events: list[Any]) -> list[str]:
    return [f.rule for f in check_saisine(events, settings_on, date(2026, 6, 30))]


def test_expulsion_in_the_truce_without_exception_is_a_breach() -> None:
    events = imported("expulsion", IN_TRUCE, None)
    [finding] = check_saisine(events, settings_on, IN_TRUCE)
    assert finding.rule == "CCAPEX-SAISINE"
    assert "sans exception légale" in finding.message
    assert finding.breached_on == IN_TRUCE
    assert given(events).findings == [finding.message]


@pytest.mark.parametrize("exception", LIFTING)
def test_a_legal_exception_lifts_the_truce(exception: str) -> None:
    events = imported("expulsion", IN_TRUCE, exception)
    assert rules(events) == []
    assert given(events).truce_exception == exception


def test_the_peril_order_is_an_assumption_still_reported() -> None:
    [finding] = check_saisine(
        imported("expulsion", IN_TRUCE, "arrete_de_peril"),
        settings_on,
        IN_TRUCE,
    )
    assert "hypothèse" in finding.message


def test_the_command_records_the_expulsion_and_its_exception() -> None:
    saisine, events = saisine_with_history(*MAIN_LINE)
    saisine.close("expulsion", make_meta("ccapex", IN_TRUCE), "relogement_assure")
    recorded = [*events, *saisine.collect_events()]
    assert recorded[-1].truce_exception == "relogement_assure"
    assert rules(recorded) == []
    saisine, events = saisine_with_history(*MAIN_LINE)
    saisine.close("expulsion", make_meta("ccapex", IN_TRUCE))
    assert rules([*events, *saisine.collect_events()]) == ["CCAPEX-SAISINE"]


@pytest.mark.parametrize(
    ("outcome", "exception"),
    [("relogement", "relogement_assure"), ("expulsion", "bon_vouloir")],
)
def test_an_exception_only_for_an_expulsion_and_from_the_law(
    outcome: str, exception: str
) -> None:
    saisine, _ = saisine_with_history(*MAIN_LINE)
    meta = make_meta("ccapex", IN_TRUCE)
    error = then_error(
        saisine, lambda agg: agg.close(outcome, meta, exception), "invalid_value"
    )
    assert isinstance(error, InvalidValueError)


def test_a_closure_recorded_before_the_exceptions_reads_without_one() -> None:
    state: dict[str, Any] = {"outcome": "expulsion"}
    Saisine.Closed.upcast_v1_v2(state)
    assert state["truce_exception"] is None
