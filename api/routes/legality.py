"""Legality (issue 6): the DOMAIN.md §8 rules a record's history breaks as of a
day (one GET route per kind of record, domain/records.py's KINDS), a commune's
report, and the rules catalogue. Read only."""

# No `from __future__ import annotations` here: the endpoints are built in a loop,
# and FastAPI must see each path parameter's alias itself (as in api/steps.py).

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Query

from api.access import authorize, check_place
from api.access_log import LEGALITY, LOGGED_KINDS, AccessLogDep
from api.deps import CallerDep, ClocksDep, MinPosition, SystemDep, current_view
from api.errors import ErrorPublic
from api.legality import (
    LegalityPublic,
    LegalityReportPublic,
    RulePublic,
    RulesPublic,
    commune_ids,
)
from commands.legality import check_record, commune_report
from domain.legality import RULES
from domain.programme import COMMUNE_PATTERN, department_of
from domain.records import KINDS

ERRORS: dict[int | str, Any] = {
    404: {"model": ErrorPublic, "description": "Enregistrement introuvable"},
    422: {"model": ErrorPublic, "description": "Date ou commune invalide"},
    503: {"model": ErrorPublic, "description": "Vue en construction ou en retard"},
}

# Per kind of record: its route's description.
DESCRIPTIONS = {
    "dossier": (
        "The rules an LLTS dossier's history breaks as of the end of `as_of`\n"
        "(the steps that had happened by that day), as the store knew it at\n"
        "`known_at`."
    ),
    "mesure": "The rules an ASLL measure's history breaks.",
    "programme": "CONC-QUOTA on a programme's concertation.",
    "commission": (
        "The rules a commission's history breaks (quorum, presidency, RDA order,\n"
        "three candidates, decisions, liste complémentaire)."
    ),
    "saisine": "The rules a CCAPEX referral's history breaks.",
}

router = APIRouter(prefix="/v1/legality", tags=["legality"], responses=ERRORS)


@router.get("/rules", response_model=RulesPublic)
def read_rules() -> RulesPublic:
    """The DOMAIN.md §8 catalogue: id, French title, source, severity, records
    read, and why a rule cannot be checked on a history."""
    return RulesPublic(data=[RulePublic.of(r) for r in RULES], count=len(RULES))


def _endpoint(kind: str, description: str) -> Callable[..., object]:
    def read_legality(
        record_id: Annotated[UUID, Path(alias=f"{kind}_id")],
        system: SystemDep,
        caller: CallerDep,
        access: AccessLogDep,
        clocks: ClocksDep,
    ) -> LegalityPublic:
        authorize(system, caller, kind, record_id, surface="legality")
        # No day: the department's day at `known_at` (now by default).
        day = clocks.as_of or clocks.known_at or datetime.now(UTC)
        found = check_record(system.app, kind, record_id, day, known_at=clocks.known_at)
        answer = LegalityPublic.of(found)
        if kind in LOGGED_KINDS:  # a dossier's, a measure's, a referral's
            access.record(kind, [record_id], LEGALITY)
        return answer

    read_legality.__name__ = f"read_{kind}_legality"
    read_legality.__doc__ = description
    return read_legality


for _kind in KINDS:
    router.add_api_route(
        f"/{_kind.name}s/{{{_kind.name}_id}}",
        _endpoint(_kind.name, DESCRIPTIONS[_kind.name]),
        methods=["GET"],
        response_model=LegalityPublic,
    )


@router.get(
    "/report", response_model=LegalityReportPublic, response_model_by_alias=True
)
def read_legality_report(
    system: SystemDep,
    caller: CallerDep,
    clocks: ClocksDep,
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
    min_position: MinPosition = None,
) -> LegalityReportPublic:
    """Every dossier, commission and programme of the commune (found in the read
    models) checked as of `as_of` as the store knew them at `known_at` (a
    record recorded later is not read): the findings born between `from` and `to`,
    their totals by rule and severity, and the rules checked or not. The
    commune lies within the caller's scope."""
    department = department_of(commune)
    check_place(caller, "legality", department, commune)
    system.app.check_clocks(clocks, department)
    day = clocks.day(department, datetime.now(UTC))
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
    report = commune_report(
        system.app, commune, department, ids, from_, end, day, clocks.known_at
    )
    return LegalityReportPublic.of(report)
