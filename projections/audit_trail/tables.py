"""The audit trail's tables, and the topics of the events it records."""

from __future__ import annotations

from domain.records import KINDS
from projections.rows import Table

EVENTS = Table(
    name="events",
    columns={
        "aggregate_id": "uuid",
        "version": "int",
        "kind": "text",  # dossier, mesure, programme, commission, saisine
        "position": "int",  # the event's notification id in the store
        "event_type": "text",
        "label": "text",
        "basis": "text",
        "actor_subject": "text",
        "actor_role": "text",
        "actor_organisation": "text",
        "recorded_at": "datetime",
        "occurred_on": "date",
        "commission_id": "uuid",
        # The summary as it reads once the household's personal data are
        # erased (domain/personal.py): it names nobody, so it is kept in clear.
        "summary": "text",
        # The full summary when it differs, sealed under the household's key
        # (infra/sealed_columns.py): erased with it.
        "personal_summary": "text",
    },
    key=("aggregate_id", "version"),
    personal={"personal_summary": "aggregate_id"},
    indexes=(("commission_id",),),
)
# Each record once, from its first event: what kind it is and where.
RECORDS = Table(
    name="records",
    columns={
        "id": "uuid",
        "kind": "text",
        "department": "text",
        "commune": "text",
    },
    key=("id",),
)


def audit_topics() -> tuple[str, ...]:
    return tuple(cls.TOPIC for k in KINDS for cls in k.event_classes())
