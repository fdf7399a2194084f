"""What routes depend on: the running system, the caller, the command context."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import unquote

import structlog
from fastapi import Depends, Header, HTTPException, Query, Request, Response

from api.schemas import CommandAnswer
from commands.application import CommandResult, Context
from commands.idempotency import fingerprint
from domain.access import Caller
from domain.shared import ROLES, Actor
from infra.bootstrap import System
from projections.rows import RowView

log = structlog.get_logger("logis.commands")


def get_system(request: Request) -> System:
    return request.app.state.system


SystemDep = Annotated[System, Depends(get_system)]


def get_caller(
    x_logis_role: Annotated[str | None, Header(description="Rôle de l'acteur")] = None,
    x_logis_organisation: Annotated[
        str | None,
        Header(description="Organisation de l'acteur (UTF-8 encodé en %XX accepté)"),
    ] = None,
    x_logis_subject: Annotated[
        str | None, Header(description="Identifiant de la personne")
    ] = None,
    x_logis_department: Annotated[
        str | None, Header(description="Département où l'acteur agit")
    ] = None,
    x_logis_commune: Annotated[
        str | None, Header(description="Commune où l'acteur agit (code INSEE)")
    ] = None,
) -> Caller:
    # Identity is declared by headers until authentication (JWT) replaces it.
    if not (x_logis_role and x_logis_organisation and x_logis_subject):
        raise HTTPException(
            401,
            {
                "code": "authentication_required",
                "message": "Identité de l'acteur manquante (en-têtes X-Logis-Subject, "
                "X-Logis-Role, X-Logis-Organisation).",
            },
        )
    if x_logis_role not in ROLES:
        raise HTTPException(
            401,
            {"code": "unknown_role", "message": f"Rôle inconnu : « {x_logis_role} »."},
        )
    # Header values are latin-1 on the wire: "Pr%C3%A9fecture" carries "Préfecture".
    actor = Actor(
        subject=unquote(x_logis_subject)[:128],
        role=x_logis_role,
        organisation=unquote(x_logis_organisation)[:200],
    )
    return Caller(actor, x_logis_department, x_logis_commune)


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_actor(caller: CallerDep) -> Actor:
    return caller.actor


ActorDep = Annotated[Actor, Depends(get_actor)]


def parse_if_match(value: str | None) -> int | None:
    """The expected version; `*` (any version) expects none. Weak tags never match
    in If-Match (RFC 9110 §13.1.1), so they are refused rather than ignored."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip()
    if tag.startswith('"') and tag.endswith('"') and len(tag) > 2:
        tag = tag[1:-1]
    if not tag.isdigit():
        raise HTTPException(
            422,
            {
                "code": "invalid_if_match",
                "message": 'If-Match attend une seule version forte, par ex. "3".',
            },
        )
    return int(tag)


def command_context(
    request: Request,
    actor: ActorDep,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=200, description="Clé d'idempotence"),
    ] = None,
    if_match: Annotated[
        str | None, Header(description="Version attendue du dossier (ETag)")
    ] = None,
) -> Context:
    return Context(
        actor=actor,
        correlation_id=request.state.correlation_id,
        now=datetime.now(UTC),
        expected_version=parse_if_match(if_match),
        # Keys are the caller's organisation's own: another one's key never collides.
        idempotency_key=(
            f"{actor.organisation}\x1f{idempotency_key}" if idempotency_key else None
        ),
    )


ContextDep = Annotated[Context, Depends(command_context)]


def with_fingerprint(ctx: Context, *parts: object) -> Context:
    """The idempotency fingerprint: who asked what, on which resource."""
    return replace(ctx, fingerprint=fingerprint(ctx.actor.__dict__, *parts))


def current_view(system: System, name: str, min_position: int | None) -> RowView:
    """The view readers use now, once it has passed `min_position` (read-your-writes).

    503 while the view's first generation is still being built, or when it has not
    reached the position within LOGIS_READ_WAIT_SECONDS.
    """
    view = system.engine.reader(name)
    deadline = time.monotonic() + system.settings.read_wait_seconds
    while view is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first generation is being built: give it a moment
        view = system.engine.reader(name)
    if view is None:
        raise HTTPException(
            503,
            {
                "code": "projection_building",
                "message": f"La vue « {name} » est en construction : réessayez.",
            },
        )
    if min_position:
        try:
            view.wait(
                system.app.name, min_position, timeout=system.settings.read_wait_seconds
            )
        except TimeoutError:
            raise HTTPException(
                503,
                {
                    "code": "projection_lagging",
                    "message": (
                        f"La vue « {name} » n'a pas encore atteint la position "
                        f"{min_position} : réessayez dans un instant."
                    ),
                },
            ) from None
    return view


MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        description="Attendre que la vue ait intégré cette position (vos écritures)",
    ),
]


def carry_out(
    system: System,
    command: str,
    response: Response,
    call: Callable[[], CommandResult],
) -> CommandAnswer:
    """Run a command with its metrics and log line; answer with its ETag."""
    with system.metrics.command(command) as outcome:
        result = call()
        outcome.record(result)
    log.info(
        "command_applied",
        command=command,
        aggregate_id=str(result.id),
        version=result.version,
        position=result.position,
        replayed=result.replayed,
    )
    response.headers["ETag"] = f'"{result.version}"'
    return CommandAnswer.of(result)


AsOf = Annotated[
    datetime | None,
    Query(
        description="Date et heure ISO 8601 : l'état à ce moment (sans fuseau : UTC)"
    ),
]


def moment(as_of: datetime) -> datetime:
    """A moment to replay to: naive means UTC."""
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
