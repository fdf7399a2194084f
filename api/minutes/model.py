"""What the minutes hold, as one reader may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from domain.commission import Commission
    from domain.dossier import Dossier
    from domain.programme import Programme


@dataclass(frozen=True)
class Household:
    """A dossier as the minutes show it to one reader."""

    dossier_id: UUID
    name: str | None  # None: not named to this reader
    dossier: Dossier | None = field(repr=False)  # None: not readable

    @property
    def named(self) -> bool:
        return self.name is not None

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"Dossier {self.dossier_id}"


@dataclass(frozen=True)
class Line:
    """One dossier in a section of the minutes."""

    household: Household
    place: int | None  # rank, place on the list, or order examined
    outcome: str  # in words
    criteria: list[str]
    motive: str | None  # None: none recorded; WITHHELD: not for this reader
    details: list[str]  # condition, return session, prior ranking, passed over…


@dataclass(frozen=True)
class DwellingMinutes:
    ref: str
    examined: bool
    exception: str | None
    exception_motive: str | None
    lines: list[Line]


@dataclass(frozen=True)
class FollowUp:
    household: Household
    stage: str
    cal: str | None
    offer: str | None
    lease: str | None


@dataclass(frozen=True)
class FindingLine:
    rule: str
    title: str
    severity: str
    breached_on: date
    message: str


@dataclass(frozen=True)
class Minutes:
    commission: Commission
    programme: Programme | None
    attendees: list[dict[str, str]]
    presided_by: dict[str, str] | None
    quorum: str | None  # the rule this kind of session sits under, and whether met
    preselection: list[Line]
    ranked: list[Line]
    liste_complementaire: list[Line]
    list_valid_until: date | None
    non_retenus: list[Line]
    dwellings: list[DwellingMinutes]
    follow_up: list[FollowUp]
    findings: list[FindingLine]
    findings_as_of: date
    closed_on: date | None
    summary: str | None
    withheld: int  # households not named to this reader

    @property
    def named(self) -> list[UUID]:
        """The dossiers whose personal data these minutes show (access log)."""
        seen: dict[UUID, None] = {}
        for line in (
            *self.preselection,
            *self.ranked,
            *self.liste_complementaire,
            *self.non_retenus,
            *(line for dwelling in self.dwellings for line in dwelling.lines),
        ):
            if line.household.named:
                seen.setdefault(line.household.dossier_id)
        return list(seen)
