"""Idempotency keys: a retried command returns its first answer, appends nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from commands.context import UNREAD, CommandResult
from commands.errors import InvalidCommandError

if TYPE_CHECKING:
    from commands.context import Context, LogisRecorder


@dataclass(frozen=True)
class IdempotencyRecord:
    """Saved with the command's events, in the same transaction."""

    key: str
    fingerprint: str
    answer: dict[str, Any]

    def stored_answer(self) -> str:
        """The answer as the store keeps it (JSON)."""
        return json.dumps(self.answer, separators=(",", ":"), ensure_ascii=False)


def fingerprint(*parts: Any) -> str:
    """A stable digest of what was asked (target, command, body, actor)."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


Found = tuple[str, dict[str, Any], int]  # fingerprint, answer, position


def replayed(
    store: LogisRecorder, ctx: Context, found: Found | None = UNREAD
) -> CommandResult | None:
    """The first answer to a command sent again with its idempotency key (as
    `found` read it with the command's other reads, else read now); 422 when
    the key served for another request."""
    if not ctx.idempotency_key:
        return None
    if found is UNREAD:
        found = store.find_idempotency(ctx.idempotency_key)
    if found is None:
        return None
    saved_fingerprint, answer, position = found
    if saved_fingerprint != ctx.fingerprint:
        msg = (
            "Cette clé d'idempotence a déjà servi pour une autre requête : "
            "utilisez une nouvelle clé."
        )
        raise InvalidCommandError(msg, "idempotency_key_reused")
    return CommandResult(
        UUID(answer["id"]), answer["version"], position, answer["stage"], True
    )
