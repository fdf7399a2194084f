"""Who may see what of each dossier in the minutes (DOMAIN.md §9)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from api.minutes.model import Household
from domain import access, categories

if TYPE_CHECKING:
    from commands.application import Logis
    from domain.access import Caller


WITHHELD = "non communiqué"


class Readers:
    """Who may see what of each dossier: all of it for `None` (the operator's
    CLI), else the matrix and the §9 categories of the caller's role."""

    def __init__(self, app: Logis, caller: Caller | None) -> None:
        self.app = app
        self.caller = caller
        self.households: dict[UUID, Household] = {}
        self.landlords: dict[UUID, str | None] = {}

    def reads(self, category: str) -> bool:
        return self.caller is None or categories.reads_category(
            self.caller.role, category
        )

    def household(self, dossier_id: UUID) -> Household:
        if dossier_id not in self.households:
            self.households[dossier_id] = self._household(dossier_id)
        return self.households[dossier_id]

    def _household(self, dossier_id: UUID) -> Household:
        dossier = self.app.get_dossier(dossier_id)
        if self.caller is not None:
            facts = self.app.record_facts(
                "dossier", dossier, self.caller, self.landlords
            )
            if access.may_read(self.caller, "dossier", facts) is not True:
                return Household(dossier_id, None, None)
        name = dossier.applicant_name if self.reads("Id") else None
        return Household(dossier_id, name, dossier)

    def motive(self, household: Household, motive: str | None) -> str | None:
        if not (motive or "").strip():
            return None
        if household.dossier is None or not self.reads("Dec"):
            return WITHHELD
        return motive
