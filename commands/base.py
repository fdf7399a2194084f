"""The base of every command model."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    """An intention, validated strictly: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date | None = Field(
        default=None,
        description="Date à laquelle l'étape a eu lieu (par défaut : aujourd'hui).",
    )
