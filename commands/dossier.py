"""Commands on an LLTS dossier: one frozen pydantic model per step, each
published by the API under its slug (`STEPS`, commands/base.py `by_slug`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Protocol
from uuid import UUID, uuid4

from pydantic import Field

from commands.base import (
    Money,
    OptionalText,
    RecordStep,
    RulesLookup,
    ShortText,
    Text,
    by_slug,
    steps_of,
)
from domain import dossier as d
from domain.dossier import Dossier
from domain.mesure import Mesure
from domain.programme import Programme
from domain.shared import Meta

# d.WITHDRAWAL_CHANNELS (DOS-RETRAIT); both optional, so that a withdrawal
# without them is refused by the rule (409), not as malformed.
WithdrawalChannel = Literal["courrier", "courriel", "en_personne", "telephone"]
DocumentList = Annotated[list[ShortText], Field(min_length=1, max_length=50)]


class Lookup(RulesLookup, Protocol):
    """What a dossier step reads besides its dossier (the application)."""

    def programme(self, programme_id: UUID) -> Programme: ...

    def ranked_ahead(self, dossier: Dossier) -> Sequence[Dossier]:
        """OFFRE-DELAI: the households the CAL ranked ahead of this one for the
        same dwelling (attribution par classement)."""
        ...


class Step(RecordStep):
    """A step on an existing dossier."""

    record_kind = "dossier"

    @classmethod
    def ruled_roles(cls) -> frozenset[str]:
        """Roles outside `roles()` whose attempt the step's rule answers (409)."""
        return d.RULED_ROLES.get(cls.action, frozenset())


class RenderSocialEnquiry(Step):
    slug, action = "social-enquiry", "render_social_enquiry"
    title = "Avis de l'enquête sociale"
    avis: Literal["prioritaire", "favorable", "defavorable", "non_prioritaire"]
    summary: Text


class RenderMairieAvis(Step):
    slug, action = "mairie-avis", "render_mairie_avis"
    title = "Avis de la Mairie"
    avis: Literal["favorable", "defavorable"]
    comment: OptionalText = ""


class CompleteDossier(Step):
    slug, action = "completion", "complete"
    title = "Dossier complet (CCAS)"
    documents: DocumentList

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> None:
        dossier.complete(list(self.documents), lookup.rules()[1], meta)


class RenewDemand(Step):
    slug, action = "demand-renewal", "renew_demand"
    title = "Enregistrement ou renouvellement de la demande (SNE)"
    numero_unique: str = Field(pattern=r"^[0-9A-Z]{8,20}$")


class CheckResources(Step):
    slug, action = "resources-check", "check_resources"
    title = "Contrôle des ressources (DEAL)"
    annual_resources: Money
    household_category: int = Field(ge=1, le=6)

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> None:
        version, settings = lookup.rules()
        dossier.check_resources(
            self.annual_resources, self.household_category, settings, version, meta
        )


class StartAnalysis(Step):
    slug, action = "analysis", "start_analysis"
    title = "Début de l'analyse (ALS)"


class RequestDocuments(Step):
    slug, action = "documents-request", "request_documents"
    title = "Demande de pièces complémentaires"
    documents: DocumentList
    through_role: Literal["ccas", "mairie", "departement", "caf", "demandeur"]
    through_organisation: ShortText


class ReceiveDocuments(Step):
    slug, action = "documents-receipt", "receive_documents"
    title = "Réception de pièces"
    documents: DocumentList


class AssessSolvency(Step):
    slug, action = "solvency", "assess_solvency"
    title = "Étude de solvabilité (ALS)"
    monthly_resources: Annotated[
        Decimal,
        Field(gt=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2),
    ]
    rent: Money
    charges: Money
    housing_benefit: Money = Decimal(0)
    opinion: Literal["favorable", "reserve", "defavorable"]
    motive: Text | None = None

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> None:
        version, settings = lookup.rules()
        dossier.assess_solvency(
            **self.arguments(),
            settings=settings,
            settings_version=version,
            meta=meta,
        )


class FulfilCondition(Step):
    slug, action = "condition-fulfilment", "fulfil_condition"
    title = "Levée de la condition suspensive"


class MakeOffer(Step):
    slug, action = "offer", "offer"
    title = "Proposition de logement"
    answer_deadline: date

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> None:
        dossier.offer(self.answer_deadline, meta, lookup.ranked_ahead(dossier))


class AnswerOffer(Step):
    slug, action = "offer-answer", "accept_offer"
    title = "Réponse à la proposition"
    answer: Literal["acceptee", "refusee", "caduque"]
    motive: Text | None = None

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> None:
        if self.answer == "acceptee":
            dossier.accept_offer(meta)
        elif self.answer == "refusee":
            dossier.refuse_offer(self.motive, meta)
        else:
            dossier.lapse_offer(meta)


class SignLease(Step):
    slug, action = "lease", "sign_lease"
    title = "Signature du bail"
    lease_start: date
    rent: Money
    charges: Money


class Enter(Step):
    slug, action = "entry", "enter"
    title = "Entrée dans les lieux"


class AttendInformationMeeting(Step):
    slug, action = "information-meeting", "attend_information_meeting"
    title = "Réunion d'information collective"
    topics: Annotated[list[ShortText], Field(min_length=1, max_length=20)]


class ReviewInstallation(Step):
    slug, action = "installation-review", "review_installation"
    title = "Bilan d'installation"
    outcome: Literal["ok", "problemes"]
    findings: Text
    support_months: int | None = Field(default=None, ge=1, le=60)
    adhesion_signed_on: date | None = Field(
        default=None,
        description=(
            "Problèmes : date à laquelle le ménage a signé la demande d'accompagnement "
            "(adhésion) ; la mesure ASLL est alors demandée avec le bilan"
        ),
    )

    def apply(self, dossier: Dossier, meta: Meta, lookup: Lookup) -> list[Mesure]:
        """BILAN-SUITE: a bilan that finds problems asks for support of at least
        `support_months`; with the household's adhesion, the ASLL measure request
        is recorded with it, for the CLU to instruct."""
        _, settings = lookup.rules()
        dossier.review_installation(
            self.outcome, self.findings, self.support_months, settings, meta
        )
        if self.outcome != "problemes" or self.adhesion_signed_on is None:
            return []
        return [
            Mesure.request(
                mesure_id=uuid4(),
                kind="individuelle",
                household_id=dossier.household_id,
                department=dossier.department,
                commune=dossier.commune,
                diagnostic_summary=self.findings,
                diagnostic_signed_on=self.adhesion_signed_on,
                household_signed=True,
                settings=settings,
                meta=meta,
                min_months=self.support_months,
                origin_dossier_id=dossier.id,
            )
        ]


class Withdraw(Step):
    """The household withdraws (DOS-RETRAIT): a partner acting for it records
    the day and the way it said so; a landlord's refusal is a CAL decision."""

    slug, action = "withdrawal", "withdraw"
    title = "Retrait du dossier (à la demande du ménage)"
    reason: Text
    expressed_on: date | None = Field(
        default=None, description="Jour où le ménage a exprimé son retrait"
    )
    expressed_by: WithdrawalChannel | None = Field(
        default=None,
        description="Comment le ménage l'a exprimé : courrier, courriel, en "
        "personne, par téléphone",
    )


class DeclareInadmissible(Step):
    slug, action = "inadmissibility", "declare_inadmissible"
    title = "Irrecevabilité"
    reason: Text


class Radiate(Step):
    slug, action = "radiation", "radiate"
    title = "Radiation de la demande (non renouvelée)"
    reason: Text


class ExpireFromList(Step):
    slug, action = "list-expiry", "expire_from_list"
    title = "Expiration de la liste complémentaire"


class CloseDossier(Step):
    slug, action = "closure", "close"
    title = "Clôture du dossier"
    reason: Text


STEPS = by_slug(*steps_of(Step))  # every step declared above
STAGES = d.STAGES
