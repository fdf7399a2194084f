"""The committed fixture stores (tests/fixtures/store-<day>.sqlite3), written
by the code of their day, read by today's code on SQLite and PostgreSQL: every
record replays to the version and stage it had, its audit trail holds every
event, its legality can be checked, the whole store verifies against the chain
head recorded in the manifest, and a new command extends the chain.

A failure here means a change made old histories unreadable: version the event
class and write its upcaster (tests/fixtures/event_schemas.json), never edit
a fixture store.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg
import pytest
from starlette.testclient import TestClient

from api.main import create_app
from commands.legality import check_record
from domain.legality import RULES_BY_ID
from infra.bootstrap import build_system
from infra.ledger import ledger_of, verify_store
from infra.settings import Settings
from projections.audit_trail import select_trail
from tests.fixtures.write_store import FIXTURES, manifest_path
from tests.helpers.api import TEST_JWT_SECRET, identify

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STORES = sorted(FIXTURES.glob("store-*.sqlite3"))


def test_a_fixture_store_is_committed() -> None:
    assert STORES, "tests/fixtures holds no store: python -m tests.fixtures.write_store"


@pytest.fixture(params=STORES, ids=lambda path: path.stem)
def fixture_store(request: pytest.FixtureRequest) -> Path:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def loaded(
    request: pytest.FixtureRequest, fixture_store: Path, tmp_path: Path
) -> Iterator[tuple[Settings, dict[str, Any]]]:
    """The fixture store's events and seals, as they are, in a store of the
    backend: a copy of the file, or its rows in a new PostgreSQL database."""
    manifest = json.loads(manifest_path(fixture_store).read_text(encoding="utf-8"))
    if request.param == "sqlite":
        copy = tmp_path / fixture_store.name
        shutil.copyfile(fixture_store, copy)
        yield (
            Settings(
                database_url=f"sqlite:///{copy}",
                log_json=False,
                jwt_secret=TEST_JWT_SECRET,
            ),
            manifest,
        )
        return
    url: str = request.getfixturevalue("postgres_database")
    settings = Settings(database_url=url, log_json=False, jwt_secret=TEST_JWT_SECRET)
    build_system(settings).close()  # creates the tables
    _copy_rows(fixture_store, url)
    yield settings, manifest


def _copy_rows(source: Path, url: str) -> None:
    with sqlite3.connect(source) as lite:
        events = lite.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
        seals = lite.execute(
            "SELECT notification_id, originator_id, originator_version, event_hash, "
            "chain_hash FROM event_seals ORDER BY notification_id"
        ).fetchall()
    with psycopg.connect(url) as pg, pg.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO logis_events (notification_id, originator_id, "
            "originator_version, topic, state) VALUES (%s, %s, %s, %s, %s)",
            [(n, UUID(i), v, t, bytes(s)) for n, i, v, t, s in events],
        )
        cursor.executemany(
            "INSERT INTO logis_event_seals (notification_id, originator_id, "
            "originator_version, event_hash, chain_hash) VALUES (%s, %s, %s, %s, %s)",
            [(n, UUID(i), v, e, c) for n, i, v, e, c in seals],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('logis_events', 'notification_id'), "
            "(SELECT max(notification_id) FROM logis_events))"
        )


def test_the_store_verifies_against_the_head_it_recorded(
    loaded: tuple[Settings, dict[str, Any]],
) -> None:
    settings, manifest = loaded
    head = manifest["head"]
    system = build_system(settings)
    try:
        result = verify_store(
            ledger_of(system.app), anchors={head["position"]: head["chain_hash"]}
        )
    finally:
        system.close()
    assert result.mismatch is None, result.mismatch
    assert result.events == manifest["events"]
    assert result.head == head["chain_hash"]


def test_every_record_replays_audits_and_is_checked(
    loaded: tuple[Settings, dict[str, Any]],
) -> None:
    settings, manifest = loaded
    written_on = date.fromisoformat(manifest["written_on"])
    system = build_system(settings)
    try:
        system.catch_up()
        view = system.engine.reader("audit_trail")
        assert view is not None
        rules: set[str] = set()
        dalo_dossiers = 0
        for record_id, then in manifest["records"].items():
            kind, events = system.app.record_history(UUID(record_id))
            state = None
            for event in events:
                state = event.mutate(state)
            now = {
                "kind": kind.name,
                "version": len(events),
                "stage": getattr(state, "stage", None),
            }
            assert now == then, record_id
            if getattr(state, "dalo", False):  # v1 identifications: days unknown
                dalo_dossiers += 1
                assert state.dalo_recognised_on is None
            trail = select_trail(view, UUID(record_id))
            assert [(r.version, r.event_type) for r in trail] == [
                (e.originator_version, type(e).__name__) for e in events
            ]
            assert all(r.label and r.basis for r in trail)
            checked = check_record(system.app, kind.name, UUID(record_id), written_on)
            rules |= {finding.rule for finding in checked.findings}
    finally:
        system.close()
    assert dalo_dossiers == 1  # Joseph-Angélique, identified by the Préfecture
    assert rules <= RULES_BY_ID.keys()
    assert "CCAPEX-SAISINE" in rules  # the demo's referral summoned too early


def test_a_new_command_extends_the_old_chain(
    loaded: tuple[Settings, dict[str, Any]],
) -> None:
    settings, manifest = loaded
    with TestClient(create_app(settings)) as client:
        answer = identify(client)
        assert answer.status_code == 201, answer.text
    system = build_system(settings)
    try:
        result = verify_store(ledger_of(system.app))
    finally:
        system.close()
    assert result.mismatch is None, result.mismatch
    assert result.events == manifest["events"] + 1
