"""Who a request comes from: the token verifier the settings call for, with the
identity provider's public keys (infra/identity_provider.py) or the development
secret (infra/development_tokens.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.development_tokens import development_secret
from infra.identity_provider import ProviderKeys
from infra.token_verification import (
    DEVELOPMENT_ALGORITHMS,
    PROVIDER_ALGORITHMS,
    SecretKey,
    TokenVerifier,
)

if TYPE_CHECKING:
    from infra.settings import Settings


def build_verifier(settings: Settings) -> TokenVerifier:
    """The identity provider's keys when one is configured; the development
    secret otherwise (AuthConfigError when there is none to use)."""
    if settings.uses_identity_provider:
        issuer = settings.oidc_issuer
        return TokenVerifier(
            ProviderKeys(
                jwks_url=settings.jwks_url,
                oidc_issuer=issuer,
                lifespan=settings.jwks_cache_seconds,
                timeout=settings.identity_provider_timeout_seconds,
            ),
            PROVIDER_ALGORITHMS,
            # The settings drop a trailing slash; providers differ on keeping it.
            issuer=(issuer, f"{issuer}/") if issuer else settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
        )
    return TokenVerifier(
        SecretKey(development_secret(settings)),
        DEVELOPMENT_ALGORITHMS,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        leeway_seconds=settings.jwt_leeway_seconds,
    )
