"""Legality (issue 6): the DOMAIN.md §8 rules a record's history breaks as of a
day, a commune's report, and the rules catalogue. Read only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from api.deps import MinPosition, SystemDep, current_view
from api.errors import ErrorPublic
from api.legality import (
    LegalityPublic,
    LegalityReportPublic,
    RulePublic,
    RulesPublic,
    commune_ids,
)
from api.routes.communes import department_of
from commands.legality import check_record, commune_report
from domain.department import local_today
from domain.legality import RULES
from domain.programme import COMMUNE_PATTERN
from infra.bootstrap import System

ERRORS: dict[int | str, Any] = {
    404: {"model": ErrorPublic, "description": "Enregistrement introuvable"},
    422: {"model": ErrorPublic, "description": "Date ou commune invalide"},
    503: {"model": ErrorPublic, "description": "Vue en construction ou en retard"},
}

router = APIRouter(prefix="/v1/legality", tags=["legality"], responses=ERRORS)

AsOfDay = Annotated[
    date | None,
    Query(
        description="Lire l'historique tel qu'il était à la fin de ce jour "
        "(AAAA-MM-JJ) ; défaut : aujourd'hui, à l'heure du département"
    ),
]


def _check(
    system: System, kind: str, record_id: UUID, as_of: date | None
) -> LegalityPublic:
    day_or_now = as_of or datetime.now(UTC)  # now: the department's today
    return LegalityPublic.of(check_record(system.app, kind, record_id, day_or_now))


@router.get("/rules", response_model=RulesPublic)
def read_rules() -> RulesPublic:
    """The DOMAIN.md §8 catalogue: id, French title, source, severity, records
    read, and why a rule cannot be checked on a history."""
    return RulesPublic(data=[RulePublic.of(r) for r in RULES], count=len(RULES))


@router.get("/dossiers/{dossier_id}", response_model=LegalityPublic)
def read_dossier_legality(
    dossier_id: UUID, system: SystemDep, as_of: AsOfDay = None
) -> LegalityPublic:
    """The rules an LLTS dossier's history breaks as of the end of `as_of`."""
    return _check(system, "dossier", dossier_id, as_of)


@router.get("/commissions/{commission_id}", response_model=LegalityPublic)
def read_commission_legality(
    commission_id: UUID, system: SystemDep, as_of: AsOfDay = None
) -> LegalityPublic:
    """The rules a commission's history breaks (quorum, presidency, RDA order,
    three candidates, decisions, liste complémentaire)."""
    return _check(system, "commission", commission_id, as_of)


@router.get("/programmes/{programme_id}", response_model=LegalityPublic)
def read_programme_legality(
    programme_id: UUID, system: SystemDep, as_of: AsOfDay = None
) -> LegalityPublic:
    """CONC-QUOTA on a programme's concertation."""
    return _check(system, "programme", programme_id, as_of)


@router.get("/mesures/{mesure_id}", response_model=LegalityPublic)
def read_mesure_legality(
    mesure_id: UUID, system: SystemDep, as_of: AsOfDay = None
) -> LegalityPublic:
    """The rules an ASLL measure's history breaks."""
    return _check(system, "mesure", mesure_id, as_of)


@router.get("/saisines/{saisine_id}", response_model=LegalityPublic)
def read_saisine_legality(
    saisine_id: UUID, system: SystemDep, as_of: AsOfDay = None
) -> LegalityPublic:
    """The rules a CCAPEX referral's history breaks."""
    return _check(system, "saisine", saisine_id, as_of)


@router.get(
    "/report", response_model=LegalityReportPublic, response_model_by_alias=True
)
def read_legality_report(
    system: SystemDep,
    commune: Annotated[
        str, Query(pattern=COMMUNE_PATTERN, description="Code INSEE de la commune")
    ],
    from_: Annotated[
        date | None,
        Query(alias="from", description="Manquements nés à partir de ce jour"),
    ] = None,
    to: Annotated[
        date | None,
        Query(description="Manquements nés jusqu'à ce jour ; défaut : as_of"),
    ] = None,
    as_of: AsOfDay = None,
    min_position: MinPosition = None,
) -> LegalityReportPublic:
    """Every dossier, commission and programme of the commune (found in the read
    models) checked as of `as_of`: the findings born between `from` and `to`,
    their totals by rule and severity, and the rules checked or not."""
    department = department_of(commune)
    day = as_of or local_today(department, datetime.now(UTC))
    end = to or day
    if from_ is not None and from_ > end:
        raise HTTPException(
            422,
            {
                "code": "invalid_period",
                "message": f"Période vide : du {from_:%d/%m/%Y} au {end:%d/%m/%Y}.",
            },
        )
    ids = commune_ids(lambda name: current_view(system, name, min_position), commune)
    report = commune_report(system.app, commune, department, ids, from_, end, day)
    return LegalityReportPublic.of(report)
