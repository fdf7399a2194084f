"""The pages: sign-in, the dossiers list and a dossier's page. Each answers
from the same functions as the JSON routes (api/routes/dossiers.py,
api/record_routes.py), with the same caller, scope, redaction and access log;
a refusal is a French page with the API's status and message."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse

from api.access_log import AccessLogDep
from api.demo.identities import DEMO_IDENTITIES
from api.deps import SystemDep, read_clocks
from api.errors import STATUS_BY_ERROR
from api.record_routes import read_record, read_record_history
from api.routes.dossiers import dossiers_in_scope
from api.schemas.dossiers import DossierPublic
from api.web import french
from api.web.session import (
    CSRF_FIELD,
    PageCallerDep,
    SignInRequired,
    check_csrf,
    csrf_token,
    development_sign_in,
)
from commands.dossier import STAGES
from domain import records
from domain.places import COMMUNE_PATTERN
from domain.pydantic_french import field_of, french_problem
from domain.shared import DomainError
from infra.development_tokens import issue_token
from projections.dossier_list import DossierFilter

SIGN_IN = "/connexion"
PAGE_SIZE = 20
UUID_TEXT = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)

environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(french.FILTERS)
templates = Jinja2Templates(env=environment)


# Pages load nothing but this server's files, and no other site may frame them.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> Response:
    settings = request.app.state.system.settings
    page = templates.TemplateResponse(
        request,
        template,
        {
            "caller": getattr(request.state, "caller", None),
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf_token(request),
            "state_operator": settings.state_operator,
            **context,
        },
        status_code=status,
    )
    page.headers["Content-Security-Policy"] = PAGE_POLICY
    return page


def refusal(request: Request, status: int, message: str) -> Response:
    return render(request, "refusal.html", status, code=status, message=message)


class PageRoute(APIRoute):
    """A page's route: no session, 303 to the sign-in page; a refusal (a rule,
    the need-to-know, a bad parameter) as a French page with its status."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return RedirectResponse(SIGN_IN, 303)
            except DomainError as error:
                status = next(s for c, s in STATUS_BY_ERROR if isinstance(error, c))
                return refusal(request, status, error.message)
            except StarletteHTTPException as error:
                detail = error.detail
                message = (
                    detail["message"]
                    if isinstance(detail, dict)
                    else f"Requête refusée (HTTP {error.status_code})."
                )
                return refusal(request, error.status_code, message)
            except RequestValidationError as error:
                problems = "; ".join(
                    f"{field_of(e, 'requête')} : {french_problem(e)}"
                    for e in error.errors()
                )
                return refusal(request, 422, f"Requête invalide ({problems}).")

        return page


# A page takes its caller (PageCallerDep) before the access log: the log's
# `get_caller` then finds the session's caller on the request.
router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@router.get("/")
def home(request: Request) -> Response:
    signed = bool(request.session.get("token"))
    return RedirectResponse("/dossiers" if signed else SIGN_IN, 303)


@router.get(SIGN_IN)
def sign_in_page(request: Request, system: SystemDep) -> Response:
    development = development_sign_in(system.settings)
    return render(
        request,
        "sign_in.html",
        identities=list(enumerate(DEMO_IDENTITIES)) if development else [],
        development=development,
    )


@router.post(SIGN_IN, dependencies=[Depends(check_csrf)])
async def sign_in(request: Request, system: SystemDep) -> Response:
    if not development_sign_in(system.settings):
        raise HTTPException(
            404,
            {"code": "not_found", "message": "Connexion de démonstration fermée."},
        )
    chosen = str((await request.form()).get("identity", ""))
    if not chosen.isdigit() or int(chosen) >= len(DEMO_IDENTITIES):
        raise HTTPException(
            422, {"code": "invalid_input", "message": "Choisissez une personne."}
        )
    actor, department, commune = DEMO_IDENTITIES[int(chosen)]
    token = issue_token(
        system.settings,
        subject=actor.subject,
        role=actor.role,
        organisation=actor.organisation,
        department=department,
        commune=commune,
    )
    request.session.clear()  # a new session (and CSRF token) for this person
    request.session["token"] = token
    return RedirectResponse("/dossiers", 303)


@router.post("/deconnexion", dependencies=[Depends(check_csrf)])
def sign_out(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse(SIGN_IN, 303)


@router.get("/dossiers")
def dossiers_page(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    commune: Annotated[str | None, Query(max_length=10)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    stage, commune = _blank_is_none(stage), _blank_is_none(commune)
    if stage is not None and stage not in STAGES:
        raise HTTPException(
            422, {"code": "invalid_input", "message": f"Étape inconnue : « {stage} »."}
        )
    if commune is not None and not re.match(COMMUNE_PATTERN, commune):
        raise HTTPException(
            422,
            {
                "code": "invalid_input",
                "message": f"« {commune} » n'est pas un code INSEE de commune.",
            },
        )
    query = DossierFilter(
        commune=commune,
        stage=stage,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    rows, total, _ = dossiers_in_scope(system, caller, access, query)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "dossiers.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        stages=STAGES,
        stage=stage or "",
        commune=commune or "",
    )


@router.get("/dossiers/{dossier_id}")
def dossier_page(
    request: Request,
    dossier_id: UUID,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    as_of: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    as_of = _blank_is_none(as_of)
    clocks = read_clocks(as_of=as_of)
    dossier, _ = read_record(
        system, caller, access, "dossier", DossierPublic, dossier_id, clocks
    )
    history = read_record_history(system, caller, access, "dossier", dossier_id, clocks)
    bases = {
        cls.__name__: basis for cls, basis in records.kind("dossier").bases.items()
    }
    timeline = [
        {
            "entry": entry,
            "basis": bases.get(entry.type, ""),
            "fields": {
                name: value
                for name, value in entry.data.items()
                if name not in entry.redacted and not _is_identifier(value)
            },
        }
        for entry in history.events
    ]
    return render(
        request,
        "dossier.html",
        dossier=dossier,
        timeline=timeline,
        as_of=as_of or "",
        as_of_day=clocks.as_of,
    )


def _is_identifier(value: object) -> bool:
    """A UUID says nothing to a person: left out of the timeline's details."""
    return isinstance(value, UUID) or (
        isinstance(value, str) and bool(UUID_TEXT.match(value))
    )
