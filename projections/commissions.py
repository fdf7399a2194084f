"""The commissions' read model: one row per session (pré-commission, commission
préfectorale, CAL), one per dossier it decided on, one per dwelling a CAL
examines. It answers the sessions of a department or a commune, a session's
list (agenda, ranked list, liste complémentaire with its expiry, the CAL's
candidates and decisions per dwelling), and the listes complémentaires that
serve a commune on a given day (LC-VALIDITE).

Commission events carry everything needed: a CAL decision names the commission
préfectorale that ranked or listed the dossier, so that entry also records what
the CAL later decided on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain import dossier as d
from domain.commission import Commission
from projections.rows import Between, RowProjection, RowView, Table

COMMISSIONS = Table(
    name="commissions",
    columns={
        "id": "uuid",
        "kind": "text",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "landlord": "text",
        "held_on": "date",
        "convened_on": "date",
        "stage": "text",
        "attendees": "int",
        "attendance": "json",  # [{organisation, role, function}]
        "presided_by": "json",  # {organisation, role, function} or null
        "dwellings": "json",  # the refs a CAL examines
        "decisions": "int",  # dossiers decided on in the session
        "preselected": "int",
        "ranked": "int",
        "listed": "int",  # on the liste complémentaire
        "not_retained": "int",
        "cal_decisions": "int",
        "attributions": "int",
        "list_valid_until": "date",
        "minutes_closed_on": "date",
        "version": "int",
        "updated_at": "datetime",
    },
    key=("id",),
    indexes=(("department", "commune", "held_on"), ("programme_id",)),
)
ENTRIES = Table(
    name="entries",
    columns={
        "commission_id": "uuid",
        "dossier_id": "uuid",
        "section": "text",  # SECTIONS
        "position": "int",  # rank, place on the list, or order in its section
        "event_version": "int",  # the commission's version that decided it
        "seq": "int",  # its order within that decision
        "criteria": "json",  # RDA criteria met, in the RDA's order
        "motive": "text",
        "outcome": "text",  # what was decided: pre-selection, ranking, CAL decision
        "dwelling_ref": "text",  # CAL: the dwelling examined
        "valid_until": "date",  # liste complémentaire: its last day
        "commune": "text",
        "held_on": "date",
        "details": "json",  # CAL: rank, condition, return session, prior ranking…
        "cal_id": "uuid",  # ranked or listed: the CAL that examined it since
        "cal_decision": "text",
        "cal_dwelling_ref": "text",
    },
    key=("commission_id", "dossier_id"),
    # A motive and a decision's details are about the dossier's household.
    personal={"motive": "dossier_id", "details": "dossier_id"},
    indexes=(("commune", "section"), ("dossier_id",)),
)
DWELLINGS = Table(
    name="dwellings",
    columns={
        "commission_id": "uuid",
        "ref": "text",
        "examined": "bool",
        "candidates": "int",
        "attributions": "int",
        "exception": "text",  # CAL-TROIS: dalo, candidats_insuffisants
        "exception_motive": "text",
    },
    key=("commission_id", "ref"),
)

PRESELECTION = "preselection"
RANG = "rang"
LISTE_COMPLEMENTAIRE = "liste_complementaire"
NON_RETENU = "non_retenu"
CAL = "cal"
SECTIONS = (PRESELECTION, RANG, LISTE_COMPLEMENTAIRE, NON_RETENU, CAL)
# The events that add entries: they read their session's place and counters.
DECISIONS = (
    Commission.PreSelectionDecided,
    Commission.RankingDecided,
    Commission.CALDecisionsTaken,
)


@dataclass(frozen=True)
class CommissionRow:
    id: UUID
    kind: str
    department: str
    commune: str
    programme_id: UUID | None
    landlord: str | None
    held_on: date
    convened_on: date
    stage: str
    attendees: int
    attendance: list[dict[str, str]]
    presided_by: dict[str, str] | None
    dwellings: list[str]
    decisions: int
    preselected: int
    ranked: int
    listed: int
    not_retained: int
    cal_decisions: int
    attributions: int
    list_valid_until: date | None
    minutes_closed_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class EntryRow:
    commission_id: UUID
    dossier_id: UUID
    section: str
    position: int
    event_version: int
    seq: int
    criteria: list[str]
    motive: str | None
    outcome: str
    dwelling_ref: str | None
    valid_until: date | None
    commune: str
    held_on: date
    details: dict[str, Any]
    cal_id: UUID | None
    cal_decision: str | None
    cal_dwelling_ref: str | None


@dataclass(frozen=True)
class CommissionDwellingRow:
    commission_id: UUID
    ref: str
    examined: bool
    candidates: int
    attributions: int
    exception: str | None
    exception_motive: str | None


@dataclass(frozen=True)
class DwellingDecisions:
    """A dwelling on a CAL's agenda and its candidates, in the order examined."""

    ref: str
    examined: bool
    exception: str | None
    exception_motive: str | None
    candidates: list[EntryRow]


@dataclass(frozen=True)
class CommissionList:
    commission: CommissionRow
    agenda: list[EntryRow]  # every dossier decided on, in the order decided
    preselection: list[EntryRow]
    ranked: list[EntryRow]  # by rank
    liste_complementaire: list[EntryRow]  # by place, each with its last day
    non_retenus: list[EntryRow]
    dwellings: list[DwellingDecisions]


@dataclass(frozen=True)
class CommuneListe:
    """A liste complémentaire serving its commune on a day, its households in order."""

    commission_id: UUID
    commune: str
    held_on: date
    valid_until: date
    entries: list[EntryRow] = field(default_factory=list)


@dataclass(frozen=True)
class CommissionFilter:
    department: str | None = None
    commune: str | None = None
    kind: str | None = None
    programme_id: UUID | None = None
    held_from: date | None = None
    held_until: date | None = None
    limit: int = 100
    offset: int = 0


class CommissionsProjection(RowProjection):
    name = "commissions"
    version = 1
    tables = (COMMISSIONS, ENTRIES, DWELLINGS)
    topics = (
        Commission.Convened.TOPIC,
        Commission.AttendanceRecorded.TOPIC,
        Commission.PreSelectionDecided.TOPIC,
        Commission.RankingDecided.TOPIC,
        Commission.CALDecisionsTaken.TOPIC,
        Commission.MinutesClosed.TOPIC,
    )

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def convened(self, event: Commission.Convened, _: Tracking) -> None:
        self.view.insert(
            "commissions",
            {
                "id": event.originator_id,
                "kind": event.kind,
                "department": event.department,
                "commune": event.commune,
                "programme_id": event.programme_id,
                "landlord": event.landlord,
                "held_on": event.held_on,
                "convened_on": event.occurred_on,
                "stage": Commission.Convened.STAGE,
                "attendees": 0,
                "attendance": [],
                "presided_by": None,
                "dwellings": list(event.dwelling_refs),
                "decisions": 0,
                "preselected": 0,
                "ranked": 0,
                "listed": 0,
                "not_retained": 0,
                "cal_decisions": 0,
                "attributions": 0,
                "list_valid_until": None,
                "minutes_closed_on": None,
                "version": event.originator_version,
                "updated_at": event.timestamp,
            },
        )
        for ref in event.dwelling_refs:
            self.view.insert(
                "dwellings",
                {
                    "commission_id": event.originator_id,
                    "ref": ref,
                    "examined": False,
                    "candidates": 0,
                    "attributions": 0,
                    "exception": None,
                    "exception_motive": None,
                },
            )

    @process_event.register
    def attendance_recorded(
        self, event: Commission.AttendanceRecorded, _: Tracking
    ) -> None:
        self._touch(
            event,
            attendees=len(event.attendees),
            attendance=[dict(a) for a in event.attendees],
            presided_by=dict(event.presided_by) if event.presided_by else None,
        )

    @process_event.register
    def preselection_decided(
        self, event: Commission.PreSelectionDecided, _: Tracking
    ) -> None:
        session = self._session(event)
        self._entry(
            event,
            session,
            event.dossier_id,
            PRESELECTION,
            position=session["preselected"] + 1,
            outcome=event.outcome,
        )
        self._touch(event)
        self.view.increment(
            "commissions", (event.originator_id,), decisions=1, preselected=1
        )

    @process_event.register
    def ranking_decided(self, event: Commission.RankingDecided, _: Tracking) -> None:
        session = self._session(event)
        passed_over = {
            departure["dossier_id"]: [str(i) for i in departure["passed_over"]]
            for departure in event.departures
        }
        sections = (
            (RANG, event.ranked),
            (LISTE_COMPLEMENTAIRE, event.liste_complementaire),
            (NON_RETENU, event.non_retenus),
        )
        seq = 0
        for section, entries in sections:
            for i, entry in enumerate(entries, start=1):
                seq += 1
                details = (
                    {"passed_over": passed_over[entry["dossier_id"]]}
                    if entry["dossier_id"] in passed_over
                    else {}
                )
                self._entry(
                    event,
                    session,
                    entry["dossier_id"],
                    section,
                    position=entry.get("rank") or entry.get("position") or i,
                    seq=seq,
                    outcome=section,
                    criteria=list(entry.get("criteria") or []),
                    motive=entry.get("motive"),
                    valid_until=(
                        event.list_valid_until
                        if section == LISTE_COMPLEMENTAIRE
                        else None
                    ),
                    details=details,
                )
        self._touch(event, list_valid_until=event.list_valid_until)
        self.view.increment(
            "commissions",
            (event.originator_id,),
            decisions=seq,
            ranked=len(event.ranked),
            listed=len(event.liste_complementaire),
            not_retained=len(event.non_retenus),
        )

    @process_event.register
    def cal_decisions_taken(
        self, event: Commission.CALDecisionsTaken, _: Tracking
    ) -> None:
        session = self._session(event)
        attributions = sum(
            decision["decision"] in d.ATTRIBUTIONS for decision in event.decisions
        )
        for i, decision in enumerate(event.decisions, start=1):
            self._entry(
                event,
                session,
                decision["dossier_id"],
                CAL,
                position=i,
                seq=i,
                outcome=decision["decision"],
                motive=decision.get("motive"),
                dwelling_ref=event.dwelling_ref,
                details=_plain(
                    {
                        k: v
                        for k, v in decision.items()
                        if k not in ("dossier_id", "decision", "motive")
                    }
                ),
            )
            prior = decision.get("prior") or {}
            if prior.get("commission_id") is not None:
                self.view.update(
                    "entries",
                    (prior["commission_id"], decision["dossier_id"]),
                    {
                        "cal_id": event.originator_id,
                        "cal_decision": decision["decision"],
                        "cal_dwelling_ref": event.dwelling_ref,
                    },
                )
        self.view.update(
            "dwellings",
            (event.originator_id, event.dwelling_ref),
            {
                "examined": True,
                "candidates": len(event.decisions),
                "attributions": attributions,
                "exception": event.exception,
                "exception_motive": event.exception_motive,
            },
        )
        self._touch(event)
        self.view.increment(
            "commissions",
            (event.originator_id,),
            decisions=len(event.decisions),
            cal_decisions=len(event.decisions),
            attributions=attributions,
        )

    @process_event.register
    def minutes_closed(self, event: Commission.MinutesClosed, _: Tracking) -> None:
        self._touch(event, minutes_closed_on=event.occurred_on)

    def prefetch(self, events: list[Any]) -> None:
        keys = [(e.originator_id,) for e in events if isinstance(e, DECISIONS)]
        self.view.prefetch("commissions", keys)

    # ---- rows --------------------------------------------------------------------

    def _session(self, event: Commission.Event) -> dict[str, Any]:
        session = self.view.get("commissions", (event.originator_id,))
        if session is None:  # pragma: no cover - a decision follows its convocation
            msg = f"commission {event.originator_id} decided before it was convened"
            raise LookupError(msg)
        return session

    def _entry(
        self,
        event: Commission.Event,
        session: dict[str, Any],
        dossier_id: UUID,
        section: str,
        *,
        position: int,
        outcome: str,
        seq: int = 1,
        criteria: list[str] | None = None,
        motive: str | None = None,
        dwelling_ref: str | None = None,
        valid_until: date | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.view.insert(
            "entries",
            {
                "commission_id": event.originator_id,
                "dossier_id": dossier_id,
                "section": section,
                "position": position,
                "event_version": event.originator_version,
                "seq": seq,
                "criteria": criteria or [],
                "motive": motive,
                "outcome": outcome,
                "dwelling_ref": dwelling_ref,
                "valid_until": valid_until,
                "commune": session["commune"],
                "held_on": session["held_on"],
                "details": details or {},
                "cal_id": None,
                "cal_decision": None,
                "cal_dwelling_ref": None,
            },
        )

    def _touch(self, event: Commission.Event, **changes: Any) -> None:
        if event.STAGE:
            changes["stage"] = event.STAGE
        self.view.update(
            "commissions",
            (event.originator_id,),
            {
                "version": event.originator_version,
                "updated_at": event.timestamp,
                **changes,
            },
        )


def _plain(value: Any) -> Any:
    """JSON values, alike in memory, in SQLite and in PostgreSQL."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---- queries ---------------------------------------------------------------------


def select_commissions(
    view: RowView, query: CommissionFilter
) -> tuple[list[CommissionRow], int]:
    """Sessions, the most recent first, held within the period if one is given."""
    where: dict[str, Any] = {
        column: value
        for column, value in (
            ("department", query.department),
            ("commune", query.commune),
            ("kind", query.kind),
            ("programme_id", query.programme_id),
        )
        if value is not None
    }
    if query.held_from is not None or query.held_until is not None:
        where["held_on"] = Between(query.held_from, query.held_until)
    rows, total = view.select(
        "commissions", where, ("-held_on", "commune", "kind"), query.limit, query.offset
    )
    return [CommissionRow(**row) for row in rows], total


def select_commission(view: RowView, commission_id: UUID) -> CommissionRow | None:
    rows, _ = view.select("commissions", {"id": commission_id}, limit=1)
    return CommissionRow(**rows[0]) if rows else None


def commission_list(view: RowView, commission_id: UUID) -> CommissionList | None:
    """The session's lists, or None if the view does not hold it (yet)."""
    commission = select_commission(view, commission_id)
    if commission is None:
        return None
    rows, _ = view.select(
        "entries", {"commission_id": commission_id}, ("event_version", "seq")
    )
    agenda = [EntryRow(**row) for row in rows]

    def section(name: str) -> list[EntryRow]:
        return sorted(
            (e for e in agenda if e.section == name), key=lambda e: e.position
        )

    dwelling_rows, _ = view.select("dwellings", {"commission_id": commission_id})
    dwellings = {row["ref"]: CommissionDwellingRow(**row) for row in dwelling_rows}
    return CommissionList(
        commission=commission,
        agenda=agenda,
        preselection=section(PRESELECTION),
        ranked=section(RANG),
        liste_complementaire=section(LISTE_COMPLEMENTAIRE),
        non_retenus=section(NON_RETENU),
        dwellings=[
            DwellingDecisions(
                ref=ref,
                examined=dwellings[ref].examined if ref in dwellings else False,
                exception=dwellings[ref].exception if ref in dwellings else None,
                exception_motive=(
                    dwellings[ref].exception_motive if ref in dwellings else None
                ),
                candidates=[e for e in section(CAL) if e.dwelling_ref == ref],
            )
            for ref in commission.dwellings
        ],
    )


def listes_complementaires(
    view: RowView, commune: str, as_of: date
) -> list[CommuneListe]:
    """LC-VALIDITE: the listes complémentaires that serve the commune on `as_of`
    (decided on or before it, last day on or after it), the oldest first, each
    with its households in their order."""
    rows, _ = view.select(
        "entries",
        {
            "commune": commune,
            "section": LISTE_COMPLEMENTAIRE,
            "held_on": Between(last=as_of),
            "valid_until": Between(first=as_of),
        },
        ("held_on", "commission_id", "position"),
    )
    listes: dict[UUID, CommuneListe] = {}
    for row in rows:
        liste = listes.setdefault(
            row["commission_id"],
            CommuneListe(
                commission_id=row["commission_id"],
                commune=row["commune"],
                held_on=row["held_on"],
                valid_until=row["valid_until"],
            ),
        )
        liste.entries.append(EntryRow(**row))
    return list(listes.values())
