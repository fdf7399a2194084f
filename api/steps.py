"""One POST endpoint per step of a procedure (a dossier's, a measure's, a
programme's, a commission's, a referral's), built from its step commands
(commands/procedures.py: a new step command needs no entry here): the body is
the step's command (or its terms, when the URL names a dwelling), `If-Match` and
`Idempotency-Key` apply, the answer is the command's."""

# No `from __future__ import annotations` here: the endpoints are built in a loop,
# and FastAPI must see each body class itself, not its name.

import inspect
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Response

from api.access import check_household_link
from api.deps import (
    CallerDep,
    ContextDep,
    DwellingRef,
    SystemDep,
    carry_out,
    with_fingerprint,
)
from api.schemas.common import CommandAnswer
from api.summaries import SUMMARIES
from commands.base import Command, RecordStep
from commands.context import Context
from commands.procedures import PROCEDURES
from domain import records
from domain.access import Caller
from domain.shared import check_role
from infra.bootstrap import System


def add_creation_route(
    router: APIRouter,
    kind: str,
    *,
    action: str,
    name: str,
    doc: str,
    refusal: str | None = None,
    check: Callable[[System, Caller, Any], None] | None = None,
) -> None:
    """POST {router prefix}: the kind's creation command (commands/procedures.py)
    opens a record, 201 with its Location; `action` is the creation's step in
    the registry (its roles, the Idempotency-Key's fingerprint). `refusal`: the
    words of the 403 before the body is read (none where a department's
    setting names the roles); `check`: what else the caller must be allowed
    first (the household the record names); `name` and `doc`: the operation's."""
    creation = PROCEDURES[kind].creation

    def create(
        body: creation,  # type: ignore[valid-type]
        ctx: ContextDep,
        caller: CallerDep,
        system: SystemDep,
        response: Response,
    ) -> CommandAnswer:
        if check is not None:
            check(system, caller, body)
        ctx = with_fingerprint(ctx, action, body.model_dump(mode="json"))
        answer = carry_out(
            system,
            creation.__name__,
            response,
            lambda: system.app.create(kind, body, ctx),
        )
        response.headers["Location"] = f"{router.prefix}/{answer.id}"
        return answer

    create.__name__, create.__doc__ = name, doc
    router.add_api_route(
        "",
        create,
        methods=["POST"],
        status_code=201,
        response_model=CommandAnswer,
        dependencies=[may_record(kind, action, refusal)] if refusal else [],
    )


def names_household(system: System, caller: Caller, body: Any) -> None:
    """The household a new record names is one Logis knows and the caller may
    name (api/access.check_household_link)."""
    check_household_link(system, caller, body.household_id)


def add_step_routes(
    router: APIRouter, kind: str, *, operation_prefix: str | None = None
) -> None:
    """POST {router prefix}/{<kind>_id}/{slug} for each step command of a record
    of that kind, carried out on the record named by the path; a step that names
    a dwelling by its URL (`dwelling_field`) is at …/dwellings/{ref}/{slug}.

    With `operation_prefix`, an operation is `<prefix>_<slug>`, its summary the
    step's title, its description its docstring and roles, and an empty body
    stands for a step whose fields are all optional. Without (programmes,
    commissions), it is named after the step's `operation` (its action unless
    said), FastAPI deriving its id, its summary api/summaries.py's (else the
    title), its description the step's `route_doc`; its body is required."""
    id_name = f"{kind}_id"
    for step in PROCEDURES[kind].steps:
        path = f"/{{{id_name}}}/{step.slug}"
        if step.dwelling_field:
            path = f"/{{{id_name}}}/dwellings/{{ref}}/{step.slug}"
        if operation_prefix:
            name = f"{operation_prefix}_{step.__name__}"
            operation_id = f"{operation_prefix}_{step.slug.replace('-', '_')}"
            summary = step.title
            description = (
                f"{(step.__doc__ or '').strip()}\n\n"
                f"Rôles autorisés : {', '.join(sorted(step.roles()))}. "
                "En-tête `If-Match` : version attendue ; `Idempotency-Key` : "
                "rejouable."
            )
        else:
            name = step.operation or step.action
            operation_id = None
            summary = SUMMARIES.get(name, step.title)
            description = step.route_doc
        router.add_api_route(
            path,
            _endpoint(step, id_name, name, optional=bool(operation_prefix)),
            methods=["POST"],
            response_model=CommandAnswer,
            summary=summary,
            description=description,
            operation_id=operation_id,
            dependencies=[Depends(role_check(step))],
        )


def role_check(step: Any) -> Callable[[Any], None]:
    """403 `role_not_allowed` before the body is read: a role that may never
    record the step is told so whatever it sent (the aggregate checks again).
    The roles its rule answers (`ruled_roles`, 409) go on to the rule."""
    ruled = getattr(step, "ruled_roles", frozenset)()
    return role_may_record(step.roles(), step.title, ruled=ruled)


def role_may_record(
    roles: frozenset[str], title: str, *, ruled: frozenset[str] = frozenset()
) -> Callable[[Any], None]:
    """The dependency of a step's route that refuses, before its body is read,
    a role outside `roles` (any kind of session's) and `ruled`."""

    def role_may_ask(caller: CallerDep) -> None:
        if caller.actor.role not in roles | ruled:
            check_role(caller.actor, roles, title)

    return role_may_ask


def may_record(kind: str, action: str, title: str) -> Any:
    """`dependencies=[...]` of a hand-written creation route: its roles are the
    registry's (domain/records.py) for that step of that kind of record."""
    return Depends(role_may_record(records.kind(kind).steps[action], title))


def carry_out_step(
    system: System, record_id: UUID, command: Any, ctx: Context, response: Response
) -> CommandAnswer:
    """Record the step `command` on the record of its kind: its fingerprint (for
    Idempotency-Key) is the step, the record, the expected version and the body."""
    body = command.model_dump(mode="json")
    ctx = with_fingerprint(
        ctx, command.slug, str(record_id), ctx.expected_version, body
    )
    return carry_out(
        system,
        type(command).__name__,
        response,
        lambda: system.app.step(command.record_kind, record_id, command, ctx),
    )


def _endpoint(
    step: type[RecordStep], id_name: str, name: str, *, optional: bool
) -> Callable[..., CommandAnswer]:
    """The step's handler, on the record named by `id_name`. A step naming a
    dwelling by its URL takes it as `ref` and its terms (its base that is a
    command and no step; none: no body) as body. Its signature shows FastAPI
    only the parameters the step has."""
    body_class = _terms(step) if step.dwelling_field else step
    required = not optional or any(f.is_required() for f in step.model_fields.values())
    default = Body() if required else Body(default=None)

    def record_step(
        aggregate_id: Annotated[UUID, Path(alias=id_name)],
        ctx: ContextDep,
        system: SystemDep,
        response: Response,
        ref: DwellingRef = "",
        body: body_class = default,  # type: ignore[valid-type]
    ) -> CommandAnswer:
        if step.dwelling_field:
            given = body.model_dump() if body_class and body is not None else {}
            command = step(**{step.dwelling_field: ref}, **given)
        else:
            command = body if body is not None else step()
        return carry_out_step(system, aggregate_id, command, ctx, response)

    dropped = {"ref"} if not step.dwelling_field else set()
    if body_class is None:
        dropped.add("body")
    signature = inspect.signature(record_step)
    kept = [
        p.replace(default=p.empty) if p.name == "ref" else p
        for p in signature.parameters.values()
        if p.name not in dropped
    ]
    record_step.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]
    record_step.__name__ = name
    return record_step


def _terms(step: type[RecordStep]) -> type[Command] | None:
    return next(
        (
            base
            for base in step.__bases__
            if issubclass(base, Command) and not issubclass(base, RecordStep)
        ),
        None,
    )
