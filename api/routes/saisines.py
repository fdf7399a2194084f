"""CCAPEX referrals: signal a household, record each step, read it and its history."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from fastapi import APIRouter, Response

from api.access import check_household_link
from api.deps import (
    CallerDep,
    ContextDep,
    SystemDep,
    carry_out,
    with_fingerprint,
)
from api.errors import documented_errors
from api.record_routes import add_history_route, add_read_route
from api.schemas.common import CommandAnswer
from api.schemas.saisines import SaisinePublic
from api.steps import add_step_routes, may_record
from commands.saisine import SignalSaisine

ERRORS = documented_errors(
    "Saisine introuvable",
    "Ordre de la saisine, date hors séance, version périmée",
)

router = APIRouter(prefix="/v1/saisines", tags=["saisines CCAPEX"], responses=ERRORS)


@router.post(
    "",
    status_code=201,
    response_model=CommandAnswer,
    dependencies=[may_record("saisine", "signal", "signalement à la CCAPEX")],
)
def signal_saisine(
    body: SignalSaisine,
    ctx: ContextDep,
    caller: CallerDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """Signal a household at risk of expulsion to the department's CCAPEX."""
    check_household_link(system, caller, body.household_id)
    ctx = with_fingerprint(ctx, "signal", body.model_dump(mode="json"))
    answer = carry_out(
        system,
        "SignalSaisine",
        response,
        lambda: system.app.create("saisine", body, ctx),
    )
    response.headers["Location"] = f"/v1/saisines/{answer.id}"
    return answer


add_step_routes(router, "saisine", operation_prefix="saisine")


add_read_route(
    router,
    "saisine",
    SaisinePublic,
    name="read_saisine",
    doc="""The referral as it stands, with its version as ETag; as it stood by the
    clocks `as_of` (a day: the steps that had happened by then) and `known_at`
    (a moment: what the store held).""",
)
add_history_route(
    router,
    "saisine",
    name="read_saisine_history",
    doc="""Every event of the referral in order: who, when recorded, when it happened;
    without the fields of a category the caller's role does not read. With
    `as_of` and `known_at`, the events that had happened by that day among
    those the store held at that moment.""",
)
