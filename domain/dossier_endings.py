"""Who ends an LLTS dossier, and on what: withdrawal (DOS-RETRAIT),
inadmissibility (DOS-IRRECEVABILITE), radiation (SNE-VALIDITE), the expiry of
its liste complémentaire (LC-VALIDITE), closure, and the events that record
them. The problems are one reading for the commands (`DossierEndings`, mixed
into domain/dossier.py) and the legality engine."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from domain.dossier_events import Event
from domain.dossier_guards import DossierGuards
from domain.dossier_rules import ATTRIBUTIONS
from domain.dossier_steps import (
    ANALYSIS,
    CLOSED,
    DECIDED,
    DEFERRED,
    INADMISSIBLE,
    LAPSED,
    LIST_EXPIRED,
    PRESELECTED,
    RADIATED,
    RADIATION_ROLES,
    RANKED,
    REFUSED,
    RESOURCES,
    REVIEWED,
    RULED_ROLES,
    SOLVENCY,
    WITHDRAWAL_CHANNELS,
    WITHDRAWAL_ROLES,
    WITHDRAWN,
)
from domain.personal import ERASED, DataErased
from domain.shared import Meta, RuleViolation, TransitionError, fr_day, role_label

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.dossier import Dossier

_PROPOSE = "L'ALS qui analyse le dossier peut la proposer ; elle ne l'enregistre pas."


def withdrawal_problem(
    role: str, expressed_on: date | None, expressed_by: str | None, on: date
) -> str | None:
    """DOS-RETRAIT: a withdrawal is the household's own act, recorded by a
    partner acting for it with the day and the way the household expressed it;
    a landlord's refusal is a motivated CAL decision (CAL-MOTIF), not this."""
    if role == "bailleur":
        return (
            "Un bailleur ne retire pas un ménage : son refus est une décision "
            "motivée de sa CAL (non-attribution), notifiée par écrit."
        )
    if role not in WITHDRAWAL_ROLES:
        return (
            "Le retrait est l'acte du ménage, enregistré par un partenaire qui "
            f"agit pour lui, pas par le rôle « {role_label(role)} »."
        )
    if expressed_on is None or expressed_by not in WITHDRAWAL_CHANNELS:
        return (
            "Le retrait est l'acte du ménage : indiquez le jour où il l'a exprimé "
            f"et comment ({', '.join(WITHDRAWAL_CHANNELS)})."
        )
    if expressed_on > on:
        return "Le ménage exprime son retrait avant qu'il soit enregistré."
    return None


def inadmissibility_problem(role: str, *, resources_checked: bool) -> str | None:
    """DOS-IRRECEVABILITE: inadmissibility is the CAL's decision (rejet pour
    irrecevabilité, R441-3) or follows the DEAL's resource control."""
    if role != "deal":
        return (
            "L'irrecevabilité est une décision de la CAL (rejet pour "
            "irrecevabilité) ou suit le contrôle des ressources par la DEAL. "
            + _PROPOSE
        )
    if not resources_checked:
        return (
            "La DEAL déclare un dossier irrecevable après avoir contrôlé ses "
            "ressources."
        )
    return None


def radiation_problem(role: str) -> str | None:
    """SNE-VALIDITE: radiating a demand belongs to the services that register
    demands (R441-2-8 CCH)."""
    if role not in RADIATION_ROLES:
        return (
            "La radiation d'une demande revient aux services qui enregistrent les "
            "demandes (CCH R441-2-8). " + _PROPOSE
        )
    return None


class DossierEndings(DossierGuards):
    """The steps that end a dossier."""

    def withdraw(
        self,
        reason: str,
        meta: Meta,
        *,
        expressed_on: date | None,
        expressed_by: str | None,
    ) -> None:
        if meta.actor.role not in RULED_ROLES["withdraw"]:
            self._begin("withdraw", "retrait du dossier", meta)
            self._check_before_lease("retirer le dossier")
        problem = withdrawal_problem(
            meta.actor.role, expressed_on, expressed_by, meta.occurred_on
        )
        if problem:
            raise RuleViolation("DOS-RETRAIT", problem)
        self._record(
            self.Withdrawn,
            meta,
            reason=reason,
            expressed_on=expressed_on,
            expressed_by=expressed_by,
        )

    def declare_inadmissible(self, reason: str, meta: Meta) -> None:
        if meta.actor.role not in RULED_ROLES["declare_inadmissible"]:
            self._begin("declare_inadmissible", "irrecevabilité", meta)
        problem = inadmissibility_problem(
            meta.actor.role, resources_checked=self.resources is not None
        )
        if problem:
            raise RuleViolation("DOS-IRRECEVABILITE", problem)
        before_cal = {RESOURCES, ANALYSIS, SOLVENCY, PRESELECTED, RANKED, DEFERRED}
        self._check_stage(before_cal, "déclarer le dossier irrecevable")
        self._record(self.DeclaredInadmissible, meta, reason=reason)

    def radiate(self, reason: str, meta: Meta) -> None:
        if meta.actor.role not in RULED_ROLES["radiate"]:
            self._begin("radiate", "radiation de la demande", meta)
        problem = radiation_problem(meta.actor.role)
        if problem:
            raise RuleViolation("SNE-VALIDITE", problem)
        self._check_before_lease("radier la demande")
        until = self.sne_valid_until
        if until is None or meta.occurred_on <= until:
            msg = "Seule une demande non renouvelée à échéance est radiée" + (
                f" (valide jusqu'au {fr_day(until)})." if until else "."
            )
            raise RuleViolation("SNE-VALIDITE", msg)
        self._record(self.Radiated, meta, reason=reason)

    def expire_from_list(self, meta: Meta) -> None:
        self._begin("expire_from_list", "expiration de la liste complémentaire", meta)
        if not self.listed_after_non_attribution:
            self._check_stage({RANKED, DEFERRED}, "constater l'expiration de la liste")
        until = self.list_valid_until
        if until is None or meta.occurred_on <= until:
            msg = "Le dossier n'est pas sur une liste complémentaire expirée" + (
                f" (valide jusqu'au {fr_day(until)})." if until else "."
            )
            raise RuleViolation("LC-VALIDITE", msg)
        self._record(self.ListExpired, meta, reason="liste_complementaire_expiree")

    def close(self, reason: str, meta: Meta) -> None:
        self._begin("close", "clôture", meta)
        if not (self.is_closable or self._condition_lapsed(meta.occurred_on)):
            msg = (
                "Le dossier se clôt après le bilan d'installation ou une issue "
                "négative (écarté, non retenu, non-attribution, rejet, refus, "
                "condition suspensive non levée dans le délai)."
            )
            raise TransitionError(msg)
        self._record(self.Closed, meta, reason=reason)

    @property
    def is_closable(self) -> bool:
        decision = (self.cal_decision or {}).get("decision")
        return (
            self.stage in (REVIEWED, REFUSED, LAPSED)
            or (self.stage == PRESELECTED and self.preselection == "ecarte")
            or (
                self.stage == RANKED
                and (self.ranking or {}).get("outcome") == "non_retenu"
            )
            or (self.stage == DECIDED and decision not in ATTRIBUTIONS)
        )

    def _condition_lapsed(self, day: date) -> bool:
        """CAL-CONDITION: a condition not met by its deadline ends the attribution."""
        decision = self.cal_decision or {}
        return (
            self.stage == DECIDED
            and decision.get("decision") == "attribution_sous_condition_suspensive"
            and day > decision["condition_deadline"]
        )


# ---- the events that end a dossier (nested in domain/dossier.py `Dossier`) ----


class Ended(Event):
    """Base of the terminal events: the dossier goes no further."""

    PERSONAL: ClassVar[Mapping[str, str]] = {"reason": "Dec"}
    STAGE = CLOSED
    reason: str

    def apply(self, dossier: Dossier) -> None:
        dossier.end_reason = self.reason


class Withdrawn(Ended):
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
    STAGE = INADMISSIBLE


class Radiated(Ended):
    STAGE = RADIATED


class ListExpired(Ended):
    STAGE = LIST_EXPIRED


class Closed(Ended):
    STAGE = CLOSED


class PersonalDataErased(Event, DataErased):
    """RGPD-CONSERVATION (domain/personal.py)."""

    def apply(self, dossier: Dossier) -> None:
        dossier.applicant_name = ERASED
