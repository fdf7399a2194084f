"""The ASLL measures' read model as a pure function of events, on views in
memory: the measure list, the associations' workload on a day (places against
capacity, renewals to decide within 30 days, bilans overdue, too few meetings,
référents' caseloads) and a department's figures for a year, each equal to a
count made by hand from the events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from uuid import uuid4

import pytest

from domain import mesure_steps as m
from domain.department_settings import AssociationSettings, DepartmentSettings
from domain.mesure import Mesure
from projections.lists import Counted
from projections.mesures import (
    MesureFilter,
    MesuresProjection,
    WorkloadFilter,
    select_mesures,
    select_statistics,
    select_workload,
    settings_in_force,
    shares,
)
from tests.helpers.dossiers import make_meta
from tests.helpers.mesure_courses import (
    ASSOCIATIONS,
    DEPARTMENT,
    SETTINGS,
    WORKER,
    Course,
    interleave,
)
from tests.helpers.rows import MemoryRowView, projected

NOW = datetime(2025, 7, 1, 12, tzinfo=UTC)  # 1 July, 08:00 in Martinique
ASKED = date(2025, 6, 30)  # the day the dashboard is asked for
REQUESTED = date(2025, 1, 6)
LUC = "Luc Bellay"
PAUL = "Paul Rose"


project = partial(projected, MesuresProjection)


def rules(
    settings: DepartmentSettings | None = SETTINGS,
) -> Any:
    return lambda department, day: settings


def workload(view: MemoryRowView, **query: Any) -> Any:
    return select_workload(view, WorkloadFilter(**query), rules(), NOW)


def on(month: int, day: int, year: int = 2025) -> date:
    return date(year, month, day)


def team() -> dict[str, Course]:
    """Sixteen measures of two associations, each step dated; the comments say
    what each is on 30 June 2025 (the 30 days before: 1 to 30 June)."""
    c = {
        # en cours until 1 Sept, two meetings in June
        "A": Course(REQUESTED)
        .up_to_convention(on(3, 1))
        .meet(on(6, 1))
        .meet(on(6, 15)),
        # ends on 30 June itself; one meeting in June (31 May is outside), one missed
        "B": Course(REQUESTED)
        .up_to_convention(on(1, 31), months=5)
        .meet(on(5, 31))
        .meet(on(6, 10))
        .meet(on(6, 12), held=False),
        # ends on 30 July, the 30th day after
        "C": Course(REQUESTED)
        .up_to_convention(on(1, 30))
        .meet(on(6, 5))
        .meet(on(6, 20)),
        # ends on 31 July, the 31st day after; no meeting at all
        "D": Course(REQUESTED).up_to_convention(on(1, 31)),
        # ended on 29 June with no bilan: overdue; no meeting
        "E": Course(REQUESTED).up_to_convention(on(3, 29), months=3),
        # renewal asked on 20 June, not decided
        "F": Course(REQUESTED)
        .up_to_convention(on(3, 15))
        .meet(on(6, 5))
        .ask_renewal(on(6, 20))
        .meet(on(6, 25)),
        # ends on 10 July, its renewal refused on 15 June: decided
        "G": Course(REQUESTED)
        .up_to_convention(on(4, 10), months=3, worker=LUC)
        .meet(on(6, 2))
        .ask_renewal(on(6, 10))
        .decide_renewal(on(6, 15), granted=False)
        .meet(on(6, 16)),
        # under convention since 2 June only: its meetings are not judged yet
        "H": Course(REQUESTED).up_to_convention(on(6, 2), months=3, worker=LUC),
        # under convention since 1 June, the window's first day: judged, none held
        "I": Course(REQUESTED).up_to_convention(on(6, 1), months=3, worker=LUC),
        # notified, no convention yet
        "J": Course(REQUESTED).instruct(REQUESTED).notify(REQUESTED),
        # ended on 15 June: its place is free
        "K": Course(REQUESTED).up_to_convention(on(2, 1)).end(on(6, 15)),
        # notified on 5 July only
        "L": Course(REQUESTED).instruct(REQUESTED).notify(on(7, 5)),
        # ends on 27 July, ended on 10 July: on 30 June still running
        "P": Course(REQUESTED)
        .up_to_convention(on(1, 27), worker=LUC)
        .meet(on(6, 3))
        .meet(on(6, 17))
        .end(on(7, 10)),
        # ADSEA 42: a suivi renforcé under convention, one diagnosed, one broken off
        "M": Course(REQUESTED)
        .up_to_convention(on(3, 1), association="adsea42", renforce=True, worker=PAUL)
        .meet(on(6, 8))
        .meet(on(6, 22)),
        "N": Course(REQUESTED)
        .instruct(REQUESTED)
        .notify(REQUESTED, "adsea42", renforce=True)
        .diagnose(on(2, 1)),
        "O": Course(REQUESTED)
        .up_to_convention(on(2, 1), association="adsea42", worker=PAUL)
        .break_off(on(6, 29)),
    }
    # Never held a place: refused, reoriented.
    c["Q"] = Course(REQUESTED).instruct(REQUESTED, granted=False)
    c["R"] = (
        Course(REQUESTED)
        .instruct(REQUESTED)
        .notify(REQUESTED)
        .diagnose(REQUESTED, reorient=True)
    )
    return c


def ids(courses: dict[str, Course], names: str) -> list[Any]:
    return sorted((courses[n].id for n in names), key=str)


class TestRows:
    def test_a_bail_glissant_row_follows_every_step(self) -> None:
        household = uuid4()
        course = (
            Course(REQUESTED, kind="bail_glissant", household_id=household)
            .up_to_convention(on(2, 3), orientation="maintien", months=6)
            .head_lease(on(2, 10))
            .sublease(on(2, 12), starts_on=on(3, 1))
            .meet(on(3, 5))
            .meet(on(3, 20))
            .meet(on(3, 9), held=False)
            .review_sublease(on(4, 1))
            .ask_renewal(on(7, 20), months=4)
            .decide_renewal(on(7, 25), granted=True)
            .slide(on(9, 1))
            .end(on(12, 1))
        )
        view = project(course.events)
        [row] = view.rows["mesures"].values()
        assert row == {
            "id": course.id,
            "kind": "bail_glissant",
            "stage": m.ENDED,
            "department": DEPARTMENT,
            "commune": "97209",
            "household_id": household,
            "channel": "clt",
            "association": "agasef",
            "association_name": "AGASEF",
            "prescriber_role": "prescripteur",
            "prescriber_organisation": "Mission Locale Centre",
            "renforce": False,
            "worker": WORKER,
            "orientation": "maintien",
            "requested_on": REQUESTED,
            "instructed_on": REQUESTED,
            "granted": True,
            "notified_on": REQUESTED,
            "diagnosed_on": REQUESTED,
            "signed_on": on(2, 3),
            "starts_on": on(2, 3),
            "ends_on": on(12, 3),  # 3 Aug + 4 months
            "duration_months": 6,
            "renewals": 1,
            "renewal_pending": False,
            "renewal_asked_on": on(7, 20),
            "renewal_refused_on": None,
            "meetings_held": 2,
            "meetings_missed": 1,
            "last_meeting_on": on(3, 20),  # recorded before the 9 March one
            "closed_on": on(12, 1),
            "closure_reason": m.ENDED,
            "bail_status": m.SLID,
            "bail_landlord": "SIMAR",
            "sublease_starts_on": on(3, 1),
            "slid_on": on(9, 1),
            "sublease_ended_on": None,
            "version": len(course.events),
            "updated_at": course.events[-1].timestamp,
        }

    def test_a_state_is_kept_for_each_step_that_changes_the_course(self) -> None:
        course = (
            Course(REQUESTED)
            .up_to_convention(on(2, 1))
            .meet(on(2, 5))
            .ask_renewal(on(7, 1))
            .decide_renewal(on(7, 10), granted=False)
            .break_off(on(7, 20))
        )
        view = project(course.events)
        states = sorted(view.rows["states"].values(), key=lambda s: s["version"])
        assert [(s["stage"], s["since"], s["renewal"]) for s in states] == [
            (m.REQUESTED, REQUESTED, None),
            (m.INSTRUCTED, REQUESTED, None),
            (m.NOTIFIED, REQUESTED, None),
            (m.DIAGNOSED, REQUESTED, None),
            (m.RUNNING, on(2, 1), None),
            (m.RENEWAL_ASKED, on(7, 1), "demandee"),
            (m.RUNNING, on(7, 10), "refusee"),
            (m.BROKEN_OFF, on(7, 20), "refusee"),
        ]
        [meeting] = view.rows["meetings"].values()
        assert (meeting["held_on"], meeting["held"]) == (on(2, 5), True)

    def test_an_association_s_own_action_is_its_from_the_request(self) -> None:
        aralis = AssociationSettings(
            code="aralis", name="ARALIS", monthly_capacity=10, direct=True
        )
        mesure = Mesure.request(
            mesure_id=uuid4(),
            kind="action_specifique",
            household_id=uuid4(),
            department=DEPARTMENT,
            commune="97209",
            diagnostic_summary="Sortie de foyer.",
            diagnostic_signed_on=REQUESTED,
            household_signed=True,
            settings=SETTINGS.model_copy(update={"associations": (aralis,)}),
            meta=make_meta("association", REQUESTED, organisation="ARALIS"),
            association=aralis,
        )
        view = project(list(mesure.collect_events()))
        [row] = view.rows["mesures"].values()
        assert (row["channel"], row["association"], row["association_name"]) == (
            "direct",
            "aralis",
            "ARALIS",
        )

    def test_rows_keep_no_diagnostic_bilan_nor_motive(self) -> None:
        events = interleave(*team().values())
        view = project(events)
        texts = {"Dettes locatives, budget à reprendre.", "Objectifs atteints."}
        for table in view.tables:
            for row in view.rows[table.name].values():
                assert not texts & {v for v in row.values() if isinstance(v, str)}
                assert not {"summary", "bilan", "motive"} & set(row)

    @pytest.mark.parametrize("batch_size", [1, 2, 7])
    def test_any_batching_gives_the_same_rows(self, batch_size: int) -> None:
        events = interleave(*team().values())
        assert project(events, batch_size).rows == project(events).rows


class TestList:
    def test_filters_and_pages_last_requested_first(self) -> None:
        early = Course(on(1, 2)).up_to_convention(on(2, 1), worker=LUC)
        late = Course(on(3, 2), commune="97213").instruct(on(3, 3))
        other = Course(on(2, 2), department="971", commune="97101")
        adsea = (
            Course(on(2, 5), kind="bail_glissant")
            .instruct(on(2, 6))
            .notify(on(2, 7), "adsea42")
        )
        view = project(interleave(early, late, other, adsea))

        def listed(**query: Any) -> list[Any]:
            rows, total = select_mesures(view, MesureFilter(**query))
            assert total == Counted(len(rows)) or "limit" in query
            return [r.id for r in rows]

        assert listed() == [late.id, adsea.id, other.id, early.id]
        assert listed(department="972") == [late.id, adsea.id, early.id]
        assert listed(commune="97213") == [late.id]
        assert listed(association="adsea42") == [adsea.id]
        assert listed(stage=m.RUNNING) == [early.id]
        assert listed(kind="bail_glissant") == [adsea.id]
        assert listed(worker=LUC) == [early.id]
        assert listed(worker="Inconnu") == []
        rows, total = select_mesures(view, MesureFilter(limit=2, offset=1))
        assert ([r.id for r in rows], total) == ([adsea.id, other.id], Counted(4))


class TestWorkload:
    def test_the_day_asked_equals_a_count_by_hand(self) -> None:
        c = team()
        view = project(interleave(*c.values()))
        load = workload(view, department=DEPARTMENT, as_of=ASKED)
        by_code = {a.association: a for a in load.associations}
        assert list(by_code) == ["adsea42", "agasef"]
        agasef, adsea = by_code["agasef"], by_code["adsea42"]
        assert (agasef.name, agasef.as_of, agasef.meetings_per_month) == (
            "AGASEF",
            ASKED,
            2,
        )
        assert (agasef.active, agasef.capacity) == (11, 30)  # A-J and P
        assert (agasef.renforces, agasef.renforce_capacity) == (0, 0)
        assert agasef.awaiting_convention == 1  # J
        assert agasef.ending_soon == ids(c, "BCFP")
        assert agasef.overdue_bilans == ids(c, "E")
        assert agasef.few_meetings == ids(c, "BDEI")
        assert (adsea.active, adsea.capacity) == (2, 28)  # M, N
        assert (adsea.renforces, adsea.renforce_capacity) == (2, 4)
        assert adsea.awaiting_convention == 1
        assert (adsea.ending_soon, adsea.overdue_bilans, adsea.few_meetings) == (
            [],
            [],
            [],
        )
        assert [
            (w.association, w.worker, w.active, w.renforces) for w in load.workers
        ] == [
            ("adsea42", PAUL, 1, 1),
            ("agasef", WORKER, 6, 0),  # A-F
            ("agasef", LUC, 4, 0),  # G, H, I, P
        ]

    def test_a_past_day_is_told_as_it_stood_then(self) -> None:
        c = team()
        view = project(interleave(*c.values()))
        before = workload(view, department=DEPARTMENT, as_of=on(1, 5))
        assert [(a.association, a.active) for a in before.associations] == [
            ("adsea42", 0),
            ("agasef", 0),
        ]
        assert before.workers == []
        notified = workload(view, department=DEPARTMENT, as_of=on(1, 20))
        agasef = {a.association: a for a in notified.associations}["agasef"]
        # every AGASEF measure notified on 6 January, none under convention yet
        assert (agasef.active, agasef.awaiting_convention) == (12, 12)
        assert (agasef.ending_soon, agasef.overdue_bilans) == ([], [])
        adsea = {a.association: a for a in notified.associations}["adsea42"]
        assert (adsea.active, adsea.renforces) == (3, 2)  # M, N, O
        later = workload(view, department=DEPARTMENT, as_of=on(7, 15))
        agasef = {a.association: a for a in later.associations}["agasef"]
        # P ended on 10 July, L notified on 5 July
        assert agasef.active == 11
        assert c["L"].id not in agasef.ending_soon + agasef.overdue_bilans

    @pytest.mark.parametrize(
        ("offset", "ending_soon", "overdue"),
        [
            (-31, False, False),
            (-30, True, False),  # its last day is the 30th day after
            (-1, True, False),
            (0, True, False),  # ends the day asked
            (1, False, True),
        ],
    )
    def test_a_renewal_is_due_within_thirty_days_of_the_end(
        self, offset: int, ending_soon: bool, overdue: bool
    ) -> None:
        course = Course(REQUESTED).up_to_convention(on(3, 1), months=3)
        ends_on = on(6, 1)
        view = project(course.events)
        day = ends_on + timedelta(days=offset)
        [agasef] = workload(view, association="agasef", as_of=day).associations
        assert (agasef.ending_soon == [course.id]) is ending_soon
        assert (agasef.overdue_bilans == [course.id]) is overdue

    def test_a_renewal_granted_starts_a_new_period(self) -> None:
        course = (
            Course(REQUESTED)
            .up_to_convention(on(3, 1), months=3)
            .ask_renewal(on(5, 10), months=2)
        )
        view = project(course.events)
        [asked] = workload(view, association="agasef", as_of=on(5, 10)).associations
        assert asked.ending_soon == [course.id]  # asked, not decided
        course.decide_renewal(on(5, 20), granted=True)  # ends on 1 August
        view = project(course.events)
        [renewed] = workload(view, association="agasef", as_of=on(6, 1)).associations
        assert renewed.ending_soon == []
        [again] = workload(view, association="agasef", as_of=on(7, 2)).associations
        assert again.ending_soon == [course.id]  # its end comes again
        [before] = workload(view, association="agasef", as_of=on(5, 15)).associations
        assert before.ending_soon == [course.id]  # the decision came on 20 May

    @pytest.mark.parametrize(
        ("meetings", "starts_on", "few"),
        [
            ([on(6, 1), on(6, 30)], on(3, 1), False),  # the window's both ends
            ([on(5, 31), on(6, 30)], on(3, 1), True),  # 31 May is outside
            ([on(6, 10)], on(3, 1), True),
            ([], on(6, 1), True),  # under convention for the whole window
            ([], on(6, 2), False),  # for 29 days only: not judged
        ],
    )
    def test_fewer_than_two_meetings_in_the_thirty_days(
        self, meetings: list[date], starts_on: date, few: bool
    ) -> None:
        course = Course(REQUESTED).up_to_convention(starts_on)
        for day in meetings:
            course.meet(day)
        view = project(course.events)
        [agasef] = workload(view, association="agasef", as_of=ASKED).associations
        assert (agasef.few_meetings == [course.id]) is few

    def test_the_expected_meetings_are_the_settings_in_force(self) -> None:
        course = Course(REQUESTED).up_to_convention(on(3, 1)).meet(on(6, 10))
        view = project(course.events)
        one = SETTINGS.model_copy(update={"meetings_per_month": 1})
        load = select_workload(
            view, WorkloadFilter(association="agasef", as_of=ASKED), rules(one), NOW
        )
        assert (
            load.associations[0].few_meetings,
            load.associations[0].meetings_per_month,
        ) == ([], 1)

    def test_capacity_unknown_without_settings_and_named_from_the_measures(
        self,
    ) -> None:
        course = Course(REQUESTED).up_to_convention(on(3, 1), association="adsea42")
        view = project(course.events)
        load = select_workload(
            view, WorkloadFilter(department=DEPARTMENT, as_of=ASKED), rules(None), NOW
        )
        [adsea] = load.associations
        assert (adsea.association, adsea.name, adsea.capacity, adsea.active) == (
            "adsea42",
            "ADSEA 42",
            None,
            1,
        )
        assert adsea.meetings_per_month == 2

    def test_every_department_on_its_own_today(self) -> None:
        here = Course(REQUESTED).up_to_convention(on(3, 1))
        there = Course(REQUESTED, department="974", commune="97411").up_to_convention(
            on(3, 1)
        )
        view = project(interleave(here, there))
        late = datetime(
            2025, 7, 1, 22, tzinfo=UTC
        )  # 18:00 in Martinique, 2 July in La Réunion
        load = select_workload(view, WorkloadFilter(), rules(), late)
        assert [
            (a.department, a.association, a.as_of, a.active) for a in load.associations
        ] == [
            ("972", "adsea42", on(7, 1), 0),
            ("972", "agasef", on(7, 1), 1),
            ("974", "adsea42", on(7, 2), 0),
            ("974", "agasef", on(7, 2), 1),
        ]

    def test_settings_in_force_on_the_day(self) -> None:
        one = SETTINGS.model_copy(update={"meetings_per_month": 1})
        versions = [
            (on(1, 1), 1, SETTINGS.model_dump(mode="json")),
            (on(6, 1), 2, one.model_dump(mode="json")),
        ]
        assert settings_in_force(versions, on(12, 31, 2024)) is None
        assert settings_in_force(versions, on(5, 31)) == SETTINGS
        assert settings_in_force(versions, on(6, 1)) == one
        assert settings_in_force(versions, on(6, 1)).associations == ASSOCIATIONS  # type: ignore[union-attr]


class TestStatistics:
    def test_a_year_equals_a_count_by_hand(self) -> None:
        household = uuid4()
        courses = [
            # requested on the year's eve: counted in 2024 only
            Course(on(12, 31, 2024)).instruct(on(12, 31, 2024), granted=False),
            # convention of 2024 ended on 31 Dec 2024: not supported in 2025
            Course(on(6, 3, 2024))
            .up_to_convention(on(7, 1, 2024))
            .end(on(12, 31, 2024)),
            # convention of 2024, ended in 2025: supported in 2025
            Course(on(6, 3, 2024), household_id=household)
            .up_to_convention(on(7, 1, 2024), orientation="maintien")
            .end(on(1, 1)),
            # the same household again in 2025: counted once
            Course(on(1, 1), household_id=household).up_to_convention(on(3, 1)),
            Course(on(1, 2))
            .up_to_convention(on(3, 1), orientation="maintien")
            .break_off(on(9, 1)),
            Course(on(1, 2)).up_to_convention(on(4, 1), orientation="diagnostic"),
            Course(on(2, 2)).up_to_convention(on(12, 31)),
            # signed in 2025, starting in 2026: not yet supported
            Course(on(2, 2))
            .instruct(on(2, 2))
            .notify(on(2, 2))
            .diagnose(on(2, 2))
            .sign(on(12, 20), starts_on=on(1, 4, 2026)),
            Course(on(3, 2))
            .instruct(on(3, 3))
            .notify(on(3, 4))
            .diagnose(on(3, 5), reorient=True),
            Course(on(3, 2)).instruct(on(3, 3), granted=False),
            Course(on(12, 31)).instruct(on(1, 1, 2026)),
            # baux glissants: one starting on 1 January, signed in 2024
            Course(on(10, 1, 2024), kind="bail_glissant")
            .up_to_convention(on(11, 1, 2024))
            .head_lease(on(12, 1, 2024))
            .sublease(on(12, 20, 2024), starts_on=on(1, 1))
            .slide(on(12, 31)),
            Course(on(2, 1), kind="bail_glissant")
            .up_to_convention(on(3, 1))
            .head_lease(on(3, 2))
            .sublease(on(3, 3))
            .slide(on(1, 1, 2026)),
            # another department
            Course(on(3, 2), department="971", commune="97101").up_to_convention(
                on(4, 1)
            ),
        ]
        view = project(interleave(*courses))
        stats = select_statistics(view, DEPARTMENT, 2025)
        assert stats.requested == 9
        assert (stats.instructed, stats.granted, stats.refused) == (8, 7, 1)
        assert stats.demands_processed == stats.instructed
        assert stats.notified == 7
        assert stats.conventions == 6
        assert [
            (o.orientation, o.count, o.share_percent) for o in stats.by_orientation
        ] == [
            ("acces", 4, 66.7),
            ("maintien", 1, 16.7),
            ("diagnostic", 1, 16.7),
        ]
        assert (stats.reoriented, stats.ended, stats.broken_off) == (1, 1, 1)
        assert (stats.baux_glissants_started, stats.baux_glissants_slid) == (2, 1)
        # the household (twice), three other conventions starting in 2025, two
        # baux glissants
        assert stats.households_supported == 6
        assert stats.mandats_de_gestion is None
        assert "mandats de gestion" in stats.notes[0]
        last = select_statistics(view, DEPARTMENT, 2024)
        assert (last.requested, last.refused, last.conventions, last.ended) == (
            4,
            1,
            3,
            1,
        )
        assert last.households_supported == 3
        assert select_statistics(view, "971", 2025).conventions == 1
        empty = select_statistics(view, DEPARTMENT, 2030)
        assert [o.share_percent for o in empty.by_orientation] == [None, None, None]

    def test_shares_as_the_loire_table(self) -> None:
        # Loire 2006: 733 measures, accès 619 = 84 %, maintien 57 = 8 %,
        # diagnostic 57 = 8 %
        loire = shares({"acces": 619, "maintien": 57, "diagnostic": 57})
        assert loire == {"acces": 84.4, "maintien": 7.8, "diagnostic": 7.8}
        assert {k: round(v) for k, v in loire.items() if v is not None} == {
            "acces": 84,
            "maintien": 8,
            "diagnostic": 8,
        }
        assert shares({"acces": 0}) == {"acces": None}
