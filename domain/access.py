"""Who may see and do what (issue 7): the caller a request comes from, and the
territory their credentials scope them to (DOMAIN.md §1, §9)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.shared import Actor


@dataclass(frozen=True)
class Caller:
    """The person behind a request: who they are (their `Actor`, recorded on
    the events they write) and where they act. A Mairie or a CCAS acts for
    its commune, a Préfecture, a DEAL or a Département for its department;
    the others for their organisation, wherever its records are."""

    actor: Actor
    department: str | None = None
    commune: str | None = None

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def organisation(self) -> str:
        return self.actor.organisation
