"""The commissions' writer: each session event into its session, entries and
dwellings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.commission import Commission
from domain.dossier_rules import ATTRIBUTIONS
from projections.commissions.tables import (
    CAL,
    COMMISSIONS,
    DWELLINGS,
    ENTRIES,
    LISTE_COMPLEMENTAIRE,
    NON_RETENU,
    PRESELECTION,
    RANG,
)
from projections.handled_topics import handled_topics
from projections.rows import RowProjection, event_handlers, fields_of

# The events that add entries: they read their session's place and counters.
DECISIONS = (
    Commission.PreSelectionDecided,
    Commission.RankingDecided,
    Commission.CALDecisionsTaken,
)


class CommissionsProjection(RowProjection):
    name = "commissions"
    version = 1
    tables = (COMMISSIONS, ENTRIES, DWELLINGS)

    process_event = event_handlers()

    @process_event.register
    def convened(self, event: Commission.Convened, _: Tracking) -> None:
        self.open_record(
            "commissions",
            event,
            {
                **fields_of(
                    event, "kind", "department", "commune", "programme_id", "landlord"
                ),
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
            decision["decision"] in ATTRIBUTIONS for decision in event.decisions
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
        self.touch("commissions", event, changes)

    topics = handled_topics(process_event)  # the events handled above


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
