"""Crypto-shredding (issue 7 part 4): a household's personal fields are stored
encrypted with its key; erasing the key, once the retention allows it, leaves a
history that still replays, audits and verifies, with "[donnée effacée]" where
the personal fields were. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from starlette.testclient import TestClient

from api.cli import main as cli_main
from api.main import create_app
from domain.personal import ERASED
from infra.household_keys import keys_of
from infra.ledger import ledger_of, verify_store
from infra.settings import Settings
from tests.helpers.api import (
    MAIRIE_AVIS,
    SOCIAL_ENQUIRY,
    WITHDRAWAL,
    actor,
    adopt_settings,
    drive_dossier,
    history,
    identification,
    identify,
    store_position,
    take,
    today,
)
from tests.helpers.backends import EVERY_STORE

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from infra.bootstrap import System

NAME = "Marie-Josée Lordinot"
ENQUIRY = "Famille hébergée chez un tiers, trois personnes."
COMMENT = "Priorité communale."
PATH = [SOCIAL_ENQUIRY, MAIRIE_AVIS, WITHDRAWAL]


def system_of(client: TestClient) -> System:
    return client.app.state.system  # type: ignore[attr-defined,no-any-return]


def withdrawn_dossier(client: TestClient, on: date) -> tuple[str, UUID]:
    """A dossier with an enquête and an avis, withdrawn, all on `on`; its id and
    its household's."""
    dossier_id = drive_dossier(client, to="retire", on=on, path=PATH)
    return dossier_id, household_of(client, dossier_id)


def household_of(client: TestClient, dossier_id: str) -> UUID:
    """The household Logis assigned to the dossier."""
    read = client.get(f"/v1/dossiers/{dossier_id}", headers=actor("auditeur"))
    return UUID(read.json()["household_id"])


def raw_states(system: System, record_id: str) -> list[bytes]:
    return [e.state for e in system.app.recorder.select_events(UUID(record_id))]


def erase(client: TestClient, household: UUID, role: str = "admin") -> Any:
    return client.post(f"/v1/admin/households/{household}/erasure", headers=actor(role))


def audit_summaries(client: TestClient, dossier_id: str) -> str:
    answer = client.get(f"/v1/dossiers/{dossier_id}/audit")
    assert answer.status_code == 200, answer.text
    return answer.text


def test_personal_fields_are_stored_encrypted(client: TestClient, department: str):
    dossier_id, _ = withdrawn_dossier(client, today())
    states = raw_states(system_of(client), dossier_id)
    stored = b"".join(states)
    for text in (NAME, ENQUIRY, COMMENT):
        assert text.encode() not in stored
        assert text.encode("unicode_escape") not in stored
    assert b"__erasable__" in states[0]
    # Read back through the application, they are there.
    first, *_ = system_of(client).app.events.get(UUID(dossier_id))
    assert first.applicant_name == NAME


def test_erasure_before_the_retention_ends_is_refused(
    client: TestClient, department: str
):
    dossier_id, household = withdrawn_dossier(client, today())
    before = store_position(client)
    answer = erase(client, household)
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert body["code"] == "retention_not_elapsed"
    # Withdrawn today: kept a month (social_data_retention_months), then erasable.
    possible = _add_month(today()) + timedelta(days=1)
    assert body["message"].endswith(f" à partir du {possible:%d/%m/%Y}.")
    assert store_position(client) == before
    row = keys_of(system_of(client).app).row(household)
    assert row is not None
    assert not row.erased
    assert client.get(f"/v1/dossiers/{dossier_id}").json()["applicant_name"] == NAME


def test_an_open_dossier_cannot_be_erased(client: TestClient, department: str):
    created = client.post("/v1/dossiers", json=identification(), headers=actor("ccas"))
    assert created.status_code == 201, created.text
    household = household_of(client, created.json()["id"])
    answer = erase(client, household)
    assert answer.status_code == 409
    assert answer.json()["code"] == "retention_not_elapsed"


def test_only_an_administrator_erases(client: TestClient, department: str):
    _, household = withdrawn_dossier(client, today() - timedelta(days=100))
    assert erase(client, household, role="als").status_code == 403
    assert erase(client, household, role="auditeur").status_code == 403


def test_an_unknown_household_is_not_found(client: TestClient, department: str):
    assert erase(client, uuid4()).status_code == 404


def test_erasure_keeps_the_history_replayable_auditable_and_verified(
    client: TestClient, department: str
):
    # Step: a household whose dossier was withdrawn 100 days ago, another one.
    dossier_id, household = withdrawn_dossier(client, today() - timedelta(days=100))
    other_id, _ = withdrawn_dossier(client, today() - timedelta(days=100))
    system = system_of(client)
    stored_before = raw_states(system, dossier_id)
    system.catch_up()
    assert NAME in audit_summaries(client, dossier_id)
    listed = client.get("/v1/dossiers", params={"commune": "97209"})
    assert NAME in listed.text

    # Step: the administrator erases.
    answer = erase(client, household)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["records"] == [{"kind": "dossier", "id": dossier_id}]
    assert body["categories"] == ["Id", "Soc", "Dec"]
    assert body["erased_by"] == "agent.admin"
    row = keys_of(system.app).row(household)
    assert row is not None
    assert row.erased
    assert row.erased_by == "agent.admin"

    # Step: the stored events are untouched, one event appended.
    after = raw_states(system, dossier_id)
    assert after[: len(stored_before)] == stored_before
    assert len(after) == len(stored_before) + 1

    # Step: the history replays, personal fields erased, everything else intact.
    dossier = client.get(f"/v1/dossiers/{dossier_id}").json()
    assert dossier["applicant_name"] == ERASED
    assert dossier["stage"] == "retire"
    assert dossier["household_size"] == 3
    events = history(client, dossier_id)
    text = str(events)
    for personal in (NAME, ENQUIRY, COMMENT):
        assert personal not in text
    assert ERASED in text
    assert "prioritaire" in text  # the enquête's avis is not personal
    assert events[-1]["type"] == "PersonalDataErased"
    assert events[-1]["data"] == {"categories": ["Id", "Soc", "Dec"]}
    # The other household is untouched.
    assert client.get(f"/v1/dossiers/{other_id}").json()["applicant_name"] == NAME

    # Step: the audit trail and the dossier list learnt it.
    system.catch_up()
    trail = audit_summaries(client, dossier_id)
    assert NAME not in trail
    assert "Données personnelles effacées" in trail
    listed = client.get("/v1/dossiers", params={"commune": "97209"}).json()
    names = {d["id"]: d["applicant_name"] for d in listed["data"]}
    assert names[dossier_id] == ERASED
    assert names[other_id] == NAME

    # Step: the chain still verifies, the record too.
    assert verify_store(ledger_of(system.app)).verified
    verified = client.get(f"/v1/dossiers/{dossier_id}/verify")
    assert verified.status_code == 200
    assert verified.json()["verified"]

    # Step: legality no longer reports data kept too long, and reads the history.
    legality = client.get(
        f"/v1/legality/dossiers/{dossier_id}", headers=actor("auditeur")
    )
    assert legality.status_code == 200, legality.text
    assert "RGPD-CONSERVATION" not in legality.text

    # Step: rebuilt from the first event, the views hold no name either.
    for name in ("dossier_list", "audit_trail"):
        system.engine.rebuild(name)
    assert NAME not in audit_summaries(client, dossier_id)
    listed = client.get("/v1/dossiers", params={"commune": "97209"}).json()
    assert {d["id"]: d["applicant_name"] for d in listed["data"]}[dossier_id] == ERASED

    # Step: erasing again says so, and appends nothing.
    position = store_position(client)
    again = erase(client, household)
    assert again.status_code == 200
    assert again.json()["already_erased"]
    assert store_position(client) == position


def test_an_erased_request_can_no_longer_be_replayed(
    client: TestClient, department: str
):
    # A replay answers only the very same body: after the erasure it would
    # confirm a guessed name. The digest of the body is forgotten with the key.
    on = today() - timedelta(days=100)
    body = identification(on)
    key = {"Idempotency-Key": "ccas-erased-1"}
    first = identify(client, body, headers=key)
    assert first.status_code == 201, first.text
    dossier_id = first.json()["id"]
    for step in PATH:
        answer = take(client, dossier_id, step, step.body(on))
        assert answer.status_code == 200, answer.text
    assert identify(client, body, headers=key).json() == first.json()
    assert erase(client, household_of(client, dossier_id)).status_code == 200
    position = store_position(client)
    again = identify(client, body, headers=key)
    assert again.status_code == 422, again.text
    assert again.json()["code"] == "idempotency_key_reused"
    assert store_position(client) == position


def test_logis_erase_on_the_command_line(
    client: TestClient,
    department: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    withdrawn_on = today() - timedelta(days=100)
    dossier_id, household = withdrawn_dossier(client, withdrawn_on)
    monkeypatch.setenv("LOGIS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")
    within = (withdrawn_on + timedelta(days=10)).isoformat()
    assert cli_main(["erase", str(household), "--as-of", within]) == 1
    assert "retention_not_elapsed" in capsys.readouterr().err
    # A day to come would cut the retention short and date the event later.
    position = store_position(client)
    later = (today() + timedelta(days=400)).isoformat()
    assert cli_main(["erase", str(household), "--as-of", later]) == 1
    err = capsys.readouterr().err
    assert "erasure_in_future" in err
    assert "futur" in err
    assert store_position(client) == position
    row = keys_of(system_of(client).app).row(household)
    assert row is not None
    assert not row.erased
    assert cli_main(["erase", str(household), "--by", "dpo"]) == 0
    out = capsys.readouterr().out
    assert "données personnelles effacées" in out
    assert dossier_id in out
    # This process's keys were read before the erasure: the cache stays bounded.
    system = system_of(client)
    keys = keys_of(system.app)
    keys._keys.clear()  # another process erased: past the cache's bound
    assert client.get(f"/v1/dossiers/{dossier_id}").json()["applicant_name"] == ERASED


def test_a_store_encrypted_at_rest_replays_and_verifies(tmp_path: Any) -> None:
    key = "p2WwS5V0o7Nq0hZb8c1yS6m3Q9t4r2L7e1K5f8A0d3U="
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'logis.sqlite3'}",
        log_json=False,
        cipher_key=key,
        jwt_secret="logis-tests-only-7f3c9a1e5b2d8c6f4a0e9b7d1c3f5a8e",
    )
    with TestClient(create_app(settings)) as client:
        assert adopt_settings(client).status_code == 201
        dossier_id, household = withdrawn_dossier(client, today() - timedelta(days=100))
        system = system_of(client)
        stored = b"".join(raw_states(system, dossier_id))
        assert b"97209" not in stored
        assert b"__erasable__" not in stored
        read = {"headers": actor("auditeur")}
        dossier = client.get(f"/v1/dossiers/{dossier_id}", **read).json()
        assert dossier["applicant_name"] == NAME
        assert erase(client, household).status_code == 200
        dossier = client.get(f"/v1/dossiers/{dossier_id}", **read).json()
        assert dossier["applicant_name"] == ERASED
        assert verify_store(ledger_of(system.app)).verified


def _add_month(day: date) -> date:
    from domain.shared import add_months

    return add_months(day, 1)
