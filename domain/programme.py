"""An LLTS programme: a landlord's delivery (livraison) or vacancy (vacance) of
dwellings in a commune, its réunion de concertation, then each dwelling let and
falling vacant again (DOMAIN.md §2, §10).

Command methods check the role, the order and CONC-QUOTA, then trigger one
past-tense event. Events only assign state, so an old history always replays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

# COMMUNE_PATTERN and department_of are re-exported for the modules that still
# import them from here (api/cli*, domain/access.py); new code imports
# domain.places.
from domain.places import check_place
from domain.shared import (
    ROLES,
    InvalidValueError,
    Meta,
    RecordedEvent,
    Recording,
    RuleViolation,
    TransitionError,
    check_landlord,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import DepartmentSettings
    from domain.liste import ListedCandidate

KINDS = ("livraison", "vacance")
TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5", "T6")

# CONC-QUOTA: who the landlord and the ALS invite to the concertation [seed 000].
CONCERTATION_PARTNERS = ("mairie", "ccas", "departement", "caf", "prefecture", "deal")

# Stages of the programme itself; the commissions are aggregates of their own.
ANNOUNCED = "annonce"
CONCERTED = "concertation_tenue"
STAGES = (ANNOUNCED, CONCERTED)
# Status of each dwelling.
TO_LET = "a_attribuer"
LET = "loue"
VACANT = "vacant"

STEP_ROLES: dict[str, frozenset[str]] = {
    "announce": frozenset({"bailleur"}),
    "hold_concertation": frozenset({"bailleur", "als"}),
    "let_dwelling": frozenset({"bailleur"}),
    "vacate_dwelling": frozenset({"bailleur"}),
    "propose_candidates": frozenset({"bailleur"}),
}
# DOMAIN.md §8: a dwelling is held by one household at a time (see rules.py).
ONE_HOUSEHOLD = "LOGEMENT-UNIQUE"


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


class Programme(Recording, Aggregate):
    TOPIC = "logis.programme.Programme"

    class Event(RecordedEvent):
        TOPIC = "logis.programme.Event"
        STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged

        def mutate(self, aggregate: Any) -> Any:
            programme = super().mutate(aggregate)
            programme.stage = self.STAGE or programme.stage
            programme.last_occurred_on = self.occurred_on
            return programme

    class Announced(Event, Aggregate.Created):
        TOPIC = "logis.programme.Announced"
        STAGE = ANNOUNCED
        kind: str
        landlord: str
        department: str
        commune: str
        name: str
        dwellings: list[dict[str, Any]]  # ref, typology, rent, charges

        def apply(self, programme: Programme) -> None:
            programme.kind = self.kind
            programme.landlord = self.landlord
            programme.department = self.department
            programme.commune = self.commune
            programme.name = self.name
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
        TOPIC = "logis.programme.ConcertationHeld"
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
                "present": self.present,
                "dossiers_per_dwelling": self.dossiers_per_dwelling,
                "dossiers_to_gather": self.dossiers_to_gather,
                "candidate_profile": self.candidate_profile,
            }

    class DwellingLet(Event):
        TOPIC = "logis.programme.DwellingLet"
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
        TOPIC = "logis.programme.DwellingVacated"
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

        TOPIC = "logis.programme.CandidatesProposed"
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

        TOPIC = "logis.programme.DwellingAttributed"
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

    # ---- commands -------------------------------------------------------------

    @classmethod
    def announce(
        cls,
        *,
        programme_id: UUID,
        kind: str,
        landlord: str,
        department: str,
        commune: str,
        name: str,
        dwellings: Sequence[Dwelling],
        meta: Meta,
    ) -> Programme:
        check_role(meta.actor, STEP_ROLES["announce"], "annonce du programme")
        if kind not in KINDS:
            msg = f"Nature de programme inconnue : {', '.join(KINDS)}."
            raise InvalidValueError(msg)
        if not landlord.strip() or not name.strip():
            msg = "Le programme nomme son bailleur et porte un nom."
            raise InvalidValueError(msg)
        check_place(department, commune)
        _check_dwellings(dwellings)
        return cls._create(
            cls.Announced,
            id=programme_id,
            kind=kind,
            landlord=landlord,
            department=department,
            commune=commune,
            name=name,
            dwellings=[
                {
                    "ref": d.ref,
                    "typology": d.typology,
                    "rent": d.rent,
                    "charges": d.charges,
                }
                for d in dwellings
            ],
            **meta.fields(),
        )

    def hold_concertation(
        self,
        *,
        invited: Sequence[Partner],
        present: Sequence[Partner],
        programme_presented: bool,
        candidate_profile: str,
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
        dossiers_per_dwelling: int | None = None,
        quota_motive: str | None = None,
    ) -> None:
        self._begin("hold_concertation", "réunion de concertation", meta)
        if self.stage != ANNOUNCED:
            msg = "La réunion de concertation du programme a déjà eu lieu."
            raise TransitionError(msg)
        _check_partners([*invited, *present])
        if not present:
            msg = "La réunion de concertation compte au moins un présent."
            raise InvalidValueError(msg)
        missing = [
            role
            for role in CONCERTATION_PARTNERS
            if role not in {p.role for p in invited}
        ]
        if missing:
            msg = f"Partenaires non invités à la concertation : {', '.join(missing)}."
            raise RuleViolation("CONC-QUOTA", msg)
        if not programme_presented:
            msg = "La réunion de concertation présente le programme aux partenaires."
            raise RuleViolation("CONC-QUOTA", msg)
        if not candidate_profile.strip():
            msg = "La réunion de concertation définit le profil des candidats."
            raise RuleViolation("CONC-QUOTA", msg)
        setting = settings.dossiers_per_dwelling
        quota = setting if dossiers_per_dwelling is None else dossiers_per_dwelling
        if quota < 1:
            msg = f"Au moins un dossier par logement, pas {quota}."
            raise InvalidValueError(msg)
        if quota != setting and not (quota_motive or "").strip():
            msg = (
                f"Le quota est de {setting} dossiers par logement dans ce "
                f"département : un quota de {quota} est motivé."
            )
            raise RuleViolation("CONC-QUOTA", msg)
        self._record(
            self.ConcertationHeld,
            meta,
            invited=[_partner(p) for p in invited],
            present=[_partner(p) for p in present],
            programme_presented=programme_presented,
            quota_setting=setting,
            dossiers_per_dwelling=quota,
            dossiers_to_gather=quota * len(self.dwellings),
            quota_motive=quota_motive,
            candidate_profile=candidate_profile,
            settings_version=settings_version,
        )

    def let_dwelling(
        self, ref: str, dossier_id: UUID, lease_start: date, meta: Meta
    ) -> None:
        self._begin("let_dwelling", "location d'un logement", meta)
        dwelling = self._dwelling(ref)
        if dwelling["status"] == LET:
            msg = f"Le logement {ref} est déjà loué."
            raise TransitionError(msg, "dwelling_not_available")
        # A delivery goes through its concertation first; a vacancy may be served
        # straight from a valid liste complémentaire (DOMAIN.md §10).
        if (
            dwelling["status"] == TO_LET
            and self.kind == "livraison"
            and self.stage != CONCERTED
        ):
            msg = "Les logements livrés s'attribuent après la concertation."
            raise TransitionError(msg, "concertation_not_held")
        vacated_on = dwelling["vacated_on"]
        if vacated_on is not None and lease_start < vacated_on:
            msg = f"Le logement {ref} n'est libre qu'au {vacated_on.isoformat()}."
            raise TransitionError(msg, "dwelling_not_available")
        for other, held in self.dwellings.items():
            if held["status"] == LET and held["dossier_id"] == dossier_id:
                msg = f"Ce ménage loue déjà le logement {other} du programme."
                raise TransitionError(msg, "household_already_housed")
        attributed = (dwelling.get("attribution") or {}).get("dossier_ids", ())
        if dossier_id not in attributed:
            msg = (
                f"Aucune décision de CAL n'attribue le logement {ref} à ce ménage : "
                "le bail suit l'attribution."
            )
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        self._record(
            self.DwellingLet,
            meta,
            ref=ref,
            dossier_id=dossier_id,
            lease_start=lease_start,
        )

    def attribute_dwelling(
        self,
        ref: str,
        commission_id: UUID,
        dossier_ids: Sequence[UUID],
        in_the_running: Sequence[UUID],
        meta: Meta,
    ) -> None:
        """The CAL's attribution takes the dwelling. `in_the_running`: the
        households of its current attribution that have not declined it (nor
        withdrawn), read by the application; while one remains, or the dwelling
        is let, no other decision may attribute it."""
        # The role is the CAL's (commission.STEP_ROLES), checked with its decision.
        check_landlord(meta.actor, self.landlord, "attribution d'un logement")
        dwelling = self._dwelling(ref)
        if dwelling["status"] == LET:
            msg = f"Le logement {ref} est déjà loué : il ne peut être attribué."
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        if in_the_running:
            msg = (
                f"Le logement {ref} est déjà attribué par une CAL à un ménage qui "
                "ne l'a pas refusé."
            )
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        self._record(
            self.DwellingAttributed,
            meta,
            ref=ref,
            commission_id=commission_id,
            dossier_ids=list(dossier_ids),
        )

    def check_not_let(self, refs: Sequence[str]) -> None:
        """A CAL is not convened on a dwelling already let (LOGEMENT-UNIQUE)."""
        let = [ref for ref in refs if self._dwelling(ref)["status"] == LET]
        if let:
            msg = f"Logement(s) déjà loué(s) : {', '.join(let)}."
            raise RuleViolation(ONE_HOUSEHOLD, msg)

    def vacate_dwelling(self, ref: str, vacated_on: date, meta: Meta) -> None:
        self._begin("vacate_dwelling", "vacance d'un logement", meta)
        dwelling = self._dwelling(ref)
        if dwelling["status"] != LET:
            msg = f"Le logement {ref} n'est pas loué : il ne peut se libérer."
            raise TransitionError(msg, "dwelling_not_let")
        if vacated_on < dwelling["lease_start"]:
            msg = "Le logement ne peut se libérer avant le début du bail."
            raise TransitionError(msg, "vacated_before_lease")
        self._record(self.DwellingVacated, meta, ref=ref, vacated_on=vacated_on)

    def propose_candidates(
        self, ref: str, candidates: Sequence[ListedCandidate], meta: Meta
    ) -> None:
        """Recorded with the vacancy (or a vacance programme's announcement), and
        again whenever the landlord asks: the list as it stood that day."""
        self._begin("propose_candidates", "proposition de candidats", meta)
        if self._dwelling(ref)["status"] == LET:
            msg = f"Le logement {ref} est loué : aucun candidat à proposer."
            raise TransitionError(msg, "dwelling_not_vacant")
        self._record(
            self.CandidatesProposed,
            meta,
            ref=ref,
            candidates=[
                {
                    "dossier_id": c.dossier_id,
                    "commission_id": c.commission_id,
                    "position": c.position,
                    "valid_until": c.valid_until,
                }
                for c in candidates
            ],
        )

    # ---- guards and derived state ---------------------------------------------

    @property
    def dwellings_to_let(self) -> list[str]:
        """Dwellings waiting for a household: never let yet, or vacant again."""
        return [ref for ref, d in self.dwellings.items() if d["status"] != LET]

    def _dwelling(self, ref: str) -> dict[str, Any]:
        if ref not in self.dwellings:
            msg = f"Le programme n'a pas de logement {ref}."
            raise TransitionError(msg, "unknown_dwelling")
        return self.dwellings[ref]

    def _begin(self, step: str, label: str, meta: Meta) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        check_landlord(meta.actor, self.landlord, label)
        if meta.occurred_on < self.last_occurred_on:
            msg = (
                f"Date de l'étape ({meta.occurred_on.isoformat()}) antérieure à "
                f"l'étape précédente ({self.last_occurred_on.isoformat()})."
            )
            raise TransitionError(msg, "occurred_on_out_of_order")


def _check_dwellings(dwellings: Sequence[Dwelling]) -> None:
    refs = [d.ref for d in dwellings]
    if not refs or any(not ref.strip() for ref in refs) or len(set(refs)) < len(refs):
        msg = "Au moins un logement, chacun sous une référence propre."
        raise InvalidValueError(msg)
    for d in dwellings:
        if d.typology not in TYPOLOGIES:
            msg = f"Typologie {d.typology} inconnue : {', '.join(TYPOLOGIES)}."
            raise InvalidValueError(msg)
        if d.rent <= 0 or d.charges < 0:
            msg = f"Loyer positif et charges non négatives ({d.ref})."
            raise InvalidValueError(msg)


def _check_partners(partners: Sequence[Partner]) -> None:
    for p in partners:
        if p.role not in ROLES or not p.organisation.strip():
            msg = f"Partenaire sans nom ou de rôle inconnu : {p.role}."
            raise InvalidValueError(msg)


def _partner(p: Partner) -> dict[str, str]:
    return {"organisation": p.organisation, "role": p.role}


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
