"""Commands on an ASLL measure: one frozen pydantic model per step, each
published by the API under its slug (`STEPS`, commands/base.py `by_slug`). The
association's place (ASLL-CAPACITE) is taken and given back by the application,
in the same transaction as the measure.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol
from uuid import UUID, uuid4

from pydantic import Field

from commands.base import (
    Creation,
    KnownHousehold,
    RecordStep,
    RulesLookup,
    ShortText,
    Text,
    by_slug,
    steps_of,
)
from domain import mesure_steps as m
from domain.department_settings import AssociationSettings, DepartmentSettings
from domain.mesure import Mesure
from domain.places import CommuneCode, DepartmentCode
from domain.shared import InvalidValueError, Meta

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from domain.association import AssociationLoad

Signatory = Literal["association", "menage", "prescripteur"]


class Lookup(RulesLookup, Protocol):
    """What a measure's command reads besides the measure (the application)."""

    def mesure(self, mesure_id: UUID) -> Mesure: ...

    def association_load(self, association: str, meta: Meta) -> AssociationLoad:
        """The association's load in the department (opened if none)."""
        ...


def association_in(settings: DepartmentSettings, code: str) -> AssociationSettings:
    association = settings.association(code)
    if association is None:
        known = ", ".join(a.code for a in settings.associations) or "aucune"
        msg = f"Association {code} inconnue du département (connues : {known})."
        raise InvalidValueError(msg, "unknown_association")
    return association


# What the request names, read before the measure is asked for.
_NAMED_BY_THE_REQUEST = frozenset({"household_id", "previous_mesure_id", "association"})


class RequestMesure(Creation):
    """A prescriber asks for a measure, on a diagnostic co-signed by the household."""

    kind: Literal["individuelle", "bail_glissant", "action_specifique"]
    household_id: KnownHousehold = None
    department: DepartmentCode
    commune: CommuneCode
    diagnostic_summary: Text
    diagnostic_signed_on: date
    household_signed: bool = Field(description="Diagnostic co-signé par le ménage")
    previous_mesure_id: UUID | None = Field(
        default=None, description="Ré-intervention : la mesure précédente"
    )
    association: ShortText | None = Field(
        default=None, description="Action spécifique : l'association qui instruit"
    )

    def create(self, meta: Meta, lookup: Lookup) -> Mesure:
        _, settings = lookup.rules()
        previous = (
            lookup.mesure(self.previous_mesure_id) if self.previous_mesure_id else None
        )
        household_id = self.household_id or (
            previous.household_id if previous else uuid4()
        )
        return Mesure.request(
            mesure_id=uuid4(),
            **self.arguments(exclude=_NAMED_BY_THE_REQUEST),
            household_id=household_id,
            settings=settings,
            meta=meta,
            previous=previous,
            association=(
                association_in(settings, self.association) if self.association else None
            ),
        )


class MesureStep(RecordStep):
    """A step on an existing measure."""

    record_kind = "mesure"

    def perform(self, mesure: Mesure, meta: Meta, lookup: Lookup) -> list[Aggregate]:
        """The step and, when it takes or gives back the place at its
        association (notification; end, rupture, reorientation), the
        association's load, saved together (ASLL-CAPACITE)."""
        held = mesure.holds_a_place
        self.apply(mesure, meta, lookup)
        if held == mesure.holds_a_place:
            return []
        load = lookup.association_load(mesure.association, meta)
        if mesure.holds_a_place:
            association = lookup.rules()[1].association(mesure.association)
            load.take(
                mesure.id,
                renforce=mesure.renforce,
                capacity=association.monthly_capacity if association else 0,
                renforce_capacity=association.renforce_capacity if association else 0,
                meta=meta,
            )
        else:
            load.release(mesure.id, meta)
        return [load]


class Instruct(MesureStep):
    slug, action = "instruction", "instruct"
    title = "Instruction de la demande (CLU, CLT ou l'association)"
    granted: bool
    motive: Text | None = None


class Notify(MesureStep):
    slug, action = "notification", "notify"
    title = "Notification à une association (dans sa capacité)"
    association: ShortText = Field(description="Code de l'association")
    renforce: bool = Field(default=False, description="Suivi renforcé")

    def apply(self, mesure: Mesure, meta: Meta, lookup: Lookup) -> None:
        _, settings = lookup.rules()
        mesure.notify(association_in(settings, self.association), self.renforce, meta)


class Diagnose(MesureStep):
    slug, action = "complementary-diagnosis", "diagnose"
    title = "Diagnostic complémentaire de l'association"
    outcome: Literal["confirme", "reoriente"]
    summary: Text
    reoriented_to: ShortText | None = None


class SignConvention(MesureStep):
    slug, action = "convention", "sign_convention"
    title = "Convention d'accompagnement signée"
    orientation: Literal["acces", "maintien", "diagnostic"]
    axes: list[ShortText] = Field(min_length=1, max_length=20)
    duration_months: int = Field(ge=1, le=36)
    starts_on: date
    worker: ShortText = Field(description="Le travailleur social référent")
    signed_by: list[Signatory] = Field(min_length=1, max_length=3)

    def apply(self, mesure: Mesure, meta: Meta, lookup: Lookup) -> None:
        mesure.sign_convention(
            **self.arguments(), settings=lookup.rules()[1], meta=meta
        )


class HoldMeeting(MesureStep):
    slug, action = "meeting", "hold_meeting"
    title = "Rencontre avec le ménage (entretien, visite à domicile)"
    kind: Literal["entretien", "visite_a_domicile"]


class MissMeeting(MesureStep):
    slug, action = "missed-meeting", "miss_meeting"
    title = "Rendez-vous manqué par le ménage"
    relaunched: bool = Field(default=False, description="Le ménage a été relancé")


class RequestRenewal(MesureStep):
    slug, action = "renewal-request", "request_renewal"
    title = "Demande de renouvellement"
    months: int = Field(ge=1, le=36)
    reason: Text

    def apply(self, mesure: Mesure, meta: Meta, lookup: Lookup) -> None:
        mesure.request_renewal(self.months, self.reason, lookup.rules()[1], meta)


class DecideRenewal(MesureStep):
    slug, action = "renewal-decision", "decide_renewal"
    title = "Décision sur le renouvellement (CLU ou CLT)"
    granted: bool
    motive: Text | None = None

    def apply(self, mesure: Mesure, meta: Meta, lookup: Lookup) -> None:
        mesure.decide_renewal(self.granted, self.motive, lookup.rules()[1], meta)


class EndMesure(MesureStep):
    slug, action = "end", "end"
    title = "Fin de la mesure : bilan co-signé, relais au prescripteur"
    bilan: Text
    signed_by: list[Literal["travailleur_social", "menage"]] = Field(
        min_length=1, max_length=2
    )
    relayed_to: ShortText = Field(description="Le service prescripteur relayé")


class BreakOff(MesureStep):
    slug, action = "rupture", "break_off"
    title = "Rupture par le ménage"
    motive: Text


class SignHeadLease(MesureStep):
    slug, action = "head-lease", "sign_head_lease"
    title = "Bail glissant : bail principal signé par l'association"
    landlord: ShortText
    dwelling_ref: ShortText
    starts_on: date


class SignSublease(MesureStep):
    slug, action = "sublease", "sign_sublease"
    title = "Bail glissant : sous-location au ménage"
    starts_on: date


class ReviewSublease(MesureStep):
    slug, action = "sublease-review", "review_sublease"
    title = "Bail glissant : point périodique avec les deux parties"
    findings: Text


class SlideLease(MesureStep):
    slug, action = "lease-slide", "slide_lease"
    title = "Bail glissant : le bail glisse au ménage (bailleur)"


class EndSublease(MesureStep):
    slug, action = "sublease-end", "end_sublease"
    title = "Bail glissant : fin de la sous-location"
    motive: Text


STEPS = by_slug(*steps_of(MesureStep))  # every step declared above
STAGES = m.STAGES
