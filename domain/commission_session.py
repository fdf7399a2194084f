"""A commission's session (DOMAIN.md §3.4–3.6): the attendance sheet that opens
it, the minutes that close it, and the guards every step of the session passes
— the role for this kind of commission, the landlord's own CAL, the session's
day, decisions taken once the attendance is recorded, each dossier decided once.

Mixed into the aggregate, domain/commission.py `Commission`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.commission_steps import (
    CLOSED,
    CONVENED,
    IN_SESSION,
    KIND_LABELS,
    STEP_ROLES,
)
from domain.commission_values import Attendee, attendee_value
from domain.shared import (
    ROLES,
    InvalidValueError,
    Meta,
    TransitionError,
    check_landlord,
    check_role,
    fr_day,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class CommissionSession:
    """The session's steps and shared guards, mixed into `Commission`."""

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

    def close_minutes(self, summary: str, meta: Meta) -> None:
        self._begin("close_minutes", "clôture du procès-verbal", meta, session=False)
        if self.stage != IN_SESSION:
            msg = "Le procès-verbal suit la séance : la présence n'est pas enregistrée."
            raise TransitionError(msg, "attendance_not_recorded")
        self._record(self.MinutesClosed, meta, summary=summary)

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
        held_on = fr_day(self.held_on)
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

    def _check_dossiers(self, dossier_ids: list[UUID]) -> None:
        if not dossier_ids or len(set(dossier_ids)) < len(dossier_ids):
            msg = "Au moins un dossier, chacun une seule fois."
            raise InvalidValueError(msg)
        self._check_not_decided(dossier_ids)

    def _check_not_decided(self, dossier_ids: list[UUID]) -> None:
        if set(dossier_ids) & set(self.decided):
            msg = "La commission a déjà statué sur ce dossier au cours de la séance."
            raise TransitionError(msg, "dossier_already_decided")
