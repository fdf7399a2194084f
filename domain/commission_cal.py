"""What the landlord's commission d'attribution (CAL) decides on each dwelling
(DOMAIN.md §3.6): only on dossiers the commission préfectorale ranked or listed
(CAL-PREALABLE, LC-VALIDITE), one of the decisions the law knows, motivated
where it refuses (CAL-DECISION, CAL-CONDITION, CAL-MOTIF), at least three
candidates or the reason why not (CAL-TROIS), in the ranking's order. The
dossiers examined record the same decisions (domain/commission_dossiers.py).
`Commission` (domain/commission.py) mixes `CommissionCAL` in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.commission_rules import (
    cal_trois_exception,
    check_cal_order,
    check_one_household,
    check_programme_path,
    dalo_claim_problem,
)
from domain.commission_steps import ADJOURNMENT, CAL_OUTCOMES, PRIOR_OUTCOMES
from domain.commission_values import (
    CALExamination,
    DwellingFacts,
    PriorRanking,
    decision_value,
)
from domain.shared import (
    InvalidValueError,
    Meta,
    RuleViolation,
    TransitionError,
    fr_day,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


class CommissionCAL:
    """The CAL's decisions on a dwelling, mixed into `Commission`."""

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
                until = fr_day(prior.valid_until) if prior.valid_until else "?"
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
