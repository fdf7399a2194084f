"""A record's audit trail, for people and auditors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ActorPublic, read_off
from domain.records import KIND_LABELS as AUDIT_KIND_LABELS
from projections.audit_trail import AuditRecord, AuditRow


class AuditEntryPublic(BaseModel):
    """One event of a record's audit trail, for people: what (label), on what
    legal basis, who, when recorded, when it happened, in which commission."""

    version: int
    position: int = Field(description="Position de l'événement dans le journal")
    type: str
    label: str
    basis: str = Field(description="Fondement : règle du DOMAIN §8 et sa source")
    actor: ActorPublic
    recorded_at: datetime
    occurred_on: date
    commission_id: UUID | None
    summary: str

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntryPublic:
        actor = ActorPublic(
            subject=row.actor_subject,
            role=row.actor_role,
            organisation=row.actor_organisation,
        )
        return read_off(cls, row, type=row.event_type, actor=actor)


class AuditTrailPublic(BaseModel):
    id: UUID
    kind: str = Field(description="dossier, mesure, programme, commission, saisine")
    kind_label: str
    department: str | None
    commune: str | None
    events: list[AuditEntryPublic]
    count: int
    position: int

    @classmethod
    def of(
        cls,
        record: AuditRecord,
        rows: Sequence[AuditRow],
        position: int,
    ) -> AuditTrailPublic:
        return read_off(
            cls,
            record,
            kind_label=AUDIT_KIND_LABELS.get(record.kind, record.kind),
            events=[AuditEntryPublic.of(row) for row in rows],
            count=len(rows),
            position=position,
        )
