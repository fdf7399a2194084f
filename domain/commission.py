"""The three commissions of the LLTS procedure (DOMAIN.md §3.4–3.6, §10): the
pré-commission, the commission préfectorale and the landlord's commission
d'attribution (CAL).

One aggregate whose `kind` says which: they live alike (convened, attendance,
decisions, minutes closed) and differ in who holds them, who must attend and
what they decide. Command methods check the role, the order and the §8 rules,
then trigger one past-tense event; events only assign state, so an old history
always replays. Each decision names its dossiers: `record_on_dossiers` makes
them record it too, for the application to save all in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import dossier as d
from domain.commission_rules import (
    cal_trois_exception,
    check_cal_order,
    check_one_household,
    check_programme,
    check_programme_path,
    dalo_claim_problem,
)
from domain.commission_steps import (
    ADJOURNMENT,
    CAL,
    CAL_OUTCOMES,
    CLOSED,
    COMMISSION_PREFECTORALE,
    CONVENED,
    HOSTS,
    IN_SESSION,
    KIND_LABELS,
    KINDS,
    PRESIDING_FUNCTIONS,
    PRIOR_OUTCOMES,
    QUORUM_ROLES,
    STEP_ROLES,
)

# Re-exported: other modules import these from here.
# Re-exported: other modules import these from here.
from domain.commission_steps import PRE_COMMISSION as PRE_COMMISSION
from domain.commission_steps import STAGES as STAGES
from domain.commission_values import (
    Attendee,
    CALExamination,
    DwellingFacts,
    PriorRanking,
    RankingEntry,
    attendee_value,
    decision_value,
    ranking_labels,
)
from domain.liste import (
    ListeComplementaire,
    in_rda_order,
    list_valid_until,
    rda_departures,
    unknown_criteria,
)
from domain.places import check_place
from domain.programme import Programme
from domain.shared import (
    ROLES,
    InvalidValueError,
    Meta,
    RecordedEvent,
    Recording,
    RuleViolation,
    TransitionError,
    check_landlord,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from domain.department import DepartmentSettings
    from domain.dossier import Dossier


class Commission(Recording, Aggregate):
    TOPIC = "logis.commission.Commission"

    class Event(RecordedEvent):
        TOPIC = "logis.commission.Event"
        STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged

        def mutate(self, aggregate: Any) -> Any:
            commission = super().mutate(aggregate)
            commission.stage = self.STAGE or commission.stage
            return commission

    class Convened(Event, Aggregate.Created):
        TOPIC = "logis.commission.Convened"
        STAGE = CONVENED
        kind: str
        held_on: date
        department: str
        commune: str
        programme_id: UUID | None
        landlord: str | None  # the CAL's landlord
        dwelling_refs: list[str]  # the dwellings a CAL examines

        def apply(self, commission: Commission) -> None:
            commission.kind = self.kind
            commission.held_on = self.held_on
            commission.department = self.department
            commission.commune = self.commune
            commission.programme_id = self.programme_id
            commission.landlord = self.landlord
            commission.dwelling_refs = self.dwelling_refs
            commission.attendees = []
            commission.presided_by = None
            commission.decided = []  # dossier ids, in the order decided
            commission.preselections = []
            commission.ranking = None
            commission.examinations = []
            commission.minutes_closed_on = None

    class AttendanceRecorded(Event):
        TOPIC = "logis.commission.AttendanceRecorded"
        STAGE = IN_SESSION
        attendees: list[dict[str, str]]  # organisation, role, function
        presided_by: dict[str, str] | None

        def apply(self, commission: Commission) -> None:
            commission.attendees = self.attendees
            commission.presided_by = self.presided_by

    class PreSelectionDecided(Event):
        TOPIC = "logis.commission.PreSelectionDecided"
        dossier_id: UUID
        outcome: str

        def apply(self, commission: Commission) -> None:
            commission.preselections = [
                *commission.preselections,
                {"dossier_id": self.dossier_id, "outcome": self.outcome},
            ]
            commission.decided = [*commission.decided, self.dossier_id]

    class RankingDecided(Event):
        TOPIC = "logis.commission.RankingDecided"
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
            commission.ranking = {
                "ranked": self.ranked,
                "liste_complementaire": self.liste_complementaire,
                "non_retenus": self.non_retenus,
                "list_valid_until": self.list_valid_until,
            }
            everyone = (*self.ranked, *self.liste_complementaire, *self.non_retenus)
            commission.decided = [
                *commission.decided,
                *(entry["dossier_id"] for entry in everyone),
            ]

    class CALDecisionsTaken(Event):
        """The CAL's decisions on the candidates examined for one dwelling."""

        TOPIC = "logis.commission.CALDecisionsTaken"
        PERSONAL: ClassVar[Mapping[str, str]] = {"decisions[].motive": "Dec"}
        dwelling_ref: str
        decisions: list[dict[str, Any]]  # one per dossier, with its prior ranking
        exception: str | None  # CAL-TROIS: why fewer than three candidates
        exception_motive: str | None

        def apply(self, commission: Commission) -> None:
            commission.examinations = [
                *commission.examinations,
                {
                    "dwelling_ref": self.dwelling_ref,
                    "decisions": self.decisions,
                    "exception": self.exception,
                },
            ]
            commission.decided = [
                *commission.decided,
                *(decision["dossier_id"] for decision in self.decisions),
            ]

    class MinutesClosed(Event):
        TOPIC = "logis.commission.MinutesClosed"
        STAGE = CLOSED
        summary: str

        def apply(self, commission: Commission) -> None:
            commission.minutes_closed_on = self.occurred_on

    # ---- commands -------------------------------------------------------------

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

    def record_attendance(
        self,
        attendees: Sequence[Attendee],
        presided_by: Attendee | None,
        meta: Meta,
    ) -> None:
        self._begin("record_attendance", "feuille de présence", meta)
        if self.stage != CONVENED:
            msg = "La présence à la séance est déjà enregistrée."
            raise TransitionError(msg)
        if not attendees or any(
            a.role not in ROLES or not a.organisation.strip() or not a.function.strip()
            for a in attendees
        ):
            msg = (
                "Au moins un présent, chacun avec son organisation, son rôle connu "
                "et sa fonction."
            )
            raise InvalidValueError(msg)
        if presided_by is not None and presided_by not in attendees:
            msg = "La présidence est assurée par un présent."
            raise InvalidValueError(msg)
        self._record(
            self.AttendanceRecorded,
            meta,
            attendees=[attendee_value(a) for a in attendees],
            presided_by=attendee_value(presided_by) if presided_by else None,
        )

    def preselect(self, dossier_id: UUID, outcome: str, meta: Meta) -> None:
        self._begin("preselect", "pré-sélection", meta)
        self._check_in_session()
        roles = {a["role"] for a in self.attendees}
        missing = [role for role in QUORUM_ROLES if role not in roles]
        if missing:
            msg = (
                "La pré-commission ne décide qu'en présence de la Préfecture et de la "
                f"DEAL (absent : {', '.join(missing)})."
            )
            raise RuleViolation("PRECOM-QUORUM", msg)
        if outcome not in d.PRESELECTION_OUTCOMES:
            outcomes = ", ".join(d.PRESELECTION_OUTCOMES)
            msg = f"Issue de pré-commission inconnue : {outcomes}."
            raise TransitionError(msg, "invalid_outcome")
        self._check_not_decided([dossier_id])
        self._record(
            self.PreSelectionDecided, meta, dossier_id=dossier_id, outcome=outcome
        )

    def rank(
        self,
        *,
        ranked: Sequence[RankingEntry],
        liste_complementaire: Sequence[RankingEntry],
        non_retenus: Sequence[RankingEntry],
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
    ) -> None:
        self._begin("rank", "classement", meta)
        self._check_in_session()
        if self.ranking is not None:
            msg = "La commission a déjà arrêté son classement."
            raise TransitionError(msg)
        self._check_presidency()
        entries = [*ranked, *liste_complementaire, *non_retenus]
        self._check_dossiers([e.dossier_id for e in entries])
        order = settings.rda_priority_criteria
        if not order:
            msg = (
                "Le RDA du département ne définit aucun critère de priorité : "
                "le classement ne peut en suivre l'ordre."
            )
            raise RuleViolation("COMPREF-RANG", msg)
        unknown = unknown_criteria((c for e in entries for c in e.criteria), order)
        if unknown:
            msg = f"Critères inconnus du RDA du département : {', '.join(unknown)}."
            raise RuleViolation("COMPREF-RANG", msg)
        retained = [*ranked, *liste_complementaire]
        departures = rda_departures(
            [(e.dossier_id, e.criteria) for e in retained],
            order,
            [(e.dossier_id, e.criteria) for e in non_retenus],
        )
        labels = ranking_labels(ranked, liste_complementaire, non_retenus)
        for entry in retained:
            passed_over = departures.get(entry.dossier_id)
            if passed_over and not (entry.motive or "").strip():
                msg = (
                    f"Le dossier {labels[entry.dossier_id]} passe avant le dossier "
                    f"{labels[passed_over[0]]}, prioritaire selon le RDA : "
                    "motif requis."
                )
                raise RuleViolation("COMPREF-RANG", msg)

        def row(entry: RankingEntry, **place: int) -> dict[str, Any]:
            criteria = in_rda_order(entry.criteria, order)
            return {"dossier_id": entry.dossier_id, **place, "criteria": criteria}

        self._record(
            self.RankingDecided,
            meta,
            ranked=[
                {**row(e, rank=i), "motive": e.motive}
                for i, e in enumerate(ranked, start=1)
            ],
            liste_complementaire=[
                {**row(e, position=i), "motive": e.motive}
                for i, e in enumerate(liste_complementaire, start=1)
            ],
            non_retenus=[{**row(e), "motive": e.motive} for e in non_retenus],
            list_valid_until=(
                list_valid_until(self.held_on, settings)
                if liste_complementaire
                else None
            ),
            rda_order=list(order),
            departures=[
                {"dossier_id": dossier_id, "passed_over": passed_over}
                for dossier_id, passed_over in departures.items()
            ],
            settings_version=settings_version,
        )

    def examine_dwelling(
        self,
        dwelling_ref: str,
        examinations: Sequence[CALExamination],
        meta: Meta,
        shortfall_motive: str | None = None,
        dwelling: DwellingFacts | None = None,
    ) -> None:
        self._begin("examine_dwelling", "décision de la CAL", meta)
        self._check_in_session()
        if dwelling_ref not in self.dwelling_refs:
            msg = f"Le logement {dwelling_ref} n'est pas à l'ordre du jour de la CAL."
            raise TransitionError(msg, "unknown_dwelling")
        if any(e["dwelling_ref"] == dwelling_ref for e in self.examinations):
            msg = f"La CAL a déjà statué sur le logement {dwelling_ref}."
            raise TransitionError(msg, "dwelling_already_examined")
        self._check_dossiers([e.dossier_id for e in examinations])
        for examination in examinations:
            self._check_prior(examination.prior)
            check_programme_path(examination, dwelling)
            self._check_decision(examination)
            dalo = dalo_claim_problem(
                examination.dalo_designated, examination.dalo_recognised
            )
            if dalo:
                raise RuleViolation("CAL-TROIS", dalo)
        check_one_household(examinations)
        exception = cal_trois_exception(examinations, shortfall_motive, dwelling_ref)
        check_cal_order(examinations)
        self._record(
            self.CALDecisionsTaken,
            meta,
            dwelling_ref=dwelling_ref,
            decisions=[decision_value(e, dwelling) for e in examinations],
            exception=exception,
            exception_motive=shortfall_motive if exception else None,
        )

    def close_minutes(self, summary: str, meta: Meta) -> None:
        self._begin("close_minutes", "clôture du procès-verbal", meta, session=False)
        if self.stage != IN_SESSION:
            msg = "Le procès-verbal suit la séance : la présence n'est pas enregistrée."
            raise TransitionError(msg, "attendance_not_recorded")
        self._record(self.MinutesClosed, meta, summary=summary)

    # ---- what other commissions and dossiers read -------------------------------

    def prior_ranking(self, dossier_id: UUID) -> PriorRanking:
        """This commission préfectorale's decision on a dossier, for the CAL."""
        if self.kind != COMMISSION_PREFECTORALE:
            msg = "Seule la commission préfectorale classe les dossiers."
            raise TransitionError(msg, "wrong_commission_kind")
        ranking = self.ranking or {}
        for entry in ranking.get("ranked", []):
            if entry["dossier_id"] == dossier_id:
                return PriorRanking(
                    self.id,
                    self.commune,
                    "rang",
                    entry["rank"],
                    programme_id=self.programme_id,
                )
        for entry in ranking.get("liste_complementaire", []):
            if entry["dossier_id"] == dossier_id:
                return PriorRanking(
                    self.id,
                    self.commune,
                    "liste_complementaire",
                    entry["position"],
                    ranking["list_valid_until"],
                )
        set_aside = {e["dossier_id"] for e in ranking.get("non_retenus", [])}
        outcome = "non_retenu" if dossier_id in set_aside else None
        return PriorRanking(self.id, self.commune, outcome)

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

    # ---- guards -------------------------------------------------------------------

    def _begin(
        self, step: str, label: str, meta: Meta, *, session: bool = True
    ) -> None:
        roles = STEP_ROLES[step].get(self.kind)
        if roles is None:
            msg = f"Étape « {label} » étrangère à {KIND_LABELS[self.kind]}."
            raise TransitionError(msg, "wrong_commission_kind")
        check_role(meta.actor, roles, label)
        check_landlord(meta.actor, self.landlord, label)
        if self.stage == CLOSED:
            msg = f"Le procès-verbal de la séance est clos : {label} impossible."
            raise TransitionError(msg, "minutes_closed")
        held_on = self.held_on.isoformat()
        # Attendance and decisions are facts of the session's day: the liste
        # complémentaire's six months run from it, on the commission and the dossiers.
        if session and meta.occurred_on != self.held_on:
            msg = f"« {label} » est daté du jour de la séance ({held_on})."
            raise TransitionError(msg, "not_the_session_day")
        if meta.occurred_on < self.held_on:
            msg = f"« {label} » ne peut précéder la séance ({held_on})."
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_in_session(self) -> None:
        if self.stage != IN_SESSION:
            msg = "La commission décide une fois la présence à la séance enregistrée."
            raise TransitionError(msg, "attendance_not_recorded")

    def _check_presidency(self) -> None:
        """COMPREF-PRESIDENCE: préfet, sous-préfet or their representative; DEAL."""
        chair = self.presided_by or {}
        if chair.get("role") != "prefecture" or (
            chair.get("function") not in PRESIDING_FUNCTIONS
        ):
            msg = (
                "La commission préfectorale est présidée par le préfet, un sous-préfet "
                "ou leur représentant."
            )
            raise RuleViolation("COMPREF-PRESIDENCE", msg)
        if "deal" not in {a["role"] for a in self.attendees}:
            msg = "La DEAL assiste à la commission préfectorale."
            raise RuleViolation("COMPREF-PRESIDENCE", msg)

    def _check_dossiers(self, dossier_ids: list[UUID]) -> None:
        if not dossier_ids or len(set(dossier_ids)) < len(dossier_ids):
            msg = "Au moins un dossier, chacun une seule fois."
            raise InvalidValueError(msg)
        self._check_not_decided(dossier_ids)

    def _check_not_decided(self, dossier_ids: list[UUID]) -> None:
        if set(dossier_ids) & set(self.decided):
            msg = "La commission a déjà statué sur ce dossier au cours de la séance."
            raise TransitionError(msg, "dossier_already_decided")

    def _check_prior(self, prior: PriorRanking) -> None:
        """CAL-PREALABLE and LC-VALIDITE, on what the commission préfectorale said."""
        if prior.outcome not in PRIOR_OUTCOMES:
            msg = (
                "La CAL ne statue que sur les dossiers classés ou inscrits en liste "
                "complémentaire par la commission préfectorale."
            )
            raise RuleViolation("CAL-PREALABLE", msg)
        if prior.rank is None or prior.rank < 1:
            msg = "Le rang du dossier ou sa place sur la liste complémentaire manque."
            raise InvalidValueError(msg)
        if prior.outcome == "rang" and prior.commune != self.commune:
            msg = (
                f"Dossier classé pour la commune {prior.commune}, pas celle de la CAL."
            )
            raise RuleViolation("CAL-PREALABLE", msg)
        if (
            prior.outcome == "rang"
            and prior.programme_id
            and self.programme_id
            and prior.programme_id != self.programme_id
        ):
            msg = (
                "Dossier classé pour un autre programme : seule la liste "
                "complémentaire sert les autres logements de la commune."
            )
            raise RuleViolation("CAL-PREALABLE", msg)
        if prior.outcome == "liste_complementaire":
            if prior.commune != self.commune:
                msg = (
                    f"La liste complémentaire de la commune {prior.commune} ne sert "
                    "que les vacances de cette commune."
                )
                raise RuleViolation("LC-VALIDITE", msg)
            if prior.valid_until is None or self.held_on > prior.valid_until:
                until = prior.valid_until.isoformat() if prior.valid_until else "?"
                msg = f"La liste complémentaire a expiré le {until}."
                raise RuleViolation("LC-VALIDITE", msg)

    def _check_decision(self, e: CALExamination) -> None:
        """CAL-DECISION, CAL-CONDITION and CAL-MOTIF, for one candidate."""
        if e.decision not in CAL_OUTCOMES:
            msg = f"Décision de CAL inconnue : {', '.join(CAL_OUTCOMES)}."
            raise RuleViolation("CAL-DECISION", msg)
        if (e.decision == "attribution_par_classement") != (e.rank is not None):
            msg = "Seule une attribution par classement indique un rang, et toujours."
            raise RuleViolation("CAL-DECISION", msg)
        if e.decision == "attribution_sous_condition_suspensive" and not (
            e.missing_document
            and e.condition_deadline
            and e.condition_deadline > self.held_on
        ):
            msg = (
                "Une condition suspensive nomme la pièce manquante et un délai "
                "postérieur à la décision."
            )
            raise RuleViolation("CAL-CONDITION", msg)
        motivated = bool((e.motive or "").strip())
        if e.decision in ("non_attribution", "rejet_irrecevabilite") and not motivated:
            msg = "Toute non-attribution ou tout rejet est motivé par écrit."
            raise RuleViolation("CAL-MOTIF", msg)
        if e.decision == ADJOURNMENT and not (
            motivated and e.return_session_on and e.return_session_on > self.held_on
        ):
            msg = (
                "Un ajournement porte un motif et la date de la séance où le dossier "
                "revient."
            )
            raise RuleViolation("CAL-DECISION", msg)


# ---- the same decision on each dossier -------------------------------------------


def record_on_dossiers(
    commission: Commission,
    event: Commission.Event,
    dossiers: Mapping[UUID, Dossier],
    settings: DepartmentSettings,
) -> list[Dossier]:
    """Each dossier a decision names records it too, with the decision's own
    metadata (same actor, day, command and correlation), so the application
    saves the commission and these dossiers together or not at all. A dossier
    that refuses (SNE-NUMERO, DOS-ORDRE…) refuses the whole decision."""
    meta = Meta(event.actor, event.occurred_on, event.command_id, event.correlation_id)
    for dossier_id in _named(event):
        if dossiers[dossier_id].department != commission.department:
            msg = (
                f"Le dossier relève du département {dossiers[dossier_id].department}, "
                f"pas de celui de la commission ({commission.department})."
            )
            raise TransitionError(msg, "wrong_department")
    if isinstance(event, Commission.PreSelectionDecided):
        dossier = dossiers[event.dossier_id]
        dossier.preselect(commission.id, commission.programme_id, event.outcome, meta)
        return [dossier]
    if isinstance(event, Commission.RankingDecided):
        return [
            _rank(
                dossiers[entry["dossier_id"]],
                commission.id,
                outcome,
                entry,
                settings,
                meta,
            )
            for outcome, entries in (
                ("rang", event.ranked),
                ("liste_complementaire", event.liste_complementaire),
                ("non_retenu", event.non_retenus),
            )
            for entry in entries
        ]
    if isinstance(event, Commission.CALDecisionsTaken):
        return [
            _decide(
                dossiers[decision["dossier_id"]],
                commission.id,
                commission.landlord,
                event.dwelling_ref,
                decision,
                meta,
            )
            for decision in event.decisions
        ]
    return []


def _named(event: Commission.Event) -> list[UUID]:
    """The dossiers a decision names."""
    if isinstance(event, Commission.PreSelectionDecided):
        return [event.dossier_id]
    if isinstance(event, Commission.RankingDecided):
        everyone = (*event.ranked, *event.liste_complementaire, *event.non_retenus)
        return [entry["dossier_id"] for entry in everyone]
    if isinstance(event, Commission.CALDecisionsTaken):
        return [decision["dossier_id"] for decision in event.decisions]
    return []


def _rank(
    dossier: Dossier,
    commission_id: UUID,
    outcome: str,
    entry: dict[str, Any],
    settings: DepartmentSettings,
    meta: Meta,
) -> Dossier:
    rank = entry.get("rank") if outcome == "rang" else None
    dossier.rank(commission_id, outcome, rank, entry["motive"], settings, meta)
    return dossier


def _decide(
    dossier: Dossier,
    commission_id: UUID,
    landlord: str | None,
    dwelling_ref: str,
    decision: dict[str, Any],
    meta: Meta,
) -> Dossier:
    if decision["decision"] == ADJOURNMENT:
        dossier.defer(
            commission_id, decision["motive"], decision["return_session_on"], meta
        )
        return dossier
    dossier.decide(
        commission_id=commission_id,
        landlord=landlord,
        decision=decision["decision"],
        dwelling_ref=dwelling_ref if decision["decision"] in d.ATTRIBUTIONS else None,
        rank=decision["rank"],
        missing_document=decision["missing_document"],
        condition_deadline=decision["condition_deadline"],
        motive=decision["motive"],
        meta=meta,
    )
    return dossier


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
