"""The codes of places, shared by every record: a department's code (01…95, 2A,
2B, 971…976) and a commune's INSEE code, which begins with its department's."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from domain.shared import InvalidValueError

DEPARTMENT_CODE_PATTERN = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$"
COMMUNE_PATTERN = r"^([0-9]{5}|2[AB][0-9]{3})$"  # code INSEE

# The fields of the commands that name a place.
DepartmentCode = Annotated[str, Field(pattern=DEPARTMENT_CODE_PATTERN)]
CommuneCode = Annotated[str, Field(pattern=COMMUNE_PATTERN, description="Code INSEE")]


def department_of(commune: str) -> str:
    """An INSEE code begins with its department's: 97209 → 972, 2A004 → 2A."""
    return commune[:3] if commune.startswith("97") else commune[:2]


def check_place(department: str, commune: str) -> None:
    """A commune's INSEE code begins with its department's code."""
    if not (
        re.match(DEPARTMENT_CODE_PATTERN, department)
        and re.match(COMMUNE_PATTERN, commune)
        and commune.startswith(department)
    ):
        msg = f"La commune {commune} n'est pas un code INSEE du {department}."
        raise InvalidValueError(msg)
