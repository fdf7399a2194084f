"""/docs speaks French: every operation has a French summary of its own."""

from __future__ import annotations

import re

from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET

# FastAPI's default summary is the handler's name in English title case.
DEFAULT = re.compile(
    r"^(Read|List|Verify|Erase|Identify|Announce|Hold|Let|Vacate|"
    r"Propose|Convene|Record|Preselect|Rank|Decide|Close|Request|"
    r"Signal|Adopt)\b"
)


def test_every_operation_has_a_french_summary() -> None:
    settings = Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    schema = create_app(settings).openapi()
    summaries = {
        f"{method.upper()} {path}": operation.get("summary", "")
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert len(summaries) > 90
    english = {op: s for op, s in summaries.items() if not s or DEFAULT.match(s)}
    assert not english, english
    # one summary per operation, so that /docs tells them apart
    repeated = [s for s in summaries.values() if list(summaries.values()).count(s) > 1]
    assert not repeated, sorted(set(repeated))
