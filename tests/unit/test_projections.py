"""The read models as pure functions of events, on a view in memory."""

from __future__ import annotations

import random

import pytest
from eventsourcing.persistence import Tracking

from domain import dossier as d
from projections.dossier_list import DossierListProjection
from projections.rows import RowProjection
from projections.stage_counts import StageCountsProjection, select_stage_counts
from tests.helpers.dossiers import history_to
from tests.helpers.rows import MemoryRowView

STAGES = (d.IDENTIFIED, d.COMPLETED, d.RANKED, d.REVIEWED, d.CLOSED, d.INADMISSIBLE)


def histories() -> list[list[d.Dossier.Event]]:
    return [history_to(stage) for stage in STAGES]


def project(
    projection_class: type[RowProjection],
    events: list[d.Dossier.Event],
    batch_size: int,
) -> MemoryRowView:
    view = MemoryRowView(projection_class.tables)
    projection = projection_class(view=view)
    for start in range(0, len(events), batch_size):
        view.begin()
        batch = events[start : start + batch_size]
        for position, event in enumerate(batch, start + 1):
            projection.process_event(event, Tracking("Logis", position))
        view.commit(Tracking("Logis", start + len(batch)))
    return view


def interleaved(seed: int) -> list[d.Dossier.Event]:
    """Every history's events, shuffled across dossiers but in order within each."""
    queues = histories()
    rng = random.Random(seed)
    events = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        events.append(queue.pop(0))
    return events


class TestDossierList:
    def test_each_dossier_is_listed_at_its_stage(self) -> None:
        view = project(DossierListProjection, interleaved(1), batch_size=7)
        rows, total = view.select("dossiers")
        assert total == len(STAGES)
        assert sorted(r["stage"] for r in rows) == sorted(STAGES)

    def test_rows_carry_the_dossier_as_identified(self) -> None:
        [identified, *_] = events = history_to(d.ENQUETE)
        view = project(DossierListProjection, events, batch_size=1)
        [row] = view.select("dossiers")[0]
        assert row["id"] == identified.originator_id
        assert row["origin_role"] == identified.actor.role
        assert row["version"] == len(events)


@pytest.mark.parametrize("projection", [DossierListProjection, StageCountsProjection])
@pytest.mark.parametrize("seed", range(5))
def test_batch_size_changes_nothing(projection: type[RowProjection], seed: int) -> None:
    events = interleaved(seed)
    one_by_one = project(projection, events, batch_size=1)
    all_at_once = project(projection, events, batch_size=len(events))
    some = project(projection, events, batch_size=random.Random(seed).randint(2, 9))
    assert one_by_one.rows == all_at_once.rows == some.rows
    assert all_at_once.writes == 1


class TestStageCounts:
    def test_each_dossier_is_counted_once_at_its_stage(self) -> None:
        view = project(StageCountsProjection, interleaved(3), batch_size=4)
        counts = {row["stage"]: row["dossiers"] for row in select_stage_counts(view)}
        assert counts == dict.fromkeys(STAGES, 1)

    def test_a_dossier_leaves_its_former_stage(self) -> None:
        view = project(StageCountsProjection, history_to(d.RANKED), batch_size=3)
        rows = select_stage_counts(view, department="972")
        assert [(r["stage"], r["dossiers"]) for r in rows] == [(d.RANKED, 1)]
