"""What the API answers about commissions: a session, the sessions, a
session's lists, and the listes complémentaires serving a commune."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import CountCapped, ReadOff, read_off
from projections.commissions import (
    CommissionList,
    CommissionRow,
    CommuneListe,
    DwellingDecisions,
    EntryRow,
)


class CommissionPublic(ReadOff):
    id: UUID
    version: int
    kind: str
    stage: str
    held_on: date
    department: str
    commune: str
    programme_id: UUID | None
    landlord: str | None
    dwelling_refs: list[str]
    attendees: list[dict[str, str]]
    presided_by: dict[str, str] | None
    preselections: list[dict[str, Any]]
    ranking: dict[str, Any] | None
    examinations: list[dict[str, Any]]
    minutes_closed_on: date | None
    created_on: datetime
    modified_on: datetime


class CommissionsPublic(BaseModel):
    data: list[CommissionRow]
    count: int
    count_capped: CountCapped
    position: int


class CommissionListPublic(BaseModel):
    """A session's lists, from the read model: every dossier decided on (agenda),
    the pré-sélection, the ranked list, the liste complémentaire and its last
    day, the dossiers not retained, and a CAL's candidates per dwelling."""

    commission: CommissionRow
    agenda: list[EntryRow]
    preselection: list[EntryRow]
    ranked: list[EntryRow]
    liste_complementaire: list[EntryRow]
    list_valid_until: date | None
    non_retenus: list[EntryRow]
    dwellings: list[DwellingDecisions]
    position: int

    @classmethod
    def of(cls, lists: CommissionList, position: int) -> CommissionListPublic:
        return read_off(
            cls,
            lists,
            list_valid_until=lists.commission.list_valid_until,
            position=position,
        )


class CommuneListesPublic(BaseModel):
    """The listes complémentaires serving a commune's LLTS vacancies on `as_of`,
    whichever landlord's (LC-VALIDITE), the oldest first."""

    commune: str
    as_of: date
    data: list[CommuneListe]
    count: int = Field(description="Ménages inscrits sur ces listes")
    position: int
