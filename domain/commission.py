"""The three commissions of the LLTS procedure (DOMAIN.md §3.4–3.6, §10): the
pré-commission, the commission préfectorale and the landlord's commission
d'attribution (CAL).

One aggregate whose `kind` says which: they live alike (convened, attendance,
decisions, minutes closed) and differ in who holds them, who must attend and
what they decide. The aggregate holds its events, which only assign state, so
an old history always replays, its convocation and what other records read of
it; its command methods are mixed in from the modules named for what they
hold: the session (domain/commission_session.py), the pré-commission's and the
commission préfectorale's decisions (domain/commission_ranking.py), the CAL's
(domain/commission_cal.py). They check the role, the order and the §8 rules,
then trigger one past-tense event. Each decision names its dossiers:
`domain.commission_dossiers.record_on_dossiers` makes them record it too, for
the application to save all in one transaction.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.commission_cal import CommissionCAL
from domain.commission_ranking import CommissionRanking
from domain.commission_rules import check_programme
from domain.commission_session import CommissionSession
from domain.commission_steps import (
    CAL,
    CLOSED,
    COMMISSION_PREFECTORALE,
    CONVENED,
    HOSTS,
    IN_SESSION,
    KIND_LABELS,
    KINDS,
)

# The registry (domain/records.py) reads each kind's steps from its module.
from domain.commission_steps import STEP_ROLES as STEP_ROLES
from domain.commission_values import PriorRanking
from domain.liste import ListeComplementaire
from domain.places import check_place
from domain.programme import Programme
from domain.shared import (
    InvalidValueError,
    Meta,
    Recording,
    StagedEvent,
    TransitionError,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


class Commission(
    CommissionSession, CommissionRanking, CommissionCAL, Recording, Aggregate
):
    TOPIC = "logis.commission.Commission"

    class Event(StagedEvent):
        def date_last_step(self, record: Any) -> None:
            """A commission's steps are its session's: dated by `held_on`."""

    class Convened(Event, Aggregate.Created):
        STAGE = CONVENED
        kind: str
        held_on: date
        department: str
        commune: str
        programme_id: UUID | None
        landlord: str | None  # the CAL's landlord
        dwelling_refs: list[str]  # the dwellings a CAL examines

        def apply(self, commission: Commission) -> None:
            self.copy_facts(commission)
            commission.attendees = []
            commission.presided_by = None
            commission.decided = []  # dossier ids, in the order decided
            commission.preselections = []
            commission.ranking = None
            commission.examinations = []
            commission.minutes_closed_on = None

    class AttendanceRecorded(Event):
        STAGE = IN_SESSION
        attendees: list[dict[str, str]]  # organisation, role, function
        presided_by: dict[str, str] | None

        def apply(self, commission: Commission) -> None:
            commission.attendees = self.attendees
            commission.presided_by = self.presided_by

    class PreSelectionDecided(Event):
        dossier_id: UUID
        outcome: str

        def apply(self, commission: Commission) -> None:
            commission.preselections = [
                *commission.preselections,
                {"dossier_id": self.dossier_id, "outcome": self.outcome},
            ]
            commission.decided = [*commission.decided, self.dossier_id]

    class RankingDecided(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {
            # Each motive under the household of the dossier it is about.
            "ranked[].motive": "Dec",
            "liste_complementaire[].motive": "Dec",
            "non_retenus[].motive": "Dec",
        }
        ranked: list[dict[str, Any]]  # dossier_id, rank, criteria, motive
        liste_complementaire: list[dict[str, Any]]  # dossier_id, position, …
        non_retenus: list[dict[str, Any]]  # dossier_id, criteria, motive
        list_valid_until: date | None
        rda_order: list[str]
        departures: list[dict[str, Any]]  # dossier_id, passed_over (ids)
        settings_version: int

        def apply(self, commission: Commission) -> None:
            commission.ranking = self.values(
                "ranked", "liste_complementaire", "non_retenus", "list_valid_until"
            )
            everyone = (*self.ranked, *self.liste_complementaire, *self.non_retenus)
            commission.decided = [
                *commission.decided,
                *(entry["dossier_id"] for entry in everyone),
            ]

    class CALDecisionsTaken(Event):
        """The CAL's decisions on the candidates examined for one dwelling."""

        PERSONAL: ClassVar[Mapping[str, str]] = {"decisions[].motive": "Dec"}
        dwelling_ref: str
        decisions: list[dict[str, Any]]  # one per dossier, with its prior ranking
        exception: str | None  # CAL-TROIS: why fewer than three candidates
        exception_motive: str | None

        def apply(self, commission: Commission) -> None:
            commission.examinations = [
                *commission.examinations,
                self.values("dwelling_ref", "decisions", "exception"),
            ]
            commission.decided = [
                *commission.decided,
                *(decision["dossier_id"] for decision in self.decisions),
            ]

    class MinutesClosed(Event):
        STAGE = CLOSED
        summary: str

        def apply(self, commission: Commission) -> None:
            commission.minutes_closed_on = self.occurred_on

    # ---- commands: the convocation; the others are mixed in ----------------------

    @classmethod
    def convene(
        cls,
        *,
        commission_id: UUID,
        kind: str,
        held_on: date,
        department: str,
        commune: str,
        programme: Programme | None,
        landlord: str | None,
        dwelling_refs: Sequence[str],
        meta: Meta,
    ) -> Commission:
        if kind not in KINDS:
            msg = f"Commission inconnue : {', '.join(KINDS)}."
            raise InvalidValueError(msg)
        check_role(meta.actor, HOSTS[kind], f"convocation de {KIND_LABELS[kind]}")
        check_place(department, commune)
        if meta.occurred_on > held_on:
            msg = "La convocation précède la séance."
            raise InvalidValueError(msg)
        refs = list(dwelling_refs)
        if kind == CAL and (
            not (landlord or "").strip()
            or not refs
            or any(not ref.strip() for ref in refs)
            or len(set(refs)) < len(refs)
        ):
            msg = "La CAL est celle d'un bailleur et examine des logements nommés."
            raise InvalidValueError(msg)
        if kind != CAL and (landlord is not None or refs):
            msg = "Seule la CAL d'un bailleur examine des logements."
            raise InvalidValueError(msg)
        if programme is not None:
            check_programme(programme, kind, department, commune, landlord, refs)
        return cls._create(
            cls.Convened,
            id=commission_id,
            kind=kind,
            held_on=held_on,
            department=department,
            commune=commune,
            programme_id=programme.id if programme else None,
            landlord=landlord,
            dwelling_refs=refs,
            **meta.fields(),
        )

    # ---- what other commissions and dossiers read -------------------------------

    def prior_ranking(self, dossier_id: UUID) -> PriorRanking:
        """This commission préfectorale's decision on a dossier, for the CAL."""
        if self.kind != COMMISSION_PREFECTORALE:
            msg = "Seule la commission préfectorale classe les dossiers."
            raise TransitionError(msg, "wrong_commission_kind")
        ranking = self.ranking or {}

        def entry_in(part: str) -> dict[str, Any] | None:
            entries = ranking.get(part, [])
            return next((e for e in entries if e["dossier_id"] == dossier_id), None)

        prior = partial(PriorRanking, self.id, self.commune)
        if ranked := entry_in("ranked"):
            return prior("rang", ranked["rank"], programme_id=self.programme_id)
        if listed := entry_in("liste_complementaire"):
            position, valid_until = listed["position"], ranking["list_valid_until"]
            return prior("liste_complementaire", position, valid_until)
        return prior("non_retenu" if entry_in("non_retenus") else None)

    @property
    def liste_complementaire(self) -> ListeComplementaire | None:
        ranking = self.ranking or {}
        if not ranking.get("liste_complementaire"):
            return None
        return ListeComplementaire(
            commission_id=self.id,
            commune=self.commune,
            decided_on=self.held_on,
            valid_until=ranking["list_valid_until"],
            dossier_ids=tuple(e["dossier_id"] for e in ranking["liste_complementaire"]),
        )


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Commission.Event], str] = {
    Commission.Convened: "Commission convoquée",
    Commission.AttendanceRecorded: "Présence à la séance enregistrée",
    Commission.PreSelectionDecided: "Pré-sélection décidée en pré-commission",
    Commission.RankingDecided: "Classement et liste complémentaire arrêtés",
    Commission.CALDecisionsTaken: "Décisions de la CAL sur un logement",
    Commission.MinutesClosed: "Procès-verbal clos",
}

# The legal basis of each step, for audit trails (DOMAIN.md §3, §8).
EVENT_BASES: dict[type[Commission.Event], str] = {
    Commission.Convened: "Pré-commission, commission préfectorale, CAL : seed 000",
    Commission.AttendanceRecorded: "PRECOM-QUORUM, COMPREF-PRESIDENCE : seed 000",
    Commission.PreSelectionDecided: "PRECOM-QUORUM : seed 000",
    Commission.RankingDecided: "COMPREF-RANG, LC-VALIDITE : seed 000 (RDA)",
    Commission.CALDecisionsTaken: (
        "CAL-DECISION : CCH R441-3 (décret 2017-834) ; CAL-TROIS : CCH R441-3, "
        "L441-2-3 II ; CAL-MOTIF : CCH L441-2-2 ; CAL-PREALABLE : seed 000"
    ),
    Commission.MinutesClosed: "Procès-verbal de séance : seed 000",
}
