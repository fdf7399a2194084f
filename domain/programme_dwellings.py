"""A programme's dwellings after its announcement (DOMAIN.md §2, §10;
LOGEMENT-UNIQUE, LC-VALIDITE): each let to the household a CAL attributed it,
attributed by a CAL, falling vacant, and the candidates proposed for it."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from domain.programme_guards import ProgrammeGuards
from domain.programme_steps import CONCERTED, LET, ONE_HOUSEHOLD, TO_LET
from domain.shared import Meta, RuleViolation, TransitionError, check_landlord, fr_day

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from uuid import UUID

    from domain.liste import ListedCandidate


class ProgrammeDwellings(ProgrammeGuards):
    """The steps on the programme's dwellings."""

    def let_dwelling(
        self, ref: str, dossier_id: UUID, lease_start: date, meta: Meta
    ) -> None:
        self._begin("let_dwelling", "location d'un logement", meta)
        dwelling = self._dwelling(ref)
        if dwelling["status"] == LET:
            msg = f"Le logement {ref} est déjà loué."
            raise TransitionError(msg, "dwelling_not_available")
        # A delivery goes through its concertation first; a vacancy may be served
        # straight from a valid liste complémentaire (DOMAIN.md §10).
        if (
            dwelling["status"] == TO_LET
            and self.kind == "livraison"
            and self.stage != CONCERTED
        ):
            msg = "Les logements livrés s'attribuent après la concertation."
            raise TransitionError(msg, "concertation_not_held")
        vacated_on = dwelling["vacated_on"]
        if vacated_on is not None and lease_start < vacated_on:
            msg = f"Le logement {ref} n'est libre qu'au {fr_day(vacated_on)}."
            raise TransitionError(msg, "dwelling_not_available")
        for other, held in self.dwellings.items():
            if held["status"] == LET and held["dossier_id"] == dossier_id:
                msg = f"Ce ménage loue déjà le logement {other} du programme."
                raise TransitionError(msg, "household_already_housed")
        attributed = (dwelling.get("attribution") or {}).get("dossier_ids", ())
        if dossier_id not in attributed:
            msg = (
                f"Aucune décision de CAL n'attribue le logement {ref} à ce ménage : "
                "le bail suit l'attribution."
            )
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        self._record(
            self.DwellingLet,
            meta,
            ref=ref,
            dossier_id=dossier_id,
            lease_start=lease_start,
        )

    def attribute_dwelling(
        self,
        ref: str,
        commission_id: UUID,
        dossier_ids: Sequence[UUID],
        in_the_running: Sequence[UUID],
        meta: Meta,
    ) -> None:
        """The CAL's attribution takes the dwelling. `in_the_running`: the
        households of its current attribution that have not declined it (nor
        withdrawn), read by the application; while one remains, or the dwelling
        is let, no other decision may attribute it."""
        # The role is the CAL's (commission.STEP_ROLES), checked with its decision.
        check_landlord(meta.actor, self.landlord, "attribution d'un logement")
        dwelling = self._dwelling(ref)
        if dwelling["status"] == LET:
            msg = f"Le logement {ref} est déjà loué : il ne peut être attribué."
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        if in_the_running:
            msg = (
                f"Le logement {ref} est déjà attribué par une CAL à un ménage qui "
                "ne l'a pas refusé."
            )
            raise RuleViolation(ONE_HOUSEHOLD, msg)
        self._record(
            self.DwellingAttributed,
            meta,
            ref=ref,
            commission_id=commission_id,
            dossier_ids=list(dossier_ids),
        )

    def check_not_let(self, refs: Sequence[str]) -> None:
        """A CAL is not convened on a dwelling already let (LOGEMENT-UNIQUE)."""
        let = [ref for ref in refs if self._dwelling(ref)["status"] == LET]
        if let:
            msg = f"Logement(s) déjà loué(s) : {', '.join(let)}."
            raise RuleViolation(ONE_HOUSEHOLD, msg)

    def vacate_dwelling(self, ref: str, vacated_on: date, meta: Meta) -> None:
        self._begin("vacate_dwelling", "vacance d'un logement", meta)
        dwelling = self._dwelling(ref)
        if dwelling["status"] != LET:
            msg = f"Le logement {ref} n'est pas loué : il ne peut se libérer."
            raise TransitionError(msg, "dwelling_not_let")
        if vacated_on < dwelling["lease_start"]:
            msg = "Le logement ne peut se libérer avant le début du bail."
            raise TransitionError(msg, "vacated_before_lease")
        self._record(self.DwellingVacated, meta, ref=ref, vacated_on=vacated_on)

    def propose_candidates(
        self, ref: str, candidates: Sequence[ListedCandidate], meta: Meta
    ) -> None:
        """Recorded with the vacancy (or a vacance programme's announcement), and
        again whenever the landlord asks: the list as it stood that day."""
        self._begin("propose_candidates", "proposition de candidats", meta)
        if self._dwelling(ref)["status"] == LET:
            msg = f"Le logement {ref} est loué : aucun candidat à proposer."
            raise TransitionError(msg, "dwelling_not_vacant")
        self._record(
            self.CandidatesProposed,
            meta,
            ref=ref,
            candidates=[asdict(c) for c in candidates],
        )
