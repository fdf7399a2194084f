"""Development tokens: the secret they are signed with (LOGIS_JWT_SECRET, or one
drawn beside the SQLite store) and the tokens `logis token` issues."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt

from infra.settings import MIN_SECRET_BYTES
from infra.token_verification import (
    DEVELOPMENT_ALGORITHMS,
    AuthConfigError,
    caller_of,
)

if TYPE_CHECKING:
    from infra.settings import Settings

SECRET_FILE_SUFFIX = ".jwt-secret"  # noqa: S105 (a file name)


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
