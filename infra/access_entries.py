"""What the access log (infra/access_log.py) holds and answers: an entry (one
record read by one request), a stored entry, a query; the texts an entry's seal
covers; the refusal when entries cannot be written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from projections.lists import Page

MAX_LIMIT = 500


class AccessLogUnavailable(Exception):
    """The entries could not be written: the read must not be served."""


@dataclass(frozen=True)
class AccessEntry:
    """One record read by one request."""

    at: datetime
    subject: str
    role: str
    organisation: str
    kind: str  # dossier, mesure, saisine
    record_id: UUID
    endpoint: str  # "GET /v1/dossiers/{dossier_id}/history"
    request_id: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class AccessRecord(AccessEntry):
    id: int


@dataclass(frozen=True)
class AccessQuery(Page):
    record_id: UUID | None = None
    subject: str | None = None
    organisation: str | None = None
    role: str | None = None
    kind: str | None = None
    since: datetime | None = None  # at >= since
    until: datetime | None = None  # at < until

    def conditions(self) -> list[tuple[str, Any]]:
        """(column and operator, value) of each filter given."""
        found: list[tuple[str, Any]] = []
        for column, value in (
            ("record_id =", self.record_id),
            ("subject =", self.subject),
            ("organisation =", self.organisation),
            ("role =", self.role),
            ("record_kind =", self.kind),
            ("at >=", self.since),
            ("at <", self.until),
        ):
            if value is not None:
                found.append((column, value))
        return found


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def moment_text(moment: datetime) -> str:
    """UTC, fixed width: the texts sort as the moments do."""
    return utc(moment).isoformat(timespec="microseconds")


def entry_fields(record: AccessEntry) -> list[str]:
    """What an entry's hash covers, as access_chain.py defines it."""
    return [
        moment_text(record.at),
        record.subject,
        record.role,
        record.organisation,
        record.kind,
        record.record_id.hex,
        record.endpoint,
        record.request_id,
        json.dumps(list(record.categories), separators=(",", ":"), ensure_ascii=False),
    ]


def access_record(
    row: Any, *, at: datetime, record_id: UUID, categories: list[str]
) -> AccessRecord:
    return AccessRecord(
        id=int(row["id"]),
        at=at,
        subject=row["subject"],
        role=row["role"],
        organisation=row["organisation"],
        kind=row["record_kind"],
        record_id=record_id,
        endpoint=row["endpoint"],
        request_id=row["request_id"],
        categories=tuple(categories),
    )
