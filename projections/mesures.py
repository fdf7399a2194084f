"""The ASLL measures' read model (DOMAIN.md §4, §8 ASLL-*): one row per measure,
its state after each step that changes its course (so that any day can be told
as it stood), and its meetings. It answers the measure list, the associations'
workload on a day (places against their capacity, renewals to decide, bilans
overdue, too few meetings, each référent's caseload) and a department's figures
for a year.

Rows keep ids, places, dates and the référent's name: no diagnostic, no bilan,
no motive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain import mesure as m
from domain.department import DepartmentSettings, local_today
from domain.mesure import Mesure
from projections.rows import Between, Row, RowProjection, RowView, Table

MESURES = Table(
    name="mesures",
    columns={
        "id": "uuid",
        "kind": "text",
        "stage": "text",
        "department": "text",
        "commune": "text",
        "household_id": "uuid",
        "channel": "text",  # clu, clt, direct (ASLL-CANAL)
        "association": "text",
        "association_name": "text",
        # who asked for it (the prescriber's scope, domain/access.py)
        "prescriber_role": "text",
        "prescriber_organisation": "text",
        "renforce": "bool",
        "worker": "text",  # the référent named by the convention
        "orientation": "text",
        "requested_on": "date",
        "instructed_on": "date",
        "granted": "bool",
        "notified_on": "date",
        "diagnosed_on": "date",
        "signed_on": "date",  # the convention's signature
        "starts_on": "date",
        "ends_on": "date",  # the convention's last day, renewals included
        "duration_months": "int",
        "renewals": "int",
        "renewal_pending": "bool",
        "renewal_asked_on": "date",
        "renewal_refused_on": "date",  # of the current period
        "meetings_held": "int",
        "meetings_missed": "int",
        "last_meeting_on": "date",
        "closed_on": "date",
        "closure_reason": "text",  # refusee, reorientee, terminee, rompue
        "bail_status": "text",
        "bail_landlord": "text",
        "sublease_starts_on": "date",
        "slid_on": "date",
        "sublease_ended_on": "date",
        "version": "int",
        "updated_at": "datetime",
    },
    key=("id",),
    indexes=(
        ("department", "commune", "stage"),
        ("association", "stage"),
        ("association_name",),
        ("prescriber_organisation",),
        ("requested_on",),
    ),
)
# The measure after each step that changes its stage, end date or référent.
STATES = Table(
    name="states",
    columns={
        "mesure_id": "uuid",
        "version": "int",
        "department": "text",
        "association": "text",
        "renforce": "bool",
        "worker": "text",
        "stage": "text",
        "since": "date",  # the step's day
        "starts_on": "date",
        "ends_on": "date",
        "renewal": "text",  # of the current period: demandee, refusee or null
    },
    key=("mesure_id", "version"),
    indexes=(("department", "since"),),
)
MEETINGS = Table(
    name="meetings",
    columns={
        "mesure_id": "uuid",
        "version": "int",
        "department": "text",
        "association": "text",
        "held_on": "date",
        "held": "bool",  # false: missed by the household
    },
    key=("mesure_id", "version"),
    indexes=(("department", "held_on"),),
)
DEPARTMENTS = Table(
    name="departments",
    columns={"department": "text", "mesures": "int"},
    key=("department",),
)

ASSOCIATION_PATTERN = r"^[a-z0-9_]{2,40}$"  # an association's code in the settings
# ASLL-RYTHME: the window in which meetings are counted, ending on the day asked.
MEETING_WINDOW_DAYS = 30
# A renewal is to be decided when the convention ends within this many days.
ENDING_WITHIN_DAYS = 30
MEETINGS_PER_MONTH: int = DepartmentSettings.model_fields["meetings_per_month"].default
AWAITING_CONVENTION = frozenset({m.NOTIFIED, m.DIAGNOSED})
ASLL_ASSUMPTIONS = (
    "Les mesures de l'année (Loire 2006 : 733) sont lues comme les conventions "
    "signées dans l'année, par orientation et par nature de mesure.",
    "« Baux glissants : 47 % des suivis » (Loire 2006) est lu comme la part des "
    "mesures en bail glissant dans ces conventions.",
)
MANDATS_NOTE = (
    "Les mandats de gestion (AML) ne sont pas enregistrés dans Logis : "
    "aucun chiffre n'est donné."
)


def mesure_topics() -> tuple[str, ...]:
    """The stored topics of every measure event (their explicit TOPICs)."""
    return tuple(
        cls.TOPIC
        for cls in vars(Mesure).values()
        if isinstance(cls, type)
        and issubclass(cls, Mesure.Event)
        and cls is not Mesure.Event
    )


class MesuresProjection(RowProjection):
    name = "mesures"
    version = 2  # 2: prescriber_role, prescriber_organisation
    tables = (MESURES, STATES, MEETINGS, DEPARTMENTS)
    topics = mesure_topics()

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def requested(self, event: Mesure.Requested, _: Tracking) -> None:
        row = {column: None for column in MESURES.columns}
        row.update(
            id=event.originator_id,
            kind=event.kind,
            stage=m.REQUESTED,
            department=event.department,
            commune=event.commune,
            household_id=event.household_id,
            channel=event.channel,
            association=event.association,  # an association's own action
            association_name=event.association_name,
            prescriber_role=event.actor.role,
            prescriber_organisation=event.actor.organisation,
            renforce=False,
            requested_on=event.occurred_on,
            renewals=0,
            renewal_pending=False,
            meetings_held=0,
            meetings_missed=0,
            version=event.originator_version,
            updated_at=event.timestamp,
        )
        self.view.insert("mesures", row)
        self.view.tally("departments", {"department": event.department}, mesures=1)
        self._record_state(row, event)

    @process_event.register
    def instructed(self, event: Mesure.Instructed, _: Tracking) -> None:
        changes: Row = {
            "stage": m.INSTRUCTED if event.granted else m.REFUSED,
            "instructed_on": event.occurred_on,
            "granted": event.granted,
        }
        if not event.granted:
            changes |= {"closed_on": event.occurred_on, "closure_reason": m.REFUSED}
        self._change(event, changes, state=True)

    @process_event.register
    def notified(self, event: Mesure.Notified, _: Tracking) -> None:
        self._change(
            event,
            {
                "stage": m.NOTIFIED,
                "association": event.association,
                "association_name": event.association_name,
                "renforce": event.renforce,
                "notified_on": event.occurred_on,
            },
            state=True,
        )

    @process_event.register
    def diagnosed(self, event: Mesure.ComplementaryDiagnosisDone, _: Tracking) -> None:
        changes: Row = {"stage": m.DIAGNOSED, "diagnosed_on": event.occurred_on}
        if event.outcome == "reoriente":
            changes |= {
                "stage": m.REORIENTED,
                "closed_on": event.occurred_on,
                "closure_reason": m.REORIENTED,
            }
        self._change(event, changes, state=True)

    @process_event.register
    def convention_signed(self, event: Mesure.ConventionSigned, _: Tracking) -> None:
        self._change(
            event,
            {
                "stage": m.RUNNING,
                "worker": event.worker,
                "orientation": event.orientation,
                "signed_on": event.occurred_on,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "duration_months": event.duration_months,
            },
            state=True,
        )

    @process_event.register
    def meeting_held(self, event: Mesure.MeetingHeld, _: Tracking) -> None:
        row = self._meeting(event, held=True)
        last = row["last_meeting_on"] if row else None
        later = last is None or event.occurred_on > last  # meetings come in any order
        self._change(event, {"last_meeting_on": event.occurred_on} if later else {})
        self.view.increment("mesures", (event.originator_id,), meetings_held=1)

    @process_event.register
    def meeting_missed(self, event: Mesure.MeetingMissed, _: Tracking) -> None:
        self._meeting(event, held=False)
        self._change(event, {})
        self.view.increment("mesures", (event.originator_id,), meetings_missed=1)

    @process_event.register
    def renewal_requested(self, event: Mesure.RenewalRequested, _: Tracking) -> None:
        changes = {
            "stage": m.RENEWAL_ASKED,
            "renewal_pending": True,
            "renewal_asked_on": event.occurred_on,
        }
        self._change(event, changes, state=True)

    @process_event.register
    def renewed(self, event: Mesure.Renewed, _: Tracking) -> None:
        row = self.view.get("mesures", (event.originator_id,))
        changes = {
            "stage": m.RUNNING,
            "ends_on": event.ends_on,
            "renewals": (row["renewals"] if row else 0) + 1,
            "renewal_pending": False,
            "renewal_refused_on": None,  # a new period begins
        }
        self._change(event, changes, state=True)

    @process_event.register
    def renewal_refused(self, event: Mesure.RenewalRefused, _: Tracking) -> None:
        changes = {
            "stage": m.RUNNING,
            "renewal_pending": False,
            "renewal_refused_on": event.occurred_on,
        }
        self._change(event, changes, state=True)

    @process_event.register
    def ended(self, event: Mesure.Ended, _: Tracking) -> None:
        changes = {
            "stage": m.ENDED,
            "closed_on": event.occurred_on,
            "closure_reason": m.ENDED,
        }
        self._change(event, changes, state=True)

    @process_event.register
    def broken_off(self, event: Mesure.BrokenOff, _: Tracking) -> None:
        changes = {
            "stage": m.BROKEN_OFF,
            "closed_on": event.occurred_on,
            "closure_reason": m.BROKEN_OFF,
        }
        self._change(event, changes, state=True)

    @process_event.register
    def head_lease_signed(self, event: Mesure.HeadLeaseSigned, _: Tracking) -> None:
        changes = {"bail_status": m.HEAD_LEASE, "bail_landlord": event.landlord}
        self._change(event, changes)

    @process_event.register
    def sublease_signed(self, event: Mesure.SubleaseSigned, _: Tracking) -> None:
        changes = {"bail_status": m.SUBLET, "sublease_starts_on": event.starts_on}
        self._change(event, changes)

    @process_event.register
    def lease_slid(self, event: Mesure.LeaseSlid, _: Tracking) -> None:
        self._change(event, {"bail_status": m.SLID, "slid_on": event.occurred_on})

    @process_event.register
    def sublease_ended(self, event: Mesure.SubleaseEnded, _: Tracking) -> None:
        changes = {
            "bail_status": m.SUBLEASE_ENDED,
            "sublease_ended_on": event.occurred_on,
        }
        self._change(event, changes)

    @process_event.register
    def mesure_changed(self, event: Mesure.Event, _: Tracking) -> None:
        self._change(event, {})  # a sublease review: only the version moves

    def prefetch(self, events: list[Any]) -> None:
        self.view.prefetch(
            "mesures",
            [
                (e.originator_id,)
                for e in events
                if isinstance(e, Mesure.Event) and not isinstance(e, Mesure.Requested)
            ],
        )

    def _change(
        self, event: Mesure.Event, changes: Row, *, state: bool = False
    ) -> None:
        key = (event.originator_id,)
        self.view.update(
            "mesures",
            key,
            {
                **changes,
                "version": event.originator_version,
                "updated_at": event.timestamp,
            },
        )
        row = self.view.get("mesures", key) if state else None
        if row is not None:
            self._record_state(row, event)

    def _record_state(self, row: Row, event: Mesure.Event) -> None:
        renewal = (
            "demandee"
            if row["renewal_pending"]
            else ("refusee" if row["renewal_refused_on"] else None)
        )
        self.view.insert(
            "states",
            {
                "mesure_id": row["id"],
                "version": event.originator_version,
                "department": row["department"],
                "association": row["association"],
                "renforce": row["renforce"],
                "worker": row["worker"],
                "stage": row["stage"],
                "since": event.occurred_on,
                "starts_on": row["starts_on"],
                "ends_on": row["ends_on"],
                "renewal": renewal,
            },
        )

    def _meeting(self, event: Mesure.Event, *, held: bool) -> Row | None:
        row = self.view.get("mesures", (event.originator_id,))
        if row is not None:
            self.view.insert(
                "meetings",
                {
                    "mesure_id": event.originator_id,
                    "version": event.originator_version,
                    "department": row["department"],
                    "association": row["association"],
                    "held_on": event.occurred_on,
                    "held": held,
                },
            )
        return row


# ---- the list ---------------------------------------------------------------------


@dataclass(frozen=True)
class MesureRow:
    id: UUID
    kind: str
    stage: str
    department: str
    commune: str
    household_id: UUID
    channel: str
    association: str | None
    association_name: str | None
    prescriber_role: str
    prescriber_organisation: str
    renforce: bool
    worker: str | None
    orientation: str | None
    requested_on: date
    instructed_on: date | None
    granted: bool | None
    notified_on: date | None
    diagnosed_on: date | None
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    duration_months: int | None
    renewals: int
    renewal_pending: bool
    renewal_asked_on: date | None
    renewal_refused_on: date | None
    meetings_held: int
    meetings_missed: int
    last_meeting_on: date | None
    closed_on: date | None
    closure_reason: str | None
    bail_status: str | None
    bail_landlord: str | None
    sublease_starts_on: date | None
    slid_on: date | None
    sublease_ended_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class MesureFilter:
    department: str | None = None
    commune: str | None = None
    association: str | None = None
    stage: str | None = None
    kind: str | None = None
    worker: str | None = None
    limit: int = 100
    offset: int = 0


def select_mesures(view: RowView, query: MesureFilter) -> tuple[list[MesureRow], int]:
    """Measures matching the filter, last requested first, and how many match."""
    columns = ("department", "commune", "association", "stage", "kind", "worker")
    where = {
        column: getattr(query, column)
        for column in columns
        if getattr(query, column) is not None
    }
    rows, total = view.select(
        "mesures", where, ("-requested_on",), query.limit, query.offset
    )
    return [MesureRow(**row) for row in rows], total


# ---- the workload on a day ----------------------------------------------------------

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
        rows, _ = view.select("departments", order_by=("department",))
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
    rows, _ = view.select(
        "states", {**scope, "since": Between(None, day)}, ("mesure_id", "version")
    )
    states = {row["mesure_id"]: row for row in rows}  # the last one by that day
    holding: dict[str, list[Row]] = defaultdict(list)
    for state in states.values():
        if state["stage"] in m.HOLDS_A_PLACE:
            holding[state["association"]].append(state)
    first_day = day - timedelta(days=MEETING_WINDOW_DAYS - 1)
    held = {**scope, "held": True, "held_on": Between(first_day, day)}
    meetings = Counter(r["mesure_id"] for r in view.select("meetings", held)[0])
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
        rows, _ = view.select(
            "mesures", {"department": department, "association": code}, limit=1
        )
        if rows and rows[0]["association_name"]:
            names[code] = rows[0]["association_name"]
    return names


# ---- a department's figures for a year -----------------------------------------------


@dataclass(frozen=True)
class OrientationCount:
    orientation: str
    count: int
    share_percent: float | None  # of the year's conventions, one decimal


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int
    share_percent: float | None  # of the year's conventions, one decimal


@dataclass(frozen=True)
class Statistics:
    department: str
    year: int
    requested: int
    instructed: int
    granted: int
    refused: int
    notified: int
    conventions: int
    by_orientation: list[OrientationCount]
    by_kind: list[KindCount]
    # The Loire's "baux glissants: 47 % des suivis" [seed 002]: the bail glissant
    # measures' share of the year's conventions, the base of the orientations.
    baux_glissants_share_percent: float | None
    reoriented: int
    ended: int
    broken_off: int
    baux_glissants_started: int
    baux_glissants_slid: int
    households_supported: int
    demands_processed: int
    mandats_de_gestion: int | None
    notes: list[str]
    assumptions: list[str]


def shares(counts: dict[str, int]) -> dict[str, float | None]:
    """Each count's share of their total in %, one decimal rounded half up (the
    Loire 2006: 619, 57, 57 of 733 → 84.4, 7.8, 7.8)."""
    total = sum(counts.values())
    return {
        key: (
            None
            if not total
            else float(
                (Decimal(100 * count) / total).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            )
        )
        for key, count in counts.items()
    }


def select_statistics(view: RowView, department: str, year: int) -> Statistics:
    """What the department's measures did in the year, each step counted on the
    day it happened; households supported: distinct households with a measure
    under convention (from its start to its end or rupture) on any day of it.
    The conventions signed in the year are counted by orientation and by kind
    of measure (individuelle, bail glissant, action spécifique), each with its
    share: the Loire's 2006 table [seed 002]."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = Between(first, last)

    def count(**where: Any) -> int:
        return view.select("mesures", {"department": department, **where}, limit=0)[1]

    by_orientation = {
        orientation: count(signed_on=in_year, orientation=orientation)
        for orientation in m.ORIENTATIONS
    }
    percents = shares(by_orientation)
    by_kind = {kind: count(signed_on=in_year, kind=kind) for kind in m.KINDS}
    kind_percents = shares(by_kind)
    started, _ = view.select(
        "mesures", {"department": department, "starts_on": Between(None, last)}
    )
    households = {
        row["household_id"]
        for row in started
        if row["signed_on"] is not None
        and (
            row["closed_on"] is None or row["closed_on"] >= max(first, row["starts_on"])
        )
    }
    instructed = count(instructed_on=in_year)
    return Statistics(
        department=department,
        year=year,
        requested=count(requested_on=in_year),
        instructed=instructed,
        granted=count(instructed_on=in_year, granted=True),
        refused=count(instructed_on=in_year, granted=False),
        notified=count(notified_on=in_year),
        conventions=sum(by_orientation.values()),
        by_orientation=[
            OrientationCount(orientation, n, percents[orientation])
            for orientation, n in by_orientation.items()
        ],
        by_kind=[
            KindCount(kind, n, kind_percents[kind]) for kind, n in by_kind.items()
        ],
        baux_glissants_share_percent=kind_percents["bail_glissant"],
        reoriented=count(closed_on=in_year, closure_reason=m.REORIENTED),
        ended=count(closed_on=in_year, closure_reason=m.ENDED),
        broken_off=count(closed_on=in_year, closure_reason=m.BROKEN_OFF),
        baux_glissants_started=count(sublease_starts_on=in_year),
        baux_glissants_slid=count(slid_on=in_year),
        households_supported=len(households),
        demands_processed=instructed,
        mandats_de_gestion=None,
        notes=[MANDATS_NOTE],
        assumptions=list(ASLL_ASSUMPTIONS),
    )
