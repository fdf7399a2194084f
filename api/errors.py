"""Every error leaves as JSON {code, message}: `code` stable English (a DOMAIN.md
§8 rule id for a broken rule), `message` French, for people."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from commands.errors import ConcurrencyError, InvalidCommandError, NotFoundError
from domain.department import DepartmentNotConfiguredError
from domain.pydantic_french import field_of, french_problem
from domain.shared import DomainError, RoleNotAllowedError
from domain.text import TEXT_ERRORS

log = structlog.get_logger("logis.api")


class ErrorPublic(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotFoundError, 404),
    (ConcurrencyError, 409),
    (InvalidCommandError, 422),
    (RoleNotAllowedError, 403),
    (DepartmentNotConfiguredError, 409),
    (DomainError, 409),  # a rule or the procedure's order refused the command
)
HTTP_MESSAGES = {
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée sur cette ressource."),
    413: ("payload_too_large", "Corps de requête trop volumineux."),
}


def _answers(
    descriptions: dict[int, str], only: Collection[int] = ()
) -> dict[int | str, Any]:
    """OpenAPI's error answers from their descriptions, those of the statuses
    `only` names when it names any."""
    return {
        s: {"model": ErrorPublic, "description": d}
        for s, d in descriptions.items()
        if not only or s in only
    }


def documented_errors(
    not_found: str = "", conflict: str = "", *, only: Collection[int] = ()
) -> dict[int | str, Any]:
    """The error answers a resource's routes document in OpenAPI; with `only`,
    those of these statuses."""
    descriptions = {
        401: "Jeton absent, invalide ou expiré",
        403: "Rôle non autorisé pour cette étape",
        404: not_found,
        409: conflict,
        413: "Corps trop volumineux",
        422: "Requête invalide",
    }
    return _answers(descriptions, only)


def edge_errors() -> dict[int | str, Any]:
    """The answers any route behind a bearer token may give, whatever it does:
    the middleware's (400, 413), the token's (401), the matrix's (403), a bad
    parameter (422), an identity provider or a view not ready (503). A route's
    own descriptions of the same statuses take precedence."""
    descriptions = {
        400: "En-tête Content-Length invalide",
        401: "Jeton absent, invalide ou expiré",
        403: "Rôle ou périmètre non autorisé",
        413: "Corps trop volumineux",
        422: "Requête invalide",
        503: "Fournisseur d'identité injoignable, vue en construction ou en "
        "retard, journal des accès indisponible",
    }
    return _answers(descriptions)


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorPublic(code=code, message=message, details=details)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers
    )


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = next(s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls))
    log.info("command_refused", path=request.url.path, status=status, code=exc.code)
    return error_response(status, exc.code, exc.message)


TEXT_REFUSALS = {*TEXT_ERRORS, "string_unicode"}


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(
            422, "malformed_json", "Le corps de la requête n'est pas un JSON valide."
        )
    # pydantic's own words are English: each problem is told in French.
    details = [
        {"field": field_of(e, "requête"), "problem": french_problem(e)} for e in errors
    ]
    problems = "; ".join(f"{d['field']} : {d['problem']}" for d in details)
    if all(e.get("type") in TEXT_REFUSALS for e in errors):
        # Characters no record may hold (domain/text.py): one stable code.
        return error_response(
            422, "invalid_text", f"Texte refusé ({problems}).", details
        )
    return error_response(
        422, "invalid_input", f"Requête invalide ({problems}).", details
    )


# FastAPI's answer to a JSON body it cannot even decode (bytes that are not
# UTF-8): the same refusal as any malformed JSON.
UNPARSABLE_BODY = "There was an error parsing the body"


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
        return _validation_error(
            request, RequestValidationError([{"type": "json_invalid"}])
        )
    # Starlette's own details are English reason phrases: a French sentence.
    code, message = HTTP_MESSAGES.get(
        exc.status_code, ("http_error", f"Requête refusée (HTTP {exc.status_code}).")
    )
    if isinstance(exc.detail, dict):
        code, message = exc.detail["code"], exc.detail["message"]
    headers = getattr(exc, "headers", None)  # WWW-Authenticate on a 401
    if exc.status_code == 405:
        headers = {"Allow": ", ".join(allowed_methods(request))}
    return error_response(exc.status_code, code, message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some operation answers on this path: Starlette's 405 names
    only the first route that matched it (POST on /v1/dossiers, not its GET).
    Read off the OpenAPI paths, once per application."""
    paths = getattr(request.app.state, "allowed_methods", None)
    if paths is None:
        paths = [
            (
                re.compile(re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"),
                {m.upper() for m in item} | ({"HEAD"} if "get" in item else set()),
            )
            for template, item in request.app.openapi()["paths"].items()
        ]
        request.app.state.allowed_methods = paths
    path = request.url.path
    return sorted(set().union(*(m for pattern, m in paths if pattern.match(path))))


def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", exc_info=exc)
    return error_response(
        500, "internal_error", "Erreur interne : l'incident est journalisé."
    )


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
