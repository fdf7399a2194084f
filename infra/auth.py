"""Who a request comes from: an OAuth2 bearer JWT, verified with the development
secret (HS256) or with the identity provider's public keys (RS256/ES256, from
its JWKS), read into the domain's `Caller`; and development tokens signed with
the secret (`logis token`). Messages in French."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import tempfile
import threading
import urllib.request
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt

from domain.access import Caller
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.shared import ROLES, Actor
from infra.settings import MIN_SECRET_BYTES, Settings

DEVELOPMENT_ALGORITHMS = ("HS256",)
PROVIDER_ALGORITHMS = ("RS256", "ES256")
REQUIRED_CLAIMS = ("sub", "role", "org", "iss", "aud", "exp")
SECRET_FILE_SUFFIX = ".jwt-secret"  # noqa: S105 (a file name)


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


def _invalid(why: str) -> TokenError:
    return TokenError("invalid_token", f"Jeton invalide : {why}.")


# ---- keys ------------------------------------------------------------------------


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


class ProviderKeys:
    """The identity provider's signing keys: the JWKS at `jwks_url`, or at the
    `jwks_uri` of the issuer's OIDC discovery document (read once).

    The key set is kept `lifespan` seconds and no longer (PyJWKClient's set
    cache; its per-key cache never expires, so it stays off), and fetched again
    at once when a token names a key it does not hold (a rotation). One fetch
    at a time, in a thread of its own: requests needing keys meanwhile share
    its outcome, waiting at most `timeout` seconds (`key_for_async` without
    holding a worker thread). Every provider fault is IdentityProviderError."""

    def __init__(
        self,
        *,
        jwks_url: str | None,
        oidc_issuer: str | None,
        lifespan: float,
        timeout: float,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = oidc_issuer
        self._lifespan = lifespan
        self._timeout = timeout
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._fetching: Future[None] | None = None

    def key_for(self, header: dict[str, Any]) -> Any:
        kid = _kid(header)
        key = self._cached(kid)
        if key is None:
            try:
                self._fetch().result(timeout=self._timeout)
            except TimeoutError:
                raise self._late() from None
            key = self._fetched(kid)
        return key

    async def key_for_async(self, header: dict[str, Any]) -> Any:
        kid = _kid(header)
        key = self._cached(kid)
        if key is None:
            fetch = asyncio.wrap_future(self._fetch())
            done, _ = await asyncio.wait({fetch}, timeout=self._timeout)
            if not done:
                fetch.add_done_callback(_consume)
                raise self._late()
            fetch.result()
            key = self._fetched(kid)
        return key

    def _cached(self, kid: str) -> Any | None:
        """The key named `kid` in the key set, unless the set is past its lifespan."""
        client = self._client
        cache = client.jwk_set_cache if client is not None else None
        keys = cache.get() if cache is not None else None
        if keys is None:
            return None
        for jwk in keys.keys:
            if jwk.key_id == kid and jwk.public_key_use in ("sig", None):
                return jwk.key
        return None

    def _fetched(self, kid: str) -> Any:
        key = self._cached(kid)
        if key is None:
            raise _invalid("clé de signature inconnue du fournisseur")
        return key

    def _late(self) -> IdentityProviderError:
        msg = f"clés du fournisseur d'identité non reçues en {self._timeout} s"
        return IdentityProviderError(msg)

    def _fetch(self) -> Future[None]:
        """The fetch under way, or a new one."""
        with self._lock:
            if self._fetching is None or self._fetching.done():
                self._fetching = Future()
                # A daemon: a hanging provider never holds the process's exit.
                fetcher = threading.Thread(
                    target=self._run, args=(self._fetching,), daemon=True
                )
                fetcher.start()
            return self._fetching

    def _run(self, outcome: Future[None]) -> None:
        try:
            client = self._client or self._connect()
            client.get_jwk_set(refresh=True)
        except IdentityProviderError as error:
            outcome.set_exception(error)
        except Exception as error:  # refused, reset, timed out, not a JWKS…
            msg = f"clés du fournisseur d'identité illisibles ou injoignables : {error}"
            outcome.set_exception(IdentityProviderError(msg))
        else:
            outcome.set_result(None)

    def _connect(self) -> jwt.PyJWKClient:
        self._client = jwt.PyJWKClient(
            self._jwks_url or self._discover_jwks_uri(),
            cache_keys=False,
            lifespan=self._lifespan,
            timeout=self._timeout,
        )
        return self._client

    def _discover_jwks_uri(self) -> str:
        assert self._issuer is not None
        where = f"{self._issuer}/.well-known/openid-configuration"
        try:
            # The issuer's scheme is checked by the settings: https, or http on
            # the loopback.
            with urllib.request.urlopen(  # noqa: S310
                where, timeout=self._timeout
            ) as answer:
                document = json.load(answer)
        except Exception as error:  # refused, reset, timed out, not JSON…
            msg = f"découverte OIDC impossible ({where}) : {error}"
            raise IdentityProviderError(msg) from error
        issuer = document.get("issuer") if isinstance(document, dict) else None
        jwks_uri = document.get("jwks_uri") if isinstance(document, dict) else None
        if not isinstance(issuer, str) or issuer.rstrip("/") != self._issuer:
            msg = f"le document {where} annonce un autre émetteur : {issuer!r}"
            raise IdentityProviderError(msg)
        if not isinstance(jwks_uri, str):
            msg = f"le document {where} ne donne pas de jwks_uri"
            raise IdentityProviderError(msg)
        return jwks_uri


def _kid(header: dict[str, Any]) -> str:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _invalid("identifiant de clé (kid) absent")
    return kid


def _consume(fetch: asyncio.Future[None]) -> None:
    """Retrieve a late fetch's outcome nobody awaits any more (no warning)."""
    if not fetch.cancelled():
        fetch.exception()


# ---- verification ----------------------------------------------------------------


class TokenVerifier:
    """Verify a bearer token and read the caller it names."""

    def __init__(
        self,
        keys: KeySource,
        algorithms: tuple[str, ...],
        *,
        issuer: str | tuple[str, ...],
        audience: str,
        leeway_seconds: int,
    ) -> None:
        self.keys = keys
        self.algorithms = algorithms
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds

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
            raise _invalid("jeton illisible") from None
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise _invalid(f"algorithme « {algorithm} » refusé")
        return header

    def _decode(self, token: str, key: Any) -> Caller:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(self.algorithms),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            message = "Jeton expiré : demandez-en un nouveau."
            raise TokenError("token_expired", message) from None
        except jwt.MissingRequiredClaimError as error:
            raise _invalid(f"revendication « {error.claim} » manquante") from None
        except jwt.InvalidSignatureError:
            raise _invalid("signature non conforme") from None
        except jwt.InvalidAudienceError:
            raise _invalid("audience inattendue") from None
        except jwt.InvalidIssuerError:
            raise _invalid("émetteur inattendu") from None
        except jwt.ImmatureSignatureError:
            raise _invalid("pas encore valide (nbf ou iat dans le futur)") from None
        except jwt.InvalidTokenError:
            raise _invalid("jeton illisible ou mal formé") from None
        return caller_of(claims)


def _text(claims: dict[str, Any], name: str, longest: int) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise _invalid(f"revendication « {name} » vide ou trop longue")
    return value


def _code(claims: dict[str, Any], name: str, pattern: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(pattern, value):
        raise _invalid(f"revendication « {name} » mal formée")
    return value


def caller_of(claims: dict[str, Any]) -> Caller:
    """The caller a verified token's claims name (`sub`, `role`, `org`, and the
    `department` or `commune` where they act)."""
    role = claims.get("role")
    if role not in ROLES:
        raise _invalid(f"rôle inconnu « {role} »")
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


# ---- the development secret and tokens -------------------------------------------


def development_secret(settings: Settings) -> bytes:
    """LOGIS_JWT_SECRET; on the embedded SQLite store without it, a random secret
    drawn once into `<store>.jwt-secret` (mode 0600), which every `logis` process
    on that store shares. PostgreSQL without it: AuthConfigError."""
    if settings.uses_identity_provider:
        msg = (
            "Un fournisseur d'identité est configuré (LOGIS_OIDC_ISSUER ou "
            "LOGIS_JWKS_URL) : les jetons viennent de lui, Logis n'en signe pas."
        )
        raise AuthConfigError(msg)
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value().encode()
    if settings.is_postgres:
        msg = (
            "Aucun moyen de vérifier les jetons : sur PostgreSQL, définissez "
            "LOGIS_OIDC_ISSUER (ou LOGIS_JWKS_URL) pour le fournisseur d'identité, "
            f"ou LOGIS_JWT_SECRET (au moins {MIN_SECRET_BYTES} octets tirés au "
            "hasard) en développement."
        )
        raise AuthConfigError(msg)
    return generated_secret(secret_file(settings.sqlite_path()))


def secret_file(store: Path) -> Path:
    return store.with_name(store.name + SECRET_FILE_SUFFIX)


def generated_secret(path: Path) -> bytes:
    """The secret in `path`, drawn there first if the file does not exist. Two
    processes starting together draw one: the file appears whole (link), once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".jwt-secret-")
        try:
            with os.fdopen(descriptor, "w") as output:  # mkstemp: mode 0600
                output.write(secrets.token_urlsafe(48) + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass  # another process drew it first: theirs is the secret
        finally:
            Path(draft).unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        msg = f"{path} est lisible par d'autres que son propriétaire : chmod 600 {path}"
        raise AuthConfigError(msg)
    secret = path.read_text().strip().encode()
    if len(secret) < MIN_SECRET_BYTES:
        msg = f"{path} ne contient pas de secret d'au moins {MIN_SECRET_BYTES} octets"
        raise AuthConfigError(msg)
    return secret


def issue_token(
    settings: Settings,
    *,
    subject: str,
    role: str,
    organisation: str,
    department: str | None = None,
    commune: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """A development token (HS256, the development secret) naming the caller."""
    secret = development_secret(settings)
    issued = int((now or datetime.now(UTC)).timestamp())
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "role": role,
        "org": organisation,
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(ttl.total_seconds()),
    }
    if department is not None:
        claims["department"] = department
    if commune is not None:
        claims["commune"] = commune
    caller_of(claims)  # the token would be refused: say so now
    return jwt.encode(claims, secret, algorithm=DEVELOPMENT_ALGORITHMS[0])
