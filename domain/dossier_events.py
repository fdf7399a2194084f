"""The events of an LLTS dossier (domain/dossier.py `Dossier` nests them:
`Dossier.Identified`): what each step records, and how it changes the dossier's
state. Each stored event carries the topic `logis.dossier.<the name Dossier
gives it>` (domain/shared.py `NamedTopics`), so that where a class is written
does not matter to old histories.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import dossier_steps as steps
from domain.shared import StagedEvent

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.dossier import Dossier


class Event(StagedEvent):
    """A step of the dossier (its topic and theirs: `NamedTopics`)."""


class Identified(Event, Aggregate.Created):
    STAGE = steps.IDENTIFIED
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
        self.copy_facts(dossier, but={"sne_registered_on"})
        dossier.sne_valid_from = self.sne_registered_on
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
    STAGE = steps.ENQUETE
    PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Soc"}
    avis: str
    summary: str

    def apply(self, dossier: Dossier) -> None:
        dossier.avis["enquete_sociale"] = self.avis


class MairieAvisRendered(Event):
    STAGE = steps.MAIRIE
    PERSONAL: ClassVar[Mapping[str, str]] = {"comment": "Soc"}
    avis: str
    comment: str

    def apply(self, dossier: Dossier) -> None:
        dossier.avis["mairie"] = self.avis


class Completed(Event):
    STAGE = steps.COMPLETED
    documents: list[str]

    def apply(self, dossier: Dossier) -> None:
        dossier.documents = sorted(set(dossier.documents) | set(self.documents))


class DemandRenewed(Event):
    numero_unique: str

    def apply(self, dossier: Dossier) -> None:
        dossier.numero_unique = self.numero_unique
        dossier.sne_valid_from = self.occurred_on


class ResourcesChecked(Event):
    PERSONAL: ClassVar[Mapping[str, str]] = {"annual_resources": "Res"}
    annual_resources: Decimal
    household_category: int
    ceiling_year: int
    ceiling: Decimal
    eligible: bool
    settings_version: int

    def apply(self, dossier: Dossier) -> None:
        dossier.resources = self.values(
            "annual_resources",
            "household_category",
            "ceiling_year",
            "ceiling",
            "eligible",
        )
        if not self.eligible:
            dossier.end_reason = "ressources_au_dessus_du_plafond"

    def resulting_stage(self, current: str) -> str:
        return steps.RESOURCES if self.eligible else steps.INADMISSIBLE


class AnalysisStarted(Event):
    STAGE = steps.ANALYSIS


class DocumentsRequested(Event):
    documents: list[str]
    through_role: str
    through_organisation: str

    def awaited(self, outstanding: list[str]) -> list[str]:
        """The documents still awaited after this request (the dossier list's
        view computes them with it too)."""
        return sorted(set(outstanding) | set(self.documents))

    def apply(self, dossier: Dossier) -> None:
        dossier.outstanding_documents = self.awaited(dossier.outstanding_documents)


class DocumentsReceived(Event):
    documents: list[str]

    def awaited(self, outstanding: list[str]) -> list[str]:
        """The documents still awaited once these are received."""
        return sorted(set(outstanding) - set(self.documents))

    def apply(self, dossier: Dossier) -> None:
        dossier.outstanding_documents = self.awaited(dossier.outstanding_documents)
        dossier.documents = sorted(set(dossier.documents) | set(self.documents))


class SolvencyAssessed(Event):
    PERSONAL: ClassVar[Mapping[str, str]] = {
        **dict.fromkeys(
            ("monthly_resources", "housing_benefit", "taux_effort",
             "reste_a_vivre", "reste_a_vivre_per_person", "motive"),
            "Res",
        ),
    }  # fmt: skip
    STAGE = steps.SOLVENCY
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
        dossier.solvency = self.values(
            "taux_effort",
            "reste_a_vivre",
            "reste_a_vivre_per_person",
            "thresholds_met",
            "opinion",
        )


class PreSelected(Event):
    STAGE = steps.PRESELECTED
    commission_id: UUID  # the pré-commission
    outcome: str

    def apply(self, dossier: Dossier) -> None:
        dossier.preselection = self.outcome
        dossier.preselected_by = self.commission_id


class Ranked(Event):
    PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
    STAGE = steps.RANKED
    commission_id: UUID  # the commission préfectorale
    outcome: str
    rank: int | None
    list_valid_until: date | None
    motive: str | None

    def apply(self, dossier: Dossier) -> None:
        dossier.ranking = self.values("commission_id", "outcome", "rank")
        dossier.list_valid_until = self.list_valid_until


class CALDecided(Event):
    PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
    STAGE = steps.DECIDED
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
            **self.values("commission_id", "landlord", "decision"),
            "decided_on": self.occurred_on,
            **self.values(
                "dwelling_ref", "rank", "missing_document", "condition_deadline"
            ),
            "motive": self.motive,
        }
        dossier.deferral = None


class Deferred(Event):
    PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
    STAGE = steps.DEFERRED
    commission_id: UUID  # the CAL
    motive: str
    return_session_on: date

    def apply(self, dossier: Dossier) -> None:
        dossier.deferral = self.values("commission_id", "motive", "return_session_on")


class ConditionFulfilled(Event):
    STAGE = steps.CONDITION_MET
    document: str

    def apply(self, dossier: Dossier) -> None:
        dossier.documents = sorted({*dossier.documents, self.document})


class Offered(Event):
    STAGE = steps.OFFERED
    dwelling_ref: str
    answer_deadline: date

    def apply(self, dossier: Dossier) -> None:
        dossier.proposal = {
            **self.values("dwelling_ref", "answer_deadline"),
            "offered_on": self.occurred_on,
            "answer": None,
        }


class OfferAnswered(Event):
    """The household's answer to the offer, or its silence (not nested in
    `Dossier`: no event of its own)."""

    ANSWER: ClassVar[str]

    def apply(self, dossier: Dossier) -> None:
        dossier.proposal = {**dossier.proposal, "answer": self.ANSWER}


class OfferAccepted(OfferAnswered):
    STAGE = steps.ACCEPTED
    ANSWER = "acceptee"


class OfferRefused(OfferAnswered):
    PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "Dec"}
    STAGE = steps.REFUSED
    ANSWER = "refusee"
    motive: str | None


class OfferLapsed(OfferAnswered):
    STAGE = steps.LAPSED
    ANSWER = "caduque"


class LeaseSigned(Event):
    STAGE = steps.LEASE
    dwelling_ref: str
    lease_start: date
    rent: Decimal
    charges: Decimal

    def apply(self, dossier: Dossier) -> None:
        dossier.lease = self.values("dwelling_ref", "lease_start", "rent", "charges")


class Entered(Event):
    STAGE = steps.ENTERED

    def apply(self, dossier: Dossier) -> None:
        dossier.entered_on = self.occurred_on


class InformationMeetingAttended(Event):
    CHRONOLOGICAL = False
    topics: list[str]

    def apply(self, dossier: Dossier) -> None:
        dossier.information_meetings = [
            *dossier.information_meetings,
            {"on": self.occurred_on, "topics": self.topics},
        ]


class InstallationReviewed(Event):
    STAGE = steps.REVIEWED
    PERSONAL: ClassVar[Mapping[str, str]] = {"findings": "Soc"}
    outcome: str
    findings: str
    support_months: int | None

    def apply(self, dossier: Dossier) -> None:
        dossier.installation_review = self.values("outcome", "support_months")
