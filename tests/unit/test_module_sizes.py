"""No product module grows past 400 lines (issue 15): a longer one is split
where its parts mean different things (a dossier's events apart from its
commands, the support rules apart from the LLTS ones). api/ is left out: its
demo modules are data (api/demo/*.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400
FLOORS = ("domain", "commands", "projections", "infra")


def test_no_module_of_the_lower_floors_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for floor in FLOORS
        for path in sorted((ROOT / floor).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}
