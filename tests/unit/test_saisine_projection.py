"""The CCAPEX referrals' list as a pure function of events, on views in memory:
one row per referral as its aggregate stands, with the day its prevention work
is due by (CCAPEX-SAISINE's delays), counted here by hand from the law's
dates; any batching gives the same rows."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest

from domain import saisine_steps as s
from domain.shared import add_months
from projections.lists import Counted
from projections.saisines import SaisineFilter, SaisinesProjection, select_saisines
from tests.helpers.rows import projected
from tests.helpers.saisines import (
    LANDLORD,
    MAIN_LINE,
    OPERATOR,
    SAISINE_DAY,
    court_dates,
    saisine_with_history,
    through,
)

project = partial(projected, SaisinesProjection)
REFERRED = SAISINE_DAY["signal"]


def row_of(*steps: str, **signalled: Any) -> dict[str, Any]:
    """The referral's one row once `steps` are projected."""
    saisine, events = saisine_with_history(*steps, **signalled)
    rows = project(events).rows["saisines"]
    assert list(rows) == [(saisine.id,)]
    return rows[(saisine.id,)]


class TestTheRow:
    def test_a_signal_gives_its_place_landlord_and_two_months(self) -> None:
        row = row_of()
        assert row["stage"] == s.SIGNALLED
        assert (row["landlord"], row["source"]) == (LANDLORD, "saisine_bailleur")
        assert row["referred_on"] == REFERRED
        # a legal-entity landlord assigns no earlier than two months after
        assert row["due_on"] == date(2025, 6, 1)
        assert row["enquiry_operator"] is None

    def test_each_step_moves_the_stage_and_the_enquiry_names_its_operator(
        self,
    ) -> None:
        for step in MAIN_LINE:
            saisine, events = saisine_with_history(*through(step))
            row = project(events).rows["saisines"][(saisine.id,)]
            assert (row["stage"], row["version"]) == (saisine.stage, saisine.version)
        row = row_of(*through("return_enquiry"))
        assert (row["enquiry_operator"], row["enquiry_operator_role"]) == (
            OPERATOR,
            "association",
        )
        assert row["enquiry_requested_on"] == SAISINE_DAY["request_enquiry"]
        assert row["enquiry_returned_on"] == SAISINE_DAY["return_enquiry"]
        assert row["registered_on"] == SAISINE_DAY["register"]

    def test_the_hearing_once_known_is_the_day_due(self) -> None:
        row = row_of("register", "record_court_dates")
        summons, hearing = court_dates(SAISINE_DAY["record_court_dates"])
        assert (row["summons_on"], row["hearing_on"]) == (summons, hearing)
        assert row["due_on"] == hearing
        assert row["stage"] == s.REGISTERED  # court dates move no stage

    def test_an_assignation_without_a_hearing_is_due_by_the_earliest_hearing(
        self,
    ) -> None:
        summons = REFERRED - timedelta(days=3)
        row = row_of(source="assignation", summons_on=summons, by="prefecture")
        assert row["due_on"] == summons + timedelta(weeks=6)

    def test_an_assignation_before_the_2023_law_leaves_two_months(self) -> None:
        summons = date(2023, 5, 10)
        row = row_of(source="assignation", summons_on=summons, by="prefecture")
        assert row["due_on"] == add_months(summons, 2)

    def test_no_delay_runs_for_a_private_landlord_before_any_assignation(
        self,
    ) -> None:
        assert row_of(landlord_is_legal_entity=False)["due_on"] is None

    def test_a_closed_referral_is_due_by_no_day(self) -> None:
        row = row_of("register", "close")
        assert (row["stage"], row["outcome"]) == (s.CLOSED, "dette_soldee")
        assert row["closed_on"] == SAISINE_DAY["close"]
        assert row["due_on"] is None


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_any_batching_gives_the_same_rows(batch_size: int) -> None:
    events = [
        event
        for steps in (MAIN_LINE, ("register", "record_court_dates", "close"), ())
        for event in saisine_with_history(*steps)[1]
    ]
    assert project(events, batch_size).rows == project(events).rows


def test_the_list_filters_by_stage_and_operator_last_referred_first() -> None:
    registered, first = saisine_with_history("register")
    asked, second = saisine_with_history("register", "request_enquiry")
    view = project(first + second)
    rows, total = select_saisines(view, SaisineFilter())
    assert total == Counted(2)
    assert {row.id for row in rows} == {registered.id, asked.id}
    stage = SaisineFilter(stage=s.ENQUIRY_REQUESTED)
    assert [row.id for row in select_saisines(view, stage)[0]] == [asked.id]
    other = SaisineFilter(
        enquiry_operator="UDAF 42", enquiry_operator_role="association"
    )
    assert select_saisines(view, other) == ([], Counted(0))
