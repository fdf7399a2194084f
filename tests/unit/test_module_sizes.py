"""No product module grows past 400 lines (issue 15): a longer one is split
where its parts mean different things (a dossier's events apart from its
commands, the support rules apart from the LLTS ones). The demo's scenarios
are data, not code (api/demo/loire.py, martinique.py: one record after
another), and are left out."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400
FLOORS = ("domain", "commands", "projections", "infra", "api")
DATA = ("api/demo/",)


def test_no_product_module_is_over_400_lines() -> None:
    too_long = {
        name: lines
        for floor in FLOORS
        for path in sorted((ROOT / floor).rglob("*.py"))
        if not (name := str(path.relative_to(ROOT))).startswith(DATA)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}
