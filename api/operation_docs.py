"""What /docs shows of each operation besides its summary: examples from the
demonstration (its request bodies, api/examples.py; its answers, read once from
a demo store into response_examples.json) and, on every command, the §8 rules
it may be refused with (`x-logis-rules`, and in French in its description),
derived from the code that refuses them (api/step_rules.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.examples import example_for
from api.step_rules import refusable_rules
from api.summaries import api_routes
from commands.dispatch import COMMANDS
from commands.programme import ProposeCandidates

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.routing import APIRoute

# The one write whose command has no body: the dwelling is in its URL.
BODILESS = {"propose_candidates": ProposeCandidates}
RULES_EXTENSION = "x-logis-rules"
# Written by `python -m tests.fixtures.write_openapi_examples`.
RESPONSE_EXAMPLES = Path(__file__).with_name("response_examples.json")


@cache
def response_examples() -> dict[str, dict[str, Any]]:
    return json.loads(RESPONSE_EXAMPLES.read_text(encoding="utf-8"))


def document_operations(app: FastAPI) -> None:
    """On the first /openapi.json (not at start: the walk through the code and
    the demo's examples take a second). Written into the generated schema, not
    onto the routes: FastAPI reads a route once per app, on its first request,
    and its own encoding of `openapi_extra` would drop the examples' nulls."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document(app, generate())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _document(app: FastAPI, schema: dict[str, Any]) -> None:
    for route in api_routes(app.routes):
        if not route.include_in_schema:
            continue
        body = _body(route)
        command = _command(route, body)
        request = example_for(body) if body is not None else None
        answer = _answer(route, command)
        for method in route.methods:
            operation = schema["paths"][route.path_format][method.lower()]
            if command is not None:
                _list_rules(operation, refusable_rules(command))
            if request is not None:
                _show(operation["requestBody"], request)
            if answer is not None:
                _show(operation["responses"][str(route.status_code or 200)], answer)


def _list_rules(operation: dict[str, Any], rules: tuple[str, ...]) -> None:
    operation[RULES_EXTENSION] = list(rules)
    described = f"{operation.get('description', '')}\n\n{_rules_text(rules)}"
    operation["description"] = described.strip()


def _show(part: dict[str, Any], example: Any) -> None:
    media = part.setdefault("content", {}).setdefault("application/json", {})
    media["examples"] = {"demo": {"summary": "Démonstration", "value": example}}


def _body(route: APIRoute) -> type | None:
    field = route.body_field
    return field.field_info.annotation if field is not None else None  # type: ignore[return-value]


def _command(route: APIRoute, body: type | None) -> type | None:
    """The command a write carries out: its body, or the command its body is
    part of (the dwelling named by the URL)."""
    if body is None:
        return BODILESS.get(route.name)
    if body in COMMANDS.values():
        return body
    for command in COMMANDS.values():
        if issubclass(command, body):
            return command
    return None


def _answer(route: APIRoute, command: type | None) -> Any:
    """The demo's answer: to the first command of that kind, or to the read."""
    examples = response_examples()
    if command is not None and command.__name__ in examples["commands"]:
        return examples["commands"][command.__name__]
    return examples["operations"].get(route.operation_id or route.unique_id)


def _rules_text(rules: tuple[str, ...]) -> str:
    if not rules:
        return "Règles du §8 : aucune ne refuse cette commande en propre."
    named = ", ".join(f"`{rule}`" for rule in rules)
    return f"Règles du §8 qui peuvent refuser cette commande (409, `code`) : {named}."
