"""The yearly LLTS figures as a pure function of events, on a view in memory:
each definition's edges (projections/llts_statistics/), whatever the batches."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pytest

from domain.dossier import Dossier
from projections.llts_statistics import (
    ASSUMPTIONS,
    DEFINITIONS,
    LltsStatisticsProjection,
    select_llts_statistics,
)
from tests.helpers.dossiers import DAY, history_to
from tests.helpers.mesure_courses import Course, interleave
from tests.helpers.rows import projected

project = partial(projected, LltsStatisticsProjection)


def household(events: list[Any]) -> Any:
    return next(e.household_id for e in events if isinstance(e, Dossier.Identified))


@pytest.fixture
def events() -> list[Any]:
    """Four dossiers of 2025 (three entered on 16 June, one only analysed) and
    their households' measures; two tenants in maintien, one in Guadeloupe."""
    entered = [history_to("entre_dans_les_lieux") for _ in range(3)]
    analysed = history_to("en_analyse")
    after, before, across = (household(h) for h in entered)
    courses = [
        # after its entry: supported
        Course(date(2025, 6, 20), household_id=after).up_to_convention(
            date(2025, 7, 1)
        ),
        # ended before its entry: not supported after it
        Course(date(2025, 1, 6), household_id=before)
        .up_to_convention(date(2025, 1, 15), months=3)
        .end(date(2025, 4, 1)),
        # from 2024, still running when it enters: supported
        Course(date(2024, 2, 1), household_id=across).up_to_convention(
            date(2024, 3, 1)
        ),
        # the same household in maintien too: counted once
        Course(date(2025, 8, 1), household_id=after).up_to_convention(
            date(2025, 8, 4), orientation="maintien"
        ),
        # a tenant Logis never saw enter, in maintien: supported
        Course(date(2025, 2, 3)).up_to_convention(
            date(2025, 2, 10), orientation="maintien"
        ),
        # in another department
        Course(date(2025, 2, 3), department="971", commune="97105").up_to_convention(
            date(2025, 2, 10), orientation="maintien"
        ),
        # in maintien, ended in 2024
        Course(date(2024, 2, 5))
        .up_to_convention(date(2024, 2, 12), orientation="maintien")
        .end(date(2024, 12, 20)),
    ]
    return [e for h in (*entered, analysed) for e in h] + interleave(*courses)


@pytest.mark.parametrize("batch_size", [1, 7, 10_000])
def test_the_figures_of_a_year(events: list[Any], batch_size: int) -> None:
    view = project(events, batch_size)
    figures = select_llts_statistics(view, "972", 2025)
    assert (figures.demands_identified, figures.demands_processed) == (4, 4)
    assert DAY["start_analysis"].year == DAY["enter"].year == 2025
    assert figures.attributions == 3
    first = figures.by_decision[0]
    assert (first.decision, first.count, first.share_percent) == ("attribution", 3, 100)
    assert (figures.leases_signed, figures.households_entered) == (3, 3)
    assert figures.supported_after_llts_entry == 2  # after, across
    assert figures.supported_in_maintien == 2  # after, the unknown tenant
    assert figures.households_supported_after_entry == 3
    assert figures.definitions == DEFINITIONS
    assert figures.assumptions == ASSUMPTIONS

    before = select_llts_statistics(view, "972", 2024)
    assert (before.demands_processed, before.households_entered) == (0, 0)
    assert before.households_supported_after_entry == 1  # the maintien of 2024
    assert before.by_decision[0].share_percent is None

    assert select_llts_statistics(view, "971", 2025).supported_in_maintien == 1
    later = select_llts_statistics(view, "972", 2026)
    assert later.demands_processed == later.households_entered == 0
    # conventions with no bilan recorded still run: the same three households
    assert later.households_supported_after_entry == 3
