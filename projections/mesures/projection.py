"""The measures' writer: each measure event into its row, its states and its
meetings.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from domain import mesure_steps as m
from domain.mesure import Mesure
from projections.mesures.tables import (
    DEPARTMENTS,
    MEETINGS,
    MESURES,
    STATES,
    mesure_topics,
)
from projections.rows import Row, RowProjection, event_handlers, fields_of


class MesuresProjection(RowProjection):
    name = "mesures"
    version = 2  # 2: prescriber_role, prescriber_organisation
    tables = (MESURES, STATES, MEETINGS, DEPARTMENTS)
    topics = mesure_topics()

    process_event = event_handlers()

    @process_event.register
    def requested(self, event: Mesure.Requested, _: Tracking) -> None:
        row = {column: None for column in MESURES.columns}
        row.update(
            fields_of(
                event,
                "kind",
                "department",
                "commune",
                "household_id",
                "channel",
                "association",  # an association's own action
                "association_name",
            ),
            id=event.originator_id,
            stage=m.REQUESTED,
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
            changes |= _closing(event, m.REFUSED)
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
            changes |= _closing(event, m.REORIENTED)
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
        self._change(event, _closing(event, m.ENDED), state=True)

    @process_event.register
    def broken_off(self, event: Mesure.BrokenOff, _: Tracking) -> None:
        self._change(event, _closing(event, m.BROKEN_OFF), state=True)

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
        self.touch("mesures", event, changes)
        row = self.view.get("mesures", (event.originator_id,)) if state else None
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


def _closing(event: Mesure.Event, reason: str) -> Row:
    """The measure closed on the event's day: `reason` its stage and closure
    reason."""
    return {"stage": reason, "closed_on": event.occurred_on, "closure_reason": reason}
