"""The command that opens an LLTS dossier: a partner identifies a household
(repérage, DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from pydantic import Field

from commands.base import Creation, KnownHousehold, ShortText
from domain.dossier import Dossier
from domain.places import CommuneCode, DepartmentCode
from domain.shared import InvalidValueError, Meta

if TYPE_CHECKING:
    from commands.dossier import Lookup


class IdentifyDossier(Creation):
    """Repérage: a partner, or the Préfecture for DALO, identifies a household."""

    household_id: KnownHousehold = None
    applicant_name: ShortText
    household_size: int = Field(ge=1, le=20)
    department: DepartmentCode
    commune: CommuneCode
    programme_id: UUID | None = None
    numero_unique: str | None = Field(default=None, pattern=r"^[0-9A-Z]{8,20}$")
    sne_registered_on: date | None = None
    dalo: bool = False
    dalo_appeal_on: date | None = Field(
        default=None,
        description="DALO : date du recours complet devant la commission de médiation",
    )
    dalo_recognised_on: date | None = Field(
        default=None,
        description="DALO : date de la décision de la commission de médiation "
        "reconnaissant le ménage prioritaire (DALO-DELAI en part)",
    )

    def check_named(self, lookup: Lookup) -> None:
        """A dossier gathered for a programme names one that exists (404) and
        is built in its department (409). Any partner who may propose a
        household names the programme, even one whose role does not read
        programmes (a CAF): its id, drawn at random, is what it was given."""
        if self.programme_id is None:
            return
        if lookup.programme(self.programme_id).department != self.department:
            msg = (
                f"Le programme {self.programme_id} n'est pas situé dans le "
                f"département {self.department}."
            )
            raise InvalidValueError(msg, "programme_elsewhere")

    def create(self, meta: Meta, lookup: Lookup | None = None) -> Dossier:
        return Dossier.identify(
            dossier_id=uuid4(),
            **self.arguments(exclude=frozenset({"household_id"})),
            household_id=self.household_id or uuid4(),
            meta=meta,
        )
