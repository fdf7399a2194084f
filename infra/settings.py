"""The one settings object: every LOGIS_* environment variable is declared here."""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from projections.lists import COUNT_LIMIT

MIN_SECRET_BYTES = 32
CIPHER_KEY_BYTES = (16, 24, 32)  # AES-128, -192, -256
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Where compose and Docker mount secrets: the file
# `logis_cipher_key` there is LOGIS_CIPHER_KEY, and so on for every setting; an
# environment variable of the same name wins. Read only when the folder exists.
SECRETS_DIR = Path("/run/secrets")
# Values copied from examples: refused however often they are repeated.
PLACEHOLDERS = (
    "changeme",
    "changethis",
    "secret",
    "password",
    "motdepasse",
    "logis",
    "jwtsecret",
    "yoursecret",
    "your256bitsecret",
    "supersecret",
    "example",
    "default",
    "development",
    "test",
    "xxx",
)


def is_placeholder(secret: str) -> bool:
    """An example value (`changeme`, `secret`…, repeated or not), or a secret
    of fewer than 8 distinct characters."""
    letters = re.sub(r"[^a-z0-9]", "", secret.lower())
    if len(set(secret)) < 8:
        return True
    return any(re.fullmatch(f"(?:{word}|\\d)+", letters) for word in PLACEHOLDERS)


def default_data_dir() -> Path:
    """Where the embedded store lives when no LOGIS_DATABASE_URL says: `var/` of
    the source checkout (`make run`'s), whatever folder `logis` runs from, so
    that it never starts a second, empty store beside the first; for an
    installed package, the user's data folder (XDG)."""
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file():
        return checkout / "var"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "logis"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LOGIS_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,  # a refused value may hold a password
        secrets_dir=SECRETS_DIR if SECRETS_DIR.is_dir() else None,
    )

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{default_data_dir() / 'logis.sqlite3'}",
        description="sqlite:///path/to/file or postgresql://user:pass@host:port/db "
        "(default: the embedded store, var/logis.sqlite3 of the checkout)",
    )
    # The PostgreSQL password kept apart from the URL (a compose secret): any
    # character, no percent-encoding; put into LOGIS_DATABASE_URL at load.
    database_password: SecretStr | None = None
    pool_size: int = Field(default=10, ge=1, le=200)
    pool_max_overflow: int = Field(default=10, ge=0, le=200)
    lock_timeout_seconds: int = Field(default=5, ge=0)
    kafka_bootstrap: str | None = Field(
        default=None, description="host:port[,host:port]: the relay publishes there"
    )
    # The Kafka relay (infra/relay.py, `logis relay`): topics <prefix>.<type>s.
    kafka_topic_prefix: str = Field(
        default="logis", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$"
    )
    relay_in_process: bool = True  # `logis serve` runs it when kafka_bootstrap is set
    relay_batch_size: int = Field(default=2000, ge=1, le=100_000)
    relay_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # Off: Tansu refuses idempotent producers; on for a real Kafka cluster.
    relay_idempotence: bool = False
    relay_send_timeout_seconds: float = Field(default=30.0, ge=1, le=600)
    relay_max_backoff_seconds: float = Field(default=30.0, ge=0.1, le=600)
    # Tests only: pause between the broker's acknowledgements and the position's
    # commit, so that a test can kill the relay exactly there.
    relay_pause_before_commit_seconds: float = Field(default=0.0, ge=0, le=600)
    # `logis consume` (infra/consumer.py): the Kafka consumer group it joins.
    consumer_group: str = Field(
        default="logis-communes", pattern=r"^[A-Za-z0-9._-]{1,200}$"
    )
    # How long the group waits for a silent member before giving its partitions to
    # the others; a new member also waits about half of it to be given any.
    consumer_session_timeout_seconds: float = Field(default=10.0, ge=1, le=300)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    # A list counts its matching rows up to this many, past its page's end,
    # then answers "more than" (count_capped): a page's cost stays bounded.
    list_count_limit: int = Field(default=COUNT_LIMIT, ge=1, le=10_000_000)
    projector_in_process: bool = True
    projector_poll_seconds: float = Field(default=0.2, gt=0, le=10)
    projector_batch_size: int = Field(default=1000, ge=1, le=100_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    # Authentication (infra/auth.py): HS256 with a secret in development, or the
    # identity provider's keys (RS256/ES256) from its JWKS in production.
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 secret, at least 32 bytes (development)"
    )
    jwt_issuer: str = Field(default="logis", min_length=1, max_length=500)
    jwt_audience: str = Field(default="logis", min_length=1, max_length=500)
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    oidc_issuer: str | None = Field(
        default=None, description="OIDC issuer: its discovery document names the JWKS"
    )
    jwks_url: str | None = Field(default=None, description="the JWKS, directly")
    # The provider's key set is kept this long, and no longer: a key it withdraws
    # is refused after at most this delay.
    jwks_cache_seconds: float = Field(default=300.0, gt=0, le=86_400)
    # The longest a fetch of its keys (or discovery document) may take, and the
    # longest a request waits for one: then 503 identity_provider_unavailable.
    identity_provider_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # The pages' sign-in with the identity provider (api/web/oidc.py): the client
    # Logis is registered as there (authorisation code with PKCE); its secret,
    # like the others, from /run/secrets/logis_oidc_client_secret. Without a
    # client id, the pages cannot sign anyone in (the API still can).
    oidc_client_id: str | None = Field(
        default=None, min_length=1, max_length=500, description="the pages' client"
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="the pages' client secret (none: a public client)"
    )
    # The address people reach Logis at, behind its TLS proxy: the redirect URI
    # registered with the provider is <public_url>/connexion/retour. Without it,
    # the request's own address (right when nothing stands in between).
    public_url: str | None = Field(
        default=None, description="https://… where people reach Logis"
    )
    # The web pages (api/web/): their session cookie is signed with this key;
    # without it, a key derived from the development secret, or one drawn per
    # process (sessions then end when the server restarts).
    session_secret: SecretStr | None = Field(
        default=None, description="key signing the pages' session cookie"
    )
    # The DSFR's terms reserve the State's brand block (Marianne, « République
    # française ») to State services: shown only when the operator is one.
    state_operator: bool = False
    # Crypto-shredding (infra/personal_mapper.py): how long a process may keep
    # using a household's key read from the store (0: read it for every event).
    # An erasure in another process is seen here after at most this long.
    key_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    # A long record loads from a snapshot of its state taken every this many
    # versions (infra/snapshots.py); 0: no snapshot, every load replays.
    snapshot_interval: int = Field(default=50, ge=0, le=100_000)
    # Optional encryption of the whole stored state at rest (the library's
    # AESCipher): base64 of 16, 24 or 32 random bytes, kept outside the database.
    cipher_key: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _password_into_url(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("database_password") is None:
            return data
        password = data["database_password"]
        if isinstance(password, SecretStr):
            password = password.get_secret_value()
        url = urlsplit(str(data.get("database_url", "")))
        if url.scheme not in ("postgresql", "postgres") or not url.hostname:
            msg = (
                "LOGIS_DATABASE_PASSWORD ne sert qu'avec une LOGIS_DATABASE_URL "
                "postgresql://utilisateur@hôte:port/base"
            )
            raise ValueError(msg)
        if url.password is not None:
            msg = (
                "mot de passe donné deux fois : dans LOGIS_DATABASE_URL et "
                "LOGIS_DATABASE_PASSWORD ; gardez-en un"
            )
            raise ValueError(msg)
        user, _, host = url.netloc.rpartition("@")
        netloc = f"{user or 'postgres'}:{quote(str(password), safe='')}@{host}"
        return {**data, "database_url": urlunsplit(url._replace(netloc=netloc))}

    @field_validator("jwt_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value()
        if len(secret.encode()) < MIN_SECRET_BYTES:
            msg = (
                f"LOGIS_JWT_SECRET trop court : au moins {MIN_SECRET_BYTES} octets "
                "(par ex. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
            raise ValueError(msg)
        if is_placeholder(secret):
            msg = "LOGIS_JWT_SECRET est une valeur d'exemple : tirez-en une au hasard"
            raise ValueError(msg)
        return value

    @field_validator("cipher_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            key = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) not in CIPHER_KEY_BYTES:
            msg = (
                "LOGIS_CIPHER_KEY invalide : base64 de 16, 24 ou 32 octets attendu "
                "(par ex. python -c 'import base64, os; "
                "print(base64.b64encode(os.urandom(32)).decode())')"
            )
            raise ValueError(msg)
        return value

    def cipher_key_bytes(self) -> bytes | None:
        if self.cipher_key is None:
            return None
        return base64.b64decode(self.cipher_key.get_secret_value())

    @field_validator("oidc_issuer", "jwks_url", "public_url")
    @classmethod
    def _https_or_loopback(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = urlsplit(value)
        loopback = url.scheme == "http" and url.hostname in LOOPBACK_HOSTS
        if not (url.scheme == "https" and url.hostname) and not loopback:
            msg = "adresse https:// attendue (http:// seulement sur 127.0.0.1)"
            raise ValueError(msg)
        return value

    @field_validator("oidc_issuer", "public_url")
    @classmethod
    def _issuer_without_trailing_slash(cls, value: str | None) -> str | None:
        """`https://sso/realms/logis/` and `…/logis` name one issuer: tokens are
        checked against both spellings (infra/auth.py), discovery with one."""
        return None if value is None else value.rstrip("/")

    @model_validator(mode="after")
    def _one_way_to_authenticate(self) -> Settings:
        if self.jwt_secret is not None and self.uses_identity_provider:
            msg = (
                "LOGIS_JWT_SECRET et LOGIS_OIDC_ISSUER/LOGIS_JWKS_URL s'excluent : en "
                "production, seuls les jetons du fournisseur d'identité sont acceptés"
            )
            raise ValueError(msg)
        return self

    @property
    def uses_identity_provider(self) -> bool:
        return bool(self.oidc_issuer or self.jwks_url)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            msg = "LOGIS_DATABASE_URL doit commencer par sqlite:/// ou postgresql://"
            raise ValueError(msg)
        return value

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    def eventsourcing_env(self) -> dict[str, str]:
        """The library's settings, derived here and nowhere else."""
        env = {
            "TRANSCODER_TOPIC": "infra.store:LogisTranscoder",
            "MAPPER_TOPIC": "infra.personal_mapper:ErasableMapper",
        }
        if self.cipher_key is not None:
            env |= {
                "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
                "CIPHER_KEY": self.cipher_key.get_secret_value(),
            }
        if self.is_postgres:
            url = urlsplit(self.database_url)
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "APPLICATION_RECORDER_TOPIC": "infra.store:PostgresLogisRecorder",
                "POSTGRES_DBNAME": url.path.lstrip("/"),
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(url.password or ""),
                "POSTGRES_POOL_SIZE": str(self.pool_size),
                "POSTGRES_MAX_OVERFLOW": str(self.pool_max_overflow),
                "POSTGRES_LOCK_TIMEOUT": str(self.lock_timeout_seconds),
                "POSTGRES_CONNECT_TIMEOUT": "10",
                "POSTGRES_PRE_PING": "y",
            }
        else:
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "APPLICATION_RECORDER_TOPIC": "infra.store:SQLiteLogisRecorder",
                "SQLITE_DBNAME": str(self.sqlite_path()),
                "SQLITE_LOCK_TIMEOUT": str(self.lock_timeout_seconds),
            }
        return env
