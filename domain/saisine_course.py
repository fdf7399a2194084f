"""The course of a CCAPEX referral after its signal (DOMAIN.md §5, §10):
registered, enquired into by an operator (UDAF under the MOUS, or the
Département) who alone returns the enquiry, oriented, examined in session,
given an avis with recommendations, followed up, its court dates recorded as
they are learnt, and closed — an expulsion in the winter truce recorded as it
happened (CCAPEX-SAISINE, domain/saisine_rules.py).

Each command method checks the role, the order and the stage, then records one
past-tense event of the aggregate (domain/saisine.py `Saisine`, which mixes
`SaisineCourse` in)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.saisine_rules import TRUCE_EXCEPTIONS, check_court_dates
from domain.saisine_steps import (
    AVIS_ISSUED,
    CLOSED,
    ENQUIRY_OPERATORS,
    ENQUIRY_REQUESTED,
    ENQUIRY_RETURNED,
    EXAMINED,
    FOLLOWED_UP,
    ORIENTATIONS,
    ORIENTED,
    OUTCOME_LABELS,
    OUTCOMES,
    REGISTERED,
    SIGNALLED,
    STAGE_LABELS,
    STEP_ROLES,
)
from domain.shared import (
    InvalidValueError,
    Meta,
    RoleNotAllowedError,
    TransitionError,
    check_chronology,
    check_landlord,
    check_not_ended,
    check_role,
    check_stated,
    fr_day,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class SaisineCourse:
    """The referral's steps after its signal, mixed into `Saisine`."""

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
        check_stated(summary, "L'enquête rendue en donne la synthèse.")
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
            msg = f"L'examen est daté du jour de la séance ({fr_day(session_on)})."
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
        check_stated(note, "Le suivi est décrit.")
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
        check_court_dates(
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

    def _begin(self, step: str, label: str, meta: Meta) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        how = f"La saisine est close ({OUTCOME_LABELS.get(self.outcome, self.outcome)})"
        check_not_ended(self.stage == CLOSED, how, label, "saisine_closed")
        check_chronology(meta, self.last_occurred_on)

    def _check_stage(self, allowed: set[str], what: str) -> None:
        if self.stage not in allowed:
            stage = STAGE_LABELS[self.stage]
            msg = f"Impossible de {what} : la saisine est au stade « {stage} »."
            raise TransitionError(msg)
