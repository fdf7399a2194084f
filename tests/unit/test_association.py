"""An association's load (ASLL-CAPACITE): given events, when a place is taken or
given back, then events or error."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.association import AssociationLoad, association_load_id
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.dossiers import make_meta
from tests.helpers.mesures import ADSEA, AGASEF, DAY, DEPARTMENT

# ADSEA 42: 28 households at once, of which 4 suivis renforcés [seed 002].
CAPACITY, RENFORCE_CAPACITY = ADSEA.monthly_capacity, ADSEA.renforce_capacity


def notify_meta() -> Any:
    return make_meta("commission_logement", DAY["notify"], organisation="CLU Loire")


def opened(association: str = ADSEA.code) -> list[Any]:
    load = AssociationLoad.open(DEPARTMENT, association, notify_meta())
    return list(load.collect_events())


def take(
    mesure_id: UUID | None = None,
    *,
    renforce: bool = False,
    capacity: int = CAPACITY,
    renforce_capacity: int = RENFORCE_CAPACITY,
) -> Any:
    meta = notify_meta()
    return lambda x: x.take(
        mesure_id or uuid4(),
        renforce=renforce,
        capacity=capacity,
        renforce_capacity=renforce_capacity,
        meta=meta,
    )


def holding(ordinary: int = 0, renforces: int = 0) -> AssociationLoad:
    history = opened()
    load = given(history)
    for renforce in [False] * ordinary + [True] * renforces:
        take(renforce=renforce)(load)
    return given([*history, *load.collect_events()])


class TestOpen:
    def test_association_load_opens_empty(self) -> None:
        meta = notify_meta()
        events = when(
            None, lambda _: AssociationLoad.open(DEPARTMENT, ADSEA.code, meta)
        )
        then_event(
            events,
            AssociationLoad.Opened,
            meta,
            originator_id=association_load_id(DEPARTMENT, ADSEA.code),
            department=DEPARTMENT,
            association=ADSEA.code,
        )
        load = given(events)
        assert (load.active, load.renforce_count) == ({}, 0)

    def test_one_load_per_association_of_a_department(self) -> None:
        load_id = association_load_id(DEPARTMENT, ADSEA.code)
        assert load_id == association_load_id(DEPARTMENT, ADSEA.code)
        assert load_id != association_load_id(DEPARTMENT, AGASEF.code)
        assert load_id != association_load_id("42", ADSEA.code)


class TestTake:
    def test_notified_measure_takes_a_place(self) -> None:
        load = holding()
        mesure_id = uuid4()
        meta = notify_meta()
        events = when(
            load,
            lambda x: x.take(
                mesure_id,
                renforce=False,
                capacity=CAPACITY,
                renforce_capacity=RENFORCE_CAPACITY,
                meta=meta,
            ),
        )
        then_event(
            events,
            AssociationLoad.PlaceTaken,
            meta,
            mesure_id=mesure_id,
            renforce=False,
            capacity=CAPACITY,
            renforce_capacity=RENFORCE_CAPACITY,
        )
        assert load.active == {mesure_id: False}

    def test_last_place_is_taken(self) -> None:
        load = holding(CAPACITY - 1)
        then_event(when(load, take()), AssociationLoad.PlaceTaken)
        assert len(load.active) == CAPACITY

    def test_no_place_beyond_the_monthly_capacity(self) -> None:
        then_error(holding(CAPACITY), take(), "ASLL-CAPACITE")

    def test_full_association_takes_no_suivi_renforce_either(self) -> None:
        then_error(holding(CAPACITY - 1, 1), take(renforce=True), "ASLL-CAPACITE")

    def test_association_without_capacity_takes_nobody(self) -> None:
        then_error(holding(), take(capacity=0), "ASLL-CAPACITE")

    def test_capacity_is_the_one_in_force(self) -> None:
        # The department lowered the capacity below the places held: no new place,
        # none taken back.
        load = holding(3)
        then_error(load, take(capacity=3), "ASLL-CAPACITE")
        then_error(load, take(capacity=2), "ASLL-CAPACITE")
        then_event(when(load, take(capacity=4)), AssociationLoad.PlaceTaken)

    def test_last_suivi_renforce_is_taken(self) -> None:
        load = holding(0, RENFORCE_CAPACITY - 1)
        events = when(load, take(renforce=True))
        then_event(events, AssociationLoad.PlaceTaken, renforce=True)
        assert load.renforce_count == RENFORCE_CAPACITY

    def test_no_suivi_renforce_beyond_its_capacity(self) -> None:
        then_error(holding(0, RENFORCE_CAPACITY), take(renforce=True), "ASLL-CAPACITE")

    def test_ordinary_place_remains_when_renforces_are_full(self) -> None:
        load = holding(0, RENFORCE_CAPACITY)
        then_event(when(load, take()), AssociationLoad.PlaceTaken, renforce=False)
        assert (len(load.active), load.renforce_count) == (5, RENFORCE_CAPACITY)

    def test_association_without_renforce_capacity_takes_no_suivi_renforce(
        self,
    ) -> None:
        then_error(holding(), take(renforce=True, renforce_capacity=0), "ASLL-CAPACITE")

    def test_measure_takes_one_place(self) -> None:
        mesure_id = uuid4()
        history = opened()
        load = given(history)
        take(mesure_id)(load)
        load = given([*history, *load.collect_events()])
        then_error(load, take(mesure_id), "place_already_taken")


class TestRelease:
    def test_ended_measure_gives_its_place_back(self) -> None:
        mesure_id = uuid4()
        history = opened()
        load = given(history)
        take(mesure_id, renforce=True)(load)
        load = given([*history, *load.collect_events()])
        meta = make_meta("association", DAY["end"])
        events = when(load, lambda x: x.release(mesure_id, meta))
        then_event(events, AssociationLoad.PlaceReleased, meta, mesure_id=mesure_id)
        assert (load.active, load.renforce_count) == ({}, 0)

    def test_place_given_back_is_taken_again(self) -> None:
        history = opened()
        load = given(history)
        held = [uuid4() for _ in range(CAPACITY)]
        for mesure_id in held:
            take(mesure_id)(load)
        load.release(held[0], make_meta("association", DAY["end"]))
        load = given([*history, *load.collect_events()])
        then_event(when(load, take()), AssociationLoad.PlaceTaken)
        assert len(load.active) == CAPACITY

    def test_measure_without_a_place_gives_nothing_back(self) -> None:
        load = holding(2)
        meta = make_meta("association", DAY["end"])
        assert when(load, lambda x: x.release(uuid4(), meta)) == []
        assert len(load.active) == 2


class TestReplay:
    def test_stored_events_come_back_equal(self) -> None:
        history = opened()
        load = given(history)
        held = [uuid4() for _ in range(3)]
        for n, mesure_id in enumerate(held):
            take(mesure_id, renforce=n == 0)(load)
        load.release(held[1], make_meta("association", DAY["end"]))
        events = [*history, *load.collect_events()]
        stored = read_back(events)
        assert stored == events
        rebuilt = given(stored)
        assert rebuilt == load
        assert rebuilt.active == {held[0]: True, held[2]: False}
        assert rebuilt.version == 5


@pytest.mark.parametrize("association", [AGASEF, ADSEA])
def test_load_is_keyed_by_the_association_code(association: Any) -> None:
    load = given(opened(association.code))
    assert load.id == association_load_id(DEPARTMENT, association.code)
    assert load.association == association.code
