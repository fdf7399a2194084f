"""If-Match holds one strong version ("3", 3 or *): what parse_if_match reads
and what the OpenAPI schema states (api/deps.py IF_MATCH) are the same."""

from __future__ import annotations

import re

import pytest
from fastapi import HTTPException

from api.deps import IF_MATCH, parse_if_match


@pytest.mark.parametrize(("tag", "version"), [('"3"', 3), ("12", 12), ("*", None)])
def test_a_strong_version_is_read(tag: str, version: int | None) -> None:
    assert parse_if_match(tag) == version
    assert re.fullmatch(IF_MATCH, tag)


# "²" and "٣" are digits to str.isdigit, and "²" is none to int(): over HTTP
# a latin-1 header can carry it.
@pytest.mark.parametrize("tag", ["abc", 'W/"2"', '"-2"', '""', "²", "٣", '"2", "3"'])
def test_anything_else_is_refused_as_invalid_if_match(tag: str) -> None:
    with pytest.raises(HTTPException) as refused:
        parse_if_match(tag)

    assert refused.value.status_code == 422
    assert refused.value.detail["code"] == "invalid_if_match"
    assert not re.fullmatch(IF_MATCH, tag)
