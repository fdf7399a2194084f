"""The follow-up read models as pure functions of events, on views in memory:
bilans d'installation due and overdue (BILAN-DELAI), support asked by a bilan
(BILAN-SUITE), dossiers of a programme ready for the pré-commission."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import dossier as d
from projections.dossier_list import DOSSIERS as DOSSIER_LIST
from projections.follow_up import (
    BILAN_DEADLINE_MONTHS,
    BilanFilter,
    FollowUpProjection,
    SupportRequestFilter,
    bilan_deadline_months,
    select_bilans,
    select_programme_readiness,
    select_support_requests,
)
from projections.lists import Counted
from projections.programmes import PROGRAMMES
from tests.helpers.dossiers import (
    COMMUNE,
    DAY,
    DEPARTMENT,
    DWELLING,
    ORGANISATIONS,
    drive_with_history,
    history_to,
    perform,
)
from tests.helpers.rows import MemoryRowView, projected

NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)


def two_months(department: str, entered_on: date) -> int:
    return BILAN_DEADLINE_MONTHS


project = partial(projected, FollowUpProjection)


def entered(on: date, review: tuple[str, date] | None = None) -> list[Any]:
    """A dossier's events up to its entry on `on`, and its bilan if `review`
    gives the outcome and the day."""
    dossier, events = drive_with_history(d.LEASE)
    perform(dossier, "enter", on=on)
    if review is not None:
        outcome, day = review
        perform(dossier, "review_installation", on=day, installation=outcome)
    return [*events, *dossier.collect_events()]


def bilans(view: MemoryRowView, deadline: Any = two_months, **query: Any) -> list[Any]:
    rows, total = select_bilans(view, BilanFilter(**query), deadline, NOW)
    assert total == Counted(len(rows)) or "limit" in query
    return rows


class TestBilans:
    def test_an_entered_dossier_awaits_its_bilan_within_two_months(self) -> None:
        view = project(entered(DAY["enter"]))
        [bilan] = bilans(view, as_of=DAY["enter"])
        assert (bilan.entered_on, bilan.due_on) == (
            date(2025, 6, 16),
            date(2025, 8, 16),
        )
        assert (bilan.status, bilan.reviewed_on, bilan.outcome) == ("due", None, None)
        assert (bilan.department, bilan.commune) == (DEPARTMENT, COMMUNE)
        assert (bilan.landlord, bilan.dwelling_ref) == (
            ORGANISATIONS["bailleur"],
            DWELLING,
        )

    def test_rows_keep_no_name_nor_findings(self) -> None:
        view = project(entered(DAY["enter"], ("problemes", DAY["review_installation"])))
        for table in view.tables:
            for row in view.rows[table.name].values():
                assert not {"applicant_name", "findings"} & set(row)

    @pytest.mark.parametrize(
        ("entry", "due"),
        [
            (date(2025, 6, 16), date(2025, 8, 16)),
            (date(2025, 12, 31), date(2026, 2, 28)),
            (date(2027, 12, 31), date(2028, 2, 29)),  # leap year
            (date(2025, 8, 31), date(2025, 10, 31)),
            (date(2025, 10, 31), date(2025, 12, 31)),
        ],
    )
    def test_due_on_the_deadline_day_overdue_the_day_after(
        self, entry: date, due: date
    ) -> None:
        view = project(entered(entry))
        [on_time] = bilans(view, as_of=due)
        assert (on_time.due_on, on_time.status) == (due, "due")
        assert bilans(view, status="due", as_of=due) == [on_time]
        assert bilans(view, status="overdue", as_of=due) == []
        late = due + timedelta(days=1)
        [overdue] = bilans(view, status="overdue", as_of=late)
        assert (overdue.dossier_id, overdue.status) == (on_time.dossier_id, "overdue")
        assert bilans(view, status="due", as_of=late) == []

    def test_without_a_day_each_department_judges_on_its_own_today(self) -> None:
        view = project(entered(date(2025, 12, 31)))
        # 1 March 2026 at 02:00 UTC is still 28 February in Martinique (UTC-4).
        now = datetime(2026, 3, 1, 2, tzinfo=UTC)
        [bilan], _ = select_bilans(view, BilanFilter(), two_months, now)
        assert bilan.status == "due"
        [bilan], _ = select_bilans(
            view, BilanFilter(), two_months, now + timedelta(hours=4)
        )
        assert bilan.status == "overdue"

    @pytest.mark.parametrize(
        ("review", "late"),
        [(date(2025, 8, 16), False), (date(2025, 8, 17), True)],
    )
    def test_a_done_bilan_is_neither_due_nor_overdue(
        self, review: date, late: bool
    ) -> None:
        view = project(entered(date(2025, 6, 16), ("ok", review)))
        as_of = date(2025, 9, 1)
        assert bilans(view, status="due", as_of=as_of) == []
        assert bilans(view, status="overdue", as_of=as_of) == []
        [done] = bilans(view, status="done", as_of=as_of)
        assert (done.status, done.reviewed_on, done.outcome) == ("done", review, "ok")
        assert (done.reviewed_late, done.support_months) == (late, None)

    def test_the_departments_deadline_sets_the_due_day(self) -> None:
        view = project(entered(date(2025, 12, 31)))
        [bilan] = bilans(view, lambda _, __: 3, as_of=date(2026, 3, 31))
        assert (bilan.due_on, bilan.status) == (date(2026, 3, 31), "due")

    def test_the_deadline_in_force_on_the_entry_day_applies(self) -> None:
        versions = [
            (date(2025, 1, 1), 1, {"bilan_installation_deadline_months": 2}),
            (date(2025, 7, 1), 2, {"bilan_installation_deadline_months": 3}),
        ]
        assert bilan_deadline_months(versions, date(2025, 6, 30)) == 2
        assert bilan_deadline_months(versions, date(2025, 7, 1)) == 3
        assert bilan_deadline_months(versions, date(2024, 12, 31)) == 2  # default
        assert bilan_deadline_months([], date(2025, 7, 1)) == BILAN_DEADLINE_MONTHS == 2

    def test_the_most_overdue_come_first_and_page(self) -> None:
        entries = [date(2025, 7, 1), date(2025, 6, 16), date(2025, 9, 30)]
        view = project([e for day in entries for e in entered(day)])
        as_of = date(2025, 12, 1)
        overdue = bilans(view, status="overdue", as_of=as_of)
        assert [b.entered_on for b in overdue] == sorted(entries)
        page, total = select_bilans(
            view,
            BilanFilter(status="overdue", as_of=as_of, limit=1, offset=1),
            two_months,
            NOW,
        )
        assert (page, total) == (overdue[1:2], Counted(3))

    def test_without_a_status_all_come_last_entered_first(self) -> None:
        entries = [date(2025, 7, 1), date(2025, 6, 16), date(2025, 9, 30)]
        view = project(
            entered(entries[0], ("ok", date(2025, 7, 2)))
            + entered(entries[1])
            + entered(entries[2], ("problemes", date(2025, 10, 1)))
        )
        every = bilans(view, as_of=date(2025, 10, 1))
        assert [b.entered_on for b in every] == sorted(entries, reverse=True)
        assert [b.status for b in every] == ["done", "done", "overdue"]

    def test_filters_by_place_and_programme(self) -> None:
        view = project(entered(DAY["enter"]))
        assert len(bilans(view, department=DEPARTMENT, commune=COMMUNE)) == 1
        assert bilans(view, department="971") == []
        assert bilans(view, commune="97213") == []
        assert bilans(view, programme_id=uuid4()) == []

    @pytest.mark.parametrize("stage", [d.WITHDRAWN, d.INADMISSIBLE, d.LIST_EXPIRED])
    def test_a_dossier_ended_before_entry_leaves_nothing(self, stage: str) -> None:
        view = project(history_to(stage))
        assert view.rows == {table.name: {} for table in view.tables}

    def test_a_closed_dossier_keeps_its_bilan(self) -> None:
        view = project(history_to(d.CLOSED))
        assert view.rows["dossiers"] == {}
        [bilan] = bilans(view, status="done")
        assert bilan.reviewed_on == DAY["review_installation"]


class TestSupportRequests:
    def test_a_bilan_with_problems_asks_for_support(self) -> None:
        events = entered(DAY["enter"], ("problemes", DAY["review_installation"]))
        view = project(events)
        [request], total = select_support_requests(view, SupportRequestFilter())
        assert total == Counted(1)
        assert request.dossier_id == events[0].originator_id
        assert (request.requested_on, request.support_months) == (
            DAY["review_installation"],
            6,
        )
        assert (request.status, request.department, request.commune) == (
            "demandee",
            DEPARTMENT,
            COMMUNE,
        )
        [done] = bilans(view, status="done")
        assert (done.outcome, done.support_months) == ("problemes", 6)

    def test_a_bilan_without_problems_asks_for_none(self) -> None:
        view = project(entered(DAY["enter"], ("ok", DAY["review_installation"])))
        assert select_support_requests(view, SupportRequestFilter()) == (
            [],
            Counted(0),
        )

    def test_filters_by_status_and_place(self) -> None:
        view = project(entered(DAY["enter"], ("problemes", DAY["review_installation"])))
        for query, found in [
            (SupportRequestFilter(status="demandee"), 1),
            (SupportRequestFilter(status="en_cours"), 0),
            (SupportRequestFilter(department="971"), 0),
            (SupportRequestFilter(commune=COMMUNE), 1),
        ]:
            assert select_support_requests(view, query)[1] == Counted(found)


def mixed(seed: int) -> list[Any]:
    """Several dossiers' events, shuffled across dossiers, in order within each."""
    queues = [
        history_to(d.WITHDRAWN),
        history_to(d.RANKED),
        history_to(d.CLOSED),
        entered(date(2025, 12, 31)),
        entered(DAY["enter"], ("problemes", DAY["review_installation"])),
    ]
    rng = random.Random(seed)
    events = []
    while any(queues):
        events.append(rng.choice([q for q in queues if q]).pop(0))
    return events


@pytest.mark.parametrize("seed", range(4))
def test_batch_size_changes_nothing(seed: int) -> None:
    events = mixed(seed)
    one_by_one = project(events, batch_size=1)
    all_at_once = project(events)
    some = project(events, batch_size=random.Random(seed).randint(2, 9))
    assert one_by_one.rows == all_at_once.rows == some.rows
    assert all_at_once.writes == 1
    assert len(all_at_once.rows["bilans"]) == 3


# ---- dossiers ready for the pré-commission -------------------------------------------


def listed(programme_id: UUID | None, stage: str, day: int = 1) -> dict[str, Any]:
    on = date(2025, 1, day)
    return {
        "id": uuid4(),
        "applicant_name": "Ménage de test",
        "household_size": 3,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "programme_id": programme_id,
        "dalo": False,
        "numero_unique": None,
        "origin_role": "ccas",
        "origin_organisation": ORGANISATIONS["ccas"],
        "stage": stage,
        "version": 7,
        "identified_on": on,
        "last_occurred_on": on,
        "updated_at": NOW,
    }


def programme(programme_id: UUID, dossiers_to_gather: int | None) -> dict[str, Any]:
    return {
        "id": programme_id,
        "name": "Résidence Les Flamboyants",
        "kind": "livraison",
        "landlord": ORGANISATIONS["bailleur"],
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "stage": "concertee",
        "dwellings": 2,
        "dwellings_vacant": 2,
        "dossiers_to_gather": dossiers_to_gather,
        "concertation_on": date(2025, 1, 2),
        "version": 2,
        "updated_at": NOW,
    }


def views(
    rows: list[dict[str, Any]], programmes: list[dict[str, Any]]
) -> tuple[MemoryRowView, MemoryRowView]:
    dossiers, programme_view = (
        MemoryRowView((DOSSIER_LIST,)),
        MemoryRowView((PROGRAMMES,)),
    )
    for view, table, items in (
        (dossiers, DOSSIER_LIST.name, rows),
        (programme_view, PROGRAMMES.name, programmes),
    ):
        view.begin()
        for row in items:
            view.insert(table, row)
        view.commit_at(1)
    return dossiers, programme_view


class TestReadyForPreCommission:
    def test_solvent_dossiers_of_the_programme_are_ready(self) -> None:
        programme_id = uuid4()
        later, first = (
            listed(programme_id, d.SOLVENCY, 9),
            listed(programme_id, d.SOLVENCY, 2),
        )
        rows = [
            later,
            first,
            listed(programme_id, d.ANALYSIS),
            listed(programme_id, d.WITHDRAWN),
            listed(None, d.SOLVENCY),
            listed(uuid4(), d.SOLVENCY),
        ]
        readiness = select_programme_readiness(
            *views(rows, [programme(programme_id, 6)]), programme_id
        )
        assert readiness is not None
        assert [r.id for r in readiness.ready] == [first["id"], later["id"]]
        assert readiness.ready_count == 2
        assert readiness.by_stage == {d.ANALYSIS: 1, d.SOLVENCY: 2, d.WITHDRAWN: 1}
        assert (readiness.dossiers_to_gather, readiness.dossiers_in_progress) == (6, 3)
        assert not hasattr(readiness.ready[0], "applicant_name")

    def test_pages_the_ready_dossiers(self) -> None:
        programme_id = uuid4()
        rows = [listed(programme_id, d.SOLVENCY, day) for day in (1, 2, 3)]
        readiness = select_programme_readiness(
            *views(rows, [programme(programme_id, None)]),
            programme_id,
            limit=1,
            offset=2,
        )
        assert readiness is not None
        assert [r.id for r in readiness.ready] == [rows[2]["id"]]
        assert (readiness.ready_count, readiness.dossiers_to_gather) == (3, None)

    def test_an_unknown_programme_has_no_readiness(self) -> None:
        programme_id = uuid4()
        rows = [listed(programme_id, d.SOLVENCY)]
        assert select_programme_readiness(*views(rows, []), programme_id) is None
