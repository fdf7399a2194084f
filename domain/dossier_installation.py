"""The LLTS dossier after the household accepted its offer (DOMAIN.md §10): the
lease, the entry, the collective information meetings (ENTREE-INFO) and the
installation review (BILAN-SUITE)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.dossier_guards import DossierGuards
from domain.dossier_rules import ATTRIBUTIONS, support_breach
from domain.dossier_steps import (
    ACCEPTED,
    AFTER_ATTRIBUTION,
    ENTERED,
    INSTALLATION_OUTCOMES,
    LEASE,
)
from domain.shared import Meta, TransitionError, refuse

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings


class DossierInstallation(DossierGuards):
    """The lease and what follows it."""

    def sign_lease(
        self, lease_start: date, rent: Decimal, charges: Decimal, meta: Meta
    ) -> None:
        self._begin("sign_lease", "signature du bail", meta)
        self._check_stage({ACCEPTED}, "signer le bail")
        self._check_amount(rent, "Le loyer et les charges")
        self._check_amount(charges, "Le loyer et les charges")
        if lease_start < self.proposal["offered_on"]:
            msg = "Le bail ne peut prendre effet avant la proposition du logement."
            raise TransitionError(msg, "lease_before_offer")
        self._record(
            self.LeaseSigned,
            meta,
            dwelling_ref=self.proposal["dwelling_ref"],
            lease_start=lease_start,
            rent=rent,
            charges=charges,
        )

    def enter(self, meta: Meta) -> None:
        self._begin("enter", "entrée dans les lieux", meta)
        self._check_stage({LEASE}, "enregistrer l'entrée dans les lieux")
        if meta.occurred_on < self.lease["lease_start"]:
            msg = "L'entrée dans les lieux précède la prise d'effet du bail."
            raise TransitionError(msg, "entry_before_lease")
        self._record(self.Entered, meta)

    def attend_information_meeting(self, topics: list[str], meta: Meta) -> None:
        self._begin(
            "attend_information_meeting",
            "réunion d'information collective",
            meta,
            chronological=False,
        )
        decision = self.cal_decision or {}
        if self.stage not in AFTER_ATTRIBUTION or decision["decision"] not in (
            ATTRIBUTIONS
        ):
            msg = "Les réunions d'information suivent une attribution par la CAL."
            raise TransitionError(msg)
        if meta.occurred_on < decision["decided_on"]:
            msg = "La réunion d'information ne peut précéder la décision de la CAL."
            raise TransitionError(msg, "occurred_on_out_of_order")
        self._record(self.InformationMeetingAttended, meta, topics=topics)

    def review_installation(
        self,
        outcome: str,
        findings: str,
        support_months: int | None,
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("review_installation", "bilan d'installation", meta)
        self._check_stage({ENTERED}, "faire le bilan d'installation")
        if outcome not in INSTALLATION_OUTCOMES:
            msg = f"Issue du bilan inconnue : {', '.join(INSTALLATION_OUTCOMES)}."
            raise TransitionError(msg, "invalid_outcome")
        refuse(support_breach(outcome, support_months, settings))
        self._record(
            self.InstallationReviewed,
            meta,
            outcome=outcome,
            findings=findings,
            support_months=support_months if outcome == "problemes" else None,
        )
