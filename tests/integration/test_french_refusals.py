"""A refused request is told in French down to its details: pydantic's English
("Field required", "Input should be a valid integer", "Value error, …") never
reaches the message or a `details` entry, and each detail names its field
(issue 16, item 5). Bad bodies and bad query or path parameters, on a few
routes of each kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.api import (
    actor,
    adopt_settings,
    assert_error,
    drive_dossier,
    identification,
    identify,
    record,
    settings_body,
)
from tests.helpers.french import english_in
from tests.helpers.saisines_http import signal, signalling

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")

BAD_IDENTIFICATIONS: dict[str, tuple[dict[str, Any], str]] = {
    "int_parsing": ({"household_size": "trois"}, "body.household_size"),
    "int_from_float": ({"household_size": 3.5}, "body.household_size"),
    "greater_than_equal": ({"household_size": 0}, "body.household_size"),
    "string_too_long": ({"applicant_name": "x" * 500}, "body.applicant_name"),
    "string_type": ({"applicant_name": 12}, "body.applicant_name"),
    "text_invisible": ({"applicant_name": "\u200b"}, "body.applicant_name"),
    "string_pattern_mismatch": ({"commune": "Fort"}, "body.commune"),
    "date_from_datetime_inexact": (
        {"occurred_on": "2025-01-01T10:00:00"},
        "body.occurred_on",
    ),
    "date_parsing": ({"occurred_on": "27/11/2025"}, "body.occurred_on"),
    "uuid_parsing": ({"programme_id": "programme-1"}, "body.programme_id"),
    "bool_parsing": ({"dalo": "peut-être"}, "body.dalo"),
    "missing": ({"applicant_name": None}, "body.applicant_name"),
    "extra_forbidden": ({"stage": "classe"}, "body.stage"),
}
BAD_QUERIES: dict[str, tuple[str, dict[str, str], str]] = {
    "limit_zero": ("/v1/mesures", {"limit": "0"}, "query.limit"),
    "limit_not_a_number": ("/v1/dossiers", {"limit": "beaucoup"}, "query.limit"),
    "limit_too_big": ("/v1/dossiers", {"limit": "100000"}, "query.limit"),
    "department_missing": ("/v1/statistics", {}, "query.department"),
    "year_not_a_number": (
        "/v1/statistics",
        {"department": "972", "year": "an"},
        "query.year",
    ),
    "department_pattern": ("/v1/mesures", {"department": "99"}, "query.department"),
    "our_validator": ("/v1/bilans", {"as_of": "hier"}, "query.as_of"),
    "day_out_of_calendar": ("/v1/bilans", {"as_of": "2026-02-30"}, "query.as_of"),
    "min_position": ("/v1/mesures", {"min_position": "-1"}, "query.min_position"),
}


def assert_french_refusal(answer: httpx.Response, *fields: str) -> dict[str, Any]:
    """A 422 whose message and details hold no English word, each detail naming
    a field of the request; `fields` among them."""
    error = assert_error(answer, 422)
    assert error["code"] in ("invalid_input", "invalid_text", "malformed_json"), error
    told = [error["message"]] + [d["problem"] for d in error.get("details", [])]
    for text in told:
        assert not english_in(text), (english_in(text), error)
    for detail in error.get("details", []):
        assert detail["field"].split(".")[0] in ("body", "query", "path"), error
        assert detail["field"] in error["message"], error
    named = {d["field"] for d in error.get("details", [])}
    assert set(fields) <= named, error
    return error


def test_bad_identification_bodies_are_told_in_french(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    for kind, (change, field) in BAD_IDENTIFICATIONS.items():
        with subtests.test(kind=kind):
            body = {**identification(), **change}
            body = {k: v for k, v in body.items() if v is not None}

            assert_french_refusal(identify(client, body), field)


def test_bad_step_and_referral_bodies_are_told_in_french(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    dossier_id = drive_dossier(client, to="identifie")
    steps = {
        "literal_error": ({"avis": "peut-etre", "summary": "x"}, "body.avis"),
        "not_an_object": ([1, 2], "body"),
        "missing_body": (None, "body"),
    }
    for kind, (body, field) in steps.items():
        with subtests.test(kind=kind):
            answer = client.post(
                f"/v1/dossiers/{dossier_id}/social-enquiry",
                json=body,
                headers=actor("departement"),
            )
            assert_french_refusal(answer, field)
    referrals = {
        "decimal_places": ({"arrears": "10.001"}, "body.arrears"),
        "decimal_parsing": ({"arrears": "beaucoup"}, "body.arrears"),
        "negative": ({"arrears": "-1"}, "body.arrears"),
        "source_literal": ({"source": "expulsion"}, "body.source"),
        "many_at_once": ({"landlord": "", "commune": 97209}, "body.commune"),
    }
    for kind, (change, field) in referrals.items():
        with subtests.test(kind=kind):
            assert_french_refusal(signal(client, signalling(**change)), field)
    with subtests.test(kind="closure_extra_field"):
        answer = record(
            client, dossier_id, "withdrawal", {"reason": "x", "v": 9}, role="ccas"
        )
        assert_french_refusal(answer, "body.v")


def test_bad_department_settings_are_told_in_french(client: TestClient) -> None:
    body = settings_body()
    body["settings"]["resource_ceilings"][0]["by_category"] = {"9": "100"}

    error = assert_french_refusal(adopt_settings(client, body=body))

    assert any("catégories 1 à 6" in d["problem"] for d in error["details"]), error


def test_bad_query_and_path_parameters_are_told_in_french(
    client: TestClient, subtests: pytest.Subtests
) -> None:
    for kind, (path, params, field) in BAD_QUERIES.items():
        with subtests.test(kind=kind):
            assert_french_refusal(client.get(path, params=params), field)
    with subtests.test(kind="path_uuid"):
        answer = client.get("/v1/dossiers/pas-un-uuid/history")
        assert_french_refusal(answer, "path.dossier_id")


def test_our_validators_text_comes_without_pydantic_prefix(
    client: TestClient,
) -> None:
    error = assert_french_refusal(
        client.get("/v1/bilans", params={"as_of": "hier"}), "query.as_of"
    )

    assert error["details"] == [
        {
            "field": "query.as_of",
            "problem": "date attendue au format AAAA-MM-JJ, pas « hier »",
        }
    ]
