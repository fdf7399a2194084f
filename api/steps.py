"""One POST endpoint per step of a procedure (a dossier's, a measure's, a
referral's), built from its commands' `STEPS`: the body is the step's command,
`If-Match` and `Idempotency-Key` apply, the answer is the command's."""

# No `from __future__ import annotations` here: the endpoints are built in a loop,
# and FastAPI must see each body class itself, not its name.

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Response

from api.deps import CallerDep, ContextDep, SystemDep, carry_out, with_fingerprint
from api.schemas.common import CommandAnswer
from commands.context import Context
from domain import records
from domain.shared import check_role
from infra.bootstrap import System


def add_step_routes(
    router: APIRouter,
    kind: str,
    steps: Mapping[str, Any],
    *,
    operation_prefix: str,
) -> None:
    """POST {router prefix}/{<kind>_id}/{slug} for each step of a record of that
    kind (domain/records.py), carried out on the record named by the path."""
    id_name = f"{kind}_id"

    for slug, step in steps.items():
        router.add_api_route(
            f"/{{{id_name}}}/{slug}",
            _endpoint(step, id_name, operation_prefix),
            methods=["POST"],
            response_model=CommandAnswer,
            summary=step.title,
            description=(
                f"{(step.__doc__ or '').strip()}\n\n"
                f"Rôles autorisés : {', '.join(sorted(step.roles()))}. "
                "En-tête `If-Match` : version attendue ; `Idempotency-Key` : "
                "rejouable."
            ),
            operation_id=f"{operation_prefix}_{slug.replace('-', '_')}",
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


def may_step(step: Any) -> Any:
    """`dependencies=[...]` of a hand-written step route (its path names more
    than the record, e.g. a dwelling)."""
    return Depends(role_check(step))


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


def _endpoint(step: Any, id_name: str, operation_prefix: str):
    optional = all(not f.is_required() for f in step.model_fields.values())
    default = Body(default=None) if optional else Body()

    def record_step(
        aggregate_id: Annotated[UUID, Path(alias=id_name)],
        ctx: ContextDep,
        system: SystemDep,
        response: Response,
        body: step = default,  # type: ignore[valid-type]
    ) -> CommandAnswer:
        command = body if body is not None else step()
        return carry_out_step(system, aggregate_id, command, ctx, response)

    record_step.__name__ = f"{operation_prefix}_{step.__name__}"
    return record_step
