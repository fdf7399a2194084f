"""An LLTS programme: a landlord's delivery (livraison) or vacancy (vacance) of
dwellings in a commune, its réunion de concertation, then each dwelling let and
falling vacant again (DOMAIN.md §2, §10): the aggregate, its events, the values
its announcement and concertation name, and its events' labels and legal bases.

Its commands are mixed in: the announcement and the concertation
(domain/programme_concertation.py), the dwellings' steps
(domain/programme_dwellings.py); its steps, stages and statuses are declared in
domain/programme_steps.py. They check the role, the order and CONC-QUOTA, then
trigger one past-tense event. Events only assign state, so an old history always
replays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.programme_concertation import ProgrammeConcertation
from domain.programme_dwellings import ProgrammeDwellings
from domain.programme_steps import ANNOUNCED, CONCERTED, LET, TO_LET, VACANT

# domain/records.py reads each aggregate module's STEP_ROLES.
from domain.programme_steps import STEP_ROLES as STEP_ROLES
from domain.shared import Recording, StagedEvent


@dataclass(frozen=True)
class Dwelling:
    ref: str
    typology: str
    rent: Decimal  # monthly, in euros
    charges: Decimal


@dataclass(frozen=True)
class Partner:
    """An organisation at the concertation, with its role in Logis."""

    organisation: str
    role: str


class Programme(ProgrammeConcertation, ProgrammeDwellings, Recording, Aggregate):
    TOPIC = "logis.programme.Programme"

    class Event(StagedEvent):
        """A step of the programme (its topic and theirs: `NamedTopics`)."""

    class Announced(Event, Aggregate.Created):
        STAGE = ANNOUNCED
        kind: str
        landlord: str
        department: str
        commune: str
        name: str
        dwellings: list[dict[str, Any]]  # ref, typology, rent, charges

        def apply(self, programme: Programme) -> None:
            self.copy_facts(programme, but={"dwellings"})
            programme.dwellings = {
                d["ref"]: {
                    **d,
                    "status": TO_LET,
                    "dossier_id": None,
                    "lease_start": None,
                    "vacated_on": None,
                    "candidates": [],
                    "attribution": None,  # the CAL decision that holds it
                }
                for d in self.dwellings
            }
            programme.concertation = None

    class ConcertationHeld(Event):
        STAGE = CONCERTED
        invited: list[dict[str, str]]  # organisation, role
        present: list[dict[str, str]]
        programme_presented: bool
        quota_setting: int  # dossiers per dwelling in the settings that day
        dossiers_per_dwelling: int  # the quota set by the concertation
        dossiers_to_gather: int
        quota_motive: str | None
        candidate_profile: str
        settings_version: int

        def apply(self, programme: Programme) -> None:
            programme.concertation = {
                "held_on": self.occurred_on,
                **self.values(
                    "present",
                    "dossiers_per_dwelling",
                    "dossiers_to_gather",
                    "candidate_profile",
                ),
            }

    class DwellingLet(Event):
        ref: str
        dossier_id: UUID
        lease_start: date

        def apply(self, programme: Programme) -> None:
            programme.dwellings[self.ref] = {
                **programme.dwellings[self.ref],
                "status": LET,
                "dossier_id": self.dossier_id,
                "lease_start": self.lease_start,
                "vacated_on": None,
                "candidates": [],  # let: the proposal has served
                "attribution": None,  # it has served too
            }

    class DwellingVacated(Event):
        ref: str
        vacated_on: date

        def apply(self, programme: Programme) -> None:
            programme.dwellings[self.ref] = {
                **programme.dwellings[self.ref],
                "status": VACANT,
                "dossier_id": None,
                "lease_start": None,
                "vacated_on": self.vacated_on,
                "candidates": [],
                "attribution": None,
            }

    class CandidatesProposed(Event):
        """The vacancy flow (LC-VALIDITE): the next households of the commune's
        valid listes complémentaires, whichever landlord's list, for the CAL."""

        ref: str
        candidates: list[dict[str, Any]]  # dossier_id, commission_id, position, …

        def apply(self, programme: Programme) -> None:
            programme.dwellings[self.ref] = {
                **programme.dwellings[self.ref],
                "candidates": self.candidates,
            }

    class DwellingAttributed(Event):
        """A CAL attributed the dwelling (to one household, or to ranked ones):
        recorded here, in the same transaction as the CAL's decision, so that
        two decisions on one dwelling cannot both be saved (LOGEMENT-UNIQUE)."""

        ref: str
        commission_id: UUID
        dossier_ids: list[UUID]  # in rank order under attribution par classement

        def apply(self, programme: Programme) -> None:
            programme.dwellings[self.ref] = {
                **programme.dwellings[self.ref],
                "attribution": {
                    "commission_id": self.commission_id,
                    "dossier_ids": self.dossier_ids,
                    "decided_on": self.occurred_on,
                },
            }


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Programme.Event], str] = {
    Programme.Announced: "Programme LLTS annoncé",
    Programme.ConcertationHeld: "Réunion de concertation tenue",
    Programme.DwellingLet: "Logement loué",
    Programme.DwellingVacated: "Logement libéré (vacance)",
    Programme.CandidatesProposed: "Candidats proposés depuis la liste complémentaire",
    Programme.DwellingAttributed: "Logement attribué par la CAL",
}

# The legal basis of each step, for audit trails (DOMAIN.md §2, §8).
EVENT_BASES: dict[type[Programme.Event], str] = {
    Programme.Announced: "Programme LLTS : seed 000 (livraison ou vacance)",
    Programme.ConcertationHeld: "CONC-QUOTA : seed 000",
    Programme.DwellingLet: "Procédure LLTS (seed 000, règle locale)",
    Programme.DwellingVacated: "LC-VALIDITE : seed 000",
    Programme.CandidatesProposed: "LC-VALIDITE : seed 000",
    Programme.DwellingAttributed: "LOGEMENT-UNIQUE : CCH R441-3",
}
