"""The LLTS candidate dossier, from repérage to closure (DOMAIN.md §3, §10).

Command methods check the procedure's order and the §8 rules that concern a
dossier alone, then trigger one past-tense event. Events only assign state, so
an old history always replays even after a rule changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.dossier_endings import (
    inadmissibility_problem,
    radiation_problem,
    withdrawal_problem,
)

# The rules' values live with their checks; re-exported for d.CAL_DECISIONS etc.
from domain.dossier_rules import (  # noqa: F401
    ATTRIBUTIONS,
    AVIS_ENQUETE,
    AVIS_MAIRIE,
    CAL_DECISIONS,
    DOCUMENT_CHANNELS,
    OFFER_MIN_DAYS,
    SNE_VALIDITY_MONTHS,
    SOLVENCY_OPINIONS,
    answer_breach,
    answer_deadline_breach,
    avis_breach,
    ceiling_breach,
    completeness_breach,
    condition_breach,
    contact_breach,
    decision_breach,
    deferral_breach,
    eligible,
    expiry_breach,
    fulfilment_breach,
    motive_breach,
    numero_breach,
    opinion_breach,
    origin_breach,
    registration_breach,
    renewal_breach,
    sne_valid_until,
    solvency,
    solvency_inputs_breach,
    support_breach,
    thresholds_met,
)
from domain.dossier_steps import (
    ACCEPTED,
    AFTER_ATTRIBUTION,
    ANALYSIS,
    CLOSED,
    COMPLETED,
    CONDITION_MET,
    DECIDED,
    DEFERRED,
    ENQUETE,
    ENTERED,
    IDENTIFIED,
    INADMISSIBLE,
    INSTALLATION_OUTCOMES,
    LAPSED,
    LEASE,
    LIST_EXPIRED,
    MAIRIE,
    OFFERED,
    PRESELECTED,
    PRESELECTION_OUTCOMES,
    RADIATED,
    RANKED,
    RANKING_OUTCOMES,
    REFUSED,
    RESOURCES,
    REVIEWED,
    RULED_ROLES,
    SOLVENCY,
    STEP_ROLES,
    TERMINAL,
    WITHDRAWN,
)

# Re-exported: other modules import these from here.
from domain.dossier_steps import PARTNER_ROLES as PARTNER_ROLES
from domain.dossier_steps import RADIATION_ROLES as RADIATION_ROLES
from domain.dossier_steps import STAGES as STAGES
from domain.dossier_steps import WITHDRAWAL_CHANNELS as WITHDRAWAL_CHANNELS
from domain.dossier_steps import WITHDRAWAL_ROLES as WITHDRAWAL_ROLES
from domain.personal import ERASED, check_eraser
from domain.shared import (
    InvalidValueError,
    Meta,
    RecordedEvent,
    Recording,
    RuleViolation,
    TransitionError,
    add_months,
    check_landlord,
    check_role,
    refuse,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from domain.department_settings import DepartmentSettings


class Dossier(Recording, Aggregate):
    TOPIC = "logis.dossier.Dossier"

    class Event(RecordedEvent):
        TOPIC = "logis.dossier.Event"
        STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged
        CHRONOLOGICAL: ClassVar[bool] = True  # False: outside the steps' order

        def resulting_stage(self, current: str) -> str:
            """The dossier's stage after this event (also used by projections)."""
            return self.STAGE or current

        def mutate(self, aggregate: Any) -> Any:
            dossier = super().mutate(aggregate)
            dossier.stage = self.resulting_stage(getattr(dossier, "stage", IDENTIFIED))
            if self.CHRONOLOGICAL:
                dossier.last_occurred_on = self.occurred_on
            return dossier

    class Identified(Event, Aggregate.Created):
        TOPIC = "logis.dossier.Identified"
        STAGE = IDENTIFIED
        PERSONAL: ClassVar[Mapping[str, str]] = {"applicant_name": "Id"}
        class_version = 2  # v2: the DALO appeal's and recognition's days
        household_id: UUID
        applicant_name: str
        household_size: int
        department: str
        commune: str
        programme_id: UUID | None
        numero_unique: str | None
        sne_registered_on: date | None
        dalo: bool
        # DALO-DELAI runs from these: the complete appeal to the commission de
        # médiation, and its decision recognising the household.
        dalo_appeal_on: date | None
        dalo_recognised_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 recorded that a household was DALO, not when: unknown days."""
            state["dalo_appeal_on"] = None
            state["dalo_recognised_on"] = None

        def apply(self, dossier: Dossier) -> None:
            dossier.household_id = self.household_id
            dossier.applicant_name = self.applicant_name
            dossier.household_size = self.household_size
            dossier.department = self.department
            dossier.commune = self.commune
            dossier.programme_id = self.programme_id
            dossier.numero_unique = self.numero_unique
            dossier.sne_valid_from = self.sne_registered_on
            dossier.dalo = self.dalo
            dossier.dalo_appeal_on = self.dalo_appeal_on
            dossier.dalo_recognised_on = self.dalo_recognised_on
            dossier.origin = self.actor
            dossier.last_occurred_on = self.occurred_on
            dossier.avis = {}
            dossier.documents = []
            dossier.outstanding_documents = []
            dossier.resources = None
            dossier.solvency = None
            dossier.preselection = None
            dossier.preselected_by = None  # the pré-commission
            dossier.ranking = None
            dossier.list_valid_until = None
            dossier.cal_decision = None
            dossier.deferral = None
            dossier.proposal = None
            dossier.lease = None
            dossier.entered_on = None
            dossier.information_meetings = []
            dossier.installation_review = None
            dossier.end_reason = None

    class SocialEnquiryRendered(Event):
        TOPIC = "logis.dossier.SocialEnquiryRendered"
        STAGE = ENQUETE
        PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Soc"}
        avis: str
        summary: str

        def apply(self, dossier: Dossier) -> None:
            dossier.avis["enquete_sociale"] = self.avis

    class MairieAvisRendered(Event):
        TOPIC = "logis.dossier.MairieAvisRendered"
        STAGE = MAIRIE
        PERSONAL: ClassVar[Mapping[str, str]] = {"comment": "Soc"}
        avis: str
        comment: str

        def apply(self, dossier: Dossier) -> None:
            dossier.avis["mairie"] = self.avis

    class Completed(Event):
        TOPIC = "logis.dossier.Completed"
        STAGE = COMPLETED
        documents: list[str]

        def apply(self, dossier: Dossier) -> None:
            dossier.documents = sorted(set(dossier.documents) | set(self.documents))

    class DemandRenewed(Event):
        TOPIC = "logis.dossier.DemandRenewed"
        numero_unique: str

        def apply(self, dossier: Dossier) -> None:
            dossier.numero_unique = self.numero_unique
            dossier.sne_valid_from = self.occurred_on

    class ResourcesChecked(Event):
        TOPIC = "logis.dossier.ResourcesChecked"
        PERSONAL: ClassVar[Mapping[str, str]] = {"annual_resources": "Res"}
        annual_resources: Decimal
        household_category: int
        ceiling_year: int
        ceiling: Decimal
        eligible: bool
        settings_version: int

        def apply(self, dossier: Dossier) -> None:
            dossier.resources = {
                "annual_resources": self.annual_resources,
                "household_category": self.household_category,
                "ceiling_year": self.ceiling_year,
                "ceiling": self.ceiling,
                "eligible": self.eligible,
            }
            if not self.eligible:
                dossier.end_reason = "ressources_au_dessus_du_plafond"

        def resulting_stage(self, current: str) -> str:
            return RESOURCES if self.eligible else INADMISSIBLE

    class AnalysisStarted(Event):
        TOPIC = "logis.dossier.AnalysisStarted"
        STAGE = ANALYSIS

    class DocumentsRequested(Event):
        TOPIC = "logis.dossier.DocumentsRequested"
        documents: list[str]
        through_role: str
        through_organisation: str

        def apply(self, dossier: Dossier) -> None:
            pending = set(dossier.outstanding_documents) | set(self.documents)
            dossier.outstanding_documents = sorted(pending)

    class DocumentsReceived(Event):
        TOPIC = "logis.dossier.DocumentsReceived"
        documents: list[str]

        def apply(self, dossier: Dossier) -> None:
            received = set(self.documents)
            dossier.outstanding_documents = sorted(
                set(dossier.outstanding_documents) - received
            )
            dossier.documents = sorted(set(dossier.documents) | received)

    class SolvencyAssessed(Event):
        TOPIC = "logis.dossier.SolvencyAssessed"
        PERSONAL: ClassVar[Mapping[str, str]] = {
            **dict.fromkeys(
                ("monthly_resources", "housing_benefit", "taux_effort",
                 "reste_a_vivre", "reste_a_vivre_per_person", "motive"),
                "Res",
            ),
        }  # fmt: skip
        STAGE = SOLVENCY
        monthly_resources: Decimal
        rent: Decimal
        charges: Decimal
        housing_benefit: Decimal
        taux_effort: Decimal
        reste_a_vivre: Decimal
        reste_a_vivre_per_person: Decimal
        max_taux_effort: Decimal
        min_reste_a_vivre_per_person: Decimal
        thresholds_met: bool
        opinion: str
        motive: str | None
        settings_version: int

        def apply(self, dossier: Dossier) -> None:
            dossier.solvency = {
                "taux_effort": self.taux_effort,
                "reste_a_vivre": self.reste_a_vivre,
                "reste_a_vivre_per_person": self.reste_a_vivre_per_person,
                "thresholds_met": self.thresholds_met,
                "opinion": self.opinion,
            }

    class PreSelected(Event):
        TOPIC = "logis.dossier.PreSelected"
        STAGE = PRESELECTED
        commission_id: UUID  # the pré-commission
        outcome: str

        def apply(self, dossier: Dossier) -> None:
            dossier.preselection = self.outcome
            dossier.preselected_by = self.commission_id

    class Ranked(Event):
        TOPIC = "logis.dossier.Ranked"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
        STAGE = RANKED
        commission_id: UUID  # the commission préfectorale
        outcome: str
        rank: int | None
        list_valid_until: date | None
        motive: str | None

        def apply(self, dossier: Dossier) -> None:
            dossier.ranking = {
                "commission_id": self.commission_id,
                "outcome": self.outcome,
                "rank": self.rank,
            }
            dossier.list_valid_until = self.list_valid_until

    class CALDecided(Event):
        TOPIC = "logis.dossier.CALDecided"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
        STAGE = DECIDED
        commission_id: UUID  # the CAL
        landlord: str | None  # the CAL's: it makes the offer and signs the lease
        decision: str
        dwelling_ref: str | None
        rank: int | None
        missing_document: str | None
        condition_deadline: date | None
        motive: str | None

        def apply(self, dossier: Dossier) -> None:
            dossier.cal_decision = {
                "commission_id": self.commission_id,
                "landlord": self.landlord,
                "decision": self.decision,
                "decided_on": self.occurred_on,
                "dwelling_ref": self.dwelling_ref,
                "rank": self.rank,
                "missing_document": self.missing_document,
                "condition_deadline": self.condition_deadline,
                "motive": self.motive,
            }
            dossier.deferral = None

    class Deferred(Event):
        TOPIC = "logis.dossier.Deferred"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
        STAGE = DEFERRED
        commission_id: UUID  # the CAL
        motive: str
        return_session_on: date

        def apply(self, dossier: Dossier) -> None:
            dossier.deferral = {
                "commission_id": self.commission_id,
                "motive": self.motive,
                "return_session_on": self.return_session_on,
            }

    class ConditionFulfilled(Event):
        TOPIC = "logis.dossier.ConditionFulfilled"
        STAGE = CONDITION_MET
        document: str

        def apply(self, dossier: Dossier) -> None:
            dossier.documents = sorted({*dossier.documents, self.document})

    class Offered(Event):
        TOPIC = "logis.dossier.Offered"
        STAGE = OFFERED
        dwelling_ref: str
        answer_deadline: date

        def apply(self, dossier: Dossier) -> None:
            dossier.proposal = {
                "dwelling_ref": self.dwelling_ref,
                "offered_on": self.occurred_on,
                "answer_deadline": self.answer_deadline,
                "answer": None,
            }

    class OfferAccepted(Event):
        TOPIC = "logis.dossier.OfferAccepted"
        STAGE = ACCEPTED

        def apply(self, dossier: Dossier) -> None:
            dossier.proposal = {**dossier.proposal, "answer": "acceptee"}

    class OfferRefused(Event):
        TOPIC = "logis.dossier.OfferRefused"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
        STAGE = REFUSED
        motive: str | None

        def apply(self, dossier: Dossier) -> None:
            dossier.proposal = {**dossier.proposal, "answer": "refusee"}

    class OfferLapsed(Event):
        TOPIC = "logis.dossier.OfferLapsed"
        STAGE = LAPSED

        def apply(self, dossier: Dossier) -> None:
            dossier.proposal = {**dossier.proposal, "answer": "caduque"}

    class LeaseSigned(Event):
        TOPIC = "logis.dossier.LeaseSigned"
        STAGE = LEASE
        dwelling_ref: str
        lease_start: date
        rent: Decimal
        charges: Decimal

        def apply(self, dossier: Dossier) -> None:
            dossier.lease = {
                "dwelling_ref": self.dwelling_ref,
                "lease_start": self.lease_start,
                "rent": self.rent,
                "charges": self.charges,
            }

    class Entered(Event):
        TOPIC = "logis.dossier.Entered"
        STAGE = ENTERED

        def apply(self, dossier: Dossier) -> None:
            dossier.entered_on = self.occurred_on

    class InformationMeetingAttended(Event):
        TOPIC = "logis.dossier.InformationMeetingAttended"
        CHRONOLOGICAL = False
        topics: list[str]

        def apply(self, dossier: Dossier) -> None:
            dossier.information_meetings = [
                *dossier.information_meetings,
                {"on": self.occurred_on, "topics": self.topics},
            ]

    class InstallationReviewed(Event):
        TOPIC = "logis.dossier.InstallationReviewed"
        STAGE = REVIEWED
        PERSONAL: ClassVar[Mapping[str, str]] = {"findings": "Soc"}
        outcome: str
        findings: str
        support_months: int | None

        def apply(self, dossier: Dossier) -> None:
            dossier.installation_review = {
                "outcome": self.outcome,
                "support_months": self.support_months,
            }

    class Ended(Event):
        """Base of the terminal events: the dossier goes no further."""

        TOPIC = "logis.dossier.Ended"
        PERSONAL: ClassVar[Mapping[str, str]] = {"reason": "Dec"}
        STAGE = CLOSED
        reason: str

        def apply(self, dossier: Dossier) -> None:
            dossier.end_reason = self.reason

    class Withdrawn(Ended):
        TOPIC = "logis.dossier.Withdrawn"
        STAGE = WITHDRAWN
        class_version = 2  # v2: the day and the way the household expressed it
        expressed_on: date | None
        expressed_by: str | None  # WITHDRAWAL_CHANNELS

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 did not record the household's own act: unknown (DOS-RETRAIT)."""
            state["expressed_on"] = None
            state["expressed_by"] = None

    class DeclaredInadmissible(Ended):
        TOPIC = "logis.dossier.DeclaredInadmissible"
        STAGE = INADMISSIBLE

    class Radiated(Ended):
        TOPIC = "logis.dossier.Radiated"
        STAGE = RADIATED

    class ListExpired(Ended):
        TOPIC = "logis.dossier.ListExpired"
        STAGE = LIST_EXPIRED

    class Closed(Ended):
        TOPIC = "logis.dossier.Closed"
        STAGE = CLOSED

    class PersonalDataErased(Event):
        """RGPD-CONSERVATION: the household's key is destroyed; the personal
        fields of this record read as erased (domain/personal.py)."""

        TOPIC = "logis.dossier.PersonalDataErased"
        CHRONOLOGICAL = False
        categories: list[str]  # DOMAIN.md §9 categories erased

        def apply(self, dossier: Dossier) -> None:
            dossier.applicant_name = ERASED

    # ---- commands -------------------------------------------------------------

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
            taux_effort=figures.taux_effort,
            reste_a_vivre=figures.reste_a_vivre,
            reste_a_vivre_per_person=figures.reste_a_vivre_per_person,
            max_taux_effort=settings.max_taux_effort,
            min_reste_a_vivre_per_person=settings.min_reste_a_vivre_per_person,
            thresholds_met=met,
            opinion=opinion,
            motive=motive,
            settings_version=settings_version,
        )

    def preselect(
        self,
        commission_id: UUID,
        programme_id: UUID | None,
        outcome: str,
        meta: Meta,
    ) -> None:
        """By its pré-commission only (Commission.preselect, record_on_dossiers)."""
        self._begin("preselect", "pré-sélection", meta)
        self._check_chain(SOLVENCY, "la pré-sélection")
        if programme_id and self.programme_id and programme_id != self.programme_id:
            msg = "Le dossier est rassemblé pour un autre programme."
            raise TransitionError(msg, "wrong_programme")
        if outcome not in PRESELECTION_OUTCOMES:
            outcomes = ", ".join(PRESELECTION_OUTCOMES)
            msg = f"Issue de pré-commission inconnue : {outcomes}."
            raise TransitionError(msg, "invalid_outcome")
        self._record(
            self.PreSelected, meta, commission_id=commission_id, outcome=outcome
        )

    def rank(
        self,
        commission_id: UUID,
        outcome: str,
        rank: int | None,
        motive: str | None,
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("rank", "classement", meta)
        self._check_stage({PRESELECTED}, "classer le dossier")
        if self.preselection == "ecarte":
            msg = "Un dossier écarté en pré-commission ne peut être classé."
            raise TransitionError(msg)
        if (
            outcome not in RANKING_OUTCOMES
            or (outcome == "rang") != (rank is not None)
            or (rank is not None and rank < 1)
        ):
            msg = "Classement : un rang (≥ 1), la liste complémentaire ou non retenu."
            raise TransitionError(msg, "invalid_outcome")
        valid_until = None
        if outcome == "liste_complementaire":
            months = settings.liste_complementaire_validity_months
            valid_until = add_months(meta.occurred_on, months)
        self._record(
            self.Ranked,
            meta,
            commission_id=commission_id,
            outcome=outcome,
            rank=rank,
            list_valid_until=valid_until,
            motive=motive,
        )

    def decide(
        self,
        *,
        commission_id: UUID,
        landlord: str | None = None,
        decision: str,
        dwelling_ref: str | None,
        rank: int | None,
        missing_document: str | None,
        condition_deadline: date | None,
        motive: str | None,
        meta: Meta,
    ) -> None:
        self._begin("decide", "décision de la CAL", meta)
        self._check_examinable(meta)
        refuse(decision_breach(decision, dwelling_ref, rank))
        refuse(
            condition_breach(
                decision, missing_document, condition_deadline, meta.occurred_on
            )
        )
        refuse(motive_breach(decision, motive))
        self._record(
            self.CALDecided,
            meta,
            commission_id=commission_id,
            landlord=landlord,
            decision=decision,
            dwelling_ref=dwelling_ref,
            rank=rank,
            missing_document=missing_document,
            condition_deadline=condition_deadline,
            motive=motive,
        )

    def defer(
        self, commission_id: UUID, motive: str, return_session_on: date, meta: Meta
    ) -> None:
        self._begin("defer", "ajournement par la CAL", meta)
        self._check_examinable(meta)
        refuse(deferral_breach(motive, return_session_on, meta.occurred_on))
        self._record(
            self.Deferred,
            meta,
            commission_id=commission_id,
            motive=motive,
            return_session_on=return_session_on,
        )

    def fulfil_condition(self, meta: Meta) -> None:
        self._begin("fulfil_condition", "levée de la condition suspensive", meta)
        self._check_stage({DECIDED}, "lever une condition suspensive")
        decision = self.cal_decision or {}
        if decision.get("decision") != "attribution_sous_condition_suspensive":
            msg = "La décision de la CAL ne porte pas de condition suspensive."
            raise TransitionError(msg)
        refuse(fulfilment_breach(decision["condition_deadline"], meta.occurred_on))
        self._record(
            self.ConditionFulfilled, meta, document=decision["missing_document"]
        )

    def offer(
        self, answer_deadline: date, meta: Meta, ranked_ahead: Sequence[Dossier] = ()
    ) -> None:
        """`ranked_ahead`: under an attribution par classement, the households
        the CAL ranked before this one for the same dwelling."""
        self._begin("offer", "proposition de logement", meta)
        self._check_stage({DECIDED, CONDITION_MET}, "proposer un logement")
        decision = self.cal_decision or {}
        if decision.get("decision") not in ATTRIBUTIONS:
            msg = "Seule une décision d'attribution ouvre une proposition."
            raise TransitionError(msg)
        waiting = [other for other in ranked_ahead if not other.declined_offer]
        if decision["decision"] == "attribution_par_classement" and (
            waiting or len(ranked_ahead) < (decision["rank"] or 1) - 1
        ):
            msg = (
                f"Rang {decision['rank']} : le logement n'est proposé qu'après le "
                "refus ou la caducité de la proposition faite au rang précédent."
            )
            raise RuleViolation("OFFRE-DELAI", msg)
        if (
            decision["decision"] == "attribution_sous_condition_suspensive"
            and self.stage != CONDITION_MET
        ):
            msg = "La condition suspensive n'est pas levée."
            raise RuleViolation("CAL-CONDITION", msg)
        refuse(answer_deadline_breach(meta.occurred_on, answer_deadline))
        self._record(
            self.Offered,
            meta,
            dwelling_ref=decision["dwelling_ref"],
            answer_deadline=answer_deadline,
        )

    def accept_offer(self, meta: Meta) -> None:
        self._begin("accept_offer", "acceptation de la proposition", meta)
        self._check_stage({OFFERED}, "accepter la proposition")
        deadline = self.proposal["answer_deadline"]
        refuse(answer_breach("acceptee", meta.occurred_on, deadline))
        self._record(self.OfferAccepted, meta)

    def refuse_offer(self, motive: str | None, meta: Meta) -> None:
        self._begin("refuse_offer", "refus de la proposition", meta)
        self._check_stage({OFFERED}, "refuser la proposition")
        deadline = self.proposal["answer_deadline"]
        refuse(answer_breach("refusee", meta.occurred_on, deadline))
        self._record(self.OfferRefused, meta, motive=motive)

    def lapse_offer(self, meta: Meta) -> None:
        self._begin("lapse_offer", "proposition caduque", meta)
        self._check_stage({OFFERED}, "constater la caducité")
        deadline = self.proposal["answer_deadline"]
        refuse(answer_breach("caduque", meta.occurred_on, deadline))
        self._record(self.OfferLapsed, meta)

    def sign_lease(
        self, lease_start: date, rent: Decimal, charges: Decimal, meta: Meta
    ) -> None:
        self._begin("sign_lease", "signature du bail", meta)
        self._check_stage({ACCEPTED}, "signer le bail")
        self._check_amount(rent, "Le loyer et les charges")
        self._check_amount(charges, "Le loyer et les charges")
        if lease_start < self.proposal["offered_on"]:
            msg = "Le bail ne peut prendre effet avant la proposition du logement."
            raise TransitionError(msg, "lease_before_offer")
        self._record(
            self.LeaseSigned,
            meta,
            dwelling_ref=self.proposal["dwelling_ref"],
            lease_start=lease_start,
            rent=rent,
            charges=charges,
        )

    def enter(self, meta: Meta) -> None:
        self._begin("enter", "entrée dans les lieux", meta)
        self._check_stage({LEASE}, "enregistrer l'entrée dans les lieux")
        if meta.occurred_on < self.lease["lease_start"]:
            msg = "L'entrée dans les lieux précède la prise d'effet du bail."
            raise TransitionError(msg, "entry_before_lease")
        self._record(self.Entered, meta)

    def attend_information_meeting(self, topics: list[str], meta: Meta) -> None:
        self._begin(
            "attend_information_meeting",
            "réunion d'information collective",
            meta,
            chronological=False,
        )
        decision = self.cal_decision or {}
        if self.stage not in AFTER_ATTRIBUTION or decision["decision"] not in (
            ATTRIBUTIONS
        ):
            msg = "Les réunions d'information suivent une attribution par la CAL."
            raise TransitionError(msg)
        if meta.occurred_on < decision["decided_on"]:
            msg = "La réunion d'information ne peut précéder la décision de la CAL."
            raise TransitionError(msg, "occurred_on_out_of_order")
        self._record(self.InformationMeetingAttended, meta, topics=topics)

    def review_installation(
        self,
        outcome: str,
        findings: str,
        support_months: int | None,
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("review_installation", "bilan d'installation", meta)
        self._check_stage({ENTERED}, "faire le bilan d'installation")
        if outcome not in INSTALLATION_OUTCOMES:
            msg = f"Issue du bilan inconnue : {', '.join(INSTALLATION_OUTCOMES)}."
            raise TransitionError(msg, "invalid_outcome")
        refuse(support_breach(outcome, support_months, settings))
        self._record(
            self.InstallationReviewed,
            meta,
            outcome=outcome,
            findings=findings,
            support_months=support_months if outcome == "problemes" else None,
        )

    def withdraw(
        self,
        reason: str,
        meta: Meta,
        *,
        expressed_on: date | None,
        expressed_by: str | None,
    ) -> None:
        if meta.actor.role not in RULED_ROLES["withdraw"]:
            self._begin("withdraw", "retrait du dossier", meta)
            self._check_before_lease("retirer le dossier")
        problem = withdrawal_problem(
            meta.actor.role, expressed_on, expressed_by, meta.occurred_on
        )
        if problem:
            raise RuleViolation("DOS-RETRAIT", problem)
        self._record(
            self.Withdrawn,
            meta,
            reason=reason,
            expressed_on=expressed_on,
            expressed_by=expressed_by,
        )

    def declare_inadmissible(self, reason: str, meta: Meta) -> None:
        if meta.actor.role not in RULED_ROLES["declare_inadmissible"]:
            self._begin("declare_inadmissible", "irrecevabilité", meta)
        problem = inadmissibility_problem(
            meta.actor.role, resources_checked=self.resources is not None
        )
        if problem:
            raise RuleViolation("DOS-IRRECEVABILITE", problem)
        before_cal = {RESOURCES, ANALYSIS, SOLVENCY, PRESELECTED, RANKED, DEFERRED}
        self._check_stage(before_cal, "déclarer le dossier irrecevable")
        self._record(self.DeclaredInadmissible, meta, reason=reason)

    def radiate(self, reason: str, meta: Meta) -> None:
        if meta.actor.role not in RULED_ROLES["radiate"]:
            self._begin("radiate", "radiation de la demande", meta)
        problem = radiation_problem(meta.actor.role)
        if problem:
            raise RuleViolation("SNE-VALIDITE", problem)
        self._check_before_lease("radier la demande")
        until = self.sne_valid_until
        if until is None or meta.occurred_on <= until:
            msg = "Seule une demande non renouvelée à échéance est radiée" + (
                f" (valide jusqu'au {until.isoformat()})." if until else "."
            )
            raise RuleViolation("SNE-VALIDITE", msg)
        self._record(self.Radiated, meta, reason=reason)

    def expire_from_list(self, meta: Meta) -> None:
        self._begin("expire_from_list", "expiration de la liste complémentaire", meta)
        if not self.listed_after_non_attribution:
            self._check_stage({RANKED, DEFERRED}, "constater l'expiration de la liste")
        until = self.list_valid_until
        if until is None or meta.occurred_on <= until:
            msg = "Le dossier n'est pas sur une liste complémentaire expirée" + (
                f" (valide jusqu'au {until.isoformat()})." if until else "."
            )
            raise RuleViolation("LC-VALIDITE", msg)
        self._record(self.ListExpired, meta, reason="liste_complementaire_expiree")

    def close(self, reason: str, meta: Meta) -> None:
        self._begin("close", "clôture", meta)
        if not (self.is_closable or self._condition_lapsed(meta.occurred_on)):
            msg = (
                "Le dossier se clôt après le bilan d'installation ou une issue "
                "négative (écarté, non retenu, non-attribution, rejet, refus, "
                "condition suspensive non levée dans le délai)."
            )
            raise TransitionError(msg)
        self._record(self.Closed, meta, reason=reason)

    def erase_personal_data(self, categories: list[str], meta: Meta) -> None:
        """Recorded once the household's key is destroyed, at any stage."""
        check_eraser(meta.actor)
        self._record(self.PersonalDataErased, meta, categories=categories)

    # ---- guards and derived state ---------------------------------------------

    @property
    def sne_valid_until(self) -> date | None:
        return sne_valid_until(self.sne_valid_from)

    @property
    def declined_offer(self) -> bool:
        """Out of the running for its dwelling: refused, lapsed or withdrawn."""
        answer = (self.proposal or {}).get("answer")
        return answer in ("refusee", "caduque") or self.stage == WITHDRAWN

    @property
    def is_closable(self) -> bool:
        decision = (self.cal_decision or {}).get("decision")
        return (
            self.stage in (REVIEWED, REFUSED, LAPSED)
            or (self.stage == PRESELECTED and self.preselection == "ecarte")
            or (
                self.stage == RANKED
                and (self.ranking or {}).get("outcome") == "non_retenu"
            )
            or (self.stage == DECIDED and decision not in ATTRIBUTIONS)
        )

    def _condition_lapsed(self, day: date) -> bool:
        """CAL-CONDITION: a condition not met by its deadline ends the attribution."""
        decision = self.cal_decision or {}
        return (
            self.stage == DECIDED
            and decision.get("decision") == "attribution_sous_condition_suspensive"
            and day > decision["condition_deadline"]
        )

    def _begin(
        self, step: str, label: str, meta: Meta, *, chronological: bool = True
    ) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        # A listed household one CAL did not attribute is any landlord's to examine.
        reexamined = step in ("decide", "defer") and self.listed_after_non_attribution
        if not reexamined:
            landlord = (self.cal_decision or {}).get("landlord")
            check_landlord(meta.actor, landlord, label)
        if self.stage in TERMINAL:
            msg = f"Le dossier est terminé ({self.stage}) : {label} impossible."
            raise TransitionError(msg, "dossier_ended")
        if chronological and meta.occurred_on < self.last_occurred_on:
            msg = (
                f"Date de l'étape ({meta.occurred_on.isoformat()}) antérieure à "
                f"l'étape précédente ({self.last_occurred_on.isoformat()})."
            )
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_chain(self, previous: str, what: str) -> None:
        """DOS-ORDRE: each step of the instruction chain follows the one before."""
        if self.stage != previous:
            msg = (
                f"Ordre de la procédure : {what} suit l'étape « {previous} », "
                f"le dossier est à l'étape « {self.stage} »."
            )
            raise RuleViolation("DOS-ORDRE", msg)

    def _check_complete(self, to_whom: str) -> None:
        """DOS-COMPLET: only a complete dossier goes to the DEAL and the ALS."""
        if self.stage in (IDENTIFIED, ENQUETE, MAIRIE):
            msg = f"Seul un dossier complet est transmis {to_whom}."
            raise RuleViolation("DOS-COMPLET", msg)

    @staticmethod
    def _check_amount(amount: Decimal, what: str) -> None:
        if amount < 0:
            msg = f"{what} ne peuvent être négatifs ({amount})."
            raise InvalidValueError(msg)

    @staticmethod
    def _check_documents(documents: list[str]) -> None:
        if not documents or any(not doc.strip() for doc in documents):
            msg = "Au moins une pièce, chacune nommée."
            raise InvalidValueError(msg)

    def _not_examinable(self, outcome: str | None) -> str:
        decision = (self.cal_decision or {}).get("decision")
        return _not_examinable_message(self.stage, outcome, decision)

    def _check_stage(self, allowed: set[str] | frozenset[str], what: str) -> None:
        if self.stage not in allowed:
            msg = f"Impossible de {what} à l'étape « {self.stage} »."
            raise TransitionError(msg)

    def _check_before_lease(self, what: str) -> None:
        if self.stage in (LEASE, ENTERED, REVIEWED):
            msg = f"Impossible de {what} après la signature du bail."
            raise TransitionError(msg)

    @property
    def listed_after_non_attribution(self) -> bool:
        """LC-VALIDITE: one CAL's non-attribution (for that dwelling) keeps the
        household on its commune's liste complémentaire, for the other
        dwellings and landlords, until the list expires."""
        return (
            self.stage == DECIDED
            and (self.ranking or {}).get("outcome") == "liste_complementaire"
            and (self.cal_decision or {}).get("decision") == "non_attribution"
        )

    @property
    def awaits_a_dwelling(self) -> bool:
        """Ranked or listed, and no CAL has attributed it a dwelling."""
        return self.stage == RANKED or self.listed_after_non_attribution

    def _check_examinable(self, meta: Meta) -> None:
        """CAL-PREALABLE, LC-VALIDITE, SNE-NUMERO: may the CAL examine it?"""
        outcome = (self.ranking or {}).get("outcome")
        examinable = self.stage in (RANKED, DEFERRED) or (
            self.listed_after_non_attribution
        )
        if not examinable or outcome == "non_retenu":
            raise RuleViolation("CAL-PREALABLE", self._not_examinable(outcome))
        until = self.list_valid_until
        if outcome == "liste_complementaire" and until and meta.occurred_on > until:
            msg = f"La liste complémentaire a expiré le {until.isoformat()}."
            raise RuleViolation("LC-VALIDITE", msg)
        on, valid_from = meta.occurred_on, self.sne_valid_from
        refuse(numero_breach(self.numero_unique, valid_from))
        if expiry_breach(valid_from, on):
            # The command's reading: an expired numéro is not a valid one
            # (SNE-NUMERO, its API code); the engine finds it as SNE-VALIDITE.
            msg = "Pas d'examen en CAL sans numéro unique valide."
            raise RuleViolation("SNE-NUMERO", msg)


def _not_examinable_message(
    stage: str, outcome: str | None, decision: str | None
) -> str:
    """Why the CAL may not examine a dossier, as it stands (not a blanket "not
    ranked or listed" for a dossier that is)."""
    if outcome == "non_retenu":
        return "La commission préfectorale n'a pas retenu ce dossier."
    if stage == DECIDED:
        return (
            f"Une CAL a déjà décidé sur ce dossier ({decision}) : seule une "
            "non-attribution laisse un ménage de la liste complémentaire "
            "disponible pour d'autres logements."
        )
    if outcome is None:
        return (
            "La CAL ne statue que sur les dossiers classés ou inscrits en liste "
            "complémentaire par la commission préfectorale."
        )
    return f"Le dossier, à l'étape « {stage} », n'attend pas de décision de CAL."


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


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Dossier.Event], str] = {
    Dossier.Identified: "Ménage repéré, dossier LLTS ouvert",
    Dossier.SocialEnquiryRendered: "Avis de l'enquête sociale rendu",
    Dossier.MairieAvisRendered: "Avis de la Mairie rendu",
    Dossier.Completed: "Dossier constitué complet par le CCAS",
    Dossier.DemandRenewed: "Demande enregistrée ou renouvelée (numéro unique)",
    Dossier.ResourcesChecked: "Ressources contrôlées par la DEAL",
    Dossier.AnalysisStarted: "Analyse du dossier commencée par l'ALS",
    Dossier.DocumentsRequested: "Pièces complémentaires demandées",
    Dossier.DocumentsReceived: "Pièces complémentaires reçues",
    Dossier.SolvencyAssessed: "Étude de solvabilité faite",
    Dossier.PreSelected: "Pré-sélection en pré-commission",
    Dossier.Ranked: "Classement par la commission préfectorale",
    Dossier.CALDecided: "Décision de la commission d'attribution",
    Dossier.Deferred: "Dossier ajourné par la commission d'attribution",
    Dossier.ConditionFulfilled: "Condition suspensive levée",
    Dossier.Offered: "Logement proposé",
    Dossier.OfferAccepted: "Proposition acceptée",
    Dossier.OfferRefused: "Proposition refusée",
    Dossier.OfferLapsed: "Proposition caduque (sans réponse dans le délai)",
    Dossier.LeaseSigned: "Bail signé",
    Dossier.Entered: "Entrée dans les lieux",
    Dossier.InformationMeetingAttended: "Réunion d'information collective suivie",
    Dossier.InstallationReviewed: "Bilan d'installation fait",
    Dossier.Withdrawn: "Dossier retiré",
    Dossier.DeclaredInadmissible: "Dossier déclaré irrecevable",
    Dossier.Radiated: "Demande radiée (non renouvelée)",
    Dossier.ListExpired: "Liste complémentaire expirée",
    Dossier.Closed: "Dossier clos",
    Dossier.PersonalDataErased: "Données personnelles effacées",
}

# The legal basis of each step, for audit trails: DOMAIN.md §8 rule ids and their
# sources (CCH articles, national texts), or the seed the procedure comes from.
_PROCEDURE = "Procédure LLTS (seed 000, règle locale)"
_ERASURE_BASIS = "RGPD-CONSERVATION : CNIL 2014-124 ; CNIL 2023-095"
EVENT_BASES: dict[type[Dossier.Event], str] = {
    Dossier.Identified: "DOS-ORIGINE : seed 000 ; loi 2007-290 (DALO)",
    Dossier.SocialEnquiryRendered: "DOS-ORDRE, DOS-AVIS : seed 000",
    Dossier.MairieAvisRendered: "DOS-ORDRE, DOS-AVIS : seed 000",
    Dossier.Completed: "DOS-ORDRE, DOS-COMPLET : seed 000",
    Dossier.DemandRenewed: (
        "SNE-NUMERO : CCH L441-2-1 ; SNE-VALIDITE : CCH R441-2-7, R441-2-8"
    ),
    Dossier.ResourcesChecked: (
        "DEAL-PLAFOND : arrêté du 14/03/2011 et arrêtés annuels (plafonds LLTS/PLAI)"
    ),
    Dossier.AnalysisStarted: "DOS-ORDRE, DOS-COMPLET, ALS-CONTACT : seed 000",
    Dossier.DocumentsRequested: "ALS-CONTACT : seed 000",
    Dossier.DocumentsReceived: "ALS-CONTACT : seed 000",
    Dossier.SolvencyAssessed: "ALS-SOLVA : CCH R441-3-1 ; seuils : seed 000",
    Dossier.PreSelected: "PRECOM-QUORUM : seed 000",
    Dossier.Ranked: "COMPREF-PRESIDENCE, COMPREF-RANG, LC-VALIDITE : seed 000 (RDA)",
    Dossier.CALDecided: (
        "CAL-DECISION : CCH R441-3 (décret 2017-834) ; CAL-TROIS : CCH R441-3, "
        "L441-2-3 II ; SNE-NUMERO : CCH L441-2-1 ; CAL-MOTIF : CCH L441-2-2 ; "
        "CAL-PREALABLE : seed 000"
    ),
    Dossier.Deferred: "CAL-DECISION (ajournement) : CCH R441-3 ; seed 000",
    Dossier.ConditionFulfilled: "CAL-CONDITION : CCH R441-3 c)",
    Dossier.Offered: "OFFRE-DELAI : CCH R441-10, R441-3 b)",
    Dossier.OfferAccepted: "OFFRE-DELAI : CCH R441-10",
    Dossier.OfferRefused: "OFFRE-DELAI : CCH R441-10",
    Dossier.OfferLapsed: "OFFRE-DELAI : CCH R441-10 (le silence vaut refus)",
    Dossier.LeaseSigned: f"CAL-CONDITION : CCH R441-3 c) ; {_PROCEDURE}",
    Dossier.Entered: f"BILAN-DELAI (point de départ) : seed 000 ; {_PROCEDURE}",
    Dossier.InformationMeetingAttended: "ENTREE-INFO : seed 000",
    Dossier.InstallationReviewed: "BILAN-DELAI, BILAN-SUITE : seed 000",
    Dossier.Withdrawn: (
        "DOS-RETRAIT : acte du ménage ; le refus du bailleur relève de CAL-MOTIF "
        "(CCH L441-2-2)"
    ),
    Dossier.DeclaredInadmissible: (
        "DOS-IRRECEVABILITE : CCH R441-3 ; DEAL-PLAFOND ; seed 000"
    ),
    Dossier.Radiated: "SNE-VALIDITE : CCH R441-2-7, R441-2-8",
    Dossier.ListExpired: "LC-VALIDITE : seed 000 (durée : paramètre du département)",
    Dossier.Closed: _PROCEDURE,
    Dossier.PersonalDataErased: _ERASURE_BASIS,
}
