"""Commands on an LLTS programme: announce it, hold its concertation, let each
dwelling and record it vacant again (DOMAIN.md §2, §10)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from commands.base import (
    Command,
    Creation,
    Money,
    OptionalText,
    RecordStep,
    RulesLookup,
    ShortText,
)
from domain.liste import ListedCandidate
from domain.places import CommuneCode, DepartmentCode
from domain.programme import Dwelling, Partner, Programme
from domain.shared import Meta, Role

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from domain.dwellings import CommuneDwellings


class Lookup(RulesLookup, Protocol):
    """What a programme step reads besides its programme (the application)."""

    def candidates(self, programme: Programme, ref: str) -> Sequence[ListedCandidate]:
        """The vacancy flow: the next households of the commune's valid lists."""
        ...

    def dwellings_register(self, commune: str, meta: Meta) -> CommuneDwellings:
        """The commune's register of programme dwellings (opened if none)."""
        ...


class DwellingIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: ShortText
    typology: Literal["T1", "T2", "T3", "T4", "T5", "T6"]
    rent: Money = Field(description="Loyer mensuel, en euros")
    charges: Money


class PartnerIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    organisation: ShortText
    role: Role


class AnnounceProgramme(Creation):
    """A landlord announces a delivery (livraison) or a vacancy (vacance)."""

    kind: Literal["livraison", "vacance"]
    name: ShortText
    department: DepartmentCode
    commune: CommuneCode
    dwellings: list[DwellingIn] = Field(min_length=1, max_length=500)

    def create(self, meta: Meta, lookup: Lookup) -> list[Aggregate]:
        """The programme, and its dwellings on its commune's register."""
        programme = Programme.announce(
            programme_id=uuid4(),
            kind=self.kind,
            landlord=meta.actor.organisation,  # the announcing landlord
            department=self.department,
            commune=self.commune,
            name=self.name,
            dwellings=[
                Dwelling(d.ref, d.typology, d.rent, d.charges) for d in self.dwellings
            ],
            meta=meta,
        )
        if self.kind == "vacance":  # straight to the CAL, from the commune's lists
            for ref in programme.dwellings:
                _propose_candidates(programme, ref, meta, lookup)
        register = lookup.dwellings_register(programme.commune, meta)
        register.register(
            programme.id, programme.landlord, list(programme.dwellings), meta
        )
        return [programme, register]


def _propose_candidates(
    programme: Programme, ref: str, meta: Meta, lookup: Lookup
) -> None:
    """The vacancy flow: the next households of the commune's valid listes
    complémentaires, whichever landlord's, proposed for the dwelling `ref`."""
    programme.propose_candidates(ref, lookup.candidates(programme, ref), meta)


class ProgrammeStep(RecordStep):
    """A step on an existing programme."""

    record_kind = "programme"


class DwellingStep(ProgrammeStep):
    """A step on one of the programme's dwellings, named by the URL."""

    dwelling_field = "ref"
    ref: ShortText


# The partners the concertation names, given to the programme as `Partner`s.
_PARTNERS = frozenset({"invited", "present"})


class HoldConcertation(ProgrammeStep):
    """The landlord and the ALS hold the réunion de concertation (CONC-QUOTA)."""

    slug, action = "concertation", "hold_concertation"
    title = "Réunion de concertation"
    route_doc = (
        "Record the réunion de concertation: partners, quota, candidate profile."
    )

    invited: list[PartnerIn] = Field(max_length=100)
    present: list[PartnerIn] = Field(max_length=100)
    programme_presented: bool
    # Blank is the domain's to refuse (CONC-QUOTA), not a malformed request.
    candidate_profile: OptionalText
    dossiers_per_dwelling: int | None = Field(default=None, ge=1, le=20)
    quota_motive: OptionalText | None = None

    def apply(self, programme: Programme, meta: Meta, lookup: Lookup) -> None:
        version, settings = lookup.rules()
        programme.hold_concertation(
            **self.arguments(exclude=_PARTNERS),
            invited=[Partner(p.organisation, p.role) for p in self.invited],
            present=[Partner(p.organisation, p.role) for p in self.present],
            settings=settings,
            settings_version=version,
            meta=meta,
        )


class LeaseTerms(Command):
    """The body of a letting: the dwelling is named by the URL."""

    dossier_id: UUID
    lease_start: date


class LetDwelling(LeaseTerms, DwellingStep):
    slug, action = "lease", "let_dwelling"
    title = "Location d'un logement du programme"
    route_doc = "Let a dwelling of the programme to a dossier's household."


class VacancyTerms(Command):
    """The body of a vacancy: the dwelling is named by the URL."""

    vacated_on: date


class ProposingStep(DwellingStep):
    """A dwelling step after which the next households of the commune's valid
    listes complémentaires, whichever landlord's, are proposed for it."""

    def apply(self, programme: Programme, meta: Meta, lookup: Lookup) -> None:
        _propose_candidates(programme, self.ref, meta, lookup)


class VacateDwelling(VacancyTerms, ProposingStep):
    slug, action = "vacancy", "vacate_dwelling"
    title = "Vacance d'un logement du programme"
    route_doc = (
        "Record a let dwelling vacant again; the next households of the commune's\n"
        "valid listes complémentaires, whichever landlord's, are proposed with it."
    )

    def apply(self, programme: Programme, meta: Meta, lookup: Lookup) -> None:
        programme.vacate_dwelling(self.ref, self.vacated_on, meta)
        _propose_candidates(programme, self.ref, meta, lookup)


class ProposeCandidates(ProposingStep):
    """Ask again for the next households of the commune's valid listes
    complémentaires, e.g. after the CAL turned the first ones down."""

    slug, action = "candidates", "propose_candidates"
    title = "Proposition de candidats pour un logement"
    route_doc = (
        "Propose again the next households of the commune's valid listes\n"
        "complémentaires for a dwelling to let (e.g. after the CAL's refusals)."
    )
