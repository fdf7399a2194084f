"""The catalogue says exactly where each rule is enforced: a rule a command
refuses ("both", "refused") is raised by an aggregate or a command handler, a
rule the engine finds ("both", "found") is reported by the legality engine,
and no rule is enforced where the catalogue does not say."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from domain.legality import RULES, RULES_BY_ID, Rule

ROOT = Path(__file__).resolve().parents[2]
# The catalogue and the settings' assumptions name every rule without
# enforcing any.
NOT_ENFORCING = {"rules.py", "assumptions.py"}


def _rule_ids_in(trees: list[ast.AST]) -> set[str]:
    """The rule ids some code names (string constants)."""
    return {
        node.value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in RULES_BY_ID
    }


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _checks_imported(module: ast.Module) -> list[ast.AST]:
    """The functions a legality module imports from the aggregates' modules:
    the rule checks written once (domain/dossier_rules.py), whose rules the
    engine finds through them."""
    functions: list[ast.AST] = []
    for node in module.body:
        if not (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("domain.")
            and not (node.module or "").startswith("domain.legality")
        ):
            continue
        source = _parse(ROOT / (node.module.replace(".", "/") + ".py")).body  # type: ignore[union-attr]
        names = {alias.name for alias in node.names}
        functions += [
            f for f in source if isinstance(f, ast.FunctionDef) and f.name in names
        ]
    return functions


LEGALITY = [
    _parse(p)
    for p in (ROOT / "domain" / "legality").glob("*.py")
    if p.name not in NOT_ENFORCING
]
AGGREGATES = [_parse(p) for p in (ROOT / "domain").glob("*.py")] + [
    _parse(p) for p in (ROOT / "commands").rglob("*.py")
]
REFUSED = _rule_ids_in(AGGREGATES)
FOUND = _rule_ids_in(LEGALITY + [f for m in LEGALITY for f in _checks_imported(m)])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_is_enforced_where_the_catalogue_says(rule: Rule) -> None:
    assert (rule.id in REFUSED) == (rule.enforced in ("both", "refused")), (
        f"{rule.id}: enforced={rule.enforced!r}, raised by a command: "
        f"{rule.id in REFUSED}"
    )
    assert (rule.id in FOUND) == (rule.enforced in ("both", "found")), (
        f"{rule.id}: enforced={rule.enforced!r}, found by the engine: "
        f"{rule.id in FOUND}"
    )


def test_the_scan_sees_both_sides() -> None:
    """A scan that read nothing would pass the test above for no rule at all."""
    assert {"DOS-ORIGINE", "ALS-SOLVA", "LOGEMENT-UNIQUE"} <= REFUSED & FOUND
    assert "DALO-DELAI" in FOUND - REFUSED
