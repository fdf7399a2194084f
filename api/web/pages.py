"""The pages' frame (rendering, the header's navigation, refusals as French
pages), sign-in and the dossiers list. Each page answers from the same
functions as the JSON routes (here api/routes/dossiers.py), with the same
caller, scope, redaction and access log; a refusal is a French page with the
API's status and message. Records' pages: api/web/record_pages.py."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse

from api.demo.identities import DEMO_IDENTITIES
from api.deps import ISO_DAY, SystemDep
from api.errors import STATUS_BY_ERROR
from api.web import french, oidc
from api.web.awaited import has_worklist
from api.web.session import (
    CSRF_FIELD,
    SignInRequired,
    check_csrf,
    csrf_token,
    development_sign_in,
    open_session,
    signed_in,
)
from domain import access as access_rules
from domain.pydantic_french import field_of, french_problem
from domain.shared import DomainError
from infra.development_tokens import issue_token
from projections.lists import Counted

SIGN_IN = "/connexion"
WORKLIST = "/travail"
PAGE_SIZE = 20

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


# The header's navigation: (path, label, the record kind a role must list or
# the surface it must read).
NAVIGATION = (
    ("/dossiers", "Dossiers", "dossier"),
    ("/mesures", "Mesures ASLL", "mesure"),
    ("/saisines", "Saisines CCAPEX", "saisine"),
    ("/programmes", "Programmes", "programme"),
    ("/commissions", "Commissions", "commission"),
    ("/legalite", "Légalité", "legality_report"),
    ("/charge", "Charge ASLL", "asll_dashboards"),
)


def navigation(role: str | None) -> list[tuple[str, str]]:
    """The worklist for a role some followed step waits on (api/web/awaited.py),
    then the lists `role` may read (the need-to-know matrix's, as the API's)."""
    if role is None:
        return []
    work = [(WORKLIST, "À faire")] if has_worklist(role) else []
    return work + [
        (path, label)
        for path, label, kind in NAVIGATION
        if access_rules.scope_of(role, kind) != access_rules.NONE
    ]


def landing(role: str) -> str:
    """Where a person lands once signed in: their worklist when their role has
    one, else the first list their role reads; a role that reads none (the
    administrator: settings and erasure go through `logis` and the API) on
    the worklist, which says nothing waits on it, not on a refusal."""
    return next((path for path, _ in navigation(role)), WORKLIST)


def render(
    request: Request, template: str, status: int = 200, **context: Any
) -> Response:
    settings = request.app.state.system.settings
    caller = getattr(request.state, "caller", None)
    page = templates.TemplateResponse(
        request,
        template,
        {
            "caller": caller,
            "navigation": navigation(caller.role if caller else None),
            "path": request.url.path,
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


PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse(
        request.session.get("home", "/dossiers") if signed_in(request) else SIGN_IN,
        303,
    )


@router.get(SIGN_IN)
async def sign_in_page(request: Request, system: SystemDep) -> Response:
    """With the identity provider, straight to it; else the demo's people (the
    development store), or a page saying the pages cannot sign anyone in."""
    if oidc.oidc_sign_in(system.settings):
        try:
            return await oidc.start(request)
        except oidc.SignInRefused as refused:
            return sign_in_refusal(request, refused)
    development = development_sign_in(system.settings)
    return render(
        request,
        "sign_in.html",
        identities=list(enumerate(DEMO_IDENTITIES)) if development else [],
        development=development,
    )


@router.get(oidc.RETURN, name="oidc_return")
async def oidc_return(request: Request, system: SystemDep) -> Response:
    """Where the identity provider sends the person back with a code."""
    if not oidc.oidc_sign_in(system.settings):
        raise HTTPException(404, {"code": "not_found", "message": "Page introuvable."})
    try:
        caller, claims, id_token = await oidc.finish(request)
    except oidc.SignInRefused as refused:
        return sign_in_refusal(request, refused)
    open_session(request, landing(caller.role), claims=claims, id_token=id_token)
    return RedirectResponse(request.session["home"], 303)


def sign_in_refusal(request: Request, refused: oidc.SignInRefused) -> Response:
    """The refused sign-in's page, its code shown; nothing kept from the attempt
    (the state, nonce and verifier were dropped by Authlib)."""
    return render(
        request,
        "sign_in_refused.html",
        refused.status,
        code=refused.code,
        message=refused.message,
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
    open_session(request, landing(actor.role), token=token)
    return RedirectResponse(request.session["home"], 303)


@router.post("/deconnexion", dependencies=[Depends(check_csrf)])
async def sign_out(request: Request, system: SystemDep) -> Response:
    """The session ends here; signed in by the identity provider, the person
    goes on to it, to end its session too (else the next sign-in would pass
    through it without a word)."""
    by_provider = "claims" in request.session
    id_token = request.session.get("id_token")
    request.session.clear()
    if by_provider and oidc.oidc_sign_in(system.settings):
        ending = await oidc.end_session(request, id_token)
        if ending is not None:
            return RedirectResponse(ending, 303)
    return RedirectResponse(SIGN_IN, 303)


def matching(value: str | None, pattern: str, what: str) -> str | None:
    """A filter's value (None when blank) once it matches `pattern`; 422 with
    « value » n'est pas `what` otherwise."""
    value = blank_is_none(value)
    if value is not None and not re.match(pattern, value):
        raise HTTPException(
            422,
            {"code": "invalid_input", "message": f"« {value} » n'est pas {what}."},
        )
    return value


def known(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    """A filter's code among `allowed` (None when blank); 422 otherwise."""
    value = blank_is_none(value)
    if value is not None and value not in allowed:
        raise HTTPException(
            422, {"code": "invalid_input", "message": f"{what} : « {value} »."}
        )
    return value


def offset(page: int) -> int:
    return (page - 1) * PAGE_SIZE


def render_list(
    request: Request,
    template: str,
    found: tuple[list[Any], Counted, int],
    page: int,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    """A list's page: the rows a list function `found` (its page, how many
    match), the page and the page count; a filter left blank (None) is shown
    empty."""
    rows, total, _ = found
    # Past a capped count the page count is unknown: the next page is the last
    # one known to hold rows.
    counted = max(1, -(-total.count // PAGE_SIZE))
    pages = page + 1 if total.count_capped else counted
    shown = {name: "" if value is None else value for name, value in context.items()}
    return render(
        request,
        template,
        status,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        **shown,
    )


def query_day(value: str | None) -> date | None:
    """A day of a filter (AAAA-MM-JJ, None when blank); 422 otherwise."""
    value = blank_is_none(value)
    if value is None:
        return None
    try:
        if ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise HTTPException(
        422,
        {
            "code": "invalid_input",
            "message": f"« {value} » n'est pas une date (AAAA-MM-JJ).",
        },
    )
