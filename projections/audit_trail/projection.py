"""The audit trail's writer: each record's events into rows, their summaries
sealed apart when they name the household.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.personal import erased_copy, personal_fields, personal_values
from domain.records import kind_of
from domain.shared import RecordedEvent
from projections.audit_trail.summaries import summarise
from projections.audit_trail.tables import EVENTS, RECORDS, audit_topics
from projections.rows import RowProjection, event_handlers


class AuditTrailProjection(RowProjection):
    name = "audit_trail"
    version = 3  # 3: the personal summary apart, sealed
    tables = (EVENTS, RECORDS)
    topics = audit_topics()

    process_event = event_handlers()

    @process_event.register
    def event_recorded(self, event: RecordedEvent, tracking: Tracking) -> None:
        kind = kind_of(event)
        if kind is None:
            return  # bookkeeping (settings, loads, listes): not a record
        cls = type(event)
        summary = summarise(event)
        # An event holding no personal value reads the same once erased: its
        # summary is summarised once (most events; a rebuild's hot path).
        erased = (
            summarise(erased_copy(event))
            if summary and personal_values(vars(event), personal_fields(cls))
            else summary
        )
        if event.originator_version == 1:
            self.view.insert(
                "records",
                {
                    "id": event.originator_id,
                    "kind": kind.name,
                    "department": getattr(event, "department", None),
                    "commune": getattr(event, "commune", None),
                },
            )
        self.view.insert(
            "events",
            {
                "aggregate_id": event.originator_id,
                "version": event.originator_version,
                "kind": kind.name,
                "position": tracking.notification_id,
                "event_type": cls.__name__,
                "label": kind.labels.get(cls, cls.__name__),
                "basis": kind.bases.get(cls, ""),
                "actor_subject": event.actor.subject,
                "actor_role": event.actor.role,
                "actor_organisation": event.actor.organisation,
                "recorded_at": event.timestamp,
                "occurred_on": event.occurred_on,
                "commission_id": kind.session_of(event),
                "summary": erased,
                "personal_summary": summary if summary != erased else None,
            },
        )
        if type(event).__name__ == "PersonalDataErased":
            self._erase_summaries(event.originator_id, event.originator_version)

    def _erase_summaries(self, aggregate_id: UUID, erased_at_version: int) -> None:
        # Unreadable already (its key is gone): no longer kept at all.
        for version in range(1, erased_at_version):
            row = self.view.get("events", (aggregate_id, version))
            if row is not None and row["personal_summary"] is not None:
                self.view.update(
                    "events", (aggregate_id, version), {"personal_summary": None}
                )
