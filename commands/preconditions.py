"""What every command checks before it acts, besides its own rules: its date,
its correlation id, and the version of its record it expects."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from commands.errors import ConcurrencyError, InvalidCommandError
from domain.department import IMPORT_PREFIX, import_of, local_today
from domain.shared import Meta, fr_day

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from commands.base import Command
    from commands.context import Context


def event_meta(command: Command, ctx: Context, department: str) -> Meta:
    """The event metadata; `occurred_on` defaults to the department's today."""
    today = local_today(department, ctx.now)
    occurred_on = command.occurred_on or today
    if occurred_on > today:
        msg = f"La date de l'étape ({fr_day(occurred_on)}) est dans le futur."
        raise InvalidCommandError(msg, "occurred_on_in_future")
    if import_of(ctx.correlation_id) != ctx.import_id or (
        ctx.correlation_id.startswith(IMPORT_PREFIX) and ctx.import_id is None
    ):
        msg = (
            f"L'identifiant de corrélation « {ctx.correlation_id} » est réservé "
            "aux imports d'historique (logis import)."
        )
        raise InvalidCommandError(msg, "reserved_correlation_id")
    return Meta(ctx.actor, occurred_on, uuid4(), ctx.correlation_id)


def check_expected_version(aggregate: Aggregate, ctx: Context) -> None:
    if ctx.expected_version is not None and ctx.expected_version != aggregate.version:
        msg = (
            f"Version attendue {ctx.expected_version}, version actuelle "
            f"{aggregate.version} : rechargez-le avant de recommencer."
        )
        raise ConcurrencyError(msg)
