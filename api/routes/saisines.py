"""CCAPEX referrals: signal a household, record each step, read it and its history."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from fastapi import APIRouter

from api.errors import documented_errors
from api.record_routes import add_history_route, add_read_route
from api.schemas.saisines import SaisinePublic
from api.steps import add_creation_route, add_step_routes, names_household

ERRORS = documented_errors(
    "Saisine introuvable",
    "Ordre de la saisine, date hors séance, version périmée",
)

router = APIRouter(prefix="/v1/saisines", tags=["saisines CCAPEX"], responses=ERRORS)


add_creation_route(
    router,
    "saisine",
    action="signal",
    name="signal_saisine",
    doc="""Signal a household at risk of expulsion to the department's CCAPEX.""",
    refusal="signalement à la CCAPEX",
    check=names_household,
)


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
