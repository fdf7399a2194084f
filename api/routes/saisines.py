"""CCAPEX referrals: signal a household, record each step, read it and its history."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from api.access_log import SAISINE_ROW, AccessLogDep
from api.deps import (
    CommuneQuery,
    DepartmentQuery,
    Limit,
    MinPosition,
    Offset,
    check_known,
    one_of,
)
from api.record_routes import as_it_stands, in_scope, record_router
from api.schemas.common import read_off
from api.schemas.saisines import SaisinePublic, SaisinesPublic
from api.steps import names_household
from domain.saisine_steps import STAGES
from projections.saisines import SaisineFilter, select_saisines

Stage = one_of(STAGES, "Un des stades")

router = record_router(
    "saisine",
    "saisines CCAPEX",
    ("Saisine introuvable", "Ordre de la saisine, date hors séance, version périmée"),
    create=dict(
        action="signal",
        name="signal_saisine",
        doc="""Signal a household at risk of expulsion to the department's CCAPEX.""",
        refusal="signalement à la CCAPEX",
        check=names_household,
    ),
    step_prefix="saisine",
    read=(SaisinePublic, "read_saisine", as_it_stands("The referral")),
    history=("the referral", "read_saisine_history"),
)


@router.get("", response_model=SaisinesPublic)
def list_saisines(
    access: AccessLogDep,
    department: DepartmentQuery = None,
    commune: CommuneQuery = None,
    stage: Stage = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> SaisinesPublic:
    """List referrals from the read model, last referred first, filtered by
    department, commune, stage; only those of the caller's scope, each with the
    day its prevention work is due by (CCAPEX-SAISINE)."""
    check_known("Stade", stage, STAGES)
    query = SaisineFilter(department, commune, stage, limit=limit, offset=offset)
    rows, total, position = saisines_in_scope(access, query, min_position)
    return read_off(SaisinesPublic, total, data=rows, position=position)


# GET /v1/saisines, the web list and the worklist answer from here.
saisines_in_scope = in_scope(
    "saisine", ("saisines", "saisines"), select_saisines, SAISINE_ROW
)
