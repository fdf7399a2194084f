"""The pages' sign-in with the identity provider (LOGIS_OIDC_ISSUER and
LOGIS_OIDC_CLIENT_ID): OpenID Connect's authorisation code flow with PKCE (S256),
state and nonce, by Authlib's Starlette client, which keeps them in the session
until the provider sends the person back. Their ID token (signature by the
provider's JWKS, issuer, audience, nonce, expiry checked by Authlib) becomes a
caller by the API's own `caller_of`: the same claims, the same caller as a
bearer token. A refusal is a `SignInRefused` with a stable code. Signing out
ends the provider's session too (RP-initiated logout), when it offers it."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
from joserfc.errors import JoseError

# Authlib would rather have httpx2, and says so at import; it speaks httpx, as
# the rest of Logis. (Its module `deprecate` shows its warnings always: imported
# first, so that this filter comes before.)
with warnings.catch_warnings():
    import authlib.deprecate  # noqa: F401

    warnings.filterwarnings("ignore", "The httpx module is deprecated")
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

from infra.identity_provider import ProviderKeys
from infra.token_verification import IdentityProviderError, TokenError, caller_of

if TYPE_CHECKING:
    from fastapi import Request
    from starlette.responses import Response

    from domain.access import Caller
    from infra.settings import Settings

RETURN = "/connexion/retour"  # the redirect URI registered with the provider
CLIENT = "logis"
# The claims a session keeps: those `caller_of` reads.
CALLER_CLAIMS = ("sub", "role", "org", "department", "commune")


class SignInRefused(Exception):
    """The sign-in failed: nothing stored; `code` is stable, `message` French."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def oidc_sign_in(settings: Settings) -> bool:
    """The pages sign people in through the identity provider."""
    return settings.oidc_issuer is not None and settings.oidc_client_id is not None


class _SharedKeysClient(StarletteOAuth2App):
    """Authlib's client, reading the provider's keys from the API's verifier
    (infra/identity_provider.py) instead of its own copy, which it kept until
    a token named a key it lacked: a key the provider withdrew stayed good
    for sign-ins. Now both follow LOGIS_JWKS_CACHE_SECONDS, from one cache."""

    keys: ProviderKeys

    async def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        return await self.keys.key_set_async(refresh=force)


class _OAuth(OAuth):
    oauth2_client_cls = _SharedKeysClient


def _client(request: Request) -> _SharedKeysClient:
    """The app's Authlib client (built once: it keeps the discovery document)."""
    state = request.app.state
    client: _SharedKeysClient | None = getattr(state, "oidc_client", None)
    if client is None:
        settings: Settings = state.system.settings
        secret = settings.oidc_client_secret
        client = _OAuth().register(
            CLIENT,
            server_metadata_url=(
                f"{settings.oidc_issuer}/.well-known/openid-configuration"
            ),
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            client_kwargs={
                "scope": "openid",
                "code_challenge_method": "S256",
                "timeout": settings.identity_provider_timeout_seconds,
                # Without a secret, a public client: PKCE alone binds the code.
                "token_endpoint_auth_method": (
                    "client_secret_basic" if secret else "none"
                ),
            },
        )
        keys = state.verifier.keys  # the identity provider's: OIDC is on
        assert isinstance(keys, ProviderKeys), keys
        client.keys = keys
        state.oidc_client = client
    return client


def _unavailable() -> SignInRefused:
    return SignInRefused(
        "identity_provider_unavailable",
        "Le fournisseur d'identité ne répond pas : réessayez dans un instant.",
        503,
    )


def _return_url(request: Request) -> str:
    """The redirect URI: under LOGIS_PUBLIC_URL, or the request's own address."""
    public = request.app.state.system.settings.public_url
    return f"{public}{RETURN}" if public else str(request.url_for("oidc_return"))


async def start(request: Request) -> Response:
    """A redirect to the provider's authorization endpoint (its discovery
    document's), with a fresh state, nonce and PKCE challenge kept in the
    session."""
    try:
        return await _client(request).authorize_redirect(request, _return_url(request))
    except (httpx.HTTPError, KeyError, ValueError) as error:
        raise _unavailable() from error


async def finish(request: Request) -> tuple[Caller, dict[str, Any], str]:
    """The caller the provider sent back, the claims a session keeps and the
    ID token (the hint of its sign-out): the code exchanged (with the PKCE
    verifier), the ID token checked."""
    settings: Settings = request.app.state.system.settings
    issuer = settings.oidc_issuer
    try:
        token = await _client(request).authorize_access_token(
            request,
            claims_options={  # the API's issuers; this client among the audience
                "iss": {"essential": True, "values": [issuer, f"{issuer}/"]},
                "aud": {"essential": True, "values": [settings.oidc_client_id]},
            },
            leeway=settings.jwt_leeway_seconds,
        )
    except MismatchingStateError:
        raise SignInRefused(
            "oidc_state_mismatch",
            "Connexion refusée : cette réponse du fournisseur d'identité ne répond "
            "à aucune demande de ce navigateur. Recommencez la connexion.",
        ) from None
    except OAuthError as error:
        raise SignInRefused(
            "oidc_provider_error",
            "Connexion refusée par le fournisseur d'identité "
            f"({error.error}). Recommencez la connexion.",
        ) from None
    except JoseError as error:  # signature, issuer, audience, nonce, expiry…
        claim = getattr(error, "claim", None)
        why = f"revendication « {claim} » absente ou invalide" if claim else error.error
        raise SignInRefused(
            "oidc_invalid_id_token", f"Connexion refusée : jeton d'identité ({why})."
        ) from None
    except (httpx.HTTPError, KeyError, ValueError, IdentityProviderError) as error:
        raise _unavailable() from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(
            "oidc_invalid_id_token",
            "Connexion refusée : le fournisseur d'identité n'a pas envoyé de jeton "
            "d'identité.",
        )
    try:
        caller = caller_of(dict(claims))
    except TokenError as error:
        raise SignInRefused("oidc_claims_invalid", error.message, 403) from None
    kept = {name: claims[name] for name in CALLER_CLAIMS if name in claims}
    return caller, kept, str(token["id_token"])


async def end_session(request: Request, id_token: str | None) -> str | None:
    """Where to send a person signing out so that the provider ends its own
    session too (OpenID Connect RP-Initiated Logout): its discovery document's
    end_session_endpoint, with the ID token as hint, this client, and
    LOGIS_PUBLIC_URL (or this server's address) to come back to. None when it
    offers no such endpoint or does not answer: the sign-out is Logis's only."""
    try:
        metadata = await _client(request).load_server_metadata()
    except (httpx.HTTPError, KeyError, ValueError):
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        return None
    settings: Settings = request.app.state.system.settings
    back = settings.public_url or str(request.base_url).rstrip("/")
    query = {"client_id": settings.oidc_client_id, "post_logout_redirect_uri": back}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
