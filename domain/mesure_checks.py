"""The guards every step of an ASLL measure passes (domain/mesure.py `Mesure`
mixes them in): the role and the order of steps, the stage, the channel that
instructs (ASLL-CANAL), the association that runs the measure, the meetings
under the convention and the renewals the department allows (ASLL-DUREE)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.mesure_steps import (
    KIND_LABELS,
    STAGE_LABELS,
    STEP_ROLES,
    TERMINAL,
    UNDER_CONVENTION,
)
from domain.shared import (
    Meta,
    RoleNotAllowedError,
    RuleViolation,
    TransitionError,
    check_chronology,
    check_not_ended,
    check_role,
)

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings


class MesureChecks:
    """Private checks shared by the measure's command methods."""

    def _begin(
        self, step: str, label: str, meta: Meta, *, chronological: bool = True
    ) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        how = f"La mesure est close ({STAGE_LABELS.get(self.stage)})"
        check_not_ended(self.stage in TERMINAL, how, label, "mesure_ended")
        if chronological:
            check_chronology(meta, self.last_occurred_on)
        if meta.occurred_on < self.requested_on:
            msg = "Aucune étape ne précède la demande."
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_stage(self, allowed: set[str] | frozenset[str], what: str) -> None:
        if self.stage not in allowed:
            stage = STAGE_LABELS[self.stage]
            msg = f"Impossible de {what} : la mesure est au stade « {stage} »."
            raise TransitionError(msg)

    def _check_channel(self, meta: Meta, verb: str) -> None:
        """ASLL-CANAL: the channel recorded with the request (the department's
        for its kind, the association itself for its specific actions)."""
        actor = meta.actor
        if actor.role != self.channel_role or (
            self.channel_members and actor.organisation not in self.channel_members
        ):
            kind = KIND_LABELS[self.kind]
            msg = f"C'est {self.channel_name} qui {verb} cette mesure ({kind})."
            raise RuleViolation("ASLL-CANAL", msg)
        self._check_association(meta)

    def _check_association(self, meta: Meta) -> None:
        """Once notified, the measure is run by that association's own agents."""
        name = self.association_name
        if (
            meta.actor.role == "association"
            and name
            and meta.actor.organisation != name
        ):
            msg = (
                f"La mesure est conduite par {name}, pas par {meta.actor.organisation}."
            )
            raise RoleNotAllowedError(msg, "not_the_association")

    def _check_meeting(self, meta: Meta) -> None:
        self._check_stage(UNDER_CONVENTION, "enregistrer une rencontre")
        self._check_association(meta)
        if meta.occurred_on < self.convention["starts_on"]:
            msg = "Les rencontres suivent la signature de la convention."
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_renewal(self, months: int, settings: DepartmentSettings) -> None:
        """ASLL-DUREE: renewals and their length, per the department, counting
        those of the household's chain of measures."""
        if self.chain_renewals + self.renewals >= settings.asll_renewals_allowed:
            msg = (
                f"Renouvellements épuisés : {settings.asll_renewals_allowed} au plus "
                "dans ce département."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        if not 1 <= months <= settings.asll_max_months:
            msg = f"Un renouvellement dure de 1 à {settings.asll_max_months} mois."
            raise RuleViolation("ASLL-DUREE", msg)
