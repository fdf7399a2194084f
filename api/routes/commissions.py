"""The three commissions: convene a session, record attendance, decide, close the
minutes. Every decision is recorded on the commission and on each dossier it
names in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import HTTPException, Query, Response

from api.access import authorize
from api.access_log import COMMISSION_ENTRY, MINUTES, AccessLogDep, AccessRecorder
from api.deps import (
    CallerDep,
    Limit,
    MinPosition,
    Offset,
    QueryDay,
    SystemDep,
    current_view,
)
from api.documents import PDF, document_response
from api.minutes.build import build_minutes
from api.minutes.page import minutes_html
from api.record_routes import in_scope, record_router
from api.schemas.commissions import (
    CommissionListPublic,
    CommissionPublic,
    CommissionsPublic,
)
from api.schemas.common import read_off
from domain import access as matrix
from domain.access import Caller
from domain.commission_steps import KINDS
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.shared import fr_day
from infra.bootstrap import System
from projections.commissions import (
    CommissionFilter,
    CommissionRow,
    commission_list,
    select_commissions,
)

router = record_router(
    "commission",
    "commissions",
    (
        "Commission, programme ou dossier introuvable",
        "Règle (PRECOM-QUORUM, COMPREF-PRESIDENCE, COMPREF-RANG, LC-VALIDITE, "
        "CAL-PREALABLE, CAL-TROIS, CAL-DECISION…), ordre de la séance, version périmée",
    ),
    create=dict(
        action="convene",
        name="convene_commission",
        doc="""Convene a session: the ALS a pré-commission, the Préfecture or the DEAL a
    commission préfectorale, a landlord its CAL (on named dwellings).""",
        refusal="convocation d'une séance",
    ),
    read=(
        CommissionPublic,
        "read_commission",
        """The session as it stands: attendance, decisions, ranked list, liste
    complémentaire and its expiry; its version as ETag. The
    session as it stood by the clocks `as_of` (a day: the steps
    that had happened by then) and `known_at` (a moment: what the store held).""",
    ),
)


@router.get("", response_model=CommissionsPublic)
def list_commissions(
    access: AccessLogDep,
    department: Annotated[str | None, Query(pattern=DEPARTMENT_CODE_PATTERN)] = None,
    commune: Annotated[
        str | None, Query(pattern=COMMUNE_PATTERN, description="Code INSEE")
    ] = None,
    kind: Annotated[
        str | None, Query(pattern=f"^({'|'.join(KINDS)})$", description="Commission")
    ] = None,
    programme_id: UUID | None = None,
    held_from: Annotated[
        QueryDay | None,
        Query(description="Séances tenues ce jour ou après (AAAA-MM-JJ)"),
    ] = None,
    held_until: Annotated[
        QueryDay | None,
        Query(description="Séances tenues ce jour ou avant (AAAA-MM-JJ)"),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> CommissionsPublic:
    """List sessions from the read model, the most recent first, filtered by
    department, commune, kind, programme and the period they were held in;
    only those of the caller's scope."""
    query = CommissionFilter(
        department,
        commune,
        programme_id,
        kind,
        held_from,
        held_until,
        limit=limit,
        offset=offset,
    )
    rows, total, position = commissions_in_scope(access, query, min_position)
    return read_off(CommissionsPublic, total, data=rows, position=position)


def commissions_in_scope(
    access: AccessRecorder,
    query: CommissionFilter,
    min_position: int | None = None,
) -> tuple[list[CommissionRow], int, int]:
    """A page of the sessions the caller may list, the count matching, the
    view's position; 422 for an empty period. GET /v1/commissions and the web
    agenda answer from here."""
    held_from, held_until = query.held_from, query.held_until
    if held_from is not None and held_until is not None and held_from > held_until:
        raise HTTPException(
            422,
            {
                "code": "invalid_period",
                "message": (
                    f"Période vide : held_from ({fr_day(held_from)}) est "
                    f"postérieur à held_until ({fr_day(held_until)})."
                ),
            },
        )
    return _sessions_in_scope(access, query, min_position)


# A session names no one: its reading is not logged.
_sessions_in_scope = in_scope(
    "commission", ("commissions", "commissions"), select_commissions, logged=()
)


@router.get("/{commission_id}/list", response_model=CommissionListPublic)
def read_commission_list(
    commission_id: UUID,
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    min_position: MinPosition = None,
) -> CommissionListPublic:
    """The session's lists from the read model: agenda, ranked list, liste
    complémentaire with its last day, the CAL's candidates and decisions per
    dwelling."""
    return commission_lists(system, caller, access, commission_id, min_position)


def commission_lists(
    system: System,
    caller: Caller,
    access: AccessRecorder,
    commission_id: UUID,
    min_position: int | None = None,
) -> CommissionListPublic:
    """The session's lists once the caller may read the session, every dossier
    they name logged. GET /v1/commissions/{id}/list and the web page answer
    from here."""
    authorize(system, caller, "commission", commission_id)
    view = current_view(system, "commissions", min_position)
    lists = commission_list(view, commission_id)
    if lists is None:
        system.app.get_commission(commission_id)  # 404 commission_not_found
        raise HTTPException(
            503,
            {
                "code": "projection_lagging",
                "message": (
                    f"La commission {commission_id} n'est pas encore dans la vue : "
                    "réessayez, ou passez min_position (la position de l'écriture)."
                ),
            },
        )
    position = view.max_tracking_id(system.app.name) or 0
    answer = CommissionListPublic.of(lists, position)
    access.record("dossier", _named(answer), COMMISSION_ENTRY)
    return answer


def _named(lists: CommissionListPublic) -> list[UUID]:
    """Every dossier the session's lists name, in order."""
    sections = (
        lists.agenda,
        lists.preselection,
        lists.ranked,
        lists.liste_complementaire,
        lists.non_retenus,
        *(dwelling.candidates for dwelling in lists.dwellings),
    )
    return [entry.dossier_id for section in sections for entry in section]


@router.get(
    "/{commission_id}/minutes",
    response_model=None,
    responses={
        200: {
            "description": "Page HTML (format=html) ou PDF (format=pdf)",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                PDF: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def read_minutes(
    commission_id: UUID,
    system: SystemDep,
    caller: CallerDep,
    access: AccessLogDep,
    output: Annotated[
        str,
        Query(
            alias="format",
            pattern="^(html|pdf)$",
            description="html (défaut) ou pdf",
        ),
    ] = "html",
) -> Response:
    """The session's procès-verbal, printable (A4): attendance and functions,
    presidency, decisions per dossier with RDA criteria and motives, the liste
    complémentaire and its last day, the follow-up, the legality findings, the
    closing (or « provisoire »). Households are named to a reader who may read
    their dossier and whose role reads identities (DOMAIN.md §9); each one
    named is logged."""
    html, name = minutes_page(system, caller, access, commission_id)
    return document_response(html, output, name)


def minutes_page(
    system: System, caller: Caller, access: AccessRecorder, commission_id: UUID
) -> tuple[str, str]:
    """The session's procès-verbal as HTML for the caller, and its file's name
    (without extension); each household named logged. GET
    /v1/commissions/{id}/minutes and the web page answer from here."""
    commission = system.app.get_commission(commission_id)  # 404 first
    facts = matrix.minutes_facts(commission)
    matrix.check_read(caller, "minutes", facts, kind="commission")
    now = datetime.now(UTC)
    minutes = build_minutes(system.app, commission_id, caller, now)
    html = minutes_html(minutes, now)
    access.record("dossier", minutes.named, MINUTES)
    return html, f"proces-verbal-{commission.kind}-{commission.held_on.isoformat()}"
