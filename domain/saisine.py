"""A CCAPEX referral (saisine): a household at risk of expulsion signalled to the
CCAPEX of its department, registered, enquired into by an operator (UDAF under
the MOUS, or the Département), oriented, examined in session, given an avis
with recommendations, followed up and closed (DOMAIN.md §5, §10).

The aggregate holds its events, which only assign state, so an old history
always replays; the signal that creates it, who may give it (the source's roles,
domain/saisine_steps.py); and `findings`, the CCAPEX-SAISINE breaches its
history shows (domain/saisine_rules.py). The steps after the signal are mixed
in from domain/saisine_course.py: command methods check the role, the order and
the rule, then trigger one past-tense event.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.personal import DataErased, Erasable
from domain.places import check_place
from domain.saisine_course import SaisineCourse
from domain.saisine_rules import (
    HEARING_WEEKS,
    check_court_dates,
    earliest_summons,
    truce_breach,
)
from domain.saisine_steps import (
    AVIS_ISSUED,
    CLOSED,
    COURT_SOURCES,
    ENQUIRY_REQUESTED,
    ENQUIRY_RETURNED,
    EXAMINED,
    FOLLOWED_UP,
    ORIENTED,
    REGISTERED,
    SIGNALLED,
    SOURCE_LABELS,
    SOURCE_ROLES,
    SOURCES,
)

# The registry (domain/records.py) reads each kind's steps from its module.
from domain.saisine_steps import STEP_ROLES as STEP_ROLES
from domain.shared import (
    InvalidValueError,
    Meta,
    Recording,
    RoleNotAllowedError,
    StagedEvent,
    check_landlord,
    check_role,
    check_stated,
    fr_day,
    role_label,
    role_labels,
)

if TYPE_CHECKING:
    from collections.abc import Mapping


class Saisine(SaisineCourse, Erasable, Recording, Aggregate):
    TOPIC = "logis.saisine.Saisine"

    class Event(StagedEvent):
        """A step of the referral (its topic and theirs: `NamedTopics`)."""

    class Signalled(Event, Aggregate.Created):
        PERSONAL: ClassVar[Mapping[str, str]] = {"arrears": "Debt"}
        STAGE = SIGNALLED
        source: str
        household_id: UUID
        department: str
        commune: str
        landlord: str
        landlord_is_legal_entity: bool
        arrears: Decimal  # euros owed on the day of the signal
        summons_on: date | None  # the assignation, when the court stage is reached
        hearing_on: date | None

        def apply(self, saisine: Saisine) -> None:
            self.copy_facts(saisine)
            saisine.referred_on = self.occurred_on
            saisine.signalled_by = self.actor
            saisine.registered_on = None
            saisine.enquiry = None
            saisine.orientations = []
            saisine.examinations = []
            saisine.avis = []
            saisine.follow_ups = []
            saisine.outcome = None
            saisine.closed_on = None
            saisine.truce_exception = None

    class Registered(Event):
        STAGE = REGISTERED

        def apply(self, saisine: Saisine) -> None:
            saisine.registered_on = self.occurred_on

    class EnquiryRequested(Event):
        STAGE = ENQUIRY_REQUESTED
        operator: str  # the organisation, e.g. "UDAF 24 (MOUS)"
        operator_role: str  # association or departement

        def apply(self, saisine: Saisine) -> None:
            saisine.enquiry = {
                "operator": self.operator,
                "operator_role": self.operator_role,
                "requested_on": self.occurred_on,
                "returned_on": None,
                "summary": None,
            }

    class EnquiryReturned(Event):
        STAGE = ENQUIRY_RETURNED
        # A social enquiry (§9 Soc), as on the record: the Préfecture reads its
        # avis, not its text (it was declared Debt, which the Préfecture reads).
        PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Soc"}
        summary: str

        def apply(self, saisine: Saisine) -> None:
            saisine.enquiry = {
                **saisine.enquiry,
                "returned_on": self.occurred_on,
                "summary": self.summary,
            }

    class Oriented(Event):
        STAGE = ORIENTED
        PERSONAL: ClassVar[Mapping[str, str]] = {"note": "Debt"}
        towards: str
        note: str

        def apply(self, saisine: Saisine) -> None:
            saisine.orientations = [
                *saisine.orientations,
                {"towards": self.towards, "note": self.note, "on": self.occurred_on},
            ]

    class Examined(Event):
        STAGE = EXAMINED
        session_on: date

        def apply(self, saisine: Saisine) -> None:
            saisine.examinations = [*saisine.examinations, self.session_on]

    class AvisIssued(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {"recommendations": "Debt"}
        STAGE = AVIS_ISSUED
        recommendations: list[str]

        def apply(self, saisine: Saisine) -> None:
            saisine.avis = [
                *saisine.avis,
                {"on": self.occurred_on, "recommendations": self.recommendations},
            ]

    class FollowUpRecorded(Event):
        STAGE = FOLLOWED_UP
        PERSONAL: ClassVar[Mapping[str, str]] = {"note": "Debt"}
        note: str

        def apply(self, saisine: Saisine) -> None:
            saisine.follow_ups = [
                *saisine.follow_ups,
                {"on": self.occurred_on, "note": self.note},
            ]

    class CourtDatesRecorded(Event):
        """The assignation or the hearing, learnt after the signal: the dates
        CCAPEX-SAISINE is judged on. The stage is unchanged."""

        summons_on: date | None  # None: unchanged
        hearing_on: date | None

        def apply(self, saisine: Saisine) -> None:
            saisine.summons_on = self.summons_on or saisine.summons_on
            saisine.hearing_on = self.hearing_on or saisine.hearing_on

    class Closed(Event):
        STAGE = CLOSED
        class_version = 2  # v2: the L412-6 exception invoked for an expulsion
        outcome: str
        truce_exception: str | None  # a key of TRUCE_EXCEPTIONS

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 refused any expulsion in the truce: no exception was invoked."""
            state["truce_exception"] = None

        def apply(self, saisine: Saisine) -> None:
            saisine.outcome = self.outcome
            saisine.closed_on = self.occurred_on
            saisine.truce_exception = self.truce_exception

    class PersonalDataErased(Event, DataErased):
        """RGPD-CONSERVATION (domain/personal.py)."""

    # ---- commands: the signal and the erasure; the others are mixed in -----------

    @classmethod
    def signal(
        cls,
        *,
        saisine_id: UUID,
        source: str,
        household_id: UUID,
        department: str,
        commune: str,
        landlord: str,
        landlord_is_legal_entity: bool,
        arrears: Decimal,
        meta: Meta,
        summons_on: date | None = None,
        hearing_on: date | None = None,
    ) -> Saisine:
        label = "signalement à la CCAPEX"
        check_role(meta.actor, STEP_ROLES["signal"], label)
        if source not in SOURCES:
            msg = f"Origine de saisine inconnue : {', '.join(SOURCES)}."
            raise InvalidValueError(msg)
        if meta.actor.role not in SOURCE_ROLES[source]:
            roles = role_labels(SOURCE_ROLES[source])
            msg = (
                f"Le rôle « {role_label(meta.actor.role)} » ne signale pas une "
                f"saisine d'origine « {SOURCE_LABELS[source]} » (rôles autorisés : "
                f"{roles})."
            )
            raise RoleNotAllowedError(msg)
        check_stated(landlord, "La saisine nomme le bailleur.")
        check_landlord(meta.actor, landlord, label)
        if arrears < 0:
            msg = f"La dette locative ne peut être négative ({arrears})."
            raise InvalidValueError(msg)
        check_place(department, commune)
        if source == "assignation" and summons_on is None:
            msg = "Une saisine sur assignation porte la date de l'assignation."
            raise InvalidValueError(msg)
        check_court_dates(summons_on, hearing_on, meta.occurred_on)
        return cls._create(
            cls.Signalled,
            id=saisine_id,
            source=source,
            household_id=household_id,
            department=department,
            commune=commune,
            landlord=landlord,
            landlord_is_legal_entity=landlord_is_legal_entity,
            arrears=arrears,
            summons_on=summons_on,
            hearing_on=hearing_on,
            **meta.fields(),
        )

    # ---- derived state ---------------------------------------------------------

    @property
    def findings(self) -> list[str]:
        """CCAPEX-SAISINE as the history shows it (a "hist" rule): in French."""
        found = []
        if self.landlord_is_legal_entity and self.summons_on is not None:
            if self.source in COURT_SOURCES:
                found.append(
                    "Bailleur personne morale : assignation sans saisine préalable "
                    "de la CCAPEX."
                )
            elif self.summons_on < earliest_summons(self.referred_on):
                found.append(
                    f"Bailleur personne morale : assignation du "
                    f"{fr_day(self.summons_on)}, moins de deux mois après la "
                    f"saisine de la CCAPEX du {fr_day(self.referred_on)}."
                )
        if (
            self.summons_on is not None
            and self.hearing_on is not None
            and self.hearing_on < self.summons_on + timedelta(weeks=HEARING_WEEKS)
        ):
            found.append(
                f"Audience du {fr_day(self.hearing_on)}, moins de six semaines "
                f"après l'assignation du {fr_day(self.summons_on)}."
            )
        if self.closed_on is not None:
            breach = truce_breach(self.outcome, self.closed_on, self.truce_exception)
            if breach:
                found.append(breach)
        return found


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Saisine.Event], str] = {
    Saisine.Signalled: "Ménage signalé à la CCAPEX",
    Saisine.Registered: "Saisine enregistrée par la CCAPEX",
    Saisine.EnquiryRequested: "Enquête sociale demandée",
    Saisine.EnquiryReturned: "Enquête sociale rendue",
    Saisine.Oriented: "Ménage orienté",
    Saisine.Examined: "Saisine examinée en commission",
    Saisine.AvisIssued: "Avis et recommandations de la CCAPEX",
    Saisine.FollowUpRecorded: "Suivi de l'avis",
    Saisine.CourtDatesRecorded: "Dates de la procédure judiciaire enregistrées",
    Saisine.Closed: "Saisine close",
    Saisine.PersonalDataErased: "Données personnelles effacées",
}

# The legal basis of each step, for audit trails (DOMAIN.md §5, §8).
_CCAPEX = "CCAPEX : loi du 25 mars 2009 ; seed 004"
_SAISINE = "CCAPEX-SAISINE : loi 89-462 art. 24 ; loi 2023-668 ; CPCE L412-6"
EVENT_BASES: dict[type[Saisine.Event], str] = {
    Saisine.Signalled: _SAISINE,
    Saisine.Registered: _CCAPEX,
    Saisine.EnquiryRequested: "Enquête sociale (MOUS) : seed 004",
    Saisine.EnquiryReturned: "Enquête sociale (MOUS) : seed 004",
    Saisine.Oriented: _CCAPEX,
    Saisine.Examined: _CCAPEX,
    Saisine.AvisIssued: f"{_CCAPEX} (avis et recommandations)",
    Saisine.FollowUpRecorded: _CCAPEX,
    Saisine.CourtDatesRecorded: _SAISINE,
    Saisine.Closed: _CCAPEX,
    Saisine.PersonalDataErased: "RGPD-CONSERVATION : CNIL 2023-095",
}
