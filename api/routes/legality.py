"""Legality (issue 6): the DOMAIN.md §8 rules a record's history breaks as of a
day (one GET route per kind of record, domain/records.py's KINDS), a commune's
report, and the rules catalogue. Read only."""

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.responses import JSONResponse

from api.access import authorize, check_place
from api.access_log import (
    LEGALITY,
    LEGALITY_NAMED,
    LOGGED_KINDS,
    AccessLogDep,
    AccessRecorder,
)
from api.deps import (
    CallerDep,
    ClocksDep,
    MinPosition,
    QueryDay,
    SystemDep,
    current_view,
)
from api.documents import document_response
from api.errors import ErrorPublic
from api.legality import LegalityPublic, RulePublic, RulesPublic
from api.legality_report import (
    DepartmentReportPublic,
    Format,
    as_csv,
    as_html,
    report_ids,
    verify_chain,
)
from api.record_routes import add_record_get
from commands.legality import check_record
from commands.legality_report import department_report
from domain import access as access_rules
from domain import categories
from domain.access import Caller
from domain.clocks import Clocks
from domain.legality import RULES
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN, department_of
from domain.records import KINDS
from domain.shared import fr_day
from infra.bootstrap import System

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


def record_legality(
    access: AccessRecorder, kind: str, record_id: UUID, clocks: Clocks
) -> LegalityPublic:
    """The rules the record's history breaks by the clocks, once the caller (the
    access recorder's) may read its legality (403 otherwise); the read logged
    for a kind that reveals personal data. GET /v1/legality/<kind>s/{id} and
    the web pages answer from here."""
    system = access.system
    authorize(system, access.caller, kind, record_id, surface="legality")
    # No day: the department's day at `known_at` (now by default).
    day = clocks.as_of or clocks.known_at or datetime.now(UTC)
    found = check_record(system.app, kind, record_id, day, known_at=clocks.known_at)
    answer = LegalityPublic.of(found)
    if kind in LOGGED_KINDS:  # a dossier's, a measure's, a referral's
        access.record(kind, [record_id], LEGALITY)
    return answer


for _kind in KINDS:
    add_record_get(
        router,
        _kind.name,
        f"/{_kind.name}s/{{{_kind.name}_id}}",
        lambda request: record_legality(
            request.access, request.kind, request.id, request.clocks
        ),
        name=f"read_{_kind.name}_legality",
        doc=DESCRIPTIONS[_kind.name],
        response_model=LegalityPublic,
    )


@router.get(
    "/report",
    response_model=DepartmentReportPublic,
    response_model_by_alias=True,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "text/html": {},
                "application/pdf": {},
            },
            "description": "Le rapport, au format demandé (`format`)",
        },
        403: {"model": ErrorPublic, "description": "Territoire ou rôle non admis"},
    },
)
def read_legality_report(
    system: SystemDep,
    caller: CallerDep,
    clocks: ClocksDep,
    access: AccessLogDep,
    department: Annotated[
        str | None,
        Query(pattern=DEPARTMENT_CODE_PATTERN, description="Code du département"),
    ] = None,
    commune: Annotated[
        str | None,
        Query(pattern=COMMUNE_PATTERN, description="Code INSEE de la commune"),
    ] = None,
    from_: Annotated[
        QueryDay | None,
        Query(alias="from", description="Manquements nés à partir de ce jour"),
    ] = None,
    to: Annotated[
        QueryDay | None,
        Query(description="Manquements nés jusqu'à ce jour ; défaut : as_of"),
    ] = None,
    output: Annotated[
        Format,
        Query(alias="format", description="json (défaut), csv, html ou pdf"),
    ] = "json",
    min_position: MinPosition = None,
) -> Any:
    """The department's legality report (a commune's, with `commune`): every
    record of the kinds the caller reads in it (the Département: the ASLL
    measures), judged as of `as_of`; the findings born between `from` and `to`
    (the day of the step judged, or the first day past a missed deadline), by
    rule and severity, each with its record, its events and links; the
    settings versions in force in the period and the assumptions relied on;
    the chain of events verified now (`chain.verified: false` is still 200,
    with a banner and no signature block). As JSON, CSV, HTML or PDF."""
    answer = legality_report(
        system, caller, clocks, access, department, commune, from_, to, min_position
    )
    headers = {"X-Logis-Chain-Verified": str(answer.chain.verified).lower()}
    if output == "json":
        return JSONResponse(
            answer.model_dump(mode="json", by_alias=True), headers=headers
        )
    if output == "csv":
        return Response(
            as_csv(answer),
            media_type="text/csv; charset=utf-8",
            headers={
                **headers,
                "Content-Disposition": f'inline; filename="{answer.filename}.csv"',
            },
        )
    document = document_response(as_html(answer), output, answer.filename)
    document.headers.update(headers)
    return document


def legality_report(
    system: System,
    caller: Caller,
    clocks: Clocks,
    access: AccessRecorder,
    department: str | None,
    commune: str | None,
    from_: date | None,
    to: date | None,
    min_position: int | None = None,
) -> DepartmentReportPublic:
    """The department's (or commune's) report for `caller`, once its role and
    territory admit it (403 otherwise); the records it names logged. GET
    /v1/legality/report and the legality page answer from here."""
    department = _place(department, commune)
    check_place(caller, "legality_report", department, commune)
    system.app.check_clocks(clocks, department)
    day = clocks.day(department, datetime.now(UTC))
    end = to or day
    if from_ is not None and from_ > end:
        raise HTTPException(
            422,
            {
                "code": "invalid_period",
                "message": f"Période vide : du {fr_day(from_)} au {fr_day(end)}.",
            },
        )
    ids = report_ids(
        current_view(system, "audit_trail", min_position), department, commune
    )
    report = department_report(
        system.app,
        department,
        commune,
        ids,
        from_,
        end,
        day,
        kinds=access_rules.report_kinds(caller.role),
        name_households=categories.reads_category(caller.role, "Id"),
        known_at=clocks.known_at,
    )
    edited = datetime.now(UTC)
    answer = DepartmentReportPublic.of(report, verify_chain(system.app, edited), edited)
    for kind in LOGGED_KINDS:  # the records it names, with their findings
        named = [r.id for r in answer.records if r.kind == kind]
        # A dossier's label names its applicant for a reader of identities.
        names = kind == "dossier" and categories.reads_category(caller.role, "Id")
        if named:
            access.record(kind, named, LEGALITY_NAMED if names else LEGALITY)
    return answer


def _place(department: str | None, commune: str | None) -> str:
    """The report's department: asked, or the commune's; 422 when neither is
    given or the commune lies elsewhere."""
    if department is None and commune is None:
        raise HTTPException(
            422,
            {
                "code": "invalid_input",
                "message": "Précisez le département (department) ou la commune.",
            },
        )
    if commune is None:
        assert department is not None
        return department
    if department is not None and department_of(commune) != department:
        raise HTTPException(
            422,
            {
                "code": "commune_elsewhere",
                "message": f"La commune {commune} n'est pas dans le département "
                f"{department}.",
            },
        )
    return department_of(commune)
