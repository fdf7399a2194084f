"""The access log as auditors read it (`GET /v1/access-log`, `logis access-log`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import CountCapped, ReadOff, read_off

if TYPE_CHECKING:
    from infra.access_entries import AccessQuery, AccessRecord
    from projections.lists import Counted


class AccessEntryPublic(ReadOff):
    id: int
    at: datetime = Field(description="Moment de la lecture (UTC)")
    subject: str
    role: str
    organisation: str
    kind: str = Field(description="dossier, mesure ou saisine")
    record_id: UUID
    endpoint: str = Field(description="Méthode et modèle de route lus")
    request_id: str
    categories: list[str] = Field(description="Catégories lues (DOMAIN §9)")


class AccessLogPublic(BaseModel):
    data: list[AccessEntryPublic] = Field(description="Les plus récentes d'abord")
    count: int = Field(description="Lectures correspondant aux filtres")
    count_capped: CountCapped
    limit: int
    offset: int

    @classmethod
    def of(
        cls, records: list[AccessRecord], total: Counted, query: AccessQuery
    ) -> AccessLogPublic:
        data = [AccessEntryPublic.of(r) for r in records]
        counts = {"count": total.count, "count_capped": total.count_capped}
        return read_off(cls, query, data=data, **counts)
