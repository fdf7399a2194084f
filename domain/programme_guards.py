"""What the programme's steps share: the check each begins with (role, landlord,
days in order) and the reading of its dwellings. The Programme
(domain/programme.py) inherits it through its steps' mixins; the state it reads
is the one its events assign."""

from __future__ import annotations

from typing import Any

from domain.programme_steps import LET, STEP_ROLES
from domain.shared import (
    Meta,
    TransitionError,
    check_chronology,
    check_landlord,
    check_role,
)


class ProgrammeGuards:
    """The checks and derived state shared by the programme's steps."""

    @property
    def dwellings_to_let(self) -> list[str]:
        """Dwellings waiting for a household: never let yet, or vacant again."""
        return [ref for ref, d in self.dwellings.items() if d["status"] != LET]

    def _dwelling(self, ref: str) -> dict[str, Any]:
        if ref not in self.dwellings:
            msg = f"Le programme n'a pas de logement {ref}."
            raise TransitionError(msg, "unknown_dwelling")
        return self.dwellings[ref]

    def _begin(self, step: str, label: str, meta: Meta) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        check_landlord(meta.actor, self.landlord, label)
        check_chronology(meta, self.last_occurred_on)
