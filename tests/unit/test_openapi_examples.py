"""/docs shows, on every operation, examples from the demonstration that its own
models accept, and on every command the §8 rules it may be refused with, as
the code that refuses them says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import TypeAdapter
from starlette.testclient import TestClient

from api.main import create_app
from api.operation_docs import RULES_EXTENSION
from api.step_rules import refusable_rules
from api.summaries import api_routes
from commands.dispatch import COMMANDS
from commands.dossier import RenderSocialEnquiry, Withdraw
from domain.legality import RULES
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET

if TYPE_CHECKING:
    from fastapi.routing import APIRoute

# HTML or PDF documents: no JSON answer to show.
DOCUMENTS = {"read_minutes"}


@pytest.fixture(scope="module")
def app() -> Any:
    settings = Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    app = create_app(settings)
    # A request first, as a served app meets: FastAPI reads its routes then, and
    # the schema built afterwards must still carry what /docs adds to them.
    assert TestClient(app).get("/v1/dossiers").status_code == 401
    return app


@pytest.fixture(scope="module")
def schema(app: Any) -> dict[str, Any]:
    return app.openapi()


def _operations(app: Any, schema: dict[str, Any]) -> list[tuple[APIRoute, dict]]:
    return [
        (route, schema["paths"][route.path_format][method.lower()])
        for route in api_routes(app.routes)
        if route.include_in_schema
        for method in route.methods
    ]


def _examples(content: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """The JSON examples of a body: its own, else its schema's."""
    media = content.get("application/json", {})
    own = [example["value"] for example in media.get("examples", {}).values()]
    ref = media.get("schema", {}).get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return own or component.get("examples", [])


def test_every_request_body_has_an_example_its_model_accepts(app, schema) -> None:
    bodies = 0
    for route, operation in _operations(app, schema):
        if route.body_field is None:
            continue
        bodies += 1
        examples = _examples(operation["requestBody"]["content"], schema)
        assert examples, f"{route.name}: no request example"
        model = route.body_field.field_info.annotation
        for example in examples:
            model.model_validate(example)  # type: ignore[union-attr]
    assert bodies > 50


def test_every_answer_has_an_example_its_model_accepts(app, schema) -> None:
    answers = 0
    for route, operation in _operations(app, schema):
        if route.name in DOCUMENTS:
            continue
        status = str(route.status_code or 200)
        examples = _examples(operation["responses"][status].get("content", {}), schema)
        assert examples, f"{route.name}: no response example"
        answers += 1
        if route.response_model is not None:
            adapter = TypeAdapter(route.response_model)
            for example in examples:
                adapter.validate_python(example)
    assert answers > 90


def test_the_request_examples_come_from_the_demo(schema) -> None:
    operation = schema["paths"]["/v1/dossiers"]["post"]
    (example,) = _examples(operation["requestBody"]["content"], schema)
    assert example["commune"] == "97209"  # Fort-de-France, as in the demo


def test_every_command_lists_the_rules_it_may_be_refused_with(app, schema) -> None:
    commands = 0
    for route, operation in _operations(app, schema):
        if "POST" not in route.methods or route.name == "erase_household_data":
            continue
        commands += 1
        rules = operation[RULES_EXTENSION]
        for rule in rules:
            assert f"`{rule}`" in operation["description"]
    assert commands == len(COMMANDS)


def test_a_step_lists_the_rules_its_code_raises(schema) -> None:
    enquiry = schema["paths"]["/v1/dossiers/{dossier_id}/social-enquiry"]["post"]
    assert enquiry[RULES_EXTENSION] == ["DOS-AVIS", "DOS-ORDRE"]
    withdrawal = schema["paths"]["/v1/dossiers/{dossier_id}/withdrawal"]["post"]
    assert withdrawal[RULES_EXTENSION] == ["DOS-RETRAIT"]
    assert refusable_rules(RenderSocialEnquiry) == ("DOS-AVIS", "DOS-ORDRE")
    assert refusable_rules(Withdraw) == ("DOS-RETRAIT",)


def test_the_commands_together_list_every_rule_a_command_refuses() -> None:
    """A rule the catalogue says a command refuses, listed on no command, is a
    rule the walk through the code missed (or one no command raises)."""
    listed = set().union(*(refusable_rules(c) for c in COMMANDS.values()))
    refused = {rule.id for rule in RULES if rule.enforced in ("both", "refused")}
    assert listed == refused
