"""The LLTS dossier's instruction, from the repérage to the ALS's analysis
(DOMAIN.md §10): the commands that open the dossier and follow the chain of
DOS-ORDRE (enquête sociale, avis de la Mairie, CCAS, DEAL, ALS), each checking
the §8 rules on its values (domain/dossier_rules.py) before its event."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.dossier_guards import DossierGuards
from domain.dossier_rules import (
    avis_breach,
    ceiling_breach,
    completeness_breach,
    contact_breach,
    eligible,
    opinion_breach,
    origin_breach,
    registration_breach,
    renewal_breach,
    solvency,
    solvency_inputs_breach,
    thresholds_met,
)
from domain.dossier_steps import (
    ANALYSIS,
    COMPLETED,
    ENQUETE,
    IDENTIFIED,
    MAIRIE,
    RESOURCES,
    STEP_ROLES,
)
from domain.shared import (
    InvalidValueError,
    Meta,
    TransitionError,
    check_role,
    refuse,
)

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings
    from domain.dossier import Dossier


class DossierInstruction(DossierGuards):
    """The repérage and the instruction's steps, up to the solvency study."""

    @classmethod
    def identify(
        cls,
        *,
        dossier_id: UUID,
        household_id: UUID,
        applicant_name: str,
        household_size: int,
        department: str,
        commune: str,
        programme_id: UUID | None,
        numero_unique: str | None,
        sne_registered_on: date | None,
        dalo: bool,
        meta: Meta,
        dalo_appeal_on: date | None = None,
        dalo_recognised_on: date | None = None,
    ) -> Dossier:
        role = meta.actor.role
        check_role(meta.actor, STEP_ROLES["identify"], "repérage du ménage")
        if household_size < 1:
            msg = f"Un ménage compte au moins une personne, pas {household_size}."
            raise InvalidValueError(msg)
        refuse(origin_breach(role, dalo))
        refuse(registration_breach(numero_unique, sne_registered_on, meta.occurred_on))
        _check_dalo_days(dalo, dalo_appeal_on, dalo_recognised_on, meta.occurred_on)
        return cls._create(
            cls.Identified,
            id=dossier_id,
            household_id=household_id,
            applicant_name=applicant_name,
            household_size=household_size,
            department=department,
            commune=commune,
            programme_id=programme_id,
            numero_unique=numero_unique,
            sne_registered_on=sne_registered_on,
            dalo=dalo,
            dalo_appeal_on=dalo_appeal_on,
            dalo_recognised_on=dalo_recognised_on,
            **meta.fields(),
        )

    def render_social_enquiry(self, avis: str, summary: str, meta: Meta) -> None:
        self._begin("render_social_enquiry", "enquête sociale", meta)
        self._check_chain(IDENTIFIED, "l'enquête sociale")
        refuse(avis_breach(avis, mairie=False))
        self._record(self.SocialEnquiryRendered, meta, avis=avis, summary=summary)

    def render_mairie_avis(self, avis: str, comment: str, meta: Meta) -> None:
        self._begin("render_mairie_avis", "avis de la Mairie", meta)
        self._check_chain(ENQUETE, "l'avis de la Mairie")
        refuse(avis_breach(avis, mairie=True))
        self._record(self.MairieAvisRendered, meta, avis=avis, comment=comment)

    def complete(
        self, documents: list[str], settings: DepartmentSettings, meta: Meta
    ) -> None:
        self._begin("complete", "constitution du dossier", meta)
        self._check_chain(MAIRIE, "la constitution du dossier par le CCAS")
        self._check_documents(documents)
        refuse(completeness_breach(documents, settings))
        self._record(self.Completed, meta, documents=sorted(set(documents)))

    def renew_demand(self, numero_unique: str, meta: Meta) -> None:
        self._begin("renew_demand", "renouvellement de la demande", meta)
        self._check_before_lease("renouveler la demande")
        refuse(renewal_breach(self.sne_valid_from, meta.occurred_on))
        self._record(self.DemandRenewed, meta, numero_unique=numero_unique)

    def check_resources(
        self,
        annual_resources: Decimal,
        household_category: int,
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
    ) -> None:
        self._begin("check_resources", "contrôle des ressources", meta)
        self._check_complete("à la DEAL")
        self._check_chain(COMPLETED, "le contrôle des ressources")
        self._check_amount(annual_resources, "Les ressources annuelles")
        year = meta.occurred_on.year
        refuse(ceiling_breach(settings, year, household_category))
        ceiling = settings.ceiling(year, household_category)
        self._record(
            self.ResourcesChecked,
            meta,
            annual_resources=annual_resources,
            household_category=household_category,
            ceiling_year=year,
            ceiling=ceiling,
            eligible=eligible(annual_resources, ceiling),
            settings_version=settings_version,
        )

    def start_analysis(self, meta: Meta) -> None:
        self._begin("start_analysis", "début de l'analyse", meta)
        self._check_complete("à l'ALS")
        self._check_chain(RESOURCES, "l'analyse de l'ALS")
        self._record(self.AnalysisStarted, meta)

    def request_documents(
        self,
        documents: list[str],
        through_role: str,
        through_organisation: str,
        meta: Meta,
    ) -> None:
        self._begin("request_documents", "demande de pièces", meta)
        self._check_stage({ANALYSIS}, "demander des pièces")
        self._check_documents(documents)
        refuse(contact_breach(through_role))
        self._record(
            self.DocumentsRequested,
            meta,
            documents=sorted(set(documents)),
            through_role=through_role,
            through_organisation=through_organisation,
        )

    def receive_documents(self, documents: list[str], meta: Meta) -> None:
        self._begin("receive_documents", "réception de pièces", meta)
        self._check_stage({ANALYSIS}, "recevoir des pièces")
        self._check_documents(documents)
        unexpected = sorted(set(documents) - set(self.outstanding_documents))
        if unexpected:
            msg = f"Pièces non demandées : {', '.join(unexpected)}."
            raise TransitionError(msg, "documents_not_requested")
        self._record(self.DocumentsReceived, meta, documents=sorted(set(documents)))

    def assess_solvency(
        self,
        *,
        monthly_resources: Decimal,
        rent: Decimal,
        charges: Decimal,
        housing_benefit: Decimal,
        opinion: str,
        motive: str | None,
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
    ) -> None:
        self._begin("assess_solvency", "étude de solvabilité", meta)
        self._check_chain(ANALYSIS, "l'étude de solvabilité")
        if self.outstanding_documents:
            msg = (
                "Des pièces demandées ne sont pas arrivées : "
                f"{', '.join(self.outstanding_documents)}."
            )
            raise TransitionError(msg, "documents_outstanding")
        refuse(
            solvency_inputs_breach(monthly_resources, rent, charges, housing_benefit)
        )
        figures = solvency(
            monthly_resources, rent, charges, housing_benefit, self.household_size
        )
        met = thresholds_met(
            figures.taux_effort, figures.reste_a_vivre_per_person, settings
        )
        refuse(opinion_breach(opinion, met, motive, settings))
        self._record(
            self.SolvencyAssessed,
            meta,
            monthly_resources=monthly_resources,
            rent=rent,
            charges=charges,
            housing_benefit=housing_benefit,
            **asdict(figures),  # taux d'effort, reste à vivre (and per person)
            max_taux_effort=settings.max_taux_effort,
            min_reste_a_vivre_per_person=settings.min_reste_a_vivre_per_person,
            thresholds_met=met,
            opinion=opinion,
            motive=motive,
            settings_version=settings_version,
        )


def _check_dalo_days(
    dalo: bool, appeal_on: date | None, recognised_on: date | None, on: date
) -> None:
    """The DALO days a Préfecture knows when it proposes the household: the
    appeal, then the recognition, both by the day of the proposal."""
    if not dalo and (appeal_on or recognised_on):
        msg = "Les dates du recours DALO ne concernent qu'un dossier DALO."
        raise InvalidValueError(msg)
    if appeal_on and recognised_on and recognised_on < appeal_on:
        msg = "La commission de médiation statue après le recours, pas avant."
        raise InvalidValueError(msg)
    if any(day > on for day in (appeal_on, recognised_on) if day):
        msg = "Le recours DALO et sa décision précèdent la proposition du dossier."
        raise InvalidValueError(msg)
