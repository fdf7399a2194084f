"""What routes depend on: the running system, the caller, the command context."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated

import structlog
from fastapi import Depends, Header, HTTPException, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator, WithJsonSchema

from api.schemas.common import CommandAnswer
from commands.context import CommandResult, Context
from commands.idempotency import fingerprint
from domain.access import Caller
from domain.clocks import Clocks
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.shared import Actor
from domain.text import SingleLine
from infra.bootstrap import System
from infra.token_verification import IdentityProviderError, TokenError, TokenVerifier
from projections.rows import RowView

# A day or a moment in a query is written in ISO 8601: pydantic alone would also
# read a number as seconds since 1970 (`?as_of=0`: 1 January 1970).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"
)


def _iso_day(value: object) -> object:
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        msg = f"date attendue au format AAAA-MM-JJ, pas « {value} »"
        raise ValueError(msg)
    return value


def _iso_moment(value: object) -> object:
    if isinstance(value, str) and not ISO_MOMENT.fullmatch(value):
        msg = f"date et heure ISO 8601 attendues, pas « {value} »"
        raise ValueError(msg)
    return value


QueryDay = Annotated[date, BeforeValidator(_iso_day)]
QueryMoment = Annotated[datetime, BeforeValidator(_iso_moment)]

log = structlog.get_logger("logis.commands")


def get_system(request: Request) -> System:
    return request.app.state.system


SystemDep = Annotated[System, Depends(get_system)]


bearer = HTTPBearer(
    bearerFormat="JWT",
    description="Jeton OAuth2 (JWT) : `logis token` en développement, le "
    "fournisseur d'identité en production.",
    auto_error=False,
)


def _unauthorized(code: str, message: str, challenge: str) -> HTTPException:
    return HTTPException(
        401, {"code": code, "message": message}, {"WWW-Authenticate": challenge}
    )


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller the bearer token names (verified once per request: every route
    but /health and the docs asks for it, and routes ask again to scope). Async:
    a request waiting for the identity provider's keys holds no worker thread."""
    known: Caller | None = getattr(request.state, "caller", None)
    if known is not None:
        return known
    if credentials is None:
        raise _unauthorized(
            "authentication_required",
            "Authentification requise : envoyez « Authorization: Bearer <jeton> ».",
            'Bearer realm="logis"',
        )
    verifier: TokenVerifier = request.app.state.verifier
    try:
        caller = await verifier.verify_async(credentials.credentials)
    except TokenError as error:
        raise _unauthorized(
            error.code, error.message, 'Bearer realm="logis", error="invalid_token"'
        ) from None
    except IdentityProviderError as error:
        log.warning("identity_provider_unavailable", error=str(error))
        raise HTTPException(
            503,
            {
                "code": "identity_provider_unavailable",
                "message": "Le fournisseur d'identité ne répond pas : réessayez.",
            },
        ) from None
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_actor(caller: CallerDep) -> Actor:
    return caller.actor


ActorDep = Annotated[Actor, Depends(get_actor)]


IF_MATCH = r'^(\*|"[0-9]+"|[0-9]+)$'  # HTTP strips the spaces around


def parse_if_match(value: str | None) -> int | None:
    """The expected version; `*` (any version) expects none. Weak tags never match
    in If-Match (RFC 9110 §13.1.1), so they are refused rather than ignored."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip()
    if tag.startswith('"') and tag.endswith('"') and len(tag) > 2:
        tag = tag[1:-1]
    if not (tag.isascii() and tag.isdigit()):  # "²" is a digit int() refuses
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
    caller: CallerDep,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=200, description="Clé d'idempotence"),
    ] = None,
    if_match: Annotated[
        str | None,
        Header(max_length=40, description="Version attendue du dossier (ETag)"),
        # What parse_if_match accepts, stated for clients (and fuzzers): a
        # header is a string or absent, never JSON's null.
        WithJsonSchema({"type": "string", "maxLength": 40, "pattern": IF_MATCH}),
    ] = None,
) -> Context:
    actor = caller.actor
    return Context(
        actor=actor,
        department=caller.department,
        commune=caller.commune,
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
        head = system.app.recorder.max_notification_id() or 0
        if min_position > head:  # no write answered it: nothing to wait for
            raise HTTPException(
                422,
                {
                    "code": "position_not_written",
                    "message": (
                        f"La position {min_position} n'a pas été écrite : le "
                        f"journal s'arrête à la position {head}."
                    ),
                },
            )
        try:
            system.engine.wait_for(
                view, min_position, timeout=system.settings.read_wait_seconds
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


# Positions and offsets are 64-bit integers in the store and the views.
MAX_POSITION = 2**63 - 1
MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_POSITION,
        description="Attendre que la vue ait intégré cette position (vos "
        "écritures) ; une position que le journal n'a pas écrite : 422",
    ),
]
Offset = Annotated[int, Query(ge=0, le=MAX_POSITION)]
DepartmentQuery = Annotated[
    str | None, Query(pattern=DEPARTMENT_CODE_PATTERN, description="Département")
]
CommuneQuery = Annotated[
    str | None, Query(pattern=COMMUNE_PATTERN, description="INSEE")
]
Limit = Annotated[int, Query(ge=1, le=500)]
ReferenceDay = Annotated[
    QueryDay | None,
    Query(description="Jour de référence (défaut : aujourd'hui, heure locale)"),
]


def one_of(values: tuple[str, ...], words: str) -> object:
    """An optional query parameter taking one of `values`, listed after
    `words` in its description ("Un des statuts"); the route checks the value
    (`check_known`) to answer a 422 in French."""
    return Annotated[
        str | None,
        Query(
            max_length=40,
            json_schema_extra={"enum": list(values)},
            description=f"{words} : {', '.join(values)}",
        ),
    ]


def check_known(what: str, value: str | None, known: tuple[str, ...]) -> None:
    """422 `invalid_input` when `value` is given and not one of `known`."""
    if value is not None and value not in known:
        message = f"{what} inconnu : « {value} » (attendu : {', '.join(known)})."
        raise HTTPException(422, {"code": "invalid_input", "message": message})


# Not blank: the commands strip it, and a blank reference names no dwelling.
DwellingRef = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="Référence du logement",
    ),
    SingleLine,  # the command's own rule, refused here as a bad parameter
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


AS_OF_HELP = (
    "Ce qui était survenu à la fin de ce jour (AAAA-MM-JJ), d'après la date "
    "de survenue de chaque étape (occurred_on, calendrier du département) ; "
    "défaut : aujourd'hui. Un jour à venir est admis : les étapes enregistrées "
    "à ce jour, jugées à ce jour-là (échéances dépassées d'ici là). "
    "Compatibilité : une date et heure (ancienne lecture par date "
    "d'enregistrement) est lue comme known_at."
)
KNOWN_AT_HELP = (
    "Ce que le registre savait à cet instant (date et heure ISO 8601, sans "
    "fuseau : UTC), d'après l'heure d'enregistrement de chaque événement ; "
    "défaut : maintenant. Un instant à venir : 422 known_at_in_future."
)
AsOfParam = Annotated[str | None, Query(max_length=64, description=AS_OF_HELP)]
KnownAtParam = Annotated[str | None, Query(max_length=64, description=KNOWN_AT_HELP)]


def _invalid_clock(code: str, message: str) -> HTTPException:
    """422: a malformed clock is `invalid_input`, as any malformed parameter."""
    return HTTPException(422, {"code": code, "message": message})


def parse_known_at(value: str) -> datetime:
    """An ISO 8601 moment, naive meaning UTC; a bare day is refused (which
    hour of which zone would it be?)."""
    try:
        if "T" not in value.upper() and " " not in value.strip():
            raise ValueError
        moment_ = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _invalid_clock(
            "invalid_input",
            f"known_at « {value} » n'est pas une date et heure ISO 8601 "
            "(p. ex. 2026-03-12T14:30:00-04:00).",
        ) from None
    if not 1900 <= moment_.year <= 2100:  # and local times stay representable
        raise _invalid_clock(
            "invalid_input", f"known_at « {value} » hors bornes (années 1900 à 2100)."
        )
    return moment(moment_)


def read_clocks(as_of: AsOfParam = None, known_at: KnownAtParam = None) -> Clocks:
    """The two clocks of a read (domain/clocks.py), from `?as_of=&known_at=`.
    `as_of` is a day; a date and time there keeps its former meaning (the
    recording clock) and is read as `known_at`, unless both are given."""
    known = parse_known_at(known_at) if known_at is not None else None
    if as_of is None:
        return Clocks(None, known)
    text = as_of.strip()
    if "T" in text.upper() or " " in text:  # a moment: the former as_of
        if known is not None:
            raise _invalid_clock(
                "ambiguous_clocks",
                "as_of est un jour (AAAA-MM-JJ) ; l'instant d'enregistrement se "
                "donne dans known_at.",
            )
        try:
            return Clocks(None, parse_known_at(text))
        except HTTPException:
            pass  # refused below, as an as_of
    else:
        try:
            return Clocks(date.fromisoformat(text), known)
        except ValueError:
            pass
    raise _invalid_clock(
        "invalid_input",
        f"as_of « {as_of} » n'est pas un jour AAAA-MM-JJ (p. ex. 2026-03-12).",
    )


ClocksDep = Annotated[Clocks, Depends(read_clocks)]


def moment(as_of: datetime) -> datetime:
    """A moment to replay to: naive means UTC."""
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
