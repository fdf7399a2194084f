"""Telling English from French in what Logis says to people: the words of
pydantic's, Starlette's and argparse's English messages ("Field required",
"Input should be a valid integer", "Value error, …", "String should have at
most 200 characters"), as whole words, so that "valide" or "caractères" pass."""

from __future__ import annotations

import re

ENGLISH = re.compile(
    r"\b(field required|input should|should|must|valid|value error|assertion "
    r"failed|characters?|required|expected|extra inputs|permitted|string|integer|"
    r"number|list|dictionary|boolean|pattern|match|at least|at most|greater|less "
    r"than|unable|parse|got|found|invalid|error|items?|the|or|not|decimal places?|"
    r"digits?|datetimes?|provided|zero time|timezone|input|data)\b",
    re.IGNORECASE,
)


def english_in(text: str) -> list[str]:
    """The English words found in `text` (none in a French message)."""
    return ENGLISH.findall(text)
