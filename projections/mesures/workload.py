"""The associations' workload on a day: places against their capacity,
renewals to decide, bilans overdue, too few meetings (ASLL-RYTHME, ASLL-DUREE),
each référent's caseload.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain import mesure_steps as m
from domain.department import local_today
from domain.department_settings import DepartmentSettings
from projections.rows import Between, Row, RowView

# ASLL-RYTHME: the window in which meetings are counted, ending on the day asked.
MEETING_WINDOW_DAYS = 30
# A renewal is to be decided when the convention ends within this many days.
ENDING_WITHIN_DAYS = 30
MEETINGS_PER_MONTH: int = DepartmentSettings.model_fields["meetings_per_month"].default
AWAITING_CONVENTION = frozenset({m.NOTIFIED, m.DIAGNOSED})

# (department, day) → its settings in force that day, None if it has none.
RulesOn = Callable[[str, date], DepartmentSettings | None]
SettingsVersions = Sequence[tuple[date, int, dict[str, Any]]]


def settings_in_force(
    versions: SettingsVersions, day: date
) -> DepartmentSettings | None:
    in_force = [settings for since, _, settings in versions if since <= day]
    return DepartmentSettings.model_validate(in_force[-1]) if in_force else None


@dataclass(frozen=True)
class AssociationWorkload:
    department: str
    association: str
    name: str
    as_of: date
    capacity: int | None  # monthly capacity in force on as_of; None: not configured
    active: int  # measures holding a place: notified, diagnosed, under convention
    renforce_capacity: int | None
    renforces: int  # of which suivis renforcés
    awaiting_convention: int  # notified or diagnosed, no convention yet
    ending_soon: list[UUID]  # a renewal to decide within 30 days, or asked
    overdue_bilans: list[UUID]  # under convention past its last day
    few_meetings: list[UUID]  # fewer meetings than expected in the last 30 days
    meetings_per_month: int


@dataclass(frozen=True)
class WorkerCaseload:
    department: str
    association: str
    worker: str
    active: int
    renforces: int


@dataclass(frozen=True)
class Workload:
    associations: list[AssociationWorkload]
    workers: list[WorkerCaseload]


@dataclass(frozen=True)
class WorkloadFilter:
    department: str | None = None
    association: str | None = None
    as_of: date | None = None  # None: the day it is in each department


def select_workload(
    view: RowView, query: WorkloadFilter, rules: RulesOn, now: datetime
) -> Workload:
    """Each association's measures as they stood on the day asked (the steps
    dated up to that day), judged by the settings in force that day."""
    if query.department is not None:
        departments = [query.department]
    else:
        rows = view.select_rows("departments", order_by=("department",))
        departments = [row["department"] for row in rows]
    associations: list[AssociationWorkload] = []
    workers: list[WorkerCaseload] = []
    for department in departments:
        day = query.as_of or local_today(department, now)
        found = _department_workload(view, department, query.association, day, rules)
        associations += found.associations
        workers += found.workers
    return Workload(associations, workers)


def _department_workload(
    view: RowView,
    department: str,
    association: str | None,
    day: date,
    rules: RulesOn,
) -> Workload:
    settings = rules(department, day)
    scope: dict[str, Any] = {"department": department}
    if association is not None:
        scope["association"] = association
    rows = view.select_rows(
        "states", {**scope, "since": Between(None, day)}, ("mesure_id", "version")
    )
    states = {row["mesure_id"]: row for row in rows}  # the last one by that day
    holding: dict[str, list[Row]] = defaultdict(list)
    for state in states.values():
        if state["stage"] in m.HOLDS_A_PLACE:
            holding[state["association"]].append(state)
    first_day = day - timedelta(days=MEETING_WINDOW_DAYS - 1)
    held = {**scope, "held": True, "held_on": Between(first_day, day)}
    meetings = Counter(r["mesure_id"] for r in view.select_rows("meetings", held))
    expected = settings.meetings_per_month if settings else MEETINGS_PER_MONTH

    def too_few_meetings(state: Row) -> bool:
        """ASLL-RYTHME, judged once the convention covers the whole window."""
        judged = state["starts_on"] <= first_day
        return judged and meetings[state["mesure_id"]] < expected

    configured = {
        a.code: a
        for a in (settings.associations if settings else ())
        if association in (None, a.code)
    }
    names = _association_names(view, department, set(holding) - set(configured))
    result = []
    for code in sorted(set(configured) | set(holding)):
        places = holding.get(code, [])
        under = [s for s in places if s["stage"] in m.UNDER_CONVENTION]
        settings_of = configured.get(code)
        result.append(
            AssociationWorkload(
                department=department,
                association=code,
                name=settings_of.name if settings_of else names.get(code, code),
                as_of=day,
                capacity=settings_of.monthly_capacity if settings_of else None,
                active=len(places),
                renforce_capacity=(
                    settings_of.renforce_capacity if settings_of else None
                ),
                renforces=sum(1 for s in places if s["renforce"]),
                awaiting_convention=sum(
                    1 for s in places if s["stage"] in AWAITING_CONVENTION
                ),
                ending_soon=_ids(s for s in under if _ending_soon(s, day)),
                overdue_bilans=_ids(s for s in under if s["ends_on"] < day),
                few_meetings=_ids(s for s in under if too_few_meetings(s)),
                meetings_per_month=expected,
            )
        )
    return Workload(result, _caseloads(department, holding))


def _caseloads(department: str, holding: dict[str, list[Row]]) -> list[WorkerCaseload]:
    """Each référent's measures holding a place (those under a convention)."""
    by_worker: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for code, places in holding.items():
        for state in places:
            if state["worker"] is not None:
                by_worker[(code, state["worker"])].append(state)
    return [
        WorkerCaseload(
            department=department,
            association=code,
            worker=worker,
            active=len(places),
            renforces=sum(1 for s in places if s["renforce"]),
        )
        for (code, worker), places in sorted(by_worker.items())
    ]


def _ending_soon(state: Row, day: date) -> bool:
    """ASLL-DUREE: a renewal asked and not decided yet, or a convention ending
    within 30 days (its last day included) with no renewal asked for it."""
    if state["stage"] == m.RENEWAL_ASKED:
        return True
    last = day + timedelta(days=ENDING_WITHIN_DAYS)
    return state["renewal"] is None and day <= state["ends_on"] <= last


def _ids(states: Any) -> list[UUID]:
    return sorted((s["mesure_id"] for s in states), key=str)


def _association_names(
    view: RowView, department: str, codes: set[str]
) -> dict[str, str]:
    """The names the measures were notified under, for associations no longer in
    the settings in force."""
    names = {}
    for code in sorted(codes):
        rows = view.select_rows(
            "mesures", {"department": department, "association": code}, limit=1
        )
        if rows and rows[0]["association_name"]:
            names[code] = rows[0]["association_name"]
    return names
