"""The bail glissant of an ASLL measure (DOMAIN.md §4, §10; BG-GLISSEMENT):
the association's head lease with the landlord, the sublease to the household,
the periodic reviews with both parties, and the end: the lease sliding to the
household, or the sublease ended. Beside the measure's stage, the lease keeps
its own course (`Mesure.bail`).

Mixed into the aggregate, domain/mesure.py `Mesure`."""

from __future__ import annotations

from datetime import date

from domain.mesure_steps import HEAD_LEASE, HOLDS_A_PLACE, SUBLET
from domain.shared import (
    InvalidValueError,
    Meta,
    TransitionError,
    check_landlord,
    check_stated,
)


class BailGlissant:
    """The bail glissant's steps, mixed into `Mesure`."""

    def sign_head_lease(
        self, landlord: str, dwelling_ref: str, starts_on: date, meta: Meta
    ) -> None:
        self._begin("sign_head_lease", "bail principal", meta)
        self._check_bail_glissant()
        self._check_stage(HOLDS_A_PLACE, "signer le bail principal")
        self._check_association(meta)
        if self.bail is not None:
            msg = "Le bail principal est déjà signé."
            raise TransitionError(msg)
        if not landlord.strip() or not dwelling_ref.strip():
            msg = "Le bail principal nomme le bailleur et le logement."
            raise InvalidValueError(msg)
        self._record(
            self.HeadLeaseSigned,
            meta,
            landlord=landlord,
            dwelling_ref=dwelling_ref,
            starts_on=starts_on,
        )

    def sign_sublease(self, starts_on: date, meta: Meta) -> None:
        self._begin("sign_sublease", "sous-location au ménage", meta)
        self._check_bail(HEAD_LEASE, "sous-louer")
        self._check_association(meta)
        if starts_on < self.bail["head_lease_on"]:
            msg = "La sous-location suit le bail principal."
            raise InvalidValueError(msg)
        self._record(self.SubleaseSigned, meta, starts_on=starts_on)

    def review_sublease(self, findings: str, meta: Meta) -> None:
        self._begin("review_sublease", "point sur le bail glissant", meta)
        self._check_bail(SUBLET, "faire le point")
        self._check_association(meta)
        check_landlord(meta.actor, self.bail["landlord"], "point sur le bail glissant")
        check_stated(findings, "Le point périodique consigne ses constats.")
        self._record(self.SubleaseReviewed, meta, findings=findings)

    def slide_lease(self, meta: Meta) -> None:
        self._begin("slide_lease", "glissement du bail", meta)
        self._check_bail(SUBLET, "faire glisser le bail")
        check_landlord(meta.actor, self.bail["landlord"], "glissement du bail")
        self._record(self.LeaseSlid, meta)

    def end_sublease(self, motive: str, meta: Meta) -> None:
        self._begin("end_sublease", "fin de la sous-location", meta)
        self._check_bail(SUBLET, "mettre fin à la sous-location")
        self._check_association(meta)
        check_stated(motive, "La fin de la sous-location est motivée.")
        self._record(self.SubleaseEnded, meta, motive=motive)

    def _check_bail_glissant(self) -> None:
        if self.kind != "bail_glissant":
            msg = "Seule une mesure de bail glissant porte un bail principal."
            raise TransitionError(msg, "not_a_bail_glissant")

    def _check_bail(self, status: str, what: str) -> None:
        self._check_bail_glissant()
        if (self.bail or {}).get("status") != status:
            msg = f"Impossible de {what} : le bail glissant n'en est pas là."
            raise TransitionError(msg)
