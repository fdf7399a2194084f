"""The commission session an event of a record belongs to (each kind declares
how, domain/records.py): a session's own events; a dossier's pré-sélection,
ranking, CAL decision or deferral; the one commission whose liste
complémentaire a vacancy's candidates all come from."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.programme import Programme


def named_session(event: Any) -> UUID | None:
    """The session the event names, if any."""
    found = getattr(event, "commission_id", None)
    return found if isinstance(found, UUID) else None


def own_session(event: Any) -> UUID | None:
    """A session's events belong to it."""
    return event.originator_id  # type: ignore[no-any-return]


def proposing_session(event: Any) -> UUID | None:
    """A programme's candidates proposed from one session's liste complémentaire."""
    if isinstance(event, Programme.CandidatesProposed):
        ids = {candidate.get("commission_id") for candidate in event.candidates}
        only = ids.pop() if len(ids) == 1 else None
        return UUID(str(only)) if only else None
    return named_session(event)
