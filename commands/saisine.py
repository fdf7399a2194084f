"""Commands on a CCAPEX referral (saisine): the signal, then one frozen pydantic
model per step (DOMAIN.md §5, §10), each published by the API under its slug
(`STEPS`, commands/base.py `by_slug`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import uuid4

from pydantic import Field, model_validator

from commands.base import (
    Creation,
    KnownHousehold,
    Money,
    RecordStep,
    ShortText,
    Text,
    by_slug,
    steps_of,
)
from domain import saisine_steps as s
from domain.places import CommuneCode, DepartmentCode
from domain.saisine import Saisine
from domain.saisine_rules import TRUCE_EXCEPTIONS
from domain.shared import Meta


class SignalSaisine(Creation):
    """A household at risk of expulsion is signalled to the department's CCAPEX."""

    source: Literal[
        "commandement_de_payer",
        "saisine_bailleur",
        "impayes_caf",
        "assignation",
        "commandement_de_quitter",
    ]
    household_id: KnownHousehold = None
    department: DepartmentCode
    commune: CommuneCode
    landlord: ShortText
    landlord_is_legal_entity: bool = Field(
        description="Bailleur personne morale (CCAPEX-SAISINE : saisine deux mois "
        "avant l'assignation)"
    )
    arrears: Money = Field(description="Dette locative, en euros")
    summons_on: date | None = Field(default=None, description="Date de l'assignation")
    hearing_on: date | None = Field(default=None, description="Date de l'audience")

    def create(self, meta: Meta, lookup: Any = None) -> Saisine:
        return Saisine.signal(
            saisine_id=uuid4(),
            **self.arguments(exclude=frozenset({"household_id"})),
            household_id=self.household_id or uuid4(),
            meta=meta,
        )


class SaisineStep(RecordStep):
    """A step on an existing referral: it reads and changes nothing else."""

    record_kind = "saisine"


class RegisterSaisine(SaisineStep):
    """The CCAPEX registers the signal as a referral."""

    slug, action = "registration", "register"
    title = "Enregistrement de la saisine"


class RequestEnquiry(SaisineStep):
    """The CCAPEX asks an operator (UDAF under the MOUS, or the Département) for
    a social enquiry."""

    slug, action = "enquiry-request", "request_enquiry"
    title = "Demande d'enquête sociale"
    operator: ShortText = Field(description="Organisation chargée de l'enquête")
    operator_role: Literal["association", "departement"]


class ReturnEnquiry(SaisineStep):
    """The operator the enquiry was asked of returns it."""

    slug, action = "enquiry-return", "return_enquiry"
    title = "Retour de l'enquête sociale"
    summary: Text


class OrientSaisine(SaisineStep):
    """The CCAPEX orients the household (FSL, social services, over-indebtedness,
    landlord)."""

    slug, action = "orientation", "orient"
    title = "Orientation du ménage"
    towards: Literal["fsl", "services_sociaux", "surendettement", "bailleur"]
    note: Text


class ExamineSaisine(SaisineStep):
    """The CCAPEX examines the referral in session; the step is dated of the
    session's day (`occurred_on` defaults to `session_on`)."""

    slug, action = "examination", "examine"
    title = "Examen en commission"
    session_on: date

    @model_validator(mode="before")
    @classmethod
    def _dated_of_the_session(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("occurred_on") is None:
            return {**data, "occurred_on": data.get("session_on")}
        return data


class IssueAvis(SaisineStep):
    """The CCAPEX gives its avis and recommendations after the examination."""

    slug, action = "avis", "issue_avis"
    title = "Avis de la CCAPEX"
    recommendations: Annotated[list[Text], Field(min_length=1, max_length=50)]


class RecordFollowUp(SaisineStep):
    """The CCAPEX records how its avis is followed."""

    slug, action = "follow-up", "record_follow_up"
    title = "Suivi de l'avis"
    note: Text


class RecordCourtDates(SaisineStep):
    """The assignation or the hearing learnt after the signal (CCAPEX-SAISINE is
    judged on them)."""

    slug, action = "court-dates", "record_court_dates"
    title = "Dates de la procédure judiciaire"
    summons_on: date | None = Field(default=None, description="Date de l'assignation")
    hearing_on: date | None = Field(default=None, description="Date de l'audience")


class CloseSaisine(SaisineStep):
    """The CCAPEX closes the referral. An expulsion in the winter truce is
    recorded as it happened and reported (CCAPEX-SAISINE) unless the exception
    invoked lifts the truce."""

    slug, action = "closure", "close"
    title = "Clôture de la saisine"
    outcome: Literal["dette_soldee", "relogement", "expulsion", "abandon"]
    truce_exception: Literal[tuple(TRUCE_EXCEPTIONS)] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Expulsion pendant la trêve hivernale : l'exception légale "
        "invoquée (CPCE L412-6 à L412-8)",
    )


STEPS = by_slug(*steps_of(SaisineStep))  # every step declared above
STAGES = s.STAGES
