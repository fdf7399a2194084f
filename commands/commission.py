"""Commands on the three commissions of the LLTS procedure (DOMAIN.md §3.4–3.6):
convene a session, record who attended, decide, close the minutes.

A decision names dossiers: the step records it on each of them, and the
application saves the commission and those dossiers together (Logis.step).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from commands.base import (
    Command,
    Creation,
    RecordStep,
    RulesLookup,
    ShortText,
    Text,
    by_slug,
)
from domain import commission_steps as c
from domain.commission import Commission
from domain.commission_dossiers import record_on_dossiers
from domain.commission_values import (
    Attendee,
    CALExamination,
    DwellingFacts,
    PriorRanking,
    RankingEntry,
)
from domain.places import CommuneCode, DepartmentCode
from domain.programme import Programme
from domain.shared import Meta, Role

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from domain.commune import CommuneListes
    from domain.dossier import Dossier

CommissionKind = Literal["pre_commission", "commission_prefectorale", "cal"]
CALOutcome = Literal[
    "attribution",
    "attribution_par_classement",
    "attribution_sous_condition_suspensive",
    "non_attribution",
    "rejet_irrecevabilite",
    "ajournement",
]


class Lookup(RulesLookup, Protocol):
    """What a commission step reads besides its commission (the application)."""

    def prior_ranking(self, dossier_id: UUID) -> PriorRanking: ...

    def dalo_recognised(self, dossier_id: UUID) -> bool: ...

    def dwelling(self, commission: Commission, ref: str) -> DwellingFacts | None: ...

    @property
    def dossiers(self) -> Mapping[UUID, Dossier]:
        """The dossiers the step names, loaded on first use."""
        ...

    def programme(self, programme_id: UUID) -> Programme: ...

    def readable_programme(self, programme_id: UUID) -> Programme:
        """The programme, once the caller may read it (403 otherwise)."""
        ...

    def check_outside_programmes(
        self, commission: Commission, refs: list[str]
    ) -> None: ...

    def register_liste(
        self, commission: Commission, meta: Meta
    ) -> CommuneListes | None: ...

    def attribute_dwelling(
        self, commission: Commission, event: Commission.CALDecisionsTaken, meta: Meta
    ) -> Programme | None: ...


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttendeeIn(_Part):
    organisation: ShortText
    role: Role
    function: ShortText = Field(
        description="Fonction, p. ex. prefet, sous_prefet, representant_du_prefet"
    )

    def value(self) -> Attendee:
        return Attendee(self.organisation, self.role, self.function)


class PreSelectionIn(_Part):
    dossier_id: UUID
    outcome: Literal["prioritaire", "liste_complementaire", "ecarte"]


class RankingEntryIn(_Part):
    dossier_id: UUID
    criteria: list[ShortText] = Field(
        default_factory=list,
        max_length=20,
        description="Critères de priorité du RDA que remplit le ménage",
    )
    motive: Text | None = Field(
        default=None, description="Requis s'il passe avant un ménage prioritaire"
    )

    def value(self) -> RankingEntry:
        return RankingEntry(self.dossier_id, tuple(self.criteria), self.motive)


class CandidateDecisionIn(_Part):
    dossier_id: UUID
    decision: CALOutcome
    dalo_designated: bool = False
    rank: int | None = Field(default=None, ge=1, le=100)
    missing_document: ShortText | None = None
    condition_deadline: date | None = None
    motive: Text | None = None
    return_session_on: date | None = None


class ConveneCommission(Creation):
    """Convene a session: the ALS a pré-commission, the Préfecture or the DEAL a
    commission préfectorale, a landlord its CAL."""

    kind: CommissionKind
    held_on: date
    department: DepartmentCode
    commune: CommuneCode
    programme_id: UUID | None = None
    dwelling_refs: list[ShortText] = Field(
        default_factory=list,
        max_length=500,
        description="Les logements qu'examine la CAL (CAL seulement)",
    )

    def check_named(self, lookup: Lookup) -> None:
        """Convened for a programme: the caller must read it."""
        if self.programme_id is not None:
            lookup.readable_programme(self.programme_id)

    def create(self, meta: Meta, lookup: Lookup) -> Commission:
        programme = lookup.programme(self.programme_id) if self.programme_id else None
        commission = Commission.convene(
            commission_id=uuid4(),
            kind=self.kind,
            held_on=self.held_on,
            department=self.department,
            commune=self.commune,
            programme=programme,
            landlord=meta.actor.organisation if self.kind == c.CAL else None,
            dwelling_refs=self.dwelling_refs,
            meta=meta,
        )
        if commission.kind == c.CAL and programme is not None:  # LOGEMENT-UNIQUE
            programme.check_not_let(commission.dwelling_refs)
        elif commission.kind == c.CAL:
            lookup.check_outside_programmes(commission, commission.dwelling_refs)
        return commission


class CommissionStep(RecordStep):
    """A step of a convened commission."""

    record_kind = "commission"

    def perform(
        self, commission: Commission, meta: Meta, lookup: Lookup
    ) -> list[Aggregate]:
        """The decision on the commission and on every dossier it names; a
        liste complémentaire also goes on its commune's register, a CAL's
        attribution takes the dwelling on its programme."""
        self.apply(commission, meta, lookup)
        changed: dict[UUID, Aggregate] = {}
        for event in list(commission.pending_events):
            for dossier in record_on_dossiers(
                commission, event, lookup.dossiers, lookup.rules()[1]
            ):
                changed[dossier.id] = dossier
            registered = None
            if isinstance(event, Commission.RankingDecided):
                registered = lookup.register_liste(commission, meta)
            if isinstance(event, Commission.CALDecisionsTaken):
                registered = lookup.attribute_dwelling(commission, event, meta)
            if registered is not None:
                changed[registered.id] = registered
        return list(changed.values())


class RecordAttendance(CommissionStep):
    slug, action = "attendance", "record_attendance"
    title = "Feuille de présence de la séance"
    route_doc = (
        "The attendance sheet, on the session's day, with its presidency where the\n"
        "law requires one (commission préfectorale: COMPREF-PRESIDENCE)."
    )
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=100)
    presided_by: AttendeeIn | None = Field(
        default=None, description="La présidence, parmi les présents"
    )

    def apply(self, commission: Commission, meta: Meta, lookup: Lookup) -> None:
        commission.record_attendance(
            [a.value() for a in self.attendees],
            self.presided_by.value() if self.presided_by else None,
            meta,
        )


class PreSelect(CommissionStep):
    slug, action = "preselection", "preselect"
    title = "Pré-sélection des dossiers (pré-commission)"
    route_doc = (
        "The pré-commission's selection: prioritaire, liste complémentaire or écarté,\n"
        "for each dossier named (PRECOM-QUORUM: Préfecture and DEAL present)."
    )
    decisions: list[PreSelectionIn] = Field(min_length=1, max_length=300)

    def named_dossiers(self) -> list[UUID]:
        return [decision.dossier_id for decision in self.decisions]

    def apply(self, commission: Commission, meta: Meta, lookup: Lookup) -> None:
        for decision in self.decisions:
            commission.preselect(decision.dossier_id, decision.outcome, meta)


class RankDossiers(CommissionStep):
    slug, action = "ranking", "rank"
    title = "Classement et liste complémentaire (commission préfectorale)"
    route_doc = (
        "The commission préfectorale's ranked list, liste complémentaire (valid six\n"
        "months, LC-VALIDITE) and dossiers not retained, in the RDA's order\n"
        "(COMPREF-RANG: a departure from it carries a motive)."
    )
    ranked: list[RankingEntryIn] = Field(default_factory=list, max_length=300)
    liste_complementaire: list[RankingEntryIn] = Field(
        default_factory=list, max_length=300
    )
    non_retenus: list[RankingEntryIn] = Field(default_factory=list, max_length=300)

    def named_dossiers(self) -> list[UUID]:
        entries = (*self.ranked, *self.liste_complementaire, *self.non_retenus)
        return [entry.dossier_id for entry in entries]

    def apply(self, commission: Commission, meta: Meta, lookup: Lookup) -> None:
        version, settings = lookup.rules()
        commission.rank(
            ranked=[e.value() for e in self.ranked],
            liste_complementaire=[e.value() for e in self.liste_complementaire],
            non_retenus=[e.value() for e in self.non_retenus],
            settings=settings,
            settings_version=version,
            meta=meta,
        )


class DecisionTerms(Command):
    """The body of the CAL's decisions on a dwelling: the dwelling is in the URL."""

    candidates: list[CandidateDecisionIn] = Field(min_length=1, max_length=50)
    shortfall_motive: Text | None = Field(
        default=None,
        description="Pourquoi moins de trois candidats (CAL-TROIS), hors DALO",
    )


class DecideOnDwelling(DecisionTerms, CommissionStep):
    slug, action = "decisions", "examine_dwelling"
    title = "Décisions de la CAL sur un logement"
    dwelling_field, operation = "dwelling_ref", "decide_on_dwelling"
    route_doc = (
        "The CAL's decisions on the candidates examined for one dwelling (CAL-TROIS,\n"
        "CAL-PREALABLE, LC-VALIDITE, CAL-DECISION, CAL-CONDITION, CAL-MOTIF)."
    )
    dwelling_ref: ShortText

    def named_dossiers(self) -> list[UUID]:
        return [candidate.dossier_id for candidate in self.candidates]

    def apply(self, commission: Commission, meta: Meta, lookup: Lookup) -> None:
        commission.examine_dwelling(
            self.dwelling_ref,
            [
                CALExamination(
                    dossier_id=e.dossier_id,
                    prior=lookup.prior_ranking(e.dossier_id),
                    decision=e.decision,
                    dalo_designated=e.dalo_designated,
                    dalo_recognised=lookup.dalo_recognised(e.dossier_id),
                    rank=e.rank,
                    missing_document=e.missing_document,
                    condition_deadline=e.condition_deadline,
                    motive=e.motive,
                    return_session_on=e.return_session_on,
                )
                for e in self.candidates
            ],
            meta,
            self.shortfall_motive,
            lookup.dwelling(commission, self.dwelling_ref),
        )


class CloseMinutes(CommissionStep):
    slug, action = "minutes", "close_minutes"
    title = "Clôture du procès-verbal"
    route_doc = "Close the session's minutes: nothing more is decided in it."
    summary: Text


# The steps published as POST /v1/commissions/{id}/{slug}; the CAL's decisions
# take the dwelling in their URL (…/dwellings/{ref}/decisions).
STEPS = by_slug(
    RecordAttendance,
    PreSelect,
    RankDossiers,
    CloseMinutes,
)
