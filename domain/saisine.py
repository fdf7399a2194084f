"""A CCAPEX referral (saisine): a household at risk of expulsion signalled to the
CCAPEX of its department, registered, enquired into by an operator (UDAF under
the MOUS, or the Département), oriented, examined in session, given an avis
with recommendations, followed up and closed (DOMAIN.md §5, §10).

Who signals depends on the source (`SOURCE_ROLES`): the landlord refers its
tenant (`saisine_bailleur`) or signals its commandement de payer; the CAF
signals arrears of a household receiving housing benefit (`impayes_caf`); the
Préfecture, to which the assignation and the commandement de quitter are
notified by law, signals the court stages; a social service (Département, CCAS,
ALS, prescriber) relays a commandement, an assignation or a commandement de
quitter the household brings it. Every later step is the CCAPEX's, except the
enquiry, returned by the operator it was asked of, and the court dates, also
recorded by the Préfecture or the landlord itself.

CCAPEX-SAISINE is a "hist" rule: the referral's day (the Signalled event's
`occurred_on`; a pre-court signal, the CAF's included, is the CCAPEX's saisine
under loi 89-462 art. 24), whether the landlord is a legal entity, the
assignation's and the hearing's days (given with the signal or recorded later,
`CourtDatesRecorded`) and the closure's day are stored; `Saisine.findings`
reads the breaches back: an assignation by a legal-entity landlord less than two
months after the referral (or with no referral before the court stage), a hearing
less than six weeks after the assignation. These are facts of the landlord and
the court, which Logis records and never refuses. So is an expulsion during the
winter truce (1 November – 31 March, CPCE L412-6): Logis records what happened,
with the legal exception the CCAPEX invokes for it if any (`TRUCE_EXCEPTIONS`),
and an expulsion in the truce without an exception that lifts it is a breach
(`truce_breach`), read back by `findings` and the legality engine alike.

Command methods check the role, the order and the rule, then trigger one
past-tense event. Events only assign state, so an old history always replays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.personal import check_eraser
from domain.places import check_place
from domain.shared import (
    InvalidValueError,
    Meta,
    RecordedEvent,
    Recording,
    RoleNotAllowedError,
    TransitionError,
    add_months,
    check_landlord,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SOURCES = (
    "commandement_de_payer",
    "saisine_bailleur",
    "impayes_caf",
    "assignation",
    "commandement_de_quitter",
)
COURT_SOURCES = frozenset({"assignation", "commandement_de_quitter"})
ENQUIRY_OPERATORS = ("association", "departement")  # UDAF under the MOUS, or the CD
ORIENTATIONS = ("fsl", "services_sociaux", "surendettement", "bailleur")
OUTCOMES = ("dette_soldee", "relogement", "expulsion", "abandon")
REFERRAL_MONTHS = 2  # loi 89-462 art. 24 II: legal-entity landlords
HEARING_WEEKS = 6  # loi 89-462 art. 24 III (loi 2023-668)


@dataclass(frozen=True)
class TruceException:
    """A legal ground for an expulsion during the winter truce."""

    label: str
    source: str
    lifts_truce: bool  # False: an assumption, still reported for review


# CPCE L412-6 to L412-8, as in force since loi 2023-668 (checked against the
# article's text; DOMAIN.md §8 and the seeds give no list).
TRUCE_EXCEPTIONS: dict[str, TruceException] = {
    "relogement_assure": TruceException(
        "relogement assuré dans des conditions suffisantes respectant l'unité et "
        "les besoins de la famille",
        "CPCE L412-6 al. 1",
        lifts_truce=True,
    ),
    "introduction_domicile_voie_de_fait": TruceException(
        "expulsion prononcée pour introduction sans droit ni titre dans le "
        "domicile d'autrui (manœuvres, menaces, voies de fait ou contrainte)",
        "CPCE L412-6 al. 2",
        lifts_truce=True,
    ),
    "sursis_supprime_par_le_juge": TruceException(
        "sursis supprimé ou réduit par le juge (entrée par voie de fait dans un "
        "autre lieu que le domicile)",
        "CPCE L412-6 al. 3",
        lifts_truce=True,
    ),
    "logement_etudiant": TruceException(
        "logement étudiant dont l'occupant ne remplit plus les conditions",
        "CPCE L412-7",
        lifts_truce=True,
    ),
    "conjoint_violent": TruceException(
        "expulsion du conjoint, partenaire ou concubin violent ordonnée par le juge "
        "aux affaires familiales (C. civ. 515-9)",
        "CPCE L412-8",
        lifts_truce=True,
    ),
    # Assumption: the arrêté de péril was an exception of the former CCH L613-3
    # and is still cited in practice, but the text of L412-6 in force does not
    # list it. Recorded, and still reported so that a jurist reviews it.
    "arrete_de_peril": TruceException(
        "immeuble sous arrêté de péril (mise en sécurité)",
        "ancien CCH L613-3 (hypothèse : absent du texte en vigueur de L412-6)",
        lifts_truce=False,
    ),
}

# Stages, in procedural order.
SIGNALLED = "signalee"
REGISTERED = "enregistree"
ENQUIRY_REQUESTED = "enquete_demandee"
ENQUIRY_RETURNED = "enquete_rendue"
ORIENTED = "orientee"
EXAMINED = "examinee"
AVIS_ISSUED = "avis_emis"
FOLLOWED_UP = "en_suivi"
CLOSED = "close"
STAGES = (
    SIGNALLED, REGISTERED, ENQUIRY_REQUESTED, ENQUIRY_RETURNED, ORIENTED, EXAMINED,
    AVIS_ISSUED, FOLLOWED_UP, CLOSED,
)  # fmt: skip

SOCIAL_SERVICES = frozenset({"departement", "ccas", "als", "prescripteur"})
COURT_SIGNALLERS = SOCIAL_SERVICES | {"prefecture"}
SOURCE_ROLES: dict[str, frozenset[str]] = {
    "commandement_de_payer": COURT_SIGNALLERS | {"bailleur"},
    "saisine_bailleur": frozenset({"bailleur"}),
    "impayes_caf": frozenset({"caf"}),
    "assignation": COURT_SIGNALLERS,
    "commandement_de_quitter": COURT_SIGNALLERS,
}
CCAPEX = frozenset({"ccapex"})
STEP_ROLES: dict[str, frozenset[str]] = {
    "signal": frozenset().union(*SOURCE_ROLES.values()),
    "register": CCAPEX,
    "request_enquiry": CCAPEX,
    "return_enquiry": frozenset(ENQUIRY_OPERATORS),
    "orient": CCAPEX,
    "examine": CCAPEX,
    "issue_avis": CCAPEX,
    "record_follow_up": CCAPEX,
    "record_court_dates": CCAPEX | {"prefecture", "bailleur"},
    "close": CCAPEX,
}


class Saisine(Recording, Aggregate):
    TOPIC = "logis.saisine.Saisine"

    class Event(RecordedEvent):
        TOPIC = "logis.saisine.Event"
        STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged

        def mutate(self, aggregate: Any) -> Any:
            saisine = super().mutate(aggregate)
            saisine.stage = self.STAGE or saisine.stage
            saisine.last_occurred_on = self.occurred_on
            return saisine

    class Signalled(Event, Aggregate.Created):
        TOPIC = "logis.saisine.Signalled"
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
            saisine.source = self.source
            saisine.household_id = self.household_id
            saisine.department = self.department
            saisine.commune = self.commune
            saisine.landlord = self.landlord
            saisine.landlord_is_legal_entity = self.landlord_is_legal_entity
            saisine.arrears = self.arrears
            saisine.referred_on = self.occurred_on
            saisine.signalled_by = self.actor
            saisine.registered_on = None
            saisine.summons_on = self.summons_on
            saisine.hearing_on = self.hearing_on
            saisine.enquiry = None
            saisine.orientations = []
            saisine.examinations = []
            saisine.avis = []
            saisine.follow_ups = []
            saisine.outcome = None
            saisine.closed_on = None
            saisine.truce_exception = None

    class Registered(Event):
        TOPIC = "logis.saisine.Registered"
        STAGE = REGISTERED

        def apply(self, saisine: Saisine) -> None:
            saisine.registered_on = self.occurred_on

    class EnquiryRequested(Event):
        TOPIC = "logis.saisine.EnquiryRequested"
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
        TOPIC = "logis.saisine.EnquiryReturned"
        STAGE = ENQUIRY_RETURNED
        PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Debt"}
        summary: str

        def apply(self, saisine: Saisine) -> None:
            saisine.enquiry = {
                **saisine.enquiry,
                "returned_on": self.occurred_on,
                "summary": self.summary,
            }

    class Oriented(Event):
        TOPIC = "logis.saisine.Oriented"
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
        TOPIC = "logis.saisine.Examined"
        STAGE = EXAMINED
        session_on: date

        def apply(self, saisine: Saisine) -> None:
            saisine.examinations = [*saisine.examinations, self.session_on]

    class AvisIssued(Event):
        TOPIC = "logis.saisine.AvisIssued"
        PERSONAL: ClassVar[Mapping[str, str]] = {"recommendations": "Debt"}
        STAGE = AVIS_ISSUED
        recommendations: list[str]

        def apply(self, saisine: Saisine) -> None:
            saisine.avis = [
                *saisine.avis,
                {"on": self.occurred_on, "recommendations": self.recommendations},
            ]

    class FollowUpRecorded(Event):
        TOPIC = "logis.saisine.FollowUpRecorded"
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

        TOPIC = "logis.saisine.CourtDatesRecorded"
        summons_on: date | None  # None: unchanged
        hearing_on: date | None

        def apply(self, saisine: Saisine) -> None:
            saisine.summons_on = self.summons_on or saisine.summons_on
            saisine.hearing_on = self.hearing_on or saisine.hearing_on

    class Closed(Event):
        TOPIC = "logis.saisine.Closed"
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

    class PersonalDataErased(Event):
        """RGPD-CONSERVATION: the household's key is destroyed; the personal
        fields of this referral read as erased (domain/personal.py)."""

        TOPIC = "logis.saisine.PersonalDataErased"
        categories: list[str]  # DOMAIN.md §9 categories erased

        def mutate(self, aggregate: Any) -> Any:
            last = aggregate.last_occurred_on
            saisine = super().mutate(aggregate)
            saisine.last_occurred_on = last
            return saisine

    # ---- commands -------------------------------------------------------------

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
            roles = ", ".join(sorted(SOURCE_ROLES[source]))
            msg = (
                f"Le rôle « {meta.actor.role} » ne signale pas une saisine d'origine "
                f"« {source} » (rôles autorisés : {roles})."
            )
            raise RoleNotAllowedError(msg)
        if not landlord.strip():
            msg = "La saisine nomme le bailleur."
            raise InvalidValueError(msg)
        check_landlord(meta.actor, landlord, label)
        if arrears < 0:
            msg = f"La dette locative ne peut être négative ({arrears})."
            raise InvalidValueError(msg)
        check_place(department, commune)
        if source == "assignation" and summons_on is None:
            msg = "Une saisine sur assignation porte la date de l'assignation."
            raise InvalidValueError(msg)
        _check_court_dates(summons_on, hearing_on, meta.occurred_on)
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

    def register(self, meta: Meta) -> None:
        self._begin("register", "enregistrement de la saisine", meta)
        self._check_stage({SIGNALLED}, "enregistrer la saisine")
        self._record(self.Registered, meta)

    def request_enquiry(self, operator: str, operator_role: str, meta: Meta) -> None:
        self._begin("request_enquiry", "demande d'enquête sociale", meta)
        self._check_stage({REGISTERED}, "demander l'enquête sociale")
        if operator_role not in ENQUIRY_OPERATORS or not operator.strip():
            msg = (
                "L'enquête est confiée à un opérateur nommé : une association "
                "(UDAF sous MOUS) ou le Département."
            )
            raise InvalidValueError(msg)
        self._record(
            self.EnquiryRequested, meta, operator=operator, operator_role=operator_role
        )

    def return_enquiry(self, summary: str, meta: Meta) -> None:
        self._begin("return_enquiry", "retour de l'enquête sociale", meta)
        self._check_stage({ENQUIRY_REQUESTED}, "rendre l'enquête sociale")
        enquiry = self.enquiry
        if (meta.actor.role, meta.actor.organisation) != (
            enquiry["operator_role"],
            enquiry["operator"],
        ):
            msg = f"L'enquête a été confiée à {enquiry['operator']} : lui seul la rend."
            raise RoleNotAllowedError(msg, "not_the_operator")
        if not summary.strip():
            msg = "L'enquête rendue en donne la synthèse."
            raise InvalidValueError(msg)
        self._record(self.EnquiryReturned, meta, summary=summary)

    def orient(self, towards: str, note: str, meta: Meta) -> None:
        self._begin("orient", "orientation du ménage", meta)
        self._check_stage(
            {REGISTERED, ENQUIRY_RETURNED, ORIENTED}, "orienter le ménage"
        )
        if towards not in ORIENTATIONS or not note.strip():
            msg = f"Orientation vers l'un de : {', '.join(ORIENTATIONS)}, motivée."
            raise InvalidValueError(msg)
        self._record(self.Oriented, meta, towards=towards, note=note)

    def examine(self, session_on: date, meta: Meta) -> None:
        """In session; again at a later session after the avis or its follow-up."""
        self._begin("examine", "examen en commission", meta)
        self._check_stage(
            {REGISTERED, ENQUIRY_RETURNED, ORIENTED, AVIS_ISSUED, FOLLOWED_UP},
            "examiner la saisine",
        )
        if meta.occurred_on != session_on:
            msg = f"L'examen est daté du jour de la séance ({session_on.isoformat()})."
            raise TransitionError(msg, "not_the_session_day")
        self._record(self.Examined, meta, session_on=session_on)

    def issue_avis(self, recommendations: Sequence[str], meta: Meta) -> None:
        self._begin("issue_avis", "avis de la CCAPEX", meta)
        self._check_stage({EXAMINED}, "émettre l'avis")
        if not recommendations or any(not r.strip() for r in recommendations):
            msg = "L'avis porte au moins une recommandation, chacune rédigée."
            raise InvalidValueError(msg)
        self._record(self.AvisIssued, meta, recommendations=list(recommendations))

    def record_follow_up(self, note: str, meta: Meta) -> None:
        self._begin("record_follow_up", "suivi de l'avis", meta)
        self._check_stage({AVIS_ISSUED, FOLLOWED_UP}, "suivre l'avis")
        if not note.strip():
            msg = "Le suivi est décrit."
            raise InvalidValueError(msg)
        self._record(self.FollowUpRecorded, meta, note=note)

    def record_court_dates(
        self, summons_on: date | None, hearing_on: date | None, meta: Meta
    ) -> None:
        label = "dates de la procédure judiciaire"
        self._begin("record_court_dates", label, meta)
        check_landlord(meta.actor, self.landlord, label)
        if summons_on is None and hearing_on is None:
            msg = "Au moins la date de l'assignation ou celle de l'audience."
            raise InvalidValueError(msg)
        _check_court_dates(
            summons_on or self.summons_on,
            hearing_on or self.hearing_on,
            meta.occurred_on,
        )
        self._record(
            self.CourtDatesRecorded, meta, summons_on=summons_on, hearing_on=hearing_on
        )

    def close(
        self, outcome: str, meta: Meta, truce_exception: str | None = None
    ) -> None:
        """An expulsion in the winter truce is recorded as it happened: a breach
        (CCAPEX-SAISINE) unless `truce_exception` lifts the truce."""
        self._begin("close", "clôture de la saisine", meta)
        if outcome not in OUTCOMES:
            msg = f"Issue inconnue : {', '.join(OUTCOMES)}."
            raise InvalidValueError(msg)
        if truce_exception is not None and (
            outcome != "expulsion" or truce_exception not in TRUCE_EXCEPTIONS
        ):
            msg = (
                "Une exception à la trêve hivernale ne s'invoque que pour une "
                f"expulsion, parmi : {', '.join(TRUCE_EXCEPTIONS)}."
            )
            raise InvalidValueError(msg)
        self._record(
            self.Closed, meta, outcome=outcome, truce_exception=truce_exception
        )

    def erase_personal_data(self, categories: list[str], meta: Meta) -> None:
        """Recorded once the household's key is destroyed, at any stage."""
        check_eraser(meta.actor)
        self._record(self.PersonalDataErased, meta, categories=categories)

    # ---- guards and derived state ---------------------------------------------

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
            elif self.summons_on < add_months(self.referred_on, REFERRAL_MONTHS):
                found.append(
                    f"Bailleur personne morale : assignation du "
                    f"{self.summons_on.isoformat()}, moins de deux mois après la "
                    f"saisine de la CCAPEX du {self.referred_on.isoformat()}."
                )
        if (
            self.summons_on is not None
            and self.hearing_on is not None
            and self.hearing_on < self.summons_on + timedelta(weeks=HEARING_WEEKS)
        ):
            found.append(
                f"Audience du {self.hearing_on.isoformat()}, moins de six semaines "
                f"après l'assignation du {self.summons_on.isoformat()}."
            )
        if self.closed_on is not None:
            breach = truce_breach(self.outcome, self.closed_on, self.truce_exception)
            if breach:
                found.append(breach)
        return found

    def _begin(self, step: str, label: str, meta: Meta) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        if self.stage == CLOSED:
            msg = f"La saisine est close ({self.outcome}) : {label} impossible."
            raise TransitionError(msg, "saisine_closed")
        if meta.occurred_on < self.last_occurred_on:
            msg = (
                f"Date de l'étape ({meta.occurred_on.isoformat()}) antérieure à "
                f"l'étape précédente ({self.last_occurred_on.isoformat()})."
            )
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_stage(self, allowed: set[str], what: str) -> None:
        if self.stage not in allowed:
            msg = f"Impossible de {what} : la saisine est au stade « {self.stage} »."
            raise TransitionError(msg)


def in_winter_truce(day: date) -> bool:
    """CPCE L412-6: from 1 November to 31 March, both included."""
    return day.month >= 11 or day.month <= 3


def truce_breach(outcome: str, day: date, exception: str | None) -> str | None:
    """CCAPEX-SAISINE, the winter truce: the breach an expulsion on `day` is, in
    French, or None. One implementation for `findings` and the legality engine."""
    if outcome != "expulsion" or not in_winter_truce(day):
        return None
    ground = TRUCE_EXCEPTIONS.get(exception or "")
    message = (
        f"Expulsion du {day.strftime('%d/%m/%Y')}, pendant la trêve hivernale "
        "(1er novembre – 31 mars, CPCE L412-6)"
    )
    if ground is None:
        return f"{message}, sans exception légale invoquée."
    if ground.lifts_truce:
        return None
    return (
        f"{message}, au motif : {ground.label} ({ground.source}) ; exception "
        "retenue par hypothèse, à vérifier."
    )


def _check_court_dates(
    summons_on: date | None, hearing_on: date | None, on: date
) -> None:
    """Dates no real procedure has: an assignation not delivered yet, a hearing
    without assignation or before it. Short delays are CCAPEX-SAISINE findings."""
    if summons_on is not None and summons_on > on:
        msg = f"L'assignation ({summons_on.isoformat()}) est postérieure à ce jour."
        raise InvalidValueError(msg)
    if hearing_on is not None and (summons_on is None or hearing_on <= summons_on):
        msg = "L'audience suit l'assignation, qui est datée."
        raise InvalidValueError(msg)


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
