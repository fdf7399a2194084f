"""The pages' session: a signed cookie (Starlette's SessionMiddleware,
itsdangerous), HttpOnly, SameSite=Lax, Secure unless Logis listens on loopback
and is not reached at an https:// LOGIS_PUBLIC_URL.
It holds a development bearer token, verified on every page by the API's own
`get_caller`, or the claims of the identity provider's ID token
(api/web/oidc.py), read by the API's own `caller_of`: either way a signed-in
person is the same `Caller` as a token's bearer (role, organisation,
department, commune), need-to-know and access log included. Every POST form
carries the session's CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import get_caller
from domain.access import Caller
from infra.development_tokens import development_secret
from infra.settings import LOOPBACK_HOSTS, Settings
from infra.token_verification import AuthConfigError, TokenError, caller_of

COOKIE = "logis_session"
SESSION_HOURS = 8  # as a development token
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No valid session: the page answers 303 to the sign-in page."""


def session_options(settings: Settings) -> dict[str, object]:
    """SessionMiddleware's arguments for these settings."""
    return {
        "secret_key": _session_key(settings),
        "session_cookie": COOKIE,
        "max_age": SESSION_HOURS * 3600,
        "same_site": "lax",
        # Reached beyond the loopback, or through a TLS proxy (LOGIS_PUBLIC_URL)
        "https_only": settings.host not in LOOPBACK_HOSTS
        or (settings.public_url or "").startswith("https://"),
    }


def _session_key(settings: Settings) -> str:
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    if not settings.uses_identity_provider:
        try:  # a key of its own, derived: the secret itself never signs cookies
            secret = development_secret(settings)
        except AuthConfigError:  # build_verifier refuses to start without one
            return secrets.token_urlsafe(48)
        return hmac.new(secret, b"logis web session", hashlib.sha256).hexdigest()
    return secrets.token_urlsafe(48)


def development_sign_in(settings: Settings) -> bool:
    """The demo's one-click sign-in: only when Logis signs its own development
    tokens (no identity provider configured)."""
    return not settings.uses_identity_provider


def open_session(
    request: Request,
    home: str,
    *,
    token: str | None = None,
    claims: dict[str, Any] | None = None,
    id_token: str | None = None,
) -> None:
    """A new session (and CSRF token) for the person just signed in: with a
    development `token`, or the identity provider's `claims` (kept SESSION_HOURS
    at most, however often the cookie is renewed) and its `id_token` (the hint
    of the provider's sign-out)."""
    request.session.clear()
    if token is not None:
        request.session["token"] = token
    if claims is not None:
        request.session["claims"] = claims
    if id_token is not None:
        request.session["id_token"] = id_token
        request.session["until"] = time.time() + SESSION_HOURS * 3600
    request.session["home"] = home


def signed_in(request: Request) -> bool:
    return "token" in request.session or "claims" in request.session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, drawn on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def check_csrf(request: Request) -> None:
    """A POST form's token must be the session's: 403 `csrf_invalid` otherwise."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    expected = request.session.get("csrf", "")
    if not (sent and expected and hmac.compare_digest(sent, str(expected))):
        raise HTTPException(
            403,
            {
                "code": "csrf_invalid",
                "message": "Formulaire expiré ou venu d'ailleurs : rechargez la "
                "page et recommencez.",
            },
        )


async def sent_form(request: Request) -> dict[str, str]:
    """A POST form's fields, as text (a page's route may then be synchronous)."""
    return {name: str(value) for name, value in (await request.form()).items()}


SentForm = Annotated[dict[str, str], Depends(sent_form)]


async def page_caller(request: Request) -> Caller:
    """The signed-in caller, by the API's `get_caller` on the session's token
    (it also becomes the request's caller, which the access log reads), or
    by the API's `caller_of` on the identity provider's claims."""
    claims = request.session.get("claims")
    if claims is not None:
        return _claims_caller(request, claims)
    token = request.session.get("token")
    if not token:
        raise SignInRequired
    try:
        return await get_caller(
            request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
        )
    except HTTPException as refused:
        if refused.status_code == 401:  # expired, or signed with another key
            request.session.pop("token", None)
            raise SignInRequired from None
        raise


def _claims_caller(request: Request, claims: dict[str, Any]) -> Caller:
    try:
        if time.time() >= float(request.session.get("until", 0)):
            raise SignInRequired
        caller = caller_of(claims)
    except (SignInRequired, TokenError):
        request.session.clear()
        raise SignInRequired from None
    request.state.caller = caller
    return caller


PageCallerDep = Annotated[Caller, Depends(page_caller)]
