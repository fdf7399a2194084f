"""Every command by its name, and the one way to carry out any of them: what
the demo and `logis import` share (the API has a route per command)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.department import AdoptSettings
from commands.procedures import PROCEDURES, procedure_of

if TYPE_CHECKING:
    from uuid import UUID

    from commands.application import Logis
    from commands.base import Command
    from commands.context import CommandResult, Context

# Commands that create a record (no target) and the steps on one (a target).
CREATIONS: tuple[type[Command], ...] = (
    AdoptSettings,
    *(procedure.creation for procedure in PROCEDURES.values()),
)
COMMANDS: dict[str, type[Command]] = {
    cls.__name__: cls
    for cls in (
        *CREATIONS,
        *(step for procedure in PROCEDURES.values() for step in procedure.steps),
    )
}


def dispatch(
    app: Logis, code: str, command: Command, target: UUID | None, ctx: Context
) -> CommandResult:
    """Carry out `command` (on record `target` for a step; settings for
    department `code`) as the application's entry point for it would."""
    if isinstance(command, AdoptSettings):
        return app.adopt_settings(code, command, ctx)
    procedure, creates = procedure_of(command)
    if creates:
        return app.create(procedure.kind.name, command, ctx)  # type: ignore[arg-type]
    assert target is not None
    return app.step(procedure.kind.name, target, command, ctx)  # type: ignore[arg-type]
