"""Token verification: an OAuth2 bearer JWT checked with a key (the development
secret, HS256, or the identity provider's, RS256/ES256: infra/identity_provider.py)
and read into the domain's `Caller`. Messages in French."""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass
from typing import Any, Protocol

import jwt

from domain.access import Caller
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.shared import ROLES, Actor

DEVELOPMENT_ALGORITHMS = ("HS256",)
PROVIDER_ALGORITHMS = ("RS256", "ES256")
REQUIRED_CLAIMS = ("sub", "role", "org", "iss", "aud", "exp")


class AuthConfigError(Exception):
    """The settings cannot authenticate anyone (or sign a development token)."""


class TokenError(Exception):
    """A token refused: `code` is `invalid_token` or `token_expired`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class IdentityProviderError(Exception):
    """The identity provider's keys could not be fetched: nothing said about
    the token yet."""


def invalid(why: str) -> TokenError:
    return TokenError("invalid_token", f"Jeton invalide : {why}.")


class KeySource(Protocol):
    def key_for(self, header: dict[str, Any]) -> Any: ...

    async def key_for_async(self, header: dict[str, Any]) -> Any: ...


class SecretKey:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def key_for(self, header: dict[str, Any]) -> bytes:
        return self._secret

    async def key_for_async(self, header: dict[str, Any]) -> bytes:
        return self._secret


@dataclass(frozen=True)
class TokenVerifier:
    """Verify a bearer token and read the caller it names: its key from `keys`,
    signed by one of `algorithms`, from `issuer` (or one of several) for
    `audience`, its times read with `leeway_seconds` of leeway."""

    keys: KeySource
    algorithms: tuple[str, ...]
    _: KW_ONLY
    issuer: str | tuple[str, ...]
    audience: str
    leeway_seconds: int

    def verify(self, token: str) -> Caller:
        header = self._header(token)
        return self._decode(token, self.keys.key_for(header))

    async def verify_async(self, token: str) -> Caller:
        """`verify`, waiting for the provider's keys without a worker thread."""
        header = self._header(token)
        return self._decode(token, await self.keys.key_for_async(header))

    def _header(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise invalid("jeton illisible") from None
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise invalid(f"algorithme « {algorithm} » refusé")
        return header

    def _decode(self, token: str, key: Any) -> Caller:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(self.algorithms),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            message = "Jeton expiré : demandez-en un nouveau."
            raise TokenError("token_expired", message) from None
        except jwt.MissingRequiredClaimError as error:
            raise invalid(f"revendication « {error.claim} » manquante") from None
        except jwt.InvalidSignatureError:
            raise invalid("signature non conforme") from None
        except jwt.InvalidAudienceError:
            raise invalid("audience inattendue") from None
        except jwt.InvalidIssuerError:
            raise invalid("émetteur inattendu") from None
        except jwt.ImmatureSignatureError:
            raise invalid("pas encore valide (nbf ou iat dans le futur)") from None
        except jwt.InvalidTokenError:
            raise invalid("jeton illisible ou mal formé") from None
        return caller_of(claims)


def _text(claims: dict[str, Any], name: str, longest: int) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise invalid(f"revendication « {name} » vide ou trop longue")
    return value


def _code(claims: dict[str, Any], name: str, pattern: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(pattern, value):
        raise invalid(f"revendication « {name} » mal formée")
    return value


def caller_of(claims: dict[str, Any]) -> Caller:
    """The caller a verified token's claims name (`sub`, `role`, `org`, and the
    `department` or `commune` where they act)."""
    role = claims.get("role")
    if role not in ROLES:
        raise invalid(f"rôle inconnu « {role} »")
    actor = Actor(
        subject=_text(claims, "sub", 128),
        role=role,
        organisation=_text(claims, "org", 200),
    )
    return Caller(
        actor,
        department=_code(claims, "department", DEPARTMENT_CODE_PATTERN),
        commune=_code(claims, "commune", COMMUNE_PATTERN),
    )
