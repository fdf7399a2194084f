"""The one settings object: every LOGIS_* environment variable is declared here."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LOGIS_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///var/logis.sqlite3",
        description="sqlite:///path/to/file or postgresql://user:pass@host:port/db",
    )
    pool_size: int = Field(default=10, ge=1, le=200)
    pool_max_overflow: int = Field(default=10, ge=0, le=200)
    lock_timeout_seconds: int = Field(default=5, ge=0)
    kafka_bootstrap: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    projector_in_process: bool = True
    projector_poll_seconds: float = Field(default=0.2, gt=0, le=10)
    projector_batch_size: int = Field(default=1000, ge=1, le=100_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            msg = "LOGIS_DATABASE_URL must start with sqlite:/// or postgresql://"
            raise ValueError(msg)
        return value

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    def eventsourcing_env(self) -> dict[str, str]:
        """The library's settings, derived here and nowhere else."""
        env = {"TRANSCODER_TOPIC": "infra.store:LogisTranscoder"}
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
