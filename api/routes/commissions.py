"""The three commissions: convene a session, record attendance, decide, close the
minutes. Every decision is recorded on the commission and on each dossier it
names in one transaction."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.deps import ContextDep, SystemDep, carry_out, with_fingerprint
from api.errors import documented_errors
from api.schemas import CommandAnswer, CommissionPublic
from commands.application import Context
from commands.commission import (
    CloseMinutes,
    CommissionStep,
    ConveneCommission,
    DecideOnDwelling,
    DecisionTerms,
    PreSelect,
    RankDossiers,
    RecordAttendance,
)
from infra.bootstrap import System

ERRORS = documented_errors(
    "Commission, programme ou dossier introuvable",
    "Règle (PRECOM-QUORUM, COMPREF-PRESIDENCE, COMPREF-RANG, LC-VALIDITE, "
    "CAL-PREALABLE, CAL-TROIS, CAL-DECISION…), ordre de la séance, version périmée",
)

router = APIRouter(prefix="/v1/commissions", tags=["commissions"], responses=ERRORS)
DwellingRef = Annotated[
    str, Path(min_length=1, max_length=200, description="Référence du logement")
]


def _step(
    system: System,
    commission_id: UUID,
    command: CommissionStep,
    ctx: Context,
    response: Response,
) -> CommandAnswer:
    ctx = with_fingerprint(
        ctx,
        command.slug,
        str(commission_id),
        ctx.expected_version,
        command.model_dump(mode="json"),
    )
    return carry_out(
        system,
        type(command).__name__,
        response,
        lambda: system.app.apply_commission_step(commission_id, command, ctx),
    )


@router.post("", status_code=201, response_model=CommandAnswer)
def convene_commission(
    body: ConveneCommission, ctx: ContextDep, system: SystemDep, response: Response
) -> CommandAnswer:
    """Convene a session: the ALS a pré-commission, the Préfecture or the DEAL a
    commission préfectorale, a landlord its CAL (on named dwellings)."""
    ctx = with_fingerprint(ctx, "convene", body.model_dump(mode="json"))
    answer = carry_out(
        system,
        "ConveneCommission",
        response,
        lambda: system.app.convene_commission(body, ctx),
    )
    response.headers["Location"] = f"/v1/commissions/{answer.id}"
    return answer


@router.post("/{commission_id}/attendance", response_model=CommandAnswer)
def record_attendance(
    commission_id: UUID,
    body: RecordAttendance,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """The attendance sheet, on the session's day, with its presidency where the
    law requires one (commission préfectorale: COMPREF-PRESIDENCE)."""
    return _step(system, commission_id, body, ctx, response)


@router.post("/{commission_id}/preselection", response_model=CommandAnswer)
def preselect(
    commission_id: UUID,
    body: PreSelect,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """The pré-commission's selection: prioritaire, liste complémentaire or écarté,
    for each dossier named (PRECOM-QUORUM: Préfecture and DEAL present)."""
    return _step(system, commission_id, body, ctx, response)


@router.post("/{commission_id}/ranking", response_model=CommandAnswer)
def rank(
    commission_id: UUID,
    body: RankDossiers,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """The commission préfectorale's ranked list, liste complémentaire (valid six
    months, LC-VALIDITE) and dossiers not retained, in the RDA's order
    (COMPREF-RANG: a departure from it carries a motive)."""
    return _step(system, commission_id, body, ctx, response)


@router.post("/{commission_id}/dwellings/{ref}/decisions", response_model=CommandAnswer)
def decide_on_dwelling(
    commission_id: UUID,
    ref: DwellingRef,
    body: DecisionTerms,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """The CAL's decisions on the candidates examined for one dwelling (CAL-TROIS,
    CAL-PREALABLE, LC-VALIDITE, CAL-DECISION, CAL-CONDITION, CAL-MOTIF)."""
    command = DecideOnDwelling(dwelling_ref=ref, **body.model_dump())
    return _step(system, commission_id, command, ctx, response)


@router.post("/{commission_id}/minutes", response_model=CommandAnswer)
def close_minutes(
    commission_id: UUID,
    body: CloseMinutes,
    ctx: ContextDep,
    system: SystemDep,
    response: Response,
) -> CommandAnswer:
    """Close the session's minutes: nothing more is decided in it."""
    return _step(system, commission_id, body, ctx, response)


@router.get("/{commission_id}", response_model=CommissionPublic)
def read_commission(
    commission_id: UUID, system: SystemDep, response: Response
) -> CommissionPublic:
    """The session as it stands: attendance, decisions, ranked list, liste
    complémentaire and its expiry; its version as ETag."""
    commission = system.app.get_commission(commission_id)
    response.headers["ETag"] = f'"{commission.version}"'
    return CommissionPublic.of(commission)
