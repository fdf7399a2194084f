"""What every step of an LLTS dossier checks before it records its event: the
role and the landlord, a dossier not ended, the days in order (`_begin`), the
stage the step follows, and the dossier's derived state the steps read.

The Dossier (domain/dossier.py) inherits it through its steps' mixins; the
state it reads (`stage`, `cal_decision`, ...) is the one its events assign.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.dossier_rules import sne_valid_until
from domain.dossier_steps import (
    DECIDED,
    ENQUETE,
    ENTERED,
    IDENTIFIED,
    LEASE,
    MAIRIE,
    RANKED,
    REVIEWED,
    STAGE_LABELS,
    STEP_ROLES,
    TERMINAL,
    WITHDRAWN,
)
from domain.shared import (
    InvalidValueError,
    Meta,
    RuleViolation,
    TransitionError,
    check_chronology,
    check_landlord,
    check_not_ended,
    check_role,
)


class DossierGuards:
    """The checks and derived state shared by the dossier's steps."""

    @property
    def sne_valid_until(self) -> date | None:
        return sne_valid_until(self.sne_valid_from)

    @property
    def declined_offer(self) -> bool:
        """Out of the running for its dwelling: refused, lapsed or withdrawn."""
        answer = (self.proposal or {}).get("answer")
        return answer in ("refusee", "caduque") or self.stage == WITHDRAWN

    @property
    def listed_after_non_attribution(self) -> bool:
        """LC-VALIDITE: one CAL's non-attribution (for that dwelling) keeps the
        household on its commune's liste complémentaire, for the other
        dwellings and landlords, until the list expires."""
        return (
            self.stage == DECIDED
            and (self.ranking or {}).get("outcome") == "liste_complementaire"
            and (self.cal_decision or {}).get("decision") == "non_attribution"
        )

    @property
    def awaits_a_dwelling(self) -> bool:
        """Ranked or listed, and no CAL has attributed it a dwelling."""
        return self.stage == RANKED or self.listed_after_non_attribution

    def _begin(
        self, step: str, label: str, meta: Meta, *, chronological: bool = True
    ) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        # A listed household one CAL did not attribute is any landlord's to examine.
        reexamined = step in ("decide", "defer") and self.listed_after_non_attribution
        if not reexamined:
            landlord = (self.cal_decision or {}).get("landlord")
            check_landlord(meta.actor, landlord, label)
        how = f"Le dossier est terminé ({STAGE_LABELS.get(self.stage)})"
        check_not_ended(self.stage in TERMINAL, how, label, "dossier_ended")
        if chronological:
            check_chronology(meta, self.last_occurred_on)

    def _check_chain(self, previous: str, what: str) -> None:
        """DOS-ORDRE: each step of the instruction chain follows the one before."""
        if self.stage != previous:
            msg = (
                f"Ordre de la procédure : {what} suit l'étape "
                f"« {STAGE_LABELS[previous]} », le dossier est à l'étape "
                f"« {STAGE_LABELS[self.stage]} »."
            )
            raise RuleViolation("DOS-ORDRE", msg)

    def _check_complete(self, to_whom: str) -> None:
        """DOS-COMPLET: only a complete dossier goes to the DEAL and the ALS."""
        if self.stage in (IDENTIFIED, ENQUETE, MAIRIE):
            msg = f"Seul un dossier complet est transmis {to_whom}."
            raise RuleViolation("DOS-COMPLET", msg)

    @staticmethod
    def _check_amount(amount: Decimal, what: str) -> None:
        if amount < 0:
            msg = f"{what} ne peuvent être négatifs ({amount})."
            raise InvalidValueError(msg)

    @staticmethod
    def _check_documents(documents: list[str]) -> None:
        if not documents or any(not doc.strip() for doc in documents):
            msg = "Au moins une pièce, chacune nommée."
            raise InvalidValueError(msg)

    def _check_stage(self, allowed: set[str] | frozenset[str], what: str) -> None:
        if self.stage not in allowed:
            msg = f"Impossible de {what} à l'étape « {STAGE_LABELS[self.stage]} »."
            raise TransitionError(msg)

    def _check_before_lease(self, what: str) -> None:
        if self.stage in (LEASE, ENTERED, REVIEWED):
            msg = f"Impossible de {what} après la signature du bail."
            raise TransitionError(msg)
