"""A record's events for people: `GET /v1/<records>/{id}/history`,
`logis history`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import ActorPublic, read_off
from domain.dossier import EVENT_LABELS
from domain.shared import RecordedEvent

BASE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic",
     "actor", "occurred_on", "command_id", "correlation_id"}
)  # fmt: skip


class HistoryEntry(BaseModel):
    version: int
    type: str
    label: str
    occurred_on: date
    recorded_at: datetime
    actor: ActorPublic
    command_id: UUID
    correlation_id: str
    data: dict[str, Any]
    # Fields of `data` withheld (null): a category the reader's role does not
    # read (DOMAIN.md §9, e.g. the social enquiry's text for a Mairie).
    redacted: list[str] = []

    @classmethod
    def of(
        cls, event: RecordedEvent, labels: Mapping[type, str] = EVENT_LABELS
    ) -> HistoryEntry:
        """One event for people: `labels` are its aggregate's French labels."""
        return read_off(
            cls,
            event,
            version=event.originator_version,
            type=type(event).__name__,
            label=labels.get(type(event), type(event).__name__),
            recorded_at=event.timestamp,
            actor=ActorPublic.of(event.actor),
            data={k: v for k, v in event.__dict__.items() if k not in BASE_FIELDS},
            redacted=[],
        )


class HistoryPublic(BaseModel):
    id: UUID
    events: list[HistoryEntry]
