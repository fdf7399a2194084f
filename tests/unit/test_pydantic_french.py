"""Every refusal pydantic can make is told in French (domain/pydantic_french),
whatever its type: none of pydantic's English words reach a person."""

from __future__ import annotations

import pytest
from pydantic_core._pydantic_core import list_all_errors

from domain.pydantic_french import GENERIC, UNKNOWN_FIELD, field_of, french_problem
from tests.helpers.french import english_in

ALL_ERRORS = list_all_errors()
# Types whose text is our validators' own (French): checked below.
OWN_TEXT = {"value_error", "assertion_error"}


@pytest.mark.parametrize(
    "error",
    [e for e in ALL_ERRORS if e["type"] not in OWN_TEXT],
    ids=lambda e: e["type"],
)
def test_every_pydantic_error_type_is_told_in_french(error: dict) -> None:
    problem = french_problem(
        {
            "type": error["type"],
            "msg": error["example_message_python"],
            "ctx": error["example_context"],
        }
    )

    assert problem.strip()
    assert not english_in(problem), (error["type"], problem)


def test_the_constraint_values_are_told() -> None:
    cases = [
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "supérieur ou égal à 1"),
        ({"type": "string_too_long", "ctx": {"max_length": 200}}, "200 caractères"),
        ({"type": "string_too_short", "ctx": {"min_length": 1}}, "1 caractère"),
        (
            {"type": "literal_error", "ctx": {"expected": "'oui', 'non' or 'nsp'"}},
            "'oui', 'non' ou 'nsp'",
        ),
        ({"type": "enum", "ctx": {"expected": "'a' or 'b'"}}, "'a' ou 'b'"),
        (
            {"type": "string_pattern_mismatch", "ctx": {"pattern": "^\\d{5}$"}},
            "^\\d{5}$",
        ),
        ({"type": "extra_forbidden"}, UNKNOWN_FIELD),
    ]
    for error, told in cases:
        assert told in french_problem(error), error


def test_our_validators_keep_their_french_text_without_pydantic_prefix() -> None:
    own = {"type": "value_error", "msg": "Value error, date attendue, pas « hier »"}
    custom = {"type": "text_invisible", "msg": "le texte ne contient aucun caractère"}

    assert french_problem(own) == "date attendue, pas « hier »"
    assert french_problem(custom) == custom["msg"]


def test_an_unknown_type_gets_a_generic_french_sentence() -> None:
    error = {"type": "some_future_type", "msg": "Input should be something new"}

    assert french_problem(error) == GENERIC
    assert french_problem({"type": "greater_than", "ctx": {}}) == GENERIC


def test_the_field_is_the_dotted_location() -> None:
    assert field_of({"loc": ("body", "decisions", 0, "outcome")}) == (
        "body.decisions.0.outcome"
    )
    assert field_of({"loc": ()}, "réglages") == "réglages"
