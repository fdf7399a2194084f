"""No text can stop the read side: what the edge accepts projects on both stores.

Text fields refuse control characters, non-characters, lone surrogates and values
with nothing visible (domain/text.py) with a 422 `invalid_text` naming the field,
and the store is left unchanged. Whatever they accept is projected: every view
catches up, none is stuck, and the reads show the value back (NFC).

One app per store for the whole module; the property tests keep few examples.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.helpers.api import (
    DEPARTMENT,
    actor,
    adopt_settings,
    identification,
    identify,
    settings_body,
)
from tests.helpers.backends import BACKENDS, app_client
from tests.helpers.procedure import announce

if TYPE_CHECKING:
    from collections.abc import Iterator


EDGE_CHARACTERS = (
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r",
    "\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff", "\ufdd0",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069",
    "\u3164", "\u115f", "\ufe0f", "\u00a0", "\u3000", "\u2028", "\u2029",
    "e\u0301", "\u0301", "\U0001f600", "é", "ß", "ا", "中",
)  # fmt: skip
# Every code point, surrogates and controls included, and the edge ones often.
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(codec=None, exclude_categories=()),
        st.sampled_from(EDGE_CHARACTERS),
        st.sampled_from("Marie Lordinot"),
    ),
    min_size=1,
    max_size=12,
).map("".join)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One app per store for the module, with department 972 adopted."""
    with app_client(request, tmp_path_factory.mktemp("text")) as client:
        assert adopt_settings(client).status_code == 201
        yield client


def post(client: TestClient, url: str, body: Any, role: str) -> Any:
    """JSON with every non-ASCII character escaped: a lone surrogate is sent as
    "\\ud800", as any client may (httpx's own encoding would refuse it)."""
    return client.post(
        url,
        content=json.dumps(body).encode(),
        headers={**actor(role), "Content-Type": "application/json"},
    )


def head(client: TestClient) -> int:
    return int(client.app.state.system.app.recorder.max_notification_id() or 0)  # type: ignore[attr-defined]


def all_projected(client: TestClient) -> None:
    """Every view has caught up with the store, and none is stuck."""
    engine = client.app.state.system.engine  # type: ignore[attr-defined]
    engine.catch_up()
    assert engine.stuck() == []
    assert {s.name: s.position for s in engine.status()} == dict.fromkeys(
        engine.projections, head(client)
    )


def shown(value: str) -> str:
    """What a read shows of accepted text: stripped, then NFC."""
    return unicodedata.normalize("NFC", value.strip())


def assert_refused(answer: Any, field: str, before: int, client: TestClient) -> None:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] in ("invalid_text", "invalid_input"), body
    assert field in body["message"]
    assert head(client) == before  # nothing stored


def read_created(client: TestClient, resource: str, created: Any) -> Any:
    """The record a creation answered, read once the store has reached it."""
    body = created.json()
    read = client.get(
        f"/v1/{resource}/{body['id']}", params={"min_position": body["position"]}
    )
    assert read.status_code == 200, read.text
    return read.json()


# ---- properties ----------------------------------------------------------------


@EXAMPLES
@given(name=ANY_TEXT)
def test_an_applicant_name_is_refused_or_projected(
    client: TestClient, name: str
) -> None:
    before = head(client)
    answer = post(client, "/v1/dossiers", identification(applicant_name=name), "ccas")
    if not answer.is_success:
        assert_refused(answer, "applicant_name", before, client)
        return
    assert read_created(client, "dossiers", answer)["applicant_name"] == shown(name)
    all_projected(client)


@EXAMPLES
@given(name=ANY_TEXT, ref=ANY_TEXT)
def test_a_programme_name_and_dwelling_ref_are_refused_or_projected(
    client: TestClient, name: str, ref: str
) -> None:
    before = head(client)
    body = {
        "kind": "livraison",
        "name": name,
        "department": DEPARTMENT,
        "commune": "97209",
        "dwellings": [
            {"ref": ref, "typology": "T3", "rent": "350.00", "charges": "50.00"}
        ],
    }
    answer = post(client, "/v1/programmes", body, "bailleur")
    if not answer.is_success:
        assert_refused(answer, "body", before, client)
        return
    programme = read_created(client, "programmes", answer)
    assert programme["name"] == shown(name)
    assert [d["ref"] for d in programme["dwellings"]] == [shown(ref)]
    all_projected(client)


@EXAMPLES
@given(summary=ANY_TEXT)
def test_a_free_text_summary_is_refused_or_projected(
    client: TestClient, summary: str
) -> None:
    created = identify(client).json()
    before = head(client)
    answer = post(
        client,
        f"/v1/dossiers/{created['id']}/social-enquiry",
        {"avis": "prioritaire", "summary": summary},
        "departement",
    )
    if not answer.is_success:
        assert_refused(answer, "summary", before, client)
        return
    all_projected(client)


# ---- the edge's answers --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Jean\x00Dupont",
        "Jean\x1bDupont",
        "Jean\x85Dupont",
        "Jean\nDupont",
        "Jean\uffffDupont",
        "\u200b\u200d",
        "\u202e\u2066\u2069",
        "\u3164",
    ],
)
def test_a_name_no_record_may_hold_is_refused_in_french(
    client: TestClient, name: str
) -> None:
    before = head(client)
    answer = identify(client, identification(applicant_name=name))
    assert_refused(answer, "applicant_name", before, client)
    body = answer.json()
    assert body["code"] == "invalid_text"
    assert body["message"].startswith("Texte refusé (body.applicant_name : ")
    assert "Dupont" not in body["message"]


def test_a_lone_surrogate_escaped_in_json_is_refused(client: TestClient) -> None:
    before = head(client)
    raw = '{"applicant_name": "Jean\\ud800", "household_size": 3, '
    raw += f'"department": "{DEPARTMENT}", "commune": "97209"}}'
    answer = client.post(
        "/v1/dossiers",
        content=raw.encode(),
        headers={**actor("ccas"), "Content-Type": "application/json"},
    )
    assert_refused(answer, "applicant_name", before, client)
    assert answer.json()["code"] == "invalid_text"
    assert "UTF-8" in answer.json()["message"]


def test_free_text_keeps_its_lines_and_tabs(client: TestClient) -> None:
    created = identify(client).json()
    answer = client.post(
        f"/v1/dossiers/{created['id']}/social-enquiry",
        json={"avis": "prioritaire", "summary": "Ligne 1\r\n\tLigne 2"},
        headers=actor("departement"),
    )
    assert answer.status_code == 200, answer.text


def test_accepted_text_is_stored_in_nfc(client: TestClient) -> None:
    answer = identify(client, identification(applicant_name="Jose\u0301 Lordinot"))
    assert answer.status_code == 201, answer.text
    created = answer.json()
    read = client.get(
        f"/v1/dossiers/{created['id']}", params={"min_position": created["position"]}
    )
    assert read.json()["applicant_name"] == "José Lordinot"


def test_a_dwelling_ref_in_the_path_is_checked_like_the_commands(
    client: TestClient,
) -> None:
    created = announce(client).json()
    before = head(client)
    answer = client.post(
        f"/v1/programmes/{created['id']}/dwellings/A%00B/candidates",
        headers=actor("bailleur"),
    )
    assert_refused(answer, "ref", before, client)
    assert answer.json()["code"] == "invalid_text"


def test_access_log_filters_refuse_a_nul(client: TestClient) -> None:
    answer = client.get("/v1/access-log", params={"subject": "a\x00b"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_text"


def test_department_settings_refuse_a_control_character(client: TestClient) -> None:
    before = head(client)
    body = settings_body()
    body["settings"]["required_documents"] = ["piece\x00identite"]
    answer = adopt_settings(client, body=body)
    assert_refused(answer, "required_documents", before, client)


def test_an_insee_code_takes_ascii_digits_only(client: TestClient) -> None:
    before = head(client)
    # A CCAS of Fort-de-France, so that only the body's commune is at fault.
    answer = identify(
        client,
        identification(commune="٩٧٢٠٩"),
        headers=actor("ccas", commune="97209"),
    )
    assert_refused(answer, "commune", before, client)
