"""The base of every command model, and the field types commands share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.text import MultiLine, SingleLine

# Every text field of every command is one of these: the characters a field may
# hold are decided once, in domain/text.py.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    MultiLine,
]
OptionalText = Annotated[  # free text that may be left empty
    str, StringConstraints(strip_whitespace=True, max_length=2000), MultiLine
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    SingleLine,
]
Money = Annotated[
    Decimal, Field(ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)
]


class Command(BaseModel):
    """An intention, validated strictly: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date | None = Field(
        default=None,
        description="Date à laquelle l'étape a eu lieu (par défaut : aujourd'hui).",
    )
