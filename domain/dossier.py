"""The LLTS candidate dossier, from repérage to closure (DOMAIN.md §3, §10): the
aggregate, its events, and their labels and legal bases for people.

Its commands, grouped by stage, are mixed in: the instruction
(domain/dossier_instruction.py), the commissions up to the offer
(domain/dossier_attribution.py), the lease and after
(domain/dossier_installation.py), the endings (domain/dossier_endings.py), and
the checks they share (domain/dossier_guards.py). They check the procedure's
order and the §8 rules that concern a dossier alone, then trigger one past-tense
event. Events only assign state, so an old history always replays even after a
rule changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.dossier_attribution import DossierAttribution
from domain.dossier_endings import DossierEndings
from domain.dossier_installation import DossierInstallation
from domain.dossier_instruction import DossierInstruction

# Still read from here: by domain/commission*.py and commands/dossier.py, and
# by domain/records.py (each aggregate module's STEP_ROLES).
from domain.dossier_rules import ATTRIBUTIONS as ATTRIBUTIONS
from domain.dossier_rules import CAL_DECISIONS as CAL_DECISIONS
from domain.dossier_steps import (
    ACCEPTED,
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
    LAPSED,
    LEASE,
    LIST_EXPIRED,
    MAIRIE,
    OFFERED,
    PRESELECTED,
    RADIATED,
    RANKED,
    REFUSED,
    RESOURCES,
    REVIEWED,
    SOLVENCY,
    WITHDRAWN,
)
from domain.dossier_steps import PRESELECTION_OUTCOMES as PRESELECTION_OUTCOMES
from domain.dossier_steps import RULED_ROLES as RULED_ROLES
from domain.dossier_steps import STAGES as STAGES
from domain.dossier_steps import STEP_ROLES as STEP_ROLES
from domain.personal import ERASED
from domain.shared import RecordedEvent, Recording

if TYPE_CHECKING:
    from collections.abc import Mapping


class Dossier(
    DossierInstruction,
    DossierAttribution,
    DossierInstallation,
    DossierEndings,
    Recording,
    Aggregate,
):
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
