"""Logging reads of personal data (issue 7, DOMAIN.md §9): every route that
answers with a dossier's, a measure's or a referral's personal data takes an
`AccessLogDep` and, once its answer is built, records which records it read:

    access.record("dossier", [dossier_id], DOSSIER)

One row per record (a list writes one per record in its page), in one
transaction. If the log cannot be written the answer is 503 `access_log_unavailable`:
personal data is not served unlogged. Who read is the request's caller, the
endpoint its method and route template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import structlog
from fastapi import Depends, HTTPException, Request

from api.deps import CallerDep, SystemDep
from domain import records
from infra.access_entries import AccessEntry, AccessLogUnavailable

if TYPE_CHECKING:
    from domain.access import Caller
    from infra.bootstrap import System

log = structlog.get_logger("logis.access")

# The kinds of record whose reads are logged: those holding personal data
# (domain/records.py: a kind that reveals some).
LOGGED_KINDS = records.LOGGED
# What each kind of answer reveals, by DOMAIN.md §9 category: a record or its
# history as its kind declares, and the answers that show less or more.
DOSSIER = records.kind("dossier").reveals  # the dossier, its history
DOSSIER_ROW = ("Id",)  # a list row: name, household, numéro unique, stage
DOSSIER_TRAIL = records.kind("dossier").trail_reveals  # its audit trail
DOSSIER_FOLLOW_UP = ("M",)  # bilans d'installation, support asked
COMMISSION_ENTRY = ("Soc", "Dec")  # a list's entry: RDA criteria, decision
MINUTES = ("Id", "Dec")  # a procès-verbal: the household named, its motives
MESURE = records.kind("mesure").reveals  # the measure, its history
MESURE_ROW = ("Id", "M")
SAISINE = records.kind("saisine").reveals  # the referral, its history
SAISINE_ROW = ("Id", "Debt")  # a list row: household, landlord, stage, court dates
LEGALITY = ("Res", "Dec")  # the rules a record's history breaks
LEGALITY_NAMED = ("Id", "Res", "Dec")  # the same, its applicant named (a report)


def trail_categories(kind: str) -> tuple[str, ...]:
    """What a record's audit trail reveals; () for a programme's or a
    commission's (no household's personal data: not logged)."""
    return records.kind(kind).trail_reveals


@dataclass(frozen=True)
class AccessRecorder:
    system: System
    caller: Caller
    endpoint: str
    request_id: str

    def record(
        self, kind: str, ids: Iterable[UUID], categories: tuple[str, ...]
    ) -> None:
        """Log one row per record read (none for an empty page), or answer 503."""
        at = datetime.now(UTC)
        actor = self.caller.actor
        entries = [
            AccessEntry(
                at=at,
                subject=actor.subject,
                role=actor.role,
                organisation=actor.organisation,
                kind=kind,
                record_id=record_id,
                endpoint=self.endpoint,
                request_id=self.request_id,
                categories=categories,
            )
            for record_id in dict.fromkeys(ids)  # each record once, in order
        ]
        try:
            self.system.access_log.append(entries)
        except AccessLogUnavailable as error:
            log.error(
                "access_log_unavailable", endpoint=self.endpoint, error=str(error)
            )
            raise HTTPException(
                503,
                {
                    "code": "access_log_unavailable",
                    "message": "Le journal des accès ne peut pas être écrit : "
                    "les données personnelles ne sont pas servies. Réessayez.",
                },
            ) from None


def access_recorder(
    request: Request, caller: CallerDep, system: SystemDep
) -> AccessRecorder:
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    request_id = getattr(request.state, "request_id", "")
    return AccessRecorder(system, caller, f"{request.method} {template}", request_id)


AccessLogDep = Annotated[AccessRecorder, Depends(access_recorder)]
