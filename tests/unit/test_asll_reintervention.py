"""Issue 14, hole 5: a re-intervention asked just after a measure's bilan does not
bypass the renewal limit (ASLL-DUREE). Asked within the department's gap after
the end of a measure that ran, it counts as a renewal of that support: refused
when the renewals are used up, and its own renewals count after it. Imported
histories, linked or not, are judged the same by the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain import legality
from domain import mesure_steps as m
from domain.mesure import Mesure
from domain.shared import add_months
from tests.helpers.aggregates import given, then_error, when
from tests.helpers.dossiers import make_meta
from tests.helpers.mesures import (
    DAY,
    DORDOGNE,
    course,
    drive_to,
    history_after,
    request_args,
)

ENDED = DAY["end"]
NEXT_DAY = ENDED + timedelta(days=1)
GAP_MONTHS = 6  # the default of asll_reintervention_gap_months (an assumption)
AFTER_THE_GAP = add_months(ENDED, GAP_MONTHS) + timedelta(days=1)
LATE = date(2027, 1, 1)


def settings_on(day: date) -> tuple[int, Any]:
    return 1, DORDOGNE


def renewed_then_ended() -> tuple[Mesure, list[Any]]:
    """Dordogne: the one renewal allowed used, then the bilan."""
    return history_after(
        "request", "instruct", "notify", "diagnose", "sign_convention",
        "request_renewal", "decide_renewal", "end",
    )  # fmt: skip


def reintervention(previous: Mesure | None, on: date) -> Any:
    c = course(previous=previous)
    meta = make_meta("prescripteur", on)
    return lambda _: Mesure.request(**request_args(c), meta=meta)


class TestTheCommand:
    def test_the_day_after_a_renewed_measure_is_refused(self) -> None:
        previous = given(renewed_then_ended()[1])
        error = then_error(None, reintervention(previous, NEXT_DAY), "ASLL-DUREE")
        assert "compte comme un renouvellement" in error.message

    def test_it_counts_as_the_renewal_and_leaves_none_after_it(self) -> None:
        previous = drive_to(m.ENDED)
        [requested] = when(None, reintervention(previous, NEXT_DAY))
        assert requested.chain_renewals == 1
        _, events = history_after(
            "request", "instruct", "notify", "diagnose", "sign_convention",
            previous=previous,
        )  # fmt: skip
        meta = make_meta("association", DAY["request_renewal"], organisation="AGASEF")
        error = then_error(
            given(events),
            lambda mesure: mesure.request_renewal(3, "Dettes", DORDOGNE, meta),
            "ASLL-DUREE",
        )
        assert "épuisés" in error.message

    def test_after_the_gap_a_new_support_starts(self) -> None:
        previous = given(renewed_then_ended()[1])
        [requested] = when(None, reintervention(previous, AFTER_THE_GAP))
        assert requested.chain_renewals == 0

    @pytest.mark.parametrize("stage", [m.REFUSED, m.REORIENTED])
    def test_after_a_measure_that_never_ran_a_new_support_starts(
        self, stage: str
    ) -> None:
        [requested] = when(None, reintervention(drive_to(stage), NEXT_DAY))
        assert requested.chain_renewals == 0


class TestTheEngine:
    def test_an_imported_request_counting_too_many_renewals_is_found(self) -> None:
        _, events = history_after("request")
        events = [replace(events[0], chain_renewals=2)]
        [finding] = legality.check_mesure(events, settings_on, LATE)
        assert finding.rule == "ASLL-DUREE"
        assert "Ré-intervention" in finding.message

    def test_an_unlinked_chain_of_imported_histories_is_found(self) -> None:
        _, first = renewed_then_ended()
        _, second = history_after("request")
        second = [replace(second[0], occurred_on=NEXT_DAY, chain_renewals=0)]
        # alone, it looks new
        assert legality.check_mesure(second, settings_on, LATE) == []
        found = legality.check_household([first, second], settings_on, LATE)
        assert list(found) == [second[0].originator_id]
        [finding] = found[second[0].originator_id]
        assert (finding.rule, finding.breached_on) == ("ASLL-DUREE", NEXT_DAY)

    def test_a_chain_within_the_limit_or_after_the_gap_is_legal(self) -> None:
        _, first = history_after(
            "request", "instruct", "notify", "diagnose", "sign_convention", "end"
        )
        _, second = history_after("request")
        chained = [replace(second[0], occurred_on=NEXT_DAY)]
        later = [replace(second[0], occurred_on=AFTER_THE_GAP)]
        assert legality.check_household([first, chained], settings_on, LATE) == {}
        _, renewed = renewed_then_ended()
        assert legality.check_household([renewed, later], settings_on, LATE) == {}
