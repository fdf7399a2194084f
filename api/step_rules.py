"""The DOMAIN.md §8 rules a command may refuse with, read from the code that
refuses them rather than listed a second time: from the command's `apply` (or
`create`; for a step whose `apply` is RecordStep's, the aggregate's method named
by its action), every function of domain/ and commands/ it calls, and the rule
ids they name (`RuleViolation("DOS-ORDRE", …)`, `Breach("ALS-SOLVA", …)`, a
module constant such as `ONE_HOUSEHOLD`).

A call that is only tested (`if expiry_breach(…):`) is not followed: its breach
is read, not raised. What the application adds around a step (the dwelling a
CAL attributes, the association's load) is not seen from the command."""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache
from typing import Any

from commands.base import RecordStep
from domain.legality import RULES_BY_ID
from domain.records import kind

# Only the project's own code is followed: the rules live there.
PACKAGES = ("domain.", "commands.")


@cache
def refusable_rules(command: type) -> tuple[str, ...]:
    """The rule ids `command` may be refused with, sorted."""
    found: set[str] = set()
    seen: set[Any] = set()
    for name in ("create", "apply"):
        method = command.__dict__.get(name) or getattr(command, name, None)
        if method is not None:
            _walk(_function(method), command, found, seen)
    if getattr(command, "apply", None) is RecordStep.apply:
        # The default `apply` calls the aggregate's method named by the action.
        aggregate = kind(command.record_kind).aggregate
        _walk(_function(getattr(aggregate, command.action)), aggregate, found, seen)
    return tuple(sorted(found))


def _function(member: Any) -> Any:
    """The plain function behind a method, classmethod, staticmethod."""
    member = getattr(member, "__func__", member)
    return inspect.unwrap(member)


def _walk(function: Any, owner: type | None, found: set[str], seen: set[Any]) -> None:
    if function in seen or not _ours(function):
        return
    seen.add(function)
    tree = _tree(function)
    if tree is None:
        return
    names = _globals(function)
    found |= _rule_ids(tree, names)
    hints = _annotations(tree, names)
    for call in _raising_calls(tree):
        for target, target_owner in _targets(call.func, owner, names, hints):
            _walk(target, target_owner, found, seen)


def _ours(function: Any) -> bool:
    module = getattr(function, "__module__", "") or ""
    return inspect.isfunction(function) and module.startswith(PACKAGES)


@cache
def _tree(function: Any) -> ast.AST | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return None
    return ast.parse(source)


def _globals(function: Any) -> dict[str, Any]:
    return getattr(function, "__globals__", {})


def _rule_ids(tree: ast.AST, names: dict[str, Any]) -> set[str]:
    """Rule ids written in the function, or named by a module constant."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in RULES_BY_ID:
            ids.add(node.value)
        elif isinstance(node, ast.Name):
            value = names.get(node.id)
            if isinstance(value, str) and value in RULES_BY_ID:
                ids.add(value)
    return ids


def _raising_calls(tree: ast.AST) -> list[ast.Call]:
    """The calls whose breach may be raised: all but those only tested."""
    tested = {
        id(node.test)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Call)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and id(node) not in tested
    ]


def _annotations(tree: ast.AST, names: dict[str, Any]) -> dict[str, type]:
    """The classes the function's parameters are annotated with (`dossier:
    Dossier`), where the module names them."""
    hints: dict[str, type] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            annotation = node.annotation
            if isinstance(annotation, ast.Constant) and isinstance(
                annotation.value, str
            ):
                annotation = ast.parse(annotation.value, mode="eval").body
            if isinstance(annotation, ast.Name):
                value = names.get(annotation.id)
                if inspect.isclass(value):
                    hints[node.arg] = value
    return hints


def _targets(
    func: ast.expr,
    owner: type | None,
    names: dict[str, Any],
    hints: dict[str, type],
) -> list[tuple[Any, type | None]]:
    """What a call reaches: a module's function, a class's method (`Class.m`,
    `self.m`, `param.m`), or a class itself (its constructor is not ours)."""
    if isinstance(func, ast.Name):
        value = names.get(func.id)
        return [(value, None)] if inspect.isfunction(value) else []
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return []
    base = func.value.id
    if base in ("self", "cls"):
        cls = owner
    elif base in hints:
        cls = hints[base]
    else:
        cls = names.get(base) if inspect.isclass(names.get(base)) else None
    if cls is None:
        return []
    member = inspect.getattr_static(cls, func.attr, None)
    if member is None:
        return []
    if isinstance(member, property):
        member = member.fget
    return [(_function(member), cls)]
